#include "web/image_proxy.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "common/text.h"
#include "common/url.h"

namespace newsdesk {

namespace {
namespace fs = std::filesystem;

constexpr std::string_view kPurpose = "image proxy";

// A signature is a keyed hash in URL-safe base64: also a safe file name.
bool IsSignature(const std::string& s) {
  return s.size() == 43 && std::all_of(s.begin(), s.end(), [](char c) {
           return IsAsciiAlnum(c) || c == '-' || c == '_';
         });
}

Response NotAvailable() {
  Response r = Response::Text(404, "image not available\n");
  r.headers.emplace_back("Cache-Control", "public, max-age=60");
  return r;
}

Response ImageResponse(std::string type, std::string body) {
  Response r;
  r.status = 200;
  r.content_type = std::move(type);
  r.body = std::move(body);
  // Its address changes with the image's, so it may be kept for long; the
  // bytes are an image and nothing else, whatever a browser might think.
  r.headers.emplace_back("Cache-Control", "public, max-age=604800, immutable");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return static_cast<bool>(in) || in.eof();
}

// WriteFileAtomically writes through a temporary name, so a reader never
// sees half an image and two writers of one image both leave it whole.
bool WriteFileAtomically(const fs::path& path, std::string_view bytes) {
  const fs::path tmp = path.string() + fmt::format(".{}.tmp", std::hash<std::thread::id>{}(std::this_thread::get_id()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) fs::remove(tmp, ec);
  return !ec;
}
}  // namespace

ImageProxy::ImageProxy(const Config& config, SiteSecret secret)
    : directory_((fs::path(config.data_dir) / "images").string()),
      cache_bytes_(config.image_cache_bytes),
      hosts_(config.image_hosts),
      secret_(std::move(secret)) {
  img_src_ = "'self' data:";
  for (const auto& host : hosts_) img_src_ += " https://" + host;
}

bool ImageProxy::DirectHost(const std::string& url) const {
  UrlParts parts = SplitUrl(url);
  if (AsciiLower(parts.scheme) != "https" || !parts.authority) return false;
  std::string_view host = *parts.authority;
  if (auto at = host.rfind('@'); at != std::string_view::npos) return false;  // never with credentials
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host = host.substr(0, colon);
  const std::string lower = AsciiLower(host);
  return std::find(hosts_.begin(), hosts_.end(), lower) != hosts_.end();
}

std::string ImageProxy::PageSrc(const std::string& url) const {
  if (IsSitePath(url) || DirectHost(url)) return url;
  return fmt::format("/images/{}?u={}", SiteSignature(secret_, kPurpose, url), PercentEncode(url));
}

std::string ImageProxy::SniffImageType(std::string_view b) {
  auto starts = [&](std::string_view magic, size_t at = 0) { return b.size() >= at + magic.size() && b.substr(at, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts("RIFF") && starts("WEBP", 8)) return "image/webp";
  if (starts("ftypavif", 4) || starts("ftypavis", 4)) return "image/avif";
  return "";
}

Response ImageProxy::Serve(const std::string& signature, const std::string& url, const Fetch& fetch) {
  if (!IsSignature(signature) || !IsImageSource(url) || IsSitePath(url) ||
      !SignatureMatches(secret_, kPurpose, url, signature))
    return NotAvailable();
  const fs::path file = fs::path(directory_) / signature;
  std::string cached;
  if (ReadFile(file, cached)) {
    if (std::string type = SniffImageType(cached); !type.empty()) return ImageResponse(std::move(type), std::move(cached));
  }
  if (!fetch) return NotAvailable();
  auto fetched = fetch(url);
  if (!fetched.ok()) {
    spdlog::info("image proxy: {}: {}", url, fetched.status().ToString());
    return NotAvailable();
  }
  std::string type = SniffImageType(fetched->body);
  if (type.empty()) {
    spdlog::info("image proxy: {}: not a JPEG, PNG, GIF, WebP or AVIF image ({})", url, fetched->content_type);
    return NotAvailable();
  }
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (cache_bytes_ > 0 && WriteFileAtomically(file, fetched->body) && ++writes_ % 32 == 0) KeepUnderLimit();
  return ImageResponse(std::move(type), std::move(fetched->body));
}

void ImageProxy::KeepUnderLimit() {
  std::unique_lock<std::mutex> lock(prune_mu_, std::try_to_lock);
  if (!lock) return;  // another request is at it
  struct Kept {
    fs::path path;
    fs::file_time_type written;
    uintmax_t size;
  };
  std::vector<Kept> kept;
  uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    kept.push_back({entry.path(), entry.last_write_time(ec), entry.file_size(ec)});
    total += kept.back().size;
  }
  if (total <= static_cast<uintmax_t>(cache_bytes_)) return;
  std::sort(kept.begin(), kept.end(), [](const Kept& a, const Kept& b) { return a.written < b.written; });
  for (const auto& k : kept) {
    if (total <= static_cast<uintmax_t>(cache_bytes_)) break;
    if (fs::remove(k.path, ec)) total -= k.size;
  }
}

}  // namespace newsdesk
