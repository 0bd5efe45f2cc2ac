#include "model/offered_editions.h"

#include <algorithm>

namespace newsdesk {

std::vector<std::string> OfferedTranslations(const Article& a, const Config& config) {
  std::vector<std::string> offered;
  for (const auto& language : a.translation_languages) {
    const bool unreviewed = std::count(a.unreviewed_machine_translations.begin(),
                                       a.unreviewed_machine_translations.end(), language) > 0;
    if (!(unreviewed && config.noindex_machine_translations)) offered.push_back(language);
  }
  return offered;
}

std::vector<std::string> OfferedEditions(const std::string& language, const std::vector<std::string>& offered_translations,
                                         const Config& config) {
  std::vector<std::string> editions;
  for (const auto& e : config.editions)
    if (e == language || std::count(offered_translations.begin(), offered_translations.end(), e)) editions.push_back(e);
  return editions;
}

}  // namespace newsdesk
