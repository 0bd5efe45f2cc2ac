#include "render/catalog.h"

#include <fmt/format.h>

#include <regex>

#include <spdlog/spdlog.h>

#include "common/reason.h"
#include "common/time.h"
#include "render/assets.h"

namespace newsdesk {

namespace catalog_internal {

struct EnglishReason {
  ReasonCode code;
  std::regex pattern;               // the `en` text; each {placeholder} is a group
  std::vector<std::string> params;  // the placeholders, in the groups' order
};

struct EnglishReasons {
  std::vector<EnglishReason> reasons;
};

}  // namespace catalog_internal

namespace {

// EnglishPattern turns "the password must be at least {min} characters
// long" into a pattern matching that sentence with any value for {min}.
catalog_internal::EnglishReason EnglishPattern(ReasonCode code, const std::string& text) {
  static const std::regex kPlaceholder(R"(\{([a-z0-9_]+)\})");
  static const std::regex kSpecial(R"([.^$|()\[\]{}*+?\\])");
  catalog_internal::EnglishReason out{code, {}, {}};
  std::string pattern;
  auto literal = [&](const std::string& part) { pattern += std::regex_replace(part, kSpecial, R"(\$&)"); };
  size_t last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kPlaceholder); it != std::sregex_iterator(); ++it) {
    literal(text.substr(last, static_cast<size_t>(it->position()) - last));
    pattern += "(.+?)";
    out.params.push_back((*it)[1].str());
    last = static_cast<size_t>(it->position() + it->length());
  }
  literal(text.substr(last));
  out.pattern = std::regex(pattern);
  return out;
}

// SharedEnglishReasons compiles the `en` catalog's reason texts once, for
// every catalog's ReasonOf; null when en.json cannot be read (then Load of
// "en" reports why).
std::shared_ptr<const catalog_internal::EnglishReasons> SharedEnglishReasons() {
  static const std::shared_ptr<const catalog_internal::EnglishReasons> kShared = [] {
    std::shared_ptr<catalog_internal::EnglishReasons> out;
    auto text = FindAsset("i18n/en.json");
    if (!text) return out;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("reasons") || !j["reasons"].is_object()) return out;
    out = std::make_shared<catalog_internal::EnglishReasons>();
    for (const ReasonInfo& info : AllReasons()) {
      auto it = j["reasons"].find(info.key);
      if (it != j["reasons"].end() && it->is_string())
        out->reasons.push_back(EnglishPattern(info.code, it->get<std::string>()));
    }
    return out;
  }();
  return kShared;
}

}  // namespace

std::string Substitute(std::string text, const std::map<std::string, std::string>& args) {
  for (const auto& [name, value] : args) {
    const std::string token = "{" + name + "}";
    for (size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
      text.replace(pos, token.size(), value);
  }
  return text;
}

Result<Catalog> Catalog::Load(const std::string& lang) {
  const std::string path = "i18n/" + lang + ".json";
  auto text = FindAsset(path);
  if (!text) return Status::NotFound(fmt::format("no catalog {} for edition '{}'", path, lang));
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(path + ": not a JSON object");
  Catalog c;
  c.lang_ = lang;
  try {
    c.language_name_ = j.at("language_name").get<std::string>();
    c.strings_ = j.at("strings");
    c.languages_ = j.at("languages").get<std::map<std::string, std::string>>();
    c.months_ = j.at("months").get<std::vector<std::string>>();
    c.date_format_ = j.at("date_format").get<std::string>();
    c.short_date_format_ = j.at("short_date_format").get<std::string>();
    if (j.contains("reasons")) c.reasons_ = j.at("reasons").get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", path, e.what()));
  }
  c.english_ = SharedEnglishReasons();
  if (c.months_.size() != 12) return Status::InvalidArgument(path + ": 'months' must name 12 months");
  if (!c.strings_.is_object()) return Status::InvalidArgument(path + ": 'strings' must be an object");
  for (auto it = c.strings_.begin(); it != c.strings_.end(); ++it)
    if (!it->is_string()) return Status::InvalidArgument(fmt::format("{}: strings.{} is not a string", path, it.key()));
  return c;
}

std::string Catalog::Get(const std::string& key) const {
  auto it = strings_.find(key);
  if (it == strings_.end()) return key;
  return it->get<std::string>();
}

std::string Catalog::Reason(const newsdesk::Reason& reason) const {
  if (reason.empty()) return "";
  const std::string key = ReasonKey(reason.code);
  auto it = reasons_.find(key);
  std::map<std::string, std::string> values(reason.args.begin(), reason.args.end());
  if (it == reasons_.end()) {  // catalog_test keeps this from happening
    spdlog::warn("catalog {} has no reasons.{}", lang_, key);
    return key;
  }
  return Substitute(it->second, values);
}

std::string Catalog::Reason(const Status& refusal) const {
  if (!refusal.reason().empty()) return Reason(refusal.reason());
  if (!refusal.ok()) spdlog::info("a refusal without a reason code is shown in English: {}", refusal.message());
  return Reason(refusal.message());
}

std::string Catalog::Reason(const std::string& english) const {
  newsdesk::Reason reason = ReasonOf(english);
  return reason.empty() ? english : Reason(reason);
}

newsdesk::Reason Catalog::ReasonOf(const std::string& english) const {
  if (!english_) return {};
  for (const auto& r : english_->reasons) {
    std::smatch m;
    if (!std::regex_match(english, m, r.pattern)) continue;
    newsdesk::Reason out{r.code, {}};
    for (size_t i = 0; i < r.params.size(); ++i) out.args.emplace_back(r.params[i], m[i + 1].str());
    return out;
  }
  return {};
}

std::string Catalog::Format(const std::string& key, const std::map<std::string, std::string>& args) const {
  return Substitute(Get(key), args);
}

std::string Catalog::LanguageName(const std::string& code) const {
  auto it = languages_.find(code);
  return it == languages_.end() ? code : it->second;
}

std::string Catalog::Date(TimePoint t, int offset, const std::string& zone) const {
  CivilTime c = ToCivil(t, offset);
  return Substitute(date_format_, {{"month", months_[static_cast<size_t>(c.month - 1)]},
                                   {"day", std::to_string(c.day)},
                                   {"year", std::to_string(c.year)},
                                   {"time", fmt::format("{:02}:{:02} {}", c.hour, c.minute, zone)}});
}

std::string Catalog::ShortDate(TimePoint t, int offset) const {
  CivilTime c = ToCivil(t, offset);
  return Substitute(short_date_format_, {{"dd", fmt::format("{:02}", c.day)},
                                         {"mm", fmt::format("{:02}", c.month)},
                                         {"time", fmt::format("{:02}:{:02}", c.hour, c.minute)}});
}

std::string Catalog::MonthName(int month) const {
  if (month < 1 || static_cast<size_t>(month) > months_.size()) return "";
  return months_[static_cast<size_t>(month - 1)];
}

}  // namespace newsdesk
