#include "web/router.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

Router MakeRouter() {
  Router r;
  r.Add({"GET", "HEAD"}, "/healthz", 1);
  r.Add({"GET", "HEAD"}, "/{ed}/", 2);
  r.Add({"GET", "HEAD"}, "/{ed}/articles/{id}", 3);
  r.Add({"POST"}, "/api/v1/things", 4);
  return r;
}

TEST(Router, CapturesSegments) {
  auto m = MakeRouter().Match("GET", "/ru/articles/12-slug");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route, 3);
  EXPECT_EQ(m.Param("ed"), "ru");
  EXPECT_EQ(m.Param("id"), "12-slug");
  EXPECT_EQ(m.pattern, "/{ed}/articles/{id}");
}

TEST(Router, LiteralRoutesWinOverCapturesAddedLater) {
  auto m = MakeRouter().Match("GET", "/healthz");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route, 1);
}

TEST(Router, TrailingSlashMatters) {
  EXPECT_EQ(MakeRouter().Match("GET", "/en/").route, 2);
  EXPECT_EQ(MakeRouter().Match("GET", "/en/articles/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(MakeRouter().Match("GET", "/en/articles/1/extra").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, WrongMethodIsMethodNotAllowedWithTheAllowedList) {
  auto m = MakeRouter().Match("GET", "/api/v1/things");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed_methods, "POST");
}

}  // namespace
}  // namespace newsdesk
