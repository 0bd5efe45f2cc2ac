// `newsdesk entities …`: editors grow the knowledge base from the names
// articles use, and re-tag what is stored. Their changes (not re-tagging,
// which only follows them) append to the audit log.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "common/text.h"
#include "common/time.h"
#include "mentions/tagger.h"
#include "store/store.h"

namespace newsdesk {

namespace {

// Script decides the language of a form an editor gives without one.
std::string LanguageOfForm(const std::string& form) {
  for (size_t i = 0; i + 1 < form.size(); ++i) {
    const auto c = static_cast<unsigned char>(form[i]);
    if (c == 0xD0 || c == 0xD1) return "ru";  // the Cyrillic block's lead bytes
  }
  return "en";
}

std::set<std::string> ConflictsOf(const std::shared_ptr<const Gazetteer>& g) {
  Tagger tagger(g);
  return {tagger.conflicts().begin(), tagger.conflicts().end()};
}

// CheckedEdit turns `entity` into the edit to store, refusing one whose
// forms another entity already claims: the tagger would give them to the
// other one, and the editor should decide (alias elsewhere, or merge).
Result<EntityEdit> CheckedEdit(const std::shared_ptr<const Gazetteer>& current, const Entity& entity) {
  const std::string line = EntityToJsonLine(entity);
  auto next = Gazetteer::WithEdits(*current, {line}, {});
  if (!next.ok()) return next.status();
  const auto before = ConflictsOf(current);
  std::vector<std::string> added;
  for (const auto& c : ConflictsOf(*next))
    if (!before.count(c)) added.push_back(c);
  if (!added.empty())
    return Status::AlreadyExists(fmt::format("another entity already has this form: {}{}", added.front(),
                                             added.size() > 1 ? fmt::format(" (and {} more)", added.size() - 1) : ""));
  return EntityEdit{entity.id, line, {}};
}

Status PrintRetagHint(const std::string& what) {
  fmt::print("{}\nrun `newsdesk entities retag` to tag the stored articles again; a running server reloads the "
             "entities within seconds\n",
             what);
  return Status::Ok();
}

struct Opened {
  std::unique_ptr<Store> store;
  std::shared_ptr<const Gazetteer> gazetteer;
};

Result<Opened> OpenWithGazetteer(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto g = LoadSiteGazetteer(**store);
  if (!g.ok()) return g.status();
  return Opened{std::move(*store), std::move(*g)};
}

void AddUnique(std::vector<std::string>& list, const std::string& form) {
  if (std::find(list.begin(), list.end(), form) == list.end()) list.push_back(form);
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
  ND_RETURN_IF_ERROR((*store)->DismissCandidate(key));
  AppendCliAudit(**store, "entities dismiss",
                 {.action = "entity.dismiss", .target = fmt::format("candidate:{}", key), .summary = key});
  fmt::print("'{}' will not be offered again\n", key);
  return Status::Ok();
}

Status RunEntitiesAdd(const Config& config, const EntitiesAddFlags& flags) {
  if (!IsEntityId(flags.id))
    return Status::InvalidArgument(fmt::format("'{}' is not an id: use lower-case ASCII words joined by '-', like 'naval-group'", flags.id));
  auto type = ParseEntityType(flags.type);
  if (!type)
    return Status::InvalidArgument(
        fmt::format("unknown type '{}': person, organisation, country, place, facility or event", flags.type));
  if (flags.name_en.empty() && flags.name_ru.empty())
    return Status::InvalidArgument("give the entity a name: --en NAME and/or --ru NAME");
  for (const auto* text : {&flags.name_en, &flags.name_ru})
    if (!IsValidUtf8(*text) || Utf8Length(*text) > 200) return Status::InvalidArgument("a name must be UTF-8, at most 200 characters");
  auto opened = OpenWithGazetteer(config);
  if (!opened.ok()) return opened.status();
  if (opened->gazetteer->Find(flags.id))
    return Status::AlreadyExists(fmt::format("entity '{}' exists; add forms with `newsdesk entities alias {} FORM`", flags.id, flags.id));
  if (const Entity* merged = opened->gazetteer->Resolve(flags.id))
    return Status::AlreadyExists(fmt::format("'{}' was merged into '{}'; ids are never reused", flags.id, merged->id));
  Entity e;
  e.id = flags.id;
  e.type = *type;
  if (!flags.name_en.empty()) e.names["en"] = flags.name_en;
  if (!flags.name_ru.empty()) e.names["ru"] = flags.name_ru;
  for (const auto& form : flags.aliases) AddUnique(e.aliases[LanguageOfForm(form)], form);
  for (const auto& form : flags.exact) AddUnique(e.exact, form);
  e.country = flags.country;
  e.role = flags.role;
  auto edit = CheckedEdit(opened->gazetteer, e);
  if (!edit.ok()) return edit.status();
  ND_RETURN_IF_ERROR(opened->store->PutEntityEdit(*edit));
  AppendCliAudit(*opened->store, "entities add",
                 {.action = "entity.add", .target = fmt::format("entity:{}", e.id), .summary = e.Name("en"),
                  .after = edit->definition});
  return PrintRetagHint(fmt::format("added {} '{}'", EntityTypeName(e.type), e.Name("en")));
}

Status RunEntitiesAlias(const Config& config, const std::string& id, const std::string& form, const std::string& lang,
                        bool exact) {
  if (form.empty() || !IsValidUtf8(form) || Utf8Length(form) > 200)
    return Status::InvalidArgument("a form must be non-empty UTF-8, at most 200 characters");
  if (!lang.empty() && lang != "en" && lang != "ru") return Status::InvalidArgument("--lang must be en or ru");
  auto opened = OpenWithGazetteer(config);
  if (!opened.ok()) return opened.status();
  const Entity* found = opened->gazetteer->Find(id);
  if (!found) return Status::NotFound(fmt::format("no entity '{}' (see /en/mentions/ or `entities add`)", id));
  Entity e = *found;
  auto& list = exact ? e.exact : e.aliases[lang.empty() ? LanguageOfForm(form) : lang];
  if (std::find(list.begin(), list.end(), form) != list.end())
    return Status::AlreadyExists(fmt::format("'{}' is already a form of '{}'", form, id));
  list.push_back(form);
  auto edit = CheckedEdit(opened->gazetteer, e);
  if (!edit.ok()) return edit.status();
  ND_RETURN_IF_ERROR(opened->store->PutEntityEdit(*edit));
  AppendCliAudit(*opened->store, "entities alias",
                 {.action = "entity.alias", .target = fmt::format("entity:{}", id), .summary = e.Name("en"),
                  .after = form});
  return PrintRetagHint(fmt::format("'{}' is now a form of '{}'", form, id));
}

Status RunEntitiesMerge(const Config& config, const std::string& from, const std::string& into) {
  if (from == into) return Status::InvalidArgument("merge an entity into another one");
  auto opened = OpenWithGazetteer(config);
  if (!opened.ok()) return opened.status();
  const Entity* gone = opened->gazetteer->Find(from);
  const Entity* kept = opened->gazetteer->Find(into);
  if (!gone) return Status::NotFound(fmt::format("no entity '{}'", from));
  if (!kept) return Status::NotFound(fmt::format("no entity '{}'", into));
  Entity merged = *kept;
  // Every form of the merged-away entity becomes a form of the kept one.
  for (const auto& [lang, name] : gone->names)
    if (merged.Name(lang) != name) AddUnique(merged.aliases[lang], name);
  for (const auto& [lang, forms] : gone->aliases)
    for (const auto& form : forms) AddUnique(merged.aliases[lang], form);
  for (const auto& form : gone->exact) AddUnique(merged.exact, form);
  ND_RETURN_IF_ERROR(opened->store->MergeEntities(from, EntityEdit{merged.id, EntityToJsonLine(merged), {}}));
  AppendCliAudit(*opened->store, "entities merge",
                 {.action = "entity.merge", .target = fmt::format("entity:{}", from),
                  .summary = fmt::format("{} into {}", gone->Name("en"), kept->Name("en")), .before = from,
                  .after = into});
  return PrintRetagHint(fmt::format("merged '{}' into '{}': its mentions and page now belong to '{}'", from, into, into));
}

Status RunEntitiesRetag(const Config& config, bool full) {
  auto opened = OpenWithGazetteer(config);
  if (!opened.ok()) return opened.status();
  Store& store = *opened->store;
  Tagger tagger(opened->gazetteer);
  auto ids = store.ArticleIds();
  if (!ids.ok()) return ids.status();
  const bool tty = ::isatty(STDERR_FILENO);
  size_t done = 0, changed = 0;
  for (int64_t id : *ids) {
    auto a = store.GetArticle(id);
    if (!a.ok()) {
      if (a.status().is_not_found()) continue;  // deleted meanwhile
      return a.status();
    }
    auto tags = TagArticle(tagger, a->headline, a->body);
    const bool same = tags.mentions.size() == a->mentions.size() &&
                      std::equal(tags.mentions.begin(), tags.mentions.end(), a->mentions.begin(),
                                 [](const auto& x, const auto& y) {
                                   return x.entity == y.entity && x.count == y.count && x.first_offset == y.first_offset;
                                 });
    // Unknown names change when mentions do (a new alias covers one); `full`
    // rewrites them all, for articles stored before they were collected.
    if (!same || full) {
      ND_RETURN_IF_ERROR(store.ReplaceTags(id, tags.mentions, tags.candidates));
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
