#include "model/content_diff.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

using Change = DiffLine::Change;

ArticleContent Content(const std::string& headline, std::vector<std::string> paragraphs) {
  ArticleContent c;
  c.headline = headline;
  for (auto& p : paragraphs) c.body.push_back(Block{BlockType::kParagraph, std::move(p), {}, {}, {}, {}});
  return c;
}

std::string Marks(const std::vector<DiffLine>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l.change == Change::kSame ? ' ' : l.change == Change::kRemoved ? '-' : '+';
    out += l.text + "|";
  }
  return out;
}

TEST(ContentDiff, MarksAChangedLineAsRemovedThenAddedAndKeepsTheRestInOrder) {
  auto from = Content("Frigate laucnhed", {"One.", "Two.", "Three."});
  auto to = Content("Frigate launched", {"One.", "Three.", "Four."});
  EXPECT_EQ(Marks(ContentDiff(from, to)), "-Frigate laucnhed|+Frigate launched| | | One.|-Two.| Three.|+Four.|");
}

TEST(ContentDiff, EqualContentIsAllSame) {
  auto c = Content("H", {"A.", "B."});
  for (const auto& l : ContentDiff(c, c)) EXPECT_EQ(l.change, Change::kSame);
  EXPECT_EQ(ContentDiff(c, c).size(), ContentLines(c).size());
}

TEST(ContentDiff, AHeadingAndAParagraphWithTheSameWordsDiffer) {
  auto from = Content("H", {"Same words"});
  auto to = from;
  to.body[0].type = BlockType::kHeading;
  auto lines = ContentDiff(from, to);
  int changed = 0;
  for (const auto& l : lines) changed += l.change != Change::kSame;
  EXPECT_EQ(changed, 2);
}

}  // namespace
}  // namespace newsdesk
