// File: common/url.h
//
// URLs as pages and feeds write them: split into their parts (RFC 3986
// appendix B) and resolved against the address of the document that holds
// them (RFC 3986 section 5.2). The one resolver of the project: extract
// resolves a page's links and images with it, ingest a feed's.
//
//   ResolveUrl("https://a.example/news/1.html", "../img/x.jpg")
//     == "https://a.example/img/x.jpg"
//   ResolveUrl("https://a.example/news/", "//cdn.example")
//     == "https://cdn.example/"
//
// Beyond section 5.2, on purpose:
// - what is written is cleaned first (CleanUrl): trimmed, tabs and line
//   breaks dropped, spaces written %20;
// - the scheme comes out lower case, the rest as written (hosts too);
// - a relative reference that resolves to an http or https URL with an
//   empty path gets "/" ("//cdn.example" → "https://cdn.example/", section
//   6.2.3), but an absolute reference keeps the empty path it was written
//   with ("https://b.example" stays), as both former resolvers did: stored
//   canonical and article URLs do not change;
// - dot segments go from every hierarchical path, an absolute reference's
//   too, but an opaque one ("data:…", "mailto:…") is left as written;
// - nothing written resolves to nothing: "" gives "" (section 5.2 would
//   give the base), so an empty link stays missing;
// - a base without a scheme, or an opaque one ("about:blank"), resolves
//   nothing: the cleaned reference comes back as it is.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newsdesk {

// UrlParts: the five parts of a URL, as views into the string split.
struct UrlParts {
  std::string_view scheme;                    // without ':'; empty when none, as written (any case)
  std::optional<std::string_view> authority;  // after "//", when there is one (it may be empty)
  std::string_view path;
  std::optional<std::string_view> query;     // after '?'
  std::optional<std::string_view> fragment;  // after '#'
};

// SplitUrl splits `url` by RFC 3986 appendix B. A scheme is a letter, then
// letters, digits, '+', '-' or '.', before the first ':' (and before any
// '/', '?' or '#'). Never fails: anything splits somehow.
UrlParts SplitUrl(std::string_view url);

// CleanUrl trims a URL as a page or feed writes it, drops the tabs and line
// breaks inside it (wrapped feeds put them there; browsers drop them), and
// writes the spaces left inside as %20.
std::string CleanUrl(std::string_view url);

// IsAbsoluteUrl is true when `url` has a scheme.
bool IsAbsoluteUrl(std::string_view url);
// IsAbsoluteHttpUrl is true for "http://…" and "https://…" (any case) with a
// host.
bool IsAbsoluteHttpUrl(std::string_view url);

// IsSitePath is true for a path on this site: one '/' first, then no
// second '/' or any '\\' (browsers read "/\\evil.example/x.jpg" as
// "//evil.example/x.jpg", another host), and no spaces or control
// characters (issue 18).
bool IsSitePath(std::string_view url);
// IsImageSource is what an <img src> may be: an absolute http(s) URL or a
// site path.
bool IsImageSource(std::string_view url);

// ResolveUrl resolves `ref` against `base` (RFC 3986 section 5.2, with the
// choices listed at the top of this file). Both are cleaned first.
std::string ResolveUrl(std::string_view base, std::string_view ref);

// PercentEncode escapes everything but RFC 3986 unreserved characters (a
// query's or a form's keys and values: the site's links, the publish pings).
std::string PercentEncode(std::string_view s);

}  // namespace newsdesk
