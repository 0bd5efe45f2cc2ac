#include "common/url.h"

#include <gtest/gtest.h>

#include <utility>

namespace newsdesk {
namespace {

// The examples of RFC 3986 section 5.4 (normal and abnormal), against its
// base "http://a/b/c/d;p?q": reference, then result.
const std::pair<const char*, const char*> kRfcExamples[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g/"},  // (RFC: "http://g"; an http URL's empty path is "/")
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../g", "http://a/g"},
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
};

TEST(ResolveUrl, ResolvesTheRfc3986Examples) {
  for (const auto& [ref, want] : kRfcExamples) EXPECT_EQ(ResolveUrl("http://a/b/c/d;p?q", ref), want) << ref;
}

// The two resolvers this one replaced (extract's and the feed parser's)
// disagreed on these; `why` names the choice made.
struct Choice {
  const char* why;
  const char* base;
  const char* ref;
  const char* want;
};
const Choice kChoices[] = {
    {"scheme lower case", "HTTPS://A.example/x/", "y", "https://A.example/x/y"},
    {"scheme lower case", "https://a.example/", "HTTP://b.example/p", "http://b.example/p"},
    {"scheme lower case", "https://a.example/", "Mailto:a@b.example", "mailto:a@b.example"},
    {"spaces as %20", "https://a.example/x/", " my photo.jpg ", "https://a.example/x/my%20photo.jpg"},
    {"spaces as %20", "https://a.example/x/", "https://b.example/a b?q=c d", "https://b.example/a%20b?q=c%20d"},
    {"dots of absolute refs", "https://a.example/", "https://b.example/x/../y/./z", "https://b.example/y/z"},
    {"dots of absolute refs", "", "https://b.example/x/../y", "https://b.example/y"},
    {"opaque refs as written", "https://a.example/", "data:text/plain,../x", "data:text/plain,../x"},
    {"empty http path is /", "https://a.example", "?page=2", "https://a.example/?page=2"},
    {"empty http path is /", "https://a.example/x", "//cdn.example", "https://cdn.example/"},
    {"absolute refs keep an empty path", "https://a.example/x", "https://b.example", "https://b.example"},
    {"absolute refs keep an empty path", "https://a.example/x", "https://b.example#top", "https://b.example#top"},
    {"only http's empty path", "ftp://a.example/x", "//b.example", "ftp://b.example"},
    {"nothing stays nothing", "https://a.example/x", "", ""},
    {"nothing stays nothing", "https://a.example/x", " \n", ""},
    {"no base, no resolving", "", "/relative.jpg", "/relative.jpg"},
    {"no base, no resolving", "/not/absolute/", "x.jpg", "x.jpg"},
    {"no base, no resolving", "about:blank", "x.jpg", "x.jpg"},
};

TEST(ResolveUrl, MakesTheChoicesTheOldResolversDisagreedOn) {
  for (const Choice& c : kChoices) EXPECT_EQ(ResolveUrl(c.base, c.ref), c.want) << c.why << ": " << c.ref;
  EXPECT_EQ(CleanUrl("\t https://a.example/wrapped\n/line b \r\n"), "https://a.example/wrapped/line%20b");
}

TEST(SplitUrl, SplitsByAppendixB) {
  UrlParts u = SplitUrl("https://a.example:8080/p/q.html?x=1#frag");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.authority, "a.example:8080");
  EXPECT_EQ(u.path, "/p/q.html");
  EXPECT_EQ(u.query, "x=1");
  EXPECT_EQ(u.fragment, "frag");
  // A colon after a slash is no scheme's.
  UrlParts r = SplitUrl("a/b:c");
  EXPECT_EQ(r.scheme, "");
  EXPECT_EQ(r.path, "a/b:c");
  EXPECT_FALSE(SplitUrl("1a:b").scheme.size());
}

// Issue 18, finding 5: "/\\evil.example/x.jpg" is another host to a browser.
TEST(IsSitePath, IsOneSlashThenNoSlashAndNoBackslashAnywhere) {
  EXPECT_TRUE(IsSitePath("/static/demo/1.jpg"));
  EXPECT_TRUE(IsSitePath("/"));
  for (const char* bad : {"//evil.example/x.jpg", "/\\evil.example/x.jpg", "\\\\evil.example/x.jpg",
                          "/img\\..\\x.jpg", "/a b.jpg", "/a\tb", "static/x.jpg", "", "javascript:alert(1)"})
    EXPECT_FALSE(IsSitePath(bad)) << bad;
  EXPECT_TRUE(IsImageSource("https://cdn.example/x.jpg"));
  EXPECT_TRUE(IsImageSource("/static/x.jpg"));
  EXPECT_FALSE(IsImageSource("/\\evil.example/x.jpg"));
  EXPECT_FALSE(IsImageSource("data:image/png;base64,AAAA"));
}

TEST(IsAbsoluteUrl, NeedsASchemeAndForHttpAHost) {
  EXPECT_TRUE(IsAbsoluteUrl("urn:isbn:123"));
  EXPECT_FALSE(IsAbsoluteUrl("//a.example/x"));
  EXPECT_TRUE(IsAbsoluteHttpUrl("HTTPS://a.example"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("https:///x"));
  EXPECT_FALSE(IsAbsoluteHttpUrl("ftp://a.example/"));
}

}  // namespace
}  // namespace newsdesk
