#include "render/templates.h"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "render/assets.h"

namespace newsdesk {

namespace mustache = kainjow::mustache;

// Compiled: a template parsed once per worker slot. kainjow's render is not
// const (one render at a time per instance), so each template has a few
// instances and a render takes a free one: pages render in parallel.
struct Templates::Compiled {
  struct Instance {
    explicit Instance(const std::string& text) : tmpl(text) {}
    std::mutex mu;
    mustache::mustache tmpl;
  };
  Compiled(const std::string& text, size_t copies) {
    for (size_t i = 0; i < copies; ++i) instances.push_back(std::make_unique<Instance>(text));
  }
  const mustache::mustache& first() const { return instances.front()->tmpl; }
  std::vector<std::unique_ptr<Instance>> instances;
  std::atomic<size_t> next{0};
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

// WithHashedStaticLinks is `text` with every quoted link to a built-in
// static file ("/static/site.css") turned into its content-hashed address,
// which browsers may keep for a year (issue 17): a template links the plain
// name, and a changed file is fetched anew under its new name.
std::string WithHashedStaticLinks(std::string_view text) {
  std::string out(text);
  for (const auto& asset : EmbeddedAssets()) {
    if (asset.path.rfind("static/", 0) != 0) continue;
    const std::string plain = "\"/" + std::string(asset.path) + "\"";
    const std::string hashed = "\"" + AssetHref(asset.path) + "\"";
    for (size_t at = out.find(plain); at != std::string::npos; at = out.find(plain, at + hashed.size()))
      out.replace(at, plain.size(), hashed);
  }
  return out;
}

// WithPartials is `text` with each `{{> name}}` replaced by template
// `name`'s text, once, when the templates are loaded: one fragment (an
// article's body blocks) serves the page and the feeds.
Result<std::string> WithPartials(const std::string& path, std::string text,
                                 const std::map<std::string, std::string>& sources) {
  for (size_t at = text.find("{{>"); at != std::string::npos; at = text.find("{{>", at)) {
    const size_t end = text.find("}}", at);
    if (end == std::string::npos) return Status::InvalidArgument(fmt::format("{}: unclosed {{{{>", path));
    std::string name = text.substr(at + 3, end - at - 3);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    auto it = sources.find(name);
    if (it == sources.end()) return Status::InvalidArgument(fmt::format("{}: no template '{}' to include", path, name));
    if (it->second.find("{{>") != std::string::npos)
      return Status::InvalidArgument(fmt::format("{}: '{}' includes another template (one level only)", path, name));
    text.replace(at, end + 2 - at, it->second);
    at += it->second.size();
  }
  return text;
}

}  // namespace

Result<std::unique_ptr<Templates>> Templates::Load() {
  auto t = std::unique_ptr<Templates>(new Templates());
  const size_t copies = std::max(2u, std::thread::hardware_concurrency());
  const std::string prefix = "templates/", suffix = ".mustache";
  std::map<std::string, std::string> sources;
  for (const auto& asset : EmbeddedAssets()) {
    std::string path(asset.path);
    if (path.rfind(prefix, 0) != 0 || path.size() <= suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    sources.emplace(path.substr(prefix.size(), path.size() - prefix.size() - suffix.size()),
                    WithHashedStaticLinks(asset.content));
  }
  for (const auto& [name, source] : sources) {
    const std::string path = prefix + name + suffix;
    auto text = WithPartials(path, source, sources);
    if (!text.ok()) return text.status();
    auto compiled = std::make_unique<Compiled>(*text, copies);
    if (!compiled->first().is_valid())
      return Status::InvalidArgument(fmt::format("{}: {}", path, compiled->first().error_message()));
    t->templates_.emplace(name, std::move(compiled));
  }
  return t;
}

std::string Templates::Render(const std::string& name, const nlohmann::json& view) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) throw std::logic_error("no template " + name);
  mustache::data data = ToData(view);
  Compiled& c = *it->second;
  const size_t n = c.instances.size();
  const size_t start = c.next.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    Compiled::Instance& inst = *c.instances[(start + i) % n];
    std::unique_lock<std::mutex> lock(inst.mu, std::try_to_lock);
    if (lock.owns_lock()) return inst.tmpl.render(data);
  }
  Compiled::Instance& inst = *c.instances[start % n];
  std::lock_guard<std::mutex> lock(inst.mu);
  return inst.tmpl.render(data);
}

}  // namespace newsdesk
