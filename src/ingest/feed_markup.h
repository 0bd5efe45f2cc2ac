// File: ingest/feed_markup.h (internal to the feed parser)
//
// What the feed parser (feed.cc) reads feeds with, below the formats: text
// and character references, HTML to text, image URLs (resolving them is
// common/url.h's), tolerant XML repair, and XML access through namespaces.
// Kept apart so that each file reads one level: feed.cc the formats,
// feed_markup.cc the markup. Not a front door: other stages use
// ingest/feed.h.
#pragma once

#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/url.h"

namespace newsdesk::feed_internal {

// --- characters, entities, HTML ----------------------------------------------

// Windows-1252 meanings of the C1 range, as HTML5 reads "&#150;".
inline constexpr uint16_t kCp1252C1[32] = {0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021,
                                    0x2C6,  0x2030, 0x160,  0x2039, 0x152,  0x8D,   0x17D,  0x8F,
                                    0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                    0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};

bool IsSpace(char c);
bool IStartsWith(std::string_view s, std::string_view prefix);
// ScrubUtf8 replaces ill-formed UTF-8 and NUL bytes with U+FFFD.
std::string ScrubUtf8(std::string_view s);
// DecodeEntities decodes XML and HTML character references.
std::string DecodeEntities(std::string_view s);
void AppendEscapedHtml(std::string& out, std::string_view s);
std::string EscapeHtml(std::string_view s);
// HtmlToText reads `html` as a browser shows it, as one line of text.
std::string HtmlToText(std::string_view html, bool known_tags_only);

// --- URLs ------------------------------------------------------------------------

// LooksLikeImageUrl: the URL's path ends in an image file's extension.
bool LooksLikeImageUrl(std::string_view url);

// --- tolerant XML repair -------------------------------------------------------------

struct RepairCounts {
  int stray_chars = 0;
  int closed_elements = 0;
  int dropped_end_tags = 0;
  int fixed_attributes = 0;
  int dropped_tags = 0;
  int fixed_end_tags = 0;
  bool unterminated_cdata = false;
  bool trailing_garbage = false;
};

// RepairXml rewrites `in` into well-formed XML the way a lenient reader
// would, counting what it changed.
std::string RepairXml(std::string_view in, RepairCounts& counts);
std::string DescribeRepair(const RepairCounts& c);
std::pair<int, int> LineAndColumn(std::string_view s, size_t offset);

// --- XML access: namespaces, values ------------------------------------------------------

enum class Ns { kNone, kAtom, kRss, kRdf, kContent, kDc, kDcTerms, kMedia, kItunes, kXhtml, kFeedburner, kOther };

struct QName {
  Ns ns = Ns::kNone;
  bool prefixed = false;
  std::string_view local;
};

inline constexpr size_t kMaxDepth = 256;

// NameOf resolves an element's namespace through the xmlns declarations.
QName NameOf(pugi::xml_node n);
void LimitAttributes(pugi::xml_node top);
// IsCore: the format's own (unprefixed or own-namespace) elements.
bool IsCore(const QName& q, Ns own);
bool Is(const QName& q, Ns ns, std::string_view local);
std::string Attr(pugi::xml_node n, const char* name);
// AttrLocal finds an attribute by local name ("rdf:about" as "about").
std::string AttrLocal(pugi::xml_node n, std::string_view local);
// Value: an element's content as a string.
std::string Value(pugi::xml_node n);
std::string TrimmedValue(pugi::xml_node n);
// HtmlOfTextConstruct reads an Atom text construct as HTML.
std::string HtmlOfTextConstruct(pugi::xml_node n);
std::string ChildBase(pugi::xml_node n, const std::string& parent_base);

}  // namespace newsdesk::feed_internal
