#include "mentions/gazetteer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/asset.h"

namespace newsdesk {

const std::vector<Asset>& GazetteerAssets();  // generated from gazetteer/

const char* EntityTypeName(EntityType t) {
  switch (t) {
    case EntityType::kPerson: return "person";
    case EntityType::kOrganisation: return "organisation";
    case EntityType::kCountry: return "country";
    case EntityType::kPlace: return "place";
    case EntityType::kFacility: return "facility";
    case EntityType::kEvent: return "event";
  }
  return "place";
}

std::optional<EntityType> ParseEntityType(const std::string& s) {
  for (EntityType t : {EntityType::kPerson, EntityType::kOrganisation, EntityType::kCountry, EntityType::kPlace,
                       EntityType::kFacility, EntityType::kEvent})
    if (s == EntityTypeName(t)) return t;
  return std::nullopt;
}

const std::string& Entity::Name(const std::string& lang) const {
  if (auto it = names.find(lang); it != names.end()) return it->second;
  if (auto it = names.find("en"); it != names.end()) return it->second;
  return id;
}

const Entity* Gazetteer::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &entities_[it->second];
}

Result<Entity> ParseEntity(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("not a JSON object");
  try {
    Entity e;
    e.id = j.at("id").get<std::string>();
    auto type = ParseEntityType(j.at("type").get<std::string>());
    if (!type) return Status::InvalidArgument(fmt::format("unknown type '{}'", j.at("type").get<std::string>()));
    e.type = *type;
    e.names = j.at("name").get<std::map<std::string, std::string>>();
    if (j.contains("aliases")) e.aliases = j["aliases"].get<std::map<std::string, std::vector<std::string>>>();
    if (j.contains("exact")) e.exact = j["exact"].get<std::vector<std::string>>();
    if (j.contains("iso") && j["iso"].is_string()) e.iso = j["iso"].get<std::string>();
    if (j.contains("role") && j["role"].is_string()) e.role = j["role"].get<std::string>();
    if (j.contains("country") && j["country"].is_string()) e.country = j["country"].get<std::string>();
    if (e.id.empty() || e.names.empty()) return Status::InvalidArgument("'id' and 'name' are required");
    if (!IsEntityId(e.id)) return Status::InvalidArgument(fmt::format("id '{}' is not an ASCII slug like 'naval-group'", e.id));
    return e;
  } catch (const nlohmann::json::exception& ex) {
    return Status::InvalidArgument(ex.what());
  }
}

std::string EntityToJsonLine(const Entity& e) {
  // The key order of entities.jsonl, so an edit reads like a gazetteer line.
  nlohmann::ordered_json j;
  j["id"] = e.id;
  j["type"] = EntityTypeName(e.type);
  if (!e.iso.empty()) j["iso"] = e.iso;
  j["name"] = e.names;
  if (!e.aliases.empty()) j["aliases"] = e.aliases;
  if (!e.exact.empty()) j["exact"] = e.exact;
  if (!e.role.empty()) j["role"] = e.role;
  if (!e.country.empty()) j["country"] = e.country;
  return j.dump();
}

bool IsEntityId(std::string_view id) {
  if (id.empty() || id.size() > 100 || id.front() == '-' || id.back() == '-') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && id[i - 1] != '-');
    if (!ok) return false;
  }
  return true;
}

void Gazetteer::Add(Entity e) {
  if (auto it = by_id_.find(e.id); it != by_id_.end()) {
    entities_[it->second] = std::move(e);
    return;
  }
  by_id_.emplace(e.id, entities_.size());
  entities_.push_back(std::move(e));
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::Parse(std::string_view jsonl, const std::string& name) {
  auto g = std::make_shared<Gazetteer>();
  std::istringstream in{std::string(jsonl)};
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = ParseEntity(line);
    if (!e.ok()) return Status::InvalidArgument(fmt::format("{}:{}: {}", name, number, e.status().message()));
    if (g->by_id_.count(e->id))
      return Status::InvalidArgument(fmt::format("{}:{}: duplicate id '{}'", name, number, e->id));
    g->Add(std::move(*e));
  }
  if (g->entities_.empty()) return Status::InvalidArgument(name + ": no entities");
  return std::shared_ptr<const Gazetteer>(std::move(g));
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::WithEdits(
    const Gazetteer& base, const std::vector<std::string>& edits,
    const std::vector<std::pair<std::string, std::string>>& redirects) {
  auto g = std::make_shared<Gazetteer>();
  std::unordered_map<std::string, std::string> gone(redirects.begin(), redirects.end());
  for (const auto& e : base.entities_)
    if (!gone.count(e.id)) g->Add(e);
  for (size_t i = 0; i < edits.size(); ++i) {
    auto e = ParseEntity(edits[i]);
    if (!e.ok()) return e.status().WithContext(fmt::format("editors' entity {}", i + 1));
    if (!gone.count(e->id)) g->Add(std::move(*e));
  }
  for (const auto& [from, to] : gone)
    if (g->by_id_.count(to)) g->redirects_.emplace(from, to);
  return std::shared_ptr<const Gazetteer>(std::move(g));
}

const Entity* Gazetteer::Resolve(std::string_view id) const {
  if (const Entity* e = Find(id)) return e;
  auto it = redirects_.find(std::string(id));
  return it == redirects_.end() ? nullptr : Find(it->second);
}

Result<std::shared_ptr<const Gazetteer>> LoadSiteGazetteer(Store& store) {
  // The built-in text is parsed once per process; editors' changes on top of it every time.
  static const Result<std::shared_ptr<const Gazetteer>> built_in = Gazetteer::LoadBuiltIn();
  if (!built_in.ok()) return built_in.status();
  auto edits = store.ListEntityEdits();
  if (!edits.ok()) return edits.status();
  auto redirects = store.EntityRedirects();
  if (!redirects.ok()) return redirects.status();
  if (edits->empty() && redirects->empty()) return *built_in;
  std::vector<std::string> lines;
  for (const auto& e : *edits) lines.push_back(e.definition);
  return Gazetteer::WithEdits(**built_in, lines, *redirects);
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::LoadBuiltIn() {
  for (const auto& a : GazetteerAssets())
    if (a.path == "gazetteer/entities.jsonl") return Parse(a.content, std::string(a.path));
  return Status::NotFound("no gazetteer built in");
}

}  // namespace newsdesk
