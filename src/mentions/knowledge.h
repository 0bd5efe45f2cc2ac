// File: mentions/knowledge.h
//
// The editors' changes to the knowledge base: add an entity, add or remove
// one of its forms, merge one entity into another, dismiss an unknown name,
// and re-tag stored articles. One implementation, which `newsdesk entities`
// and the desk's Entities room both call, so a change made either way is
// checked, stored and logged alike.
//
//   auto added = AddEntity(store, {.id = "naval-group", .type = "organisation", .name_en = "Naval Group"});
//   if (added.ok()) AppendAudit(who + added->audit);   // the caller says who did it
//
// Each change is checked against the site's gazetteer as the store holds it
// at that moment (LoadSiteGazetteer), not against a copy a server loaded
// earlier, and is written through KnowledgeStore in one transaction; that
// moves KnowledgeVersion, so every running server reloads within seconds.
// A refusal is a Status with a Reason (common/reason.h) the desk shows in
// the editor's language; its message is English, for the command line.
//
// Stored articles keep their mentions until they are tagged again
// (RetagArticles); a merge is the exception, as the store moves the
// merged entity's mentions itself.
//
// Thread-safety: the functions keep no state; two editors changing the same
// entity at the same moment can lose one change (the later write wins).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "mentions/gazetteer.h"
#include "mentions/tagger.h"
#include "store/store.h"

namespace newsdesk {

// kMaxEntityText: the longest name or form, in characters.
inline constexpr size_t kMaxEntityText = 200;

// NewEntity: what an editor gives for a new entity. Aliases go to the
// language their script says (Cyrillic: ru, else en); `exact` forms match
// only as written (acronyms).
struct NewEntity {
  std::string id;    // an ASCII slug, IsEntityId
  std::string type;  // EntityTypeName: person, organisation, …
  std::string name_en;
  std::string name_ru;
  std::vector<std::string> aliases;
  std::vector<std::string> exact;
  std::string country;
  std::string role;
};

// KnowledgeChange: a change made. `audit` holds what the audit log records
// of it (action, target, summary, before, after); the caller adds who and
// when. `entity` is the entity as it now stands (the kept one, for a
// merge), and `gazetteer` the site's gazetteer with the change, for a
// caller that tags with it at once.
struct KnowledgeChange {
  Entity entity;
  AuditEntry audit;
  std::shared_ptr<const Gazetteer> gazetteer;
};

// AddEntity adds an entity. Refused when the id is not a slug or is taken
// (also by a merged-away entity: ids are never reused), the type unknown,
// no name given, a text not UTF-8 or too long, or another entity already
// has one of its forms (the tagger would give the form to that one).
Result<KnowledgeChange> AddEntity(Store& store, const NewEntity& e);

// AddEntityForm adds `form` to entity `id`: in `lang`'s aliases ("" decides
// by script; else "en" or "ru"), or to its exact forms. Refused when the
// entity is unknown, has the form already, or another entity has it.
Result<KnowledgeChange> AddEntityForm(Store& store, const std::string& id, const std::string& form,
                                      const std::string& lang, bool exact);

// RemoveEntityForm removes `form` from entity `id`'s aliases and exact
// forms (its names stay: they are what pages call it). NotFound when the
// entity has no such alias.
Result<KnowledgeChange> RemoveEntityForm(Store& store, const std::string& id, const std::string& form);

// MergeEntityInto folds entity `from` into `into`: every form of `from`
// becomes a form of `into`, articles that mention `from` mention `into`,
// and `from`'s page redirects (KnowledgeStore::MergeEntities).
Result<KnowledgeChange> MergeEntityInto(Store& store, const std::string& from, const std::string& into);

// DismissNameCandidate keeps the unknown name `key` off the candidates for
// good; what the audit log records of it.
Result<AuditEntry> DismissNameCandidate(Store& store, const std::string& key);

// RetagArticles tags articles `ids` again with `tagger` and stores their
// mentions and unknown names where they changed (`full`: for every one).
// `progress` (optional) hears (done, total) after each article. Articles
// deleted meanwhile are skipped.
struct RetagCount {
  size_t done = 0;
  size_t changed = 0;
};
Result<RetagCount> RetagArticles(ArticleStore& store, const Tagger& tagger, const std::vector<int64_t>& ids, bool full,
                                 const std::function<void(size_t done, size_t total)>& progress = {});

}  // namespace newsdesk
