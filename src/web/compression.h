// File: web/compression.h
//
// The content codings the site sends (RFC 9110 §8.4): gzip (zlib) and
// brotli, and the choice between them by a request's Accept-Encoding. The
// page cache compresses an entry once, when it is filled, and every hit is
// served from those bytes; nothing else in the site knows zlib or brotli.
//
//   ContentCoding c = ChooseCoding(req.Header("accept-encoding"));  // kBrotli, kGzip or kIdentity
//   std::optional<std::string> gz = Gzip(body);                     // nullopt only if zlib fails
//
// Thread-safety: free functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newsdesk {

enum class ContentCoding { kIdentity, kGzip, kBrotli };

// CodingName is the token for the Content-Encoding header ("" for identity).
std::string_view CodingName(ContentCoding coding);

// ChooseCoding is the coding an Accept-Encoding value asks for: of br and
// gzip, the one with the higher q (a coding named with q=0 is refused;
// "*" stands for those not named); br on a tie; identity when neither is
// acceptable or the header is absent.
ContentCoding ChooseCoding(std::string_view accept_encoding);

// Compressible tells whether a body of `content_type` gains from a coding
// (text, JSON, XML, SVG, JavaScript, web manifests; not images).
bool Compressible(std::string_view content_type);

// Gzip compresses `data` as a gzip member (level 9: done once per cache
// fill); Brotli as a brotli stream (quality 9, text mode). nullopt when the
// library fails, and the caller sends the plain body.
std::optional<std::string> Gzip(std::string_view data);
std::optional<std::string> Brotli(std::string_view data);

// Gunzip and Unbrotli undo them (for tests and checks); nullopt on a
// malformed or truncated stream.
std::optional<std::string> Gunzip(std::string_view data);
std::optional<std::string> Unbrotli(std::string_view data);

}  // namespace newsdesk
