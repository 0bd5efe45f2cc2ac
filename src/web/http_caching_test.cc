// HTTP caching and compression (issue 17, part 4) over real loopback HTTP:
// validators and 304s, a new ETag after an edit, gzip and brotli variants
// made once by the page cache and chosen by Accept-Encoding, Cache-Control
// per kind of response, and no logged-in page kept, shared or compressed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/testing/matchers.h"
#include "web/compression.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::Browser;
using testing::RawResponse;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kPublic = "public, max-age=60, stale-while-revalidate=600";

TimePoint Now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string HeaderOf(const RawResponse& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

class HttpCachingTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_httpcache", "http://news.example"));
    config_.site_name = "Harbour Daily";
    AddUser("reader@example.org", "Rita Readwell", Role::kReader);
    AddUser("editor@example.org", "Edda", Role::kEditor);
    ArticleRecord r;
    r.url = "https://wire.example/frigate";
    r.source = Source{0, "", "Wire", "https://wire.example/", "", "en"};
    r.language = "en";
    r.headline = "Frigate launched at the yard";
    r.dateline = "Wire, 1 December";
    r.rights = "© Wire";
    r.published_at = Now() - std::chrono::hours(1);
    for (int i = 0; i < 12; ++i)
      r.body.push_back(Block{BlockType::kParagraph,
                             "The frigate was launched on Monday at the northern yard, paragraph " +
                                 std::to_string(i) + ", before a crowd of families and yard workers.",
                             {}, {}, {}, {}});
    auto stored = store_->UpsertArticles({r});
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    article_ = stored->ids.front();
    auto a = store_->GetArticle(article_);
    ASSERT_TRUE(a.ok());
    path_ = ArticleHref("en", a->id, a->slug);
    ASSERT_NO_FATAL_FAILURE(Serve());
  }

  // Fetch is a guest's GET of `target` with `headers` (each ending in CRLF).
  RawResponse Fetch(const std::string& target, const std::string& headers = "") {
    return testing::Get(port(), target, headers);
  }

  int64_t article_ = 0;
  std::string path_;
};

TEST_F(HttpCachingTest, APublicPageCarriesValidatorsAndPublicCaching) {
  RawResponse first = Fetch(path_);  // fills the cache
  RawResponse hit = Fetch(path_);    // served from it
  for (const RawResponse& r : {first, hit}) {
    ASSERT_EQ(r.status, 200);
    EXPECT_THAT(HeaderOf(r, "etag"), ::testing::MatchesRegex("\"[0-9a-f]{16}\""));
    EXPECT_THAT(HeaderOf(r, "last-modified"), ::testing::MatchesRegex("[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT"));
    EXPECT_EQ(HeaderOf(r, "cache-control"), kPublic);
    EXPECT_EQ(HeaderOf(r, "vary"), "Accept-Encoding");
  }
  EXPECT_EQ(first.headers["etag"], hit.headers["etag"]);
  EXPECT_EQ(first.body, hit.body);
}

TEST_F(HttpCachingTest, IfNoneMatchAnswers304WithAnEmptyBodyRepeatingTheHeaders) {
  const std::string etag = Fetch(path_).headers["etag"];
  ASSERT_FALSE(etag.empty());
  for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    RawResponse r = Fetch(path_, "If-None-Match: " + inm + "\r\n");
    EXPECT_EQ(r.status, 304) << inm;
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.headers.count("content-length"), 0u);
    EXPECT_EQ(HeaderOf(r, "etag"), etag);
    EXPECT_EQ(HeaderOf(r, "cache-control"), kPublic);
    EXPECT_EQ(HeaderOf(r, "vary"), "Accept-Encoding");
  }
  RawResponse other = Fetch(path_, "If-None-Match: \"0000000000000000\"\r\n");
  EXPECT_EQ(other.status, 200);
  EXPECT_THAT(other.body, HasSubstr("Frigate launched at the yard"));
}

TEST_F(HttpCachingTest, IfModifiedSinceAnswers304UnlessModifiedLater) {
  const std::string last_modified = Fetch(path_).headers["last-modified"];
  ASSERT_FALSE(last_modified.empty());
  RawResponse same = Fetch(path_, "If-Modified-Since: " + last_modified + "\r\n");
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(HeaderOf(same, "cache-control"), kPublic);
  RawResponse older = Fetch(path_, "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n");
  EXPECT_EQ(older.status, 200);
  EXPECT_THAT(older.body, HasSubstr("Frigate launched at the yard"));
}

TEST_F(HttpCachingTest, IfNoneMatchTakesPrecedenceOverIfModifiedSince) {
  RawResponse page = Fetch(path_);
  const std::string etag = page.headers["etag"], last_modified = page.headers["last-modified"];
  // A stale tag with a fresh date: the tag decides, the page is sent.
  RawResponse stale_tag = Fetch(path_, "If-None-Match: \"0000000000000000\"\r\nIf-Modified-Since: " + last_modified + "\r\n");
  EXPECT_EQ(stale_tag.status, 200);
  EXPECT_THAT(stale_tag.body, HasSubstr("Frigate launched at the yard"));
  // A current tag with an old date: the tag decides, not modified.
  RawResponse current_tag = Fetch(path_, "If-None-Match: " + etag + "\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n");
  EXPECT_EQ(current_tag.status, 304);
}

TEST_F(HttpCachingTest, AnEditOfTheArticleGivesANewETag) {
  const std::string before = Fetch(path_).headers["etag"];
  auto a = store_->GetArticle(article_);
  ASSERT_TRUE(a.ok());
  ArticleContent fixed = ContentOf(*a);
  fixed.headline = "Frigate launched at the northern yard";
  ASSERT_TRUE(store_->SaveArticleEdit({article_, fixed, "user:2", "Edda", "", Now()}).ok());
  served_->site().SyncWithStore();  // what the store watcher does
  RawResponse after = Fetch(path_, "If-None-Match: " + before + "\r\n");
  ASSERT_EQ(after.status, 200);
  EXPECT_THAT(after.body, HasSubstr("Frigate launched at the northern yard"));
  EXPECT_NE(after.headers["etag"], before);
  EXPECT_EQ(Fetch(path_, "If-None-Match: " + after.headers["etag"] + "\r\n").status, 304);
}

TEST_F(HttpCachingTest, GzipAndBrotliBodiesDecompressToThePlainPageAndVaryOnAcceptEncoding) {
  RawResponse plain = Fetch(path_);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  EXPECT_EQ(HeaderOf(plain, "vary"), "Accept-Encoding");

  RawResponse br = Fetch(path_, "Accept-Encoding: gzip, deflate, br\r\n");
  ASSERT_EQ(br.status, 200);
  EXPECT_EQ(HeaderOf(br, "content-encoding"), "br");
  EXPECT_EQ(HeaderOf(br, "vary"), "Accept-Encoding");
  EXPECT_LT(br.body.size(), plain.body.size());
  EXPECT_EQ(Unbrotli(br.body).value_or("(not brotli)"), plain.body);

  RawResponse gz = Fetch(path_, "Accept-Encoding: br;q=0.5, gzip;q=0.9\r\n");
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(HeaderOf(gz, "content-encoding"), "gzip");
  EXPECT_EQ(HeaderOf(gz, "vary"), "Accept-Encoding");
  EXPECT_EQ(Gunzip(gz.body).value_or("(not gzip)"), plain.body);

  // Each coding is its own representation, with its own tag; a 304 names
  // the one the request would get.
  EXPECT_NE(br.headers["etag"], plain.headers["etag"]);
  EXPECT_NE(gz.headers["etag"], plain.headers["etag"]);
  RawResponse revalidated = Fetch(path_, "Accept-Encoding: br\r\nIf-None-Match: " + br.headers["etag"] + "\r\n");
  EXPECT_EQ(revalidated.status, 304);
  EXPECT_EQ(HeaderOf(revalidated, "etag"), br.headers["etag"]);
  EXPECT_EQ(HeaderOf(revalidated, "vary"), "Accept-Encoding");

  RawResponse refused = Fetch(path_, "Accept-Encoding: br;q=0, gzip;q=0\r\n");
  EXPECT_EQ(refused.headers.count("content-encoding"), 0u);
  EXPECT_EQ(refused.body, plain.body);
}

TEST_F(HttpCachingTest, CacheControlIsSetPerKindOfResponse) {
  RawResponse page = Fetch(path_);
  EXPECT_EQ(HeaderOf(page, "cache-control"), kPublic);

  // Static assets: linked by content-hashed names, immutable; the plain
  // name still answers, cached for an hour.
  std::smatch css;
  ASSERT_TRUE(std::regex_search(page.body, css, std::regex("/static/site\\.[0-9a-f]{10}\\.css")));
  RawResponse hashed = Fetch(css.str());
  ASSERT_EQ(hashed.status, 200);
  EXPECT_EQ(HeaderOf(hashed, "cache-control"), "public, max-age=31536000, immutable");
  EXPECT_THAT(HeaderOf(hashed, "content-type"), HasSubstr("text/css"));
  RawResponse plain_css = Fetch("/static/site.css");
  ASSERT_EQ(plain_css.status, 200);
  EXPECT_EQ(HeaderOf(plain_css, "cache-control"), "public, max-age=3600");
  EXPECT_EQ(plain_css.body, hashed.body);
  EXPECT_EQ(Fetch("/static/site.0123456789.css").headers["cache-control"], "public, max-age=60");

  // A logged-in reader's page, and the desk.
  Browser reader = LoggedIn("reader@example.org");
  EXPECT_EQ(HeaderOf(reader.Get(path_), "cache-control"), "private, no-store");
  Browser editor = LoggedIn("editor@example.org");
  RawResponse desk = editor.Get("/desk/");
  ASSERT_EQ(desk.status, 200);
  EXPECT_EQ(HeaderOf(desk, "cache-control"), "no-store");
  EXPECT_EQ(desk.headers.count("etag"), 0u);
}

TEST_F(HttpCachingTest, ALoggedInPageIsNeitherCompressedNorKeptNorShared) {
  Browser reader = LoggedIn("reader@example.org");
  RawResponse own = reader.Send("GET", path_, "", "", "Accept-Encoding: br, gzip\r\n");
  ASSERT_EQ(own.status, 200);
  EXPECT_THAT(own.body, HasSubstr("Rita Readwell"));
  EXPECT_EQ(own.headers.count("content-encoding"), 0u);
  EXPECT_EQ(own.headers.count("etag"), 0u);
  EXPECT_EQ(HeaderOf(own, "cache-control"), "private, no-store");
  // The guest after the reader gets the guest's page, in every coding.
  RawResponse guest = Fetch(path_);
  EXPECT_THAT(guest.body, Not(HasSubstr("Rita Readwell")));
  RawResponse guest_br = Fetch(path_, "Accept-Encoding: br\r\n");
  EXPECT_THAT(Unbrotli(guest_br.body).value_or(""), Not(HasSubstr("Rita Readwell")));
  // And the reader, after a guest filled the cache, still gets their own.
  RawResponse again = reader.Send("GET", path_, "", "", "Accept-Encoding: br, gzip\r\n");
  EXPECT_THAT(again.body, HasSubstr("Rita Readwell"));
  EXPECT_EQ(again.headers.count("content-encoding"), 0u);
}

TEST_F(HttpCachingTest, LoggingInOrOutEmptiesTheBrowsersCacheOfGuestPages) {
  // Guests' pages are kept a minute by the browser: without this, the
  // guest's page (with "Log in") would show again right after logging in.
  Browser b(port());
  RawResponse in = b.Post("/en/account/login", {{"email", "reader@example.org"}, {"password", kPassword}},
                          "/en/account/login");
  ASSERT_EQ(in.status, 303) << in.body;
  EXPECT_EQ(HeaderOf(in, "clear-site-data"), "\"cache\"");
  RawResponse out = b.Post("/en/account/logout", {}, "/en/");
  ASSERT_EQ(out.status, 303) << out.body;
  EXPECT_EQ(HeaderOf(out, "clear-site-data"), "\"cache\"");
}

TEST_F(HttpCachingTest, TheLayoutLinksAnIconAndTheManifestNamesTheSite) {
  RawResponse page = Fetch(path_);
  std::smatch icon;
  ASSERT_TRUE(std::regex_search(page.body, icon, std::regex("<link rel=\"icon\" href=\"(/static/favicon\\.[0-9a-f]{10}\\.svg)\"")));
  RawResponse svg = Fetch(icon[1].str());
  EXPECT_EQ(svg.status, 200);
  EXPECT_THAT(HeaderOf(svg, "content-type"), HasSubstr("image/svg+xml"));
  RawResponse ico = Fetch("/favicon.ico");
  EXPECT_EQ(ico.status, 301);
  EXPECT_EQ(HeaderOf(ico, "location"), icon[1].str());
  EXPECT_THAT(page.body, HasSubstr("<link rel=\"manifest\" href=\"/manifest.webmanifest\">"));
  RawResponse manifest = Fetch("/manifest.webmanifest");
  ASSERT_EQ(manifest.status, 200);
  EXPECT_EQ(HeaderOf(manifest, "content-type"), "application/manifest+json");
  auto m = nlohmann::json::parse(manifest.body);
  EXPECT_EQ(m["name"], "Harbour Daily");
  EXPECT_EQ(m["icons"][0]["src"], icon[1].str());
  EXPECT_THAT(HeaderOf(page, "content-security-policy"), HasSubstr("manifest-src 'self'"));
}

TEST(ContentCoding, ChoosesByQValuesAndPrefersBrotliOnATie) {
  struct Case {
    const char* accept;
    ContentCoding want;
  };
  const Case cases[] = {
      {"", ContentCoding::kIdentity},
      {"identity", ContentCoding::kIdentity},
      {"gzip", ContentCoding::kGzip},
      {"GZip", ContentCoding::kGzip},
      {"gzip, deflate, br", ContentCoding::kBrotli},
      {"gzip;q=0.8, br;q=0.8", ContentCoding::kBrotli},
      {"br;q=0.5, gzip", ContentCoding::kGzip},
      {"br ; q=0.2 , gzip ; q=0.1", ContentCoding::kBrotli},
      {"br;q=0, gzip;q=0", ContentCoding::kIdentity},
      {"*", ContentCoding::kBrotli},
      {"*;q=0.5, br;q=0", ContentCoding::kGzip},
      {"br;q=nonsense", ContentCoding::kIdentity},
      {"br;q=2", ContentCoding::kIdentity},
      {"deflate", ContentCoding::kIdentity},
  };
  for (const Case& c : cases) EXPECT_EQ(ChooseCoding(c.accept), c.want) << c.accept;
}

TEST(ContentCoding, GzipAndBrotliRoundTripAndRefuseGarbage) {
  const std::string text = std::string(5000, 'x') + "naïve café, тест";
  EXPECT_EQ(Gunzip(Gzip(text).value()).value(), text);
  EXPECT_EQ(Unbrotli(Brotli(text).value()).value(), text);
  const std::string gz = Gzip(text).value();
  EXPECT_FALSE(Gunzip(gz.substr(0, gz.size() / 2)).has_value());
  EXPECT_FALSE(Gunzip("not gzip at all").has_value());
  EXPECT_FALSE(Unbrotli("\xff\xff\xff not brotli").has_value());
}

}  // namespace
}  // namespace newsdesk
