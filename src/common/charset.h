// File: common/charset.h
//
// Bytes from the web to UTF-8. The charset is taken, in order, from a
// byte-order mark, the HTTP Content-Type header, then the document itself
// (`<?xml encoding=…?>`, `<meta charset>`, `<meta http-equiv>`), and checked
// against the bytes: pages that declare one charset and are written in
// another are common on Russian sites, so a declaration the bytes contradict
// loses to ICU's detector.
//
//   auto text = DecodeToUtf8(body, "text/html; charset=windows-1251");
//   if (!text.ok()) ...;   // an unknown charset name or undecodable bytes
//   text->utf8, text->charset  // "windows-1251"
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace newsdesk {

struct DecodedText {
  std::string utf8;     // without a byte-order mark
  std::string charset;  // what it was decoded from, e.g. "UTF-8", "windows-1251", "KOI8-R"
  std::string source;   // why: "bom", "http", "document", "detected", "default"
};

// DecodeToUtf8 converts `bytes` to UTF-8. `content_type` is the HTTP
// Content-Type header value, or "" when there is none (a file).
Result<DecodedText> DecodeToUtf8(std::string_view bytes, std::string_view content_type = {});

// CharsetFromContentType returns the charset parameter of a Content-Type
// value ("text/html; charset=KOI8-R" -> "KOI8-R"), or "".
std::string CharsetFromContentType(std::string_view content_type);

// DecodeWideXml reads an XML document in UTF-32 (with or without a BOM) or
// in UTF-16 without a BOM, which the charset detection above cannot tell,
// by the zero bytes around its first '<' (XML 1.0 appendix F), as UTF-8: a
// trailing partial unit is dropped, bad code points become U+FFFD. nullopt
// when the bytes are none of these (UTF-16 with a BOM is DecodeToUtf8's).
std::optional<std::string> DecodeWideXml(std::string_view bytes);

// DeclaredCharset returns the charset the document declares in its first
// 4 KB (XML declaration or HTML meta), or "".
std::string DeclaredCharset(std::string_view bytes);

}  // namespace newsdesk
