// File: render/templates.h
//
// Mustache templates (templates/*.mustache, built into the binary), rendered
// from a JSON view model. `{{x}}` is HTML-escaped; `{{{x}}}` is reserved for
// HTML we rendered ourselves (a page's content inside the layout).
// Thread-safety: Render is safe to call concurrently.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"

namespace newsdesk {

class Templates {
 public:
  ~Templates();
  // Load parses every embedded template; a syntax error names the file.
  static Result<std::unique_ptr<Templates>> Load();

  // Render fills template `name` ("article") with `view`.
  // REQUIRES: `name` was loaded.
  std::string Render(const std::string& name, const nlohmann::json& view) const;

 private:
  struct Compiled;
  Templates() = default;
  std::map<std::string, std::unique_ptr<Compiled>> templates_;
};

}  // namespace newsdesk
