// `newsdesk mentions FILE`: the tag stage alone, so it can be measured.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "common/text.h"
#include "mentions/tagger.h"
#include "store/store.h"

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


Status RunEntitiesRetag(const Config& config) {
  auto gazetteer = Gazetteer::LoadBuiltIn();
  if (!gazetteer.ok()) return gazetteer.status();
  Tagger tagger(*gazetteer);
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto ids = (*store)->ArticleIds();
  if (!ids.ok()) return ids.status();
  const bool tty = ::isatty(STDERR_FILENO);
  size_t done = 0, changed = 0;
  for (int64_t id : *ids) {
    auto a = (*store)->GetArticle(id);
    if (!a.ok()) {
      if (a.status().is_not_found()) continue;  // deleted meanwhile
      return a.status();
    }
    auto mentions = TagArticle(tagger, a->headline, a->body);
    const bool same = mentions.size() == a->mentions.size() &&
                      std::equal(mentions.begin(), mentions.end(), a->mentions.begin(), [](const auto& x, const auto& y) {
                        return x.entity == y.entity && x.count == y.count && x.first_offset == y.first_offset;
                      });
    if (!same) {
      ND_RETURN_IF_ERROR((*store)->ReplaceMentions(id, mentions));
      ++changed;
    }
    ++done;
    if (tty && (done % 50 == 0 || done == ids->size())) {
      const int width = 30;
      const int filled = static_cast<int>(width * done / ids->size());
      fmt::print(stderr, "\r[{}{}] {}/{} articles", std::string(filled, '#'), std::string(width - filled, ' '), done,
                 ids->size());
      if (done == ids->size()) fmt::print(stderr, "\n");
    }
  }
  fmt::print("re-tagged {} articles: {} changed\n", done, changed);
  return Status::Ok();
}

}  // namespace newsdesk
