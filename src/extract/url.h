// File: extract/url.h  (internal to extract/)
//
// Resolving the URLs a page writes (relative paths, "//host/…", "../…")
// against the page's address, per RFC 3986 section 5.2.
//
//   ResolveUrl("https://a.example/news/1.html", "../img/x.jpg")
//     == "https://a.example/img/x.jpg"
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace newsdesk::extract_internal {

// IsAbsoluteHttpUrl is true for "http://…" and "https://…" with a host.
bool IsAbsoluteHttpUrl(std::string_view url);

// ResolveUrl resolves `ref` against `base`. Surrounding whitespace is
// trimmed and inner spaces become %20. When `base` is not an absolute URL,
// `ref` comes back trimmed but otherwise unchanged; "data:", "mailto:" and
// other non-hierarchical refs come back as they are.
std::string ResolveUrl(std::string_view base, std::string_view ref);

}  // namespace newsdesk::extract_internal
