#include "web/http.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  Request r;
  r.target = "/ru/sources/%D1%82%D0%B0%D1%81%D1%81?q=a+b&cursor=1.2&empty&x=%26";
  ASSERT_TRUE(ParseTarget(r).ok());
  EXPECT_EQ(r.path, "/ru/sources/тасс");
  EXPECT_EQ(r.QueryParam("q"), "a b");
  EXPECT_EQ(r.QueryParam("cursor"), "1.2");
  EXPECT_EQ(r.QueryParam("empty"), "");
  EXPECT_EQ(r.QueryParam("x"), "&");
  EXPECT_FALSE(r.QueryParam("missing").has_value());
}

TEST(ParseTarget, RejectsMalformedEscapesAndInvalidUtf8) {
  for (const char* t : {"/en/%", "/en/%4", "/en/%zz", "/en/%FF", "/en/?q=%C0%AF", "/en/%00", "relative", ""}) {
    Request r;
    r.target = t;
    EXPECT_FALSE(ParseTarget(r).ok()) << t;
  }
}

// Issue 18: "application/jsonx" was taken as JSON.
TEST(IsJsonContentType, IsApplicationJsonWithOrWithoutParametersAndNothingLikeIt) {
  for (const char* yes : {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
                          " application/json "})
    EXPECT_TRUE(IsJsonContentType(yes)) << yes;
  for (const char* no : {"application/jsonx", "application/json-patch+json", "text/json", "", "application/",
                         "application/jso"})
    EXPECT_FALSE(IsJsonContentType(no)) << no;
}

TEST(PercentEncode, EscapesAllButUnreserved) {
  EXPECT_EQ(PercentEncode("a b/ж~"), "a%20b%2F%D0%B6~");
}

TEST(ParseForm, DecodesFieldsAndRefusesOversizedOrMalformedForms) {
  auto f = ParseForm("email=a%40b.org&name=Ann+Lee&&empty=&x");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(FormValue(*f, "email"), "a@b.org");
  EXPECT_EQ(FormValue(*f, "name"), "Ann Lee");
  EXPECT_EQ(FormValue(*f, "empty"), "");
  EXPECT_EQ(FormValue(*f, "missing"), "");
  EXPECT_FALSE(ParseForm("a=%zz").ok());
  EXPECT_FALSE(ParseForm("a=%FF").ok());
  EXPECT_FALSE(ParseForm(std::string(100, 'a'), 50).ok());
  EXPECT_FALSE(ParseForm("a=1&b=2&c=3", 1000, 2).ok());
}

TEST(CookieValue, FindsACookieByExactName) {
  EXPECT_EQ(CookieValue("a=1; nd_session=tok; b=\"q\"", "nd_session"), "tok");
  EXPECT_EQ(CookieValue("a=1; b=\"q\"", "b"), "q");
  EXPECT_FALSE(CookieValue("xnd_session=1", "nd_session").has_value());
  EXPECT_FALSE(CookieValue("", "a").has_value());
}

}  // namespace
}  // namespace newsdesk
