#include "web/templates.h"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <nlohmann/json.hpp>

#include "web/assets.h"

namespace newsdesk {

namespace mustache = kainjow::mustache;

struct Templates::Compiled {
  explicit Compiled(const std::string& text) : tmpl(text) {}
  // kainjow's render is not const: one render at a time per template.
  std::mutex mu;
  mustache::mustache tmpl;
};

Templates::~Templates() = default;

namespace {

mustache::data ToData(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data d{mustache::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), ToData(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mustache::data d{mustache::data::type::list};
      for (const auto& e : j) d.push_back(ToData(e));
      return d;
    }
    case nlohmann::json::value_t::string:
      return mustache::data{j.get<std::string>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mustache::data{mustache::data::type::bool_true}
                           : mustache::data{mustache::data::type::bool_false};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return mustache::data{j.dump()};
    default:
      return mustache::data{mustache::data::type::bool_false};
  }
}

}  // namespace

Result<std::unique_ptr<Templates>> Templates::Load() {
  auto t = std::unique_ptr<Templates>(new Templates());
  const std::string prefix = "templates/", suffix = ".mustache";
  for (const auto& asset : EmbeddedAssets()) {
    std::string path(asset.path);
    if (path.rfind(prefix, 0) != 0 || path.size() <= suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    auto compiled = std::make_unique<Compiled>(std::string(asset.content));
    if (!compiled->tmpl.is_valid())
      return Status::InvalidArgument(fmt::format("{}: {}", path, compiled->tmpl.error_message()));
    std::string name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    t->templates_.emplace(std::move(name), std::move(compiled));
  }
  return t;
}

std::string Templates::Render(const std::string& name, const nlohmann::json& view) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) throw std::logic_error("no template " + name);
  mustache::data data = ToData(view);
  std::lock_guard<std::mutex> lock(it->second->mu);
  return it->second->tmpl.render(data);
}

}  // namespace newsdesk
