#include "mentions/gazetteer.h"

#include <gtest/gtest.h>

#include <map>

#include "mentions/tagger.h"

namespace newsdesk {
namespace {

TEST(Gazetteer, TheBuiltInOneLoadsWithEnoughEntities) {
  auto g = Gazetteer::LoadBuiltIn();
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  std::map<EntityType, int> by_type;
  for (const auto& e : (*g)->entities()) {
    ++by_type[e.type];
    EXPECT_FALSE(e.Name("en").empty()) << e.id;
    EXPECT_TRUE(e.names.count("en") && e.names.count("ru")) << e.id << " needs names in both editions";
  }
  EXPECT_GE((*g)->entities().size(), 500u);
  EXPECT_GE(by_type[EntityType::kCountry], 193);
  EXPECT_GE(by_type[EntityType::kPerson], 30);
  EXPECT_GE(by_type[EntityType::kOrganisation], 50);
}

// The ambiguity rule: no surface form may lead to two entities. The tagger
// reports every form two entities claim.
TEST(Gazetteer, NoAliasPointsAtTwoEntities) {
  auto g = Gazetteer::LoadBuiltIn();
  ASSERT_TRUE(g.ok());
  Tagger t(*g);
  for (const auto& c : t.conflicts()) ADD_FAILURE() << "claimed twice: " << c;
  EXPECT_GT(t.aliases(), 2000u);
}

TEST(Gazetteer, ErrorsNameTheLine) {
  auto g = Gazetteer::Parse("{\"id\":\"a\",\"type\":\"place\",\"name\":{\"en\":\"A\"}}\n{\"id\":\"b\",\"type\":\"planet\",\"name\":{\"en\":\"B\"}}\n", "test.jsonl");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("test.jsonl:2: unknown type 'planet'"), std::string::npos) << g.status().message();
  EXPECT_FALSE(Gazetteer::Parse("{\"id\":\"a\",\"type\":\"place\",\"name\":{\"en\":\"A\"}}\n{\"id\":\"a\",\"type\":\"place\",\"name\":{\"en\":\"B\"}}", "t").ok());
}

}  // namespace
}  // namespace newsdesk
