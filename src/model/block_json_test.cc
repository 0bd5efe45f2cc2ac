#include "model/block_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace newsdesk {
namespace {

TEST(BlocksFromJson, RoundTripsEveryBlockType) {
  auto j = nlohmann::json::parse(R"([
    {"type": "paragraph", "text": "One."},
    {"type": "heading", "text": "Two"},
    {"type": "quote", "text": "Three."},
    {"type": "list", "items": ["a", "b"]},
    {"type": "image", "url": "https://x.example/a.jpg", "caption": "Cap", "credit": "© X"}])");
  auto blocks = BlocksFromJson(j);
  ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
  ASSERT_EQ(blocks->size(), 5u);
  EXPECT_EQ((*blocks)[3].items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(BlocksToJson(*blocks), j);
}

TEST(BlocksFromJson, NamesTheFaultyBlock) {
  struct Case {
    const char* json;
    const char* expected;
  } cases[] = {
      {R"([])", "at least one block"},
      {R"({"type": "paragraph"})", "must be an array"},
      {R"([{"type": "paragraph", "text": "ok"}, {"type": "poem", "text": "x"}])", "body[1]: unknown type 'poem'"},
      {R"([{"type": "paragraph"}])", "body[0]: 'text' is required"},
      {R"([{"type": "paragraph", "text": "   "}])", "body[0]: 'text' is empty"},
      {R"([{"type": "list", "items": []}])", "body[0]: a list block needs"},
      {R"([{"type": "list", "items": ["ok", 3]}])", "body[0].items[1]"},
      {R"([{"type": "paragraph", "text": "bell\u0007"}])", "control characters"},
      {R"([{"type": "image"}])", "'url' is required"},
  };
  for (const auto& c : cases) {
    auto r = BlocksFromJson(nlohmann::json::parse(c.json));
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << r.status().message();
  }
}

TEST(LeadOf, PrefersTheFirstParagraph) {
  std::vector<Block> blocks = {{BlockType::kHeading, "Head", {}, {}, {}, {}},
                               {BlockType::kParagraph, "Lead.", {}, {}, {}, {}}};
  EXPECT_EQ(LeadOf(blocks), "Lead.");
}

}  // namespace
}  // namespace newsdesk
