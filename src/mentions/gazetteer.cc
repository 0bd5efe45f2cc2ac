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

namespace {

std::optional<EntityType> ParseType(const std::string& s) {
  for (EntityType t : {EntityType::kPerson, EntityType::kOrganisation, EntityType::kCountry, EntityType::kPlace,
                       EntityType::kFacility, EntityType::kEvent})
    if (s == EntityTypeName(t)) return t;
  return std::nullopt;
}

}  // namespace

const std::string& Entity::Name(const std::string& lang) const {
  if (auto it = names.find(lang); it != names.end()) return it->second;
  if (auto it = names.find("en"); it != names.end()) return it->second;
  return id;
}

const Entity* Gazetteer::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &entities_[it->second];
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::Parse(std::string_view jsonl, const std::string& name) {
  auto g = std::make_shared<Gazetteer>();
  std::istringstream in{std::string(jsonl)};
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(fmt::format("{}:{}: {}", name, number, why));
    };
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
    try {
      Entity e;
      e.id = j.at("id").get<std::string>();
      auto type = ParseType(j.at("type").get<std::string>());
      if (!type) return bad(fmt::format("unknown type '{}'", j.at("type").get<std::string>()));
      e.type = *type;
      e.names = j.at("name").get<std::map<std::string, std::string>>();
      if (j.contains("aliases")) e.aliases = j["aliases"].get<std::map<std::string, std::vector<std::string>>>();
      if (j.contains("exact")) e.exact = j["exact"].get<std::vector<std::string>>();
      if (j.contains("iso") && j["iso"].is_string()) e.iso = j["iso"].get<std::string>();
      if (j.contains("role") && j["role"].is_string()) e.role = j["role"].get<std::string>();
      if (j.contains("country") && j["country"].is_string()) e.country = j["country"].get<std::string>();
      if (e.id.empty() || e.names.empty()) return bad("'id' and 'name' are required");
      if (g->by_id_.count(e.id)) return bad(fmt::format("duplicate id '{}'", e.id));
      g->by_id_.emplace(e.id, g->entities_.size());
      g->entities_.push_back(std::move(e));
    } catch (const nlohmann::json::exception& ex) {
      return bad(ex.what());
    }
  }
  if (g->entities_.empty()) return Status::InvalidArgument(name + ": no entities");
  return std::shared_ptr<const Gazetteer>(std::move(g));
}

Result<std::shared_ptr<const Gazetteer>> Gazetteer::LoadBuiltIn() {
  for (const auto& a : GazetteerAssets())
    if (a.path == "gazetteer/entities.jsonl") return Parse(a.content, std::string(a.path));
  return Status::NotFound("no gazetteer built in");
}

}  // namespace newsdesk
