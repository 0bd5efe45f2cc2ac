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

const char* kBase = R"({"id":"russia","type":"country","name":{"en":"Russia","ru":"Россия"}}
{"id":"kiev","type":"place","name":{"en":"Kyiv","ru":"Киев"}}
{"id":"kyiv-city","type":"place","name":{"en":"Kyiv city","ru":"город Киев"}})";

TEST(Gazetteer, EditorsEditsAddAndReplaceEntities) {
  auto base = Gazetteer::Parse(kBase, "base");
  ASSERT_TRUE(base.ok());
  auto g = Gazetteer::WithEdits(
      **base,
      {R"({"id":"naval-group","type":"organisation","name":{"en":"Naval Group","ru":"Naval Group"}})",
       R"({"id":"russia","type":"country","name":{"en":"Russia","ru":"Россия"},"aliases":{"en":["Rossiya"]}})"},
      {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ((*g)->entities().size(), 4u);
  ASSERT_NE((*g)->Find("naval-group"), nullptr);
  EXPECT_EQ((*g)->Find("russia")->aliases.at("en"), std::vector<std::string>{"Rossiya"});
  EXPECT_TRUE((*base)->Find("russia")->aliases.empty()) << "the base is left as it was";
}

TEST(Gazetteer, AMergedAwayEntityIsGoneButResolvesToWhatItBecame) {
  auto base = Gazetteer::Parse(kBase, "base");
  auto g = Gazetteer::WithEdits(**base, {}, {{"kyiv-city", "kiev"}});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->Find("kyiv-city"), nullptr);
  ASSERT_NE((*g)->Resolve("kyiv-city"), nullptr);
  EXPECT_EQ((*g)->Resolve("kyiv-city")->id, "kiev");
  EXPECT_EQ((*g)->Resolve("nowhere"), nullptr);
}

TEST(Gazetteer, ABadEditIsRefusedWithItsReason) {
  auto base = Gazetteer::Parse(kBase, "base");
  auto g = Gazetteer::WithEdits(**base, {R"({"id":"Bad Id","type":"place","name":{"en":"X"}})"}, {});
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("not an ASCII slug"), std::string::npos) << g.status().message();
}

TEST(Gazetteer, AnEntityWritesBackAsTheLineItWasReadFrom) {
  const std::string line =
      R"({"id":"iran","type":"country","iso":"IR","name":{"en":"Iran","ru":"Иран"},"aliases":{"en":["Iranian"],"ru":["иранский"]},"exact":["ИРИ"]})";
  auto e = ParseEntity(line);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(EntityToJsonLine(*e), line);
}

TEST(Gazetteer, EntityIdsAreAsciiSlugs) {
  EXPECT_TRUE(IsEntityId("naval-group"));
  EXPECT_TRUE(IsEntityId("f35"));
  for (const char* bad : {"", "-a", "a-", "a--b", "Naval", "naval group", "flotte/", "россия"}) EXPECT_FALSE(IsEntityId(bad)) << bad;
}

}  // namespace
}  // namespace newsdesk
