#include "web/image_proxy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/testing/test_directory.h"
#include "ingest/fetcher.h"
#include "ingest/ingest.h"
#include "ingest/testing/fixture_server.h"

namespace newsdesk {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(64, 'p');
const std::string kSvg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>";

std::string Header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

// The proxy against a real loopback server through the real fetcher (its
// address guard opened for loopback, as in every fetch test).
class ImageProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDirectory("nd_images");
    config_.data_dir = dir_.string();
    config_.image_hosts = {"cdn.example.org"};
    config_.allow_private_networks = true;
    fetcher_ = std::make_unique<Fetcher>(ImageFetchOptions(config_));
    fetch_ = [this](const std::string& url) -> Result<FetchedImage> {
      auto r = fetcher_->Fetch({url});
      if (!r.ok()) return r.status();
      return FetchedImage{r->content_type, r->body};
    };
    server_.Serve("/photo.png", 200, kPng, {{"Content-Type", "image/png"}});
    server_.Serve("/lying.jpg", 200, kSvg, {{"Content-Type", "image/jpeg"}});
  }

  // Proxied: the page's address split into signature and target, and served.
  Response Follow(ImageProxy& proxy, const std::string& url) {
    const std::string src = proxy.PageSrc(url);
    EXPECT_THAT(src, StartsWith("/images/"));
    const std::string signature = src.substr(8, src.find('?') - 8);
    return proxy.Serve(signature, url, fetch_);
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  Config config_;
  testing::FixtureServer server_;
  std::unique_ptr<Fetcher> fetcher_;
  ImageProxy::Fetch fetch_;
};

TEST_F(ImageProxyTest, PagesShowSitePathsAndImageHostsDirectlyAndTheRestThroughTheProxy) {
  ImageProxy proxy(config_, SiteSecret{std::string(32, 'k')});
  EXPECT_EQ(proxy.PageSrc("/static/demo/ship.svg"), "/static/demo/ship.svg");
  EXPECT_EQ(proxy.PageSrc("https://cdn.example.org/a.jpg"), "https://cdn.example.org/a.jpg");
  EXPECT_EQ(proxy.PageSrc("https://CDN.example.org:443/a.jpg"), "https://CDN.example.org:443/a.jpg");
  EXPECT_THAT(proxy.PageSrc("http://cdn.example.org/a.jpg"), StartsWith("/images/")) << "not over plain http";
  EXPECT_THAT(proxy.PageSrc("https://evil.example/a.jpg"), StartsWith("/images/"));
  EXPECT_THAT(proxy.PageSrc("https://user@cdn.example.org/a.jpg"), StartsWith("/images/"));
  EXPECT_THAT(proxy.PageSrc("https://evil.example/a.jpg"), HasSubstr("?u=https%3A%2F%2Fevil.example%2Fa.jpg"));
  EXPECT_EQ(proxy.ImgSrc(), "'self' data: https://cdn.example.org");
}

TEST_F(ImageProxyTest, FetchesARemoteImageOnceAndServesItFromTheCache) {
  ImageProxy proxy(config_, SiteSecret{std::string(32, 'k')});
  const std::string url = server_.Url("/photo.png");
  Response first = Follow(proxy, url);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.content_type, "image/png");
  EXPECT_EQ(first.body, kPng);
  EXPECT_THAT(Header(first, "Cache-Control"), HasSubstr("immutable"));
  EXPECT_THAT(Header(first, "Content-Security-Policy"), HasSubstr("sandbox"));
  Response again = Follow(proxy, url);
  EXPECT_EQ(again.body, kPng);
  EXPECT_EQ(server_.Hits("/photo.png"), 1) << "the second came from DATA/images";
  ImageProxy other_node(config_, SiteSecret{std::string(32, 'k')});
  EXPECT_EQ(Follow(other_node, url).status, 200) << "the same secret signs on every node";
}

TEST_F(ImageProxyTest, RefusesForgedSignaturesScriptsAndInternalAddresses) {
  ImageProxy proxy(config_, SiteSecret{std::string(32, 'k')});
  const std::string url = server_.Url("/photo.png");
  const std::string src = proxy.PageSrc(url);
  const std::string signature = src.substr(8, src.find('?') - 8);
  EXPECT_EQ(proxy.Serve(signature, server_.Url("/other.png"), fetch_).status, 404) << "signed for another address";
  EXPECT_EQ(proxy.Serve(std::string(43, 'A'), url, fetch_).status, 404);
  EXPECT_EQ(proxy.Serve("../../etc/passwd", url, fetch_).status, 404);
  EXPECT_EQ(server_.Hits("/photo.png"), 0) << "nothing fetched for a bad signature";
  EXPECT_EQ(Follow(proxy, server_.Url("/lying.jpg")).status, 404) << "an SVG sent as image/jpeg";
  EXPECT_EQ(Follow(proxy, server_.Url("/missing.png")).status, 404);

  Config guarded = config_;
  guarded.allow_private_networks = false;
  Fetcher careful(ImageFetchOptions(guarded));
  ImageProxy::Fetch fetch = [&](const std::string& u) -> Result<FetchedImage> {
    auto r = careful.Fetch({u});
    if (!r.ok()) return r.status();
    return FetchedImage{r->content_type, r->body};
  };
  ASSERT_EQ(Follow(proxy, url).status, 200);
  const std::string inside = proxy.PageSrc(url);
  EXPECT_EQ(proxy.Serve(inside.substr(8, inside.find('?') - 8), url, fetch).status, 200)
      << "cached already: served without fetching";
  const std::string other = server_.Url("/photo.png?again");
  const std::string other_src = proxy.PageSrc(other);
  EXPECT_EQ(proxy.Serve(other_src.substr(8, other_src.find('?') - 8), other, fetch).status, 404)
      << "a loopback address is refused by the fetcher's guard";
  EXPECT_EQ(server_.Hits("/photo.png"), 1);
}

TEST(ImageProxySniff, KnowsRasterImagesByTheirBytesAndNothingElse) {
  EXPECT_EQ(ImageProxy::SniffImageType(kPng), "image/png");
  EXPECT_EQ(ImageProxy::SniffImageType("\xFF\xD8\xFF\xE0 rest"), "image/jpeg");
  EXPECT_EQ(ImageProxy::SniffImageType("GIF89a...."), "image/gif");
  EXPECT_EQ(ImageProxy::SniffImageType(std::string("RIFF\0\0\0\0WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(ImageProxy::SniffImageType(std::string("\0\0\0\x1c" "ftypavif", 12)), "image/avif");
  EXPECT_EQ(ImageProxy::SniffImageType(kSvg), "");
  EXPECT_EQ(ImageProxy::SniffImageType("<html>"), "");
  EXPECT_EQ(ImageProxy::SniffImageType(""), "");
}

}  // namespace
}  // namespace newsdesk
