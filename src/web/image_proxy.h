// File: web/image_proxy.h
//
// Remote images reach readers through the site (issue 18). The pages'
// Content-Security-Policy allows images only from the site itself and the
// configured `[site] image_hosts`; every other image address a page shows
// is written as /images/{signature}?u={address}, the signature a keyed hash
// of the address, so the proxy fetches only what the site's own pages name.
// The first request fetches the image through the ingest stage's guarded
// fetcher (never an internal address), accepts it only when its bytes are a
// raster image (JPEG, PNG, GIF, WebP, AVIF; never SVG, which can carry
// script) and keeps it under DATA/images/, which later requests are served
// from; past `[site] image_cache_bytes` the oldest go.
//
//   ImageProxy proxy(config, secret);
//   view["url"] = proxy.PageSrc(block.url);         // in a page
//   headers CSP: "img-src " + proxy.ImgSrc()
//   Response r = proxy.Serve(signature, url, fetch);  // GET /images/{signature}
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include "common/config.h"
#include "model/feed_tools.h"
#include "readers/readers.h"
#include "web/http.h"

namespace newsdesk {

class ImageProxy {
 public:
  using Fetch = std::function<Result<FetchedImage>(const std::string& url)>;

  ImageProxy(const Config& config, SiteSecret secret);

  // PageSrc is what a page writes in <img src> for `url`, an address
  // IsImageSource accepted: a site path or an image host's address as it
  // is, any other through the proxy.
  std::string PageSrc(const std::string& url) const;

  // ImgSrc is the CSP's img-src source list: "'self' data: https://host …".
  const std::string& ImgSrc() const { return img_src_; }

  // Serve answers GET /images/{signature}?u={url}: the image from the cache,
  // else fetched with `fetch` (null: not available on this server) and
  // kept. A signature that does not match, a fetch that fails and bytes
  // that are not a raster image are all 404, cached briefly.
  Response Serve(const std::string& signature, const std::string& url, const Fetch& fetch);

  // SniffImageType: the MIME type of a raster image's bytes, or "" when
  // they are none of the accepted kinds.
  static std::string SniffImageType(std::string_view bytes);

 private:
  bool DirectHost(const std::string& url) const;
  void KeepUnderLimit();

  const std::string directory_;
  const int64_t cache_bytes_;
  const std::vector<std::string> hosts_;
  const SiteSecret secret_;
  std::string img_src_;
  std::mutex prune_mu_;
  std::atomic<int64_t> writes_{0};
};

}  // namespace newsdesk
