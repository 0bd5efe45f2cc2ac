#include "mentions/knowledge.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/text.h"

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

// CheckText refuses a name or form that is empty, not UTF-8, too long, or
// holds control characters, line breaks and tabs included: the tagger
// matches words within a line, so such a form would never match, and a
// page would show it broken.
Status CheckText(const std::string& text) {
  if (Trim(text).empty() || !IsValidUtf8(text) || HasControlChars(text) ||
      text.find_first_of("\t\n\r") != std::string::npos || Utf8Length(text) > kMaxEntityText)
    return Status::InvalidArgument(
               fmt::format("a name or form must be non-empty UTF-8 without control characters, at most {} characters",
                           kMaxEntityText))
        .With(ReasonCode::kEntityTextInvalid, {{"max", std::to_string(kMaxEntityText)}});
  return Status::Ok();
}

Status UnknownEntity(const std::string& id) {
  return Status::NotFound(fmt::format("no entity '{}'", id)).With(ReasonCode::kEntityUnknown, {{"id", id}});
}

std::set<std::string> ConflictsOf(const std::shared_ptr<const Gazetteer>& g) {
  Tagger tagger(g);
  return {tagger.conflicts().begin(), tagger.conflicts().end()};
}

void AddUnique(std::vector<std::string>& list, const std::string& form) {
  if (std::find(list.begin(), list.end(), form) == list.end()) list.push_back(form);
}

// StoreEntity writes `entity` over `current`, refusing it when one of its forms is
// claimed by another entity: the tagger would give the form to the other
// one, and the editor should decide (a form elsewhere, or a merge).
Result<std::shared_ptr<const Gazetteer>> StoreEntity(Store& store, const std::shared_ptr<const Gazetteer>& current,
                                                     const Entity& entity) {
  const std::string line = EntityToJsonLine(entity);
  auto next = Gazetteer::WithEdits(*current, {line}, {});
  if (!next.ok()) return next.status();
  const auto before = ConflictsOf(current);
  std::vector<std::string> added;
  for (const auto& c : ConflictsOf(*next))
    if (!before.count(c)) added.push_back(c);
  if (!added.empty())
    return Status::AlreadyExists(fmt::format("another entity already has this form: {}{}", added.front(),
                                             added.size() > 1 ? fmt::format(" (and {} more)", added.size() - 1) : ""))
        .With(ReasonCode::kEntityFormTaken, {{"form", added.front()}});
  ND_RETURN_IF_ERROR(store.PutEntityEdit(EntityEdit{entity.id, line, {}}));
  return *next;
}

}  // namespace

Result<KnowledgeChange> AddEntity(Store& store, const NewEntity& n) {
  if (!IsEntityId(n.id))
    return Status::InvalidArgument(
               fmt::format("'{}' is not an id: use lower-case ASCII words joined by '-', like 'naval-group'", n.id))
        .With(ReasonCode::kEntityIdInvalid, {{"id", n.id}});
  auto type = ParseEntityType(n.type);
  if (!type)
    return Status::InvalidArgument(
               fmt::format("unknown type '{}': person, organisation, country, place, facility or event", n.type))
        .With(ReasonCode::kEntityTypeUnknown, {{"type", n.type}});
  if (Trim(n.name_en).empty() && Trim(n.name_ru).empty())
    return Status::InvalidArgument("give the entity a name in English and/or Russian")
        .With(ReasonCode::kEntityNameMissing);
  for (const auto* name : {&n.name_en, &n.name_ru})
    if (!name->empty()) ND_RETURN_IF_ERROR(CheckText(*name));
  for (const auto* forms : {&n.aliases, &n.exact})
    for (const auto& form : *forms) ND_RETURN_IF_ERROR(CheckText(form));
  auto current = LoadSiteGazetteer(store);
  if (!current.ok()) return current.status();
  if ((*current)->Find(n.id))
    return Status::AlreadyExists(fmt::format("entity '{}' exists; add forms to it instead", n.id))
        .With(ReasonCode::kEntityExists, {{"id", n.id}});
  if (const Entity* merged = (*current)->Resolve(n.id))
    return Status::AlreadyExists(fmt::format("'{}' was merged into '{}'; ids are never reused", n.id, merged->id))
        .With(ReasonCode::kEntityIdMerged, {{"id", n.id}, {"into", merged->id}});
  Entity e;
  e.id = n.id;
  e.type = *type;
  if (!n.name_en.empty()) e.names["en"] = n.name_en;
  if (!n.name_ru.empty()) e.names["ru"] = n.name_ru;
  for (const auto& form : n.aliases) AddUnique(e.aliases[LanguageOfForm(form)], form);
  for (const auto& form : n.exact) AddUnique(e.exact, form);
  e.country = n.country;
  e.role = n.role;
  auto next = StoreEntity(store, *current, e);
  if (!next.ok()) return next.status();
  AuditEntry audit{.action = "entity.add", .target = "entity:" + e.id, .summary = e.Name("en"),
                   .after = EntityToJsonLine(e)};
  return KnowledgeChange{std::move(e), std::move(audit), std::move(*next)};
}

Result<KnowledgeChange> AddEntityForm(Store& store, const std::string& id, const std::string& form,
                                      const std::string& lang, bool exact) {
  ND_RETURN_IF_ERROR(CheckText(form));
  if (!lang.empty() && lang != "en" && lang != "ru")
    return Status::InvalidArgument("the language of a form must be en or ru").With(ReasonCode::kEntityLanguageInvalid);
  auto current = LoadSiteGazetteer(store);
  if (!current.ok()) return current.status();
  const Entity* found = (*current)->Find(id);
  if (!found) return UnknownEntity(id);
  Entity e = *found;
  auto& list = exact ? e.exact : e.aliases[lang.empty() ? LanguageOfForm(form) : lang];
  if (std::find(list.begin(), list.end(), form) != list.end())
    return Status::AlreadyExists(fmt::format("'{}' is already a form of '{}'", form, id))
        .With(ReasonCode::kEntityFormPresent, {{"form", form}, {"id", id}});
  list.push_back(form);
  auto next = StoreEntity(store, *current, e);
  if (!next.ok()) return next.status();
  AuditEntry audit{.action = "entity.alias", .target = "entity:" + id, .summary = e.Name("en"), .after = form};
  return KnowledgeChange{std::move(e), std::move(audit), std::move(*next)};
}

Result<KnowledgeChange> RemoveEntityForm(Store& store, const std::string& id, const std::string& form) {
  auto current = LoadSiteGazetteer(store);
  if (!current.ok()) return current.status();
  const Entity* found = (*current)->Find(id);
  if (!found) return UnknownEntity(id);
  Entity e = *found;
  bool removed = std::erase(e.exact, form) > 0;
  for (auto it = e.aliases.begin(); it != e.aliases.end();) {
    removed |= std::erase(it->second, form) > 0;
    it = it->second.empty() ? e.aliases.erase(it) : std::next(it);
  }
  if (!removed)
    return Status::NotFound(fmt::format("'{}' is not an alias of '{}'", form, id))
        .With(ReasonCode::kEntityFormMissing, {{"form", form}, {"id", id}});
  // Taking a form away never makes a conflict, but the write goes the one way.
  auto next = StoreEntity(store, *current, e);
  if (!next.ok()) return next.status();
  AuditEntry audit{.action = "entity.unalias", .target = "entity:" + id, .summary = e.Name("en"), .before = form};
  return KnowledgeChange{std::move(e), std::move(audit), std::move(*next)};
}

Result<KnowledgeChange> MergeEntityInto(Store& store, const std::string& from, const std::string& into) {
  if (from == into)
    return Status::InvalidArgument("merge an entity into another one").With(ReasonCode::kEntityMergeSelf);
  auto current = LoadSiteGazetteer(store);
  if (!current.ok()) return current.status();
  const Entity* gone = (*current)->Find(from);
  const Entity* kept = (*current)->Find(into);
  if (!gone) return UnknownEntity(from);
  if (!kept) return UnknownEntity(into);
  Entity merged = *kept;
  // Every form of the merged-away entity becomes a form of the kept one.
  for (const auto& [lang, name] : gone->names)
    if (merged.Name(lang) != name) AddUnique(merged.aliases[lang], name);
  for (const auto& [lang, forms] : gone->aliases)
    for (const auto& form : forms) AddUnique(merged.aliases[lang], form);
  for (const auto& form : gone->exact) AddUnique(merged.exact, form);
  ND_RETURN_IF_ERROR(store.MergeEntities(from, EntityEdit{merged.id, EntityToJsonLine(merged), {}}));
  auto next = LoadSiteGazetteer(store);
  if (!next.ok()) return next.status();
  AuditEntry audit{.action = "entity.merge", .target = "entity:" + from,
                   .summary = fmt::format("{} into {}", gone->Name("en"), kept->Name("en")), .before = from,
                   .after = into};
  return KnowledgeChange{std::move(merged), std::move(audit), std::move(*next)};
}

Result<AuditEntry> DismissNameCandidate(Store& store, const std::string& key) {
  // Keys are what FindNameCandidates makes of a name: short, one line.
  if (key.empty() || !IsValidUtf8(key) || HasControlChars(key) || key.size() > 1000)
    return Status::InvalidArgument("not a candidate's key").With(ReasonCode::kCandidateKeyInvalid);
  ND_RETURN_IF_ERROR(store.DismissCandidate(key));
  return AuditEntry{.action = "entity.dismiss", .target = "candidate:" + key, .summary = key};
}

Result<RetagCount> RetagArticles(ArticleStore& store, const Tagger& tagger, const std::vector<int64_t>& ids, bool full,
                                 const std::function<void(size_t done, size_t total)>& progress) {
  RetagCount count;
  for (int64_t id : ids) {
    auto a = store.GetArticleInAnyState(id);
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
      ++count.changed;
    }
    ++count.done;
    if (progress) progress(count.done, ids.size());
  }
  return count;
}

}  // namespace newsdesk
