// File: mentions/gazetteer.h
//
// The knowledge base of the tag stage: entities (people, organisations,
// countries, places, facilities, events), each with a canonical name per
// edition language and the aliases news use in each language. The starter
// gazetteer is gazetteer/entities.jsonl (format in gazetteer/README.md),
// built into the binary.
//
//   auto g = Gazetteer::LoadBuiltIn();
//   const Entity* e = g->Find("united-states");
//   e->Name("ru");   // "США"
//
// Thread-safety: immutable after loading; share freely.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace newsdesk {

enum class EntityType { kPerson, kOrganisation, kCountry, kPlace, kFacility, kEvent };

const char* EntityTypeName(EntityType t);
std::optional<EntityType> ParseEntityType(const std::string& name);

struct Entity {
  std::string id;    // stable ASCII slug
  EntityType type = EntityType::kPlace;
  std::map<std::string, std::string> names;                 // language → canonical name
  std::map<std::string, std::vector<std::string>> aliases;  // language → other surface forms
  std::vector<std::string> exact;  // case-sensitive forms matched as written (acronyms)
  std::string iso;                 // countries: ISO 3166-1 alpha-2
  std::string role;                // people: office and period
  std::string country;             // people: ISO code

  // Name is the canonical name in `lang`, else the English one, else the id.
  const std::string& Name(const std::string& lang) const;
};

class Gazetteer {
 public:
  // LoadBuiltIn parses the gazetteer built into the binary.
  static Result<std::shared_ptr<const Gazetteer>> LoadBuiltIn();
  // Parse reads JSON Lines text; errors name the line. `name` labels them.
  static Result<std::shared_ptr<const Gazetteer>> Parse(std::string_view jsonl, const std::string& name);
  // WithEdits is `base` with editors' changes: each edit (a gazetteer line)
  // adds an entity or replaces the one with its id, and each merged-away id
  // of `redirects` (from, to) is gone, found only through Resolve.
  static Result<std::shared_ptr<const Gazetteer>> WithEdits(
      const Gazetteer& base, const std::vector<std::string>& edits,
      const std::vector<std::pair<std::string, std::string>>& redirects);

  const std::vector<Entity>& entities() const { return entities_; }
  const Entity* Find(std::string_view id) const;
  // Resolve is Find, following a merged-away id to the entity it became.
  const Entity* Resolve(std::string_view id) const;

 private:
  void Add(Entity e);  // replaces an entity with the same id

  std::vector<Entity> entities_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, std::string> redirects_;
};

// LoadSiteGazetteer is the built-in gazetteer with the editors' entities
// and merges kept in `store` (see `newsdesk entities`).
Result<std::shared_ptr<const Gazetteer>> LoadSiteGazetteer(Store& store);

// ParseEntity reads one gazetteer line; EntityToJsonLine writes one.
Result<Entity> ParseEntity(std::string_view line);
std::string EntityToJsonLine(const Entity& e);

// IsEntityId: an ASCII slug like "naval-group", what URLs and mentions use.
bool IsEntityId(std::string_view id);

}  // namespace newsdesk
