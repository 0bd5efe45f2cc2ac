#include "web/page_cache.h"

#include <algorithm>

#include "render/assets.h"
#include "web/compression.h"

namespace newsdesk {

namespace {

// HttpDate writes an IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(TimePoint t) {
  std::string s = FormatRfc822(t);  // "…09:40:00 +0000"
  return s.substr(0, s.size() - 5) + "GMT";
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
         });
}

// OpaqueTag is an entity tag without its weakness prefix: weak comparison
// is what If-None-Match asks for.
std::string_view OpaqueTag(std::string_view tag) {
  while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
  while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

const std::string& VariantTag(const CachedPage& page, ContentCoding coding) {
  switch (coding) {
    case ContentCoding::kGzip: return page.gzip_etag;
    case ContentCoding::kBrotli: return page.brotli_etag;
    case ContentCoding::kIdentity: break;
  }
  return page.etag;
}

bool NoneMatch(const CachedPage& page, std::string_view header) {
  if (OpaqueTag(header) == "*") return false;
  while (!header.empty()) {
    size_t comma = header.find(',');
    std::string_view tag = OpaqueTag(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    for (ContentCoding c : {ContentCoding::kIdentity, ContentCoding::kGzip, ContentCoding::kBrotli})
      if (tag == VariantTag(page, c)) return false;
  }
  return true;
}

void AddVary(Response& r, std::string_view field) {
  for (auto& [name, value] : r.headers) {
    if (EqualsNoCase(name, "Vary")) {
      value += ", " + std::string(field);
      return;
    }
  }
  r.headers.emplace_back("Vary", std::string(field));
}

}  // namespace

std::shared_ptr<const CachedPage> PageCache::Prepare(Response response, TimePoint now) {
  auto page = std::make_shared<CachedPage>();
  page->last_modified = now;
  page->last_modified_header = HttpDate(now);
  if (response.status == 200) {
    // A coded body is another representation, so another strong tag (RFC 9110 §8.8.3).
    const std::string digest = ContentDigest(response.body);
    page->etag = "\"" + digest + "\"";
    page->gzip_etag = "\"" + digest + "-gz\"";
    page->brotli_etag = "\"" + digest + "-br\"";
  }
  if (response.status == 200 && response.body.size() >= kMinCompressedBytes && Compressible(response.content_type)) {
    // A coding that saves nothing is not kept: the plain body is served.
    if (auto gz = Gzip(response.body); gz && gz->size() < response.body.size()) page->gzip = std::move(*gz);
    if (auto br = Brotli(response.body); br && br->size() < response.body.size()) page->brotli = std::move(*br);
    if (!page->gzip.empty() || !page->brotli.empty()) AddVary(response, "Accept-Encoding");
  }
  page->response = std::move(response);
  return page;
}

Response ServeCached(const CachedPage& page, const Request& request) {
  const Response& full = page.response;
  if (full.status != 200 || page.etag.empty()) return full;
  ContentCoding coding = ChooseCoding(request.Header("accept-encoding"));
  if (coding == ContentCoding::kBrotli && page.brotli.empty()) coding = page.gzip.empty() ? ContentCoding::kIdentity : ContentCoding::kGzip;
  if (coding == ContentCoding::kGzip && page.gzip.empty()) coding = ContentCoding::kIdentity;
  const std::string& last_modified = page.last_modified_header;

  // RFC 9110 §13.2.2: If-None-Match when sent, If-Modified-Since only without it.
  bool not_modified = false;
  if (request.method == "GET" || request.method == "HEAD") {
    std::string_view inm = request.Header("if-none-match");
    if (!inm.empty()) {
      not_modified = !NoneMatch(page, inm);
    } else if (std::string_view ims = request.Header("if-modified-since"); !ims.empty()) {
      auto since = ParseFeedDate(ims);
      not_modified = since && page.last_modified <= *since;
    }
  }
  if (not_modified) {
    Response r;
    r.status = 304;
    r.content_type.clear();
    r.route = full.route;
    r.cacheable = full.cacheable;
    r.headers.emplace_back("ETag", VariantTag(page, coding));
    r.headers.emplace_back("Last-Modified", last_modified);
    for (const auto& [name, value] : full.headers)
      if (EqualsNoCase(name, "Cache-Control") || EqualsNoCase(name, "Vary")) r.headers.emplace_back(name, value);
    return r;
  }
  Response r;
  r.status = full.status;
  r.content_type = full.content_type;
  r.headers.reserve(full.headers.size() + 3);
  r.headers.assign(full.headers.begin(), full.headers.end());
  r.route = full.route;
  r.cacheable = full.cacheable;
  r.headers.emplace_back("ETag", VariantTag(page, coding));
  r.headers.emplace_back("Last-Modified", last_modified);
  switch (coding) {
    case ContentCoding::kIdentity: r.body = full.body; break;
    case ContentCoding::kGzip: r.body = page.gzip; break;
    case ContentCoding::kBrotli: r.body = page.brotli; break;
  }
  if (coding != ContentCoding::kIdentity) r.headers.emplace_back("Content-Encoding", std::string(CodingName(coding)));
  return r;
}

std::shared_ptr<const CachedPage> PageCache::Get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.page;
}

void PageCache::Put(const std::string& key, Response response, int64_t seq) {
  Put(key, Prepare(std::move(response), std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())), seq);
}

void PageCache::Put(const std::string& key, std::shared_ptr<const CachedPage> page, int64_t seq) {
  const size_t size = key.size() + page->response.body.size() + page->gzip.size() + page->brotli.size() + 256;
  if (size > max_bytes_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (seq < seq_) return;  // rendered from data older than what we know of
  if (seq > seq_) {
    map_.clear();
    lru_.clear();
    bytes_ = 0;
    seq_ = seq;
  }
  if (auto it = map_.find(key); it != map_.end()) {
    bytes_ -= it->second.bytes;
    lru_.erase(it->second.lru);
    map_.erase(it);
  }
  while (bytes_ + size > max_bytes_ && !lru_.empty()) {
    auto victim = map_.find(lru_.back());
    bytes_ -= victim->second.bytes;
    map_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(key);
  map_.emplace(key, Entry{std::move(page), lru_.begin(), size});
  bytes_ += size;
}

void PageCache::Observe(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  if (seq <= seq_) return;
  map_.clear();
  lru_.clear();
  bytes_ = 0;
  seq_ = seq;
}

void PageCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  map_.clear();
  lru_.clear();
  bytes_ = 0;
}

int64_t PageCache::sequence() const {
  std::lock_guard<std::mutex> lock(mu_);
  return seq_;
}

size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t PageCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return map_.size();
}

}  // namespace newsdesk
