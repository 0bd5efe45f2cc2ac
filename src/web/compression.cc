#include "web/compression.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace newsdesk {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
         });
}

// QValue reads the weight of one Accept-Encoding member's parameters
// (";q=0.5"); a malformed weight counts as 0, so it never widens a choice.
double QValue(std::string_view params) {
  double q = 1.0;
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || Trim(p.substr(1)).empty() || Trim(p.substr(1))[0] != '=')
      continue;
    std::string_view v = Trim(Trim(p.substr(1)).substr(1));
    auto r = std::from_chars(v.data(), v.data() + v.size(), q);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || q < 0 || q > 1) return 0;
  }
  return q;
}

// Quality 9, not 11: an entry is compressed on the request that fills it,
// and 11 costs about ten times the time for a few percent fewer bytes.
constexpr int kBrotliQuality = 9;

}  // namespace

std::string_view CodingName(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::kGzip: return "gzip";
    case ContentCoding::kBrotli: return "br";
    case ContentCoding::kIdentity: break;
  }
  return "";
}

ContentCoding ChooseCoding(std::string_view accept_encoding) {
  std::optional<double> br, gzip, star;
  while (!accept_encoding.empty()) {
    size_t comma = accept_encoding.find(',');
    std::string_view member = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    size_t semi = member.find(';');
    std::string_view name = Trim(member.substr(0, semi));
    const double q = semi == std::string_view::npos ? 1.0 : QValue(member.substr(semi + 1));
    if (EqualsNoCase(name, "br")) br = q;
    else if (EqualsNoCase(name, "gzip") || EqualsNoCase(name, "x-gzip")) gzip = std::max(gzip.value_or(0), q);
    else if (name == "*") star = q;
  }
  const double qbr = br.value_or(star.value_or(0)), qgzip = gzip.value_or(star.value_or(0));
  if (qbr <= 0 && qgzip <= 0) return ContentCoding::kIdentity;
  return qbr >= qgzip ? ContentCoding::kBrotli : ContentCoding::kGzip;
}

bool Compressible(std::string_view content_type) {
  auto has = [&](std::string_view s) { return content_type.find(s) != std::string_view::npos; };
  return content_type.rfind("text/", 0) == 0 || has("json") || has("xml") || has("javascript") ||
         has("manifest") || has("svg");
}

std::optional<std::string> Gzip(std::string_view data) {
  z_stream z{};
  // 15 window bits + 16: a gzip header and trailer, not a bare zlib stream.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, data.size()) + 64, '\0');  // + the gzip header and trailer
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const size_t written = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

std::optional<std::string> Gunzip(std::string_view data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> Brotli(std::string_view data) {
  size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) return std::nullopt;
  std::string out(size, '\0');
  if (!BrotliEncoderCompress(kBrotliQuality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, data.size(),
                             reinterpret_cast<const uint8_t*>(data.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data())))
    return std::nullopt;
  out.resize(size);
  return out;
}

std::optional<std::string> Unbrotli(std::string_view data) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (!s) return std::nullopt;
  size_t available_in = data.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(data.data());
  std::string out;
  BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    uint8_t buf[16384];
    size_t available_out = sizeof buf;
    uint8_t* next_out = buf;
    r = BrotliDecoderDecompressStream(s, &available_in, &next_in, &available_out, &next_out, nullptr);
    out.append(reinterpret_cast<char*>(buf), sizeof buf - available_out);
  }
  BrotliDecoderDestroyInstance(s);
  if (r != BROTLI_DECODER_RESULT_SUCCESS) return std::nullopt;
  return out;
}

}  // namespace newsdesk
