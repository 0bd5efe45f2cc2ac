// `newsdesk mentions FILE`: the tag stage alone, so it can be measured.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "common/text.h"
#include "mentions/tagger.h"

namespace newsdesk {

Status RunMentions(const std::string& path, const std::string& lang, bool as_json) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(path + ": cannot read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (!IsValidUtf8(text)) return Status::InvalidArgument(path + ": not valid UTF-8");
  auto gazetteer = Gazetteer::LoadBuiltIn();
  if (!gazetteer.ok()) return gazetteer.status();
  Tagger tagger(*gazetteer);
  auto mentions = tagger.Tag(text);
  if (as_json) {
    nlohmann::json entities = nlohmann::json::array();
    for (const auto& m : mentions) {
      nlohmann::json spans = nlohmann::json::array();
      for (const auto& s : m.spans)
        spans.push_back({{"start", s.start}, {"end", s.end}, {"text", text.substr(s.start, s.end - s.start)}});
      entities.push_back({{"id", m.entity->id},
                          {"name", m.entity->Name("en")},
                          {"type", EntityTypeName(m.entity->type)},
                          {"count", m.count},
                          {"spans", spans}});
    }
    fmt::print("{}\n", nlohmann::json{{"entities", entities}}.dump(2));
    return Status::Ok();
  }
  for (const auto& m : mentions)
    fmt::print("{:>4}  {:<13} {}\n", m.count, EntityTypeName(m.entity->type), m.entity->Name(lang.empty() ? "en" : lang));
  return Status::Ok();
}


}  // namespace newsdesk
