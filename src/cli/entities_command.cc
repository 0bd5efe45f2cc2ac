// `newsdesk entities …`: editors grow the knowledge base from the names
// articles use, and re-tag what is stored. Their changes (not re-tagging,
// which only follows them) append to the audit log.
#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/time.h"
#include "mentions/knowledge.h"
#include "store/store.h"

namespace newsdesk {

namespace {

Status PrintRetagHint(const std::string& what) {
  fmt::print("{}\nrun `newsdesk entities retag` to tag the stored articles again; a running server reloads the "
             "entities within seconds\n",
             what);
  return Status::Ok();
}

}  // namespace

Status RunEntitiesCandidates(const Config& config, const EntitiesCandidatesFlags& flags) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto page = (*store)->FindCandidates({.min_articles = flags.min_articles, .limit = flags.limit});
  if (!page.ok()) return page.status();
  const auto* list = &page->candidates;
  if (flags.json) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : *list)
      items.push_back({{"key", c.key},
                       {"form", c.form},
                       {"language", c.language},
                       {"articles", c.articles},
                       {"mentions", c.mentions},
                       {"last_seen", FormatIso8601(c.last_seen)}});
    fmt::print("{}\n", nlohmann::json{{"candidates", items}}.dump(2));
    return Status::Ok();
  }
  if (list->empty()) {
    fmt::print("no unknown names used by {} or more articles\n", flags.min_articles);
    return Status::Ok();
  }
  fmt::print("{:>8} {:>8}  {:<4} {:<40} {}\n", "articles", "mentions", "lang", "name", "key (for dismiss)");
  // fmt pads by code points, so Cyrillic columns line up too.
  for (const auto& c : *list)
    fmt::print("{:>8} {:>8}  {:<4} {:<40} {}\n", c.articles, c.mentions, c.language, c.form, c.key);
  return Status::Ok();
}

Status RunEntitiesDismiss(const Config& config, const std::string& key) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto audit = DismissNameCandidate(**store, key);
  if (!audit.ok()) return audit.status();
  AppendCliAudit(**store, "entities dismiss", *audit);
  fmt::print("'{}' will not be offered again\n", key);
  return Status::Ok();
}

Status RunEntitiesAdd(const Config& config, const EntitiesAddFlags& flags) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto added = AddEntity(**store, {.id = flags.id, .type = flags.type, .name_en = flags.name_en,
                                   .name_ru = flags.name_ru, .aliases = flags.aliases, .exact = flags.exact,
                                   .country = flags.country, .role = flags.role});
  if (!added.ok()) return added.status();
  AppendCliAudit(**store, "entities add", added->audit);
  return PrintRetagHint(fmt::format("added {} '{}'", EntityTypeName(added->entity.type), added->entity.Name("en")));
}

Status RunEntitiesAlias(const Config& config, const std::string& id, const std::string& form, const std::string& lang,
                        bool exact) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto added = AddEntityForm(**store, id, form, lang, exact);
  if (!added.ok()) return added.status();
  AppendCliAudit(**store, "entities alias", added->audit);
  return PrintRetagHint(fmt::format("'{}' is now a form of '{}'", form, id));
}

Status RunEntitiesMerge(const Config& config, const std::string& from, const std::string& into) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto merged = MergeEntityInto(**store, from, into);
  if (!merged.ok()) return merged.status();
  AppendCliAudit(**store, "entities merge", merged->audit);
  return PrintRetagHint(fmt::format("merged '{}' into '{}': its mentions and page now belong to '{}'", from, into, into));
}

Status RunEntitiesRetag(const Config& config, bool full) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto gazetteer = LoadSiteGazetteer(**store);
  if (!gazetteer.ok()) return gazetteer.status();
  Tagger tagger(*gazetteer);
  auto ids = (*store)->ArticleIds();
  if (!ids.ok()) return ids.status();
  const bool tty = ::isatty(STDERR_FILENO);
  auto bar = [tty](size_t done, size_t total) {
    if (!tty || (done % 50 != 0 && done != total)) return;
    const int width = 30;
    const int filled = static_cast<int>(width * done / total);
    fmt::print(stderr, "\r[{}{}] {}/{} articles", std::string(filled, '#'), std::string(width - filled, ' '), done,
               total);
    if (done == total) fmt::print(stderr, "\n");
  };
  auto count = RetagArticles(**store, tagger, *ids, full, bar);
  if (!count.ok()) return count.status();
  fmt::print("re-tagged {} articles: {} changed\n", count->done, count->changed);
  return Status::Ok();
}

}  // namespace newsdesk
