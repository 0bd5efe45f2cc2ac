#include "common/time.h"

#include <gtest/gtest.h>

namespace newsdesk {
namespace {

int64_t Epoch(const Result<TimePoint>& t) { return t.value().time_since_epoch().count(); }

TEST(ParseIso8601, ConvertsOffsetsToUtc) {
  auto t = ParseIso8601("2024-04-26T12:40:00+03:00");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(FormatIso8601(*t), "2024-04-26T09:40:00Z");
}

TEST(ParseIso8601, AcceptsCommonVariants) {
  const int64_t expected = Epoch(ParseIso8601("2024-04-26T09:40:00Z"));
  for (const char* s : {"2024-04-26T09:40:00z", "2024-04-26 09:40:00Z", "2024-04-26T09:40Z",
                        "2024-04-26T09:40:00.123Z", "2024-04-26T12:40:00+0300", "2024-04-26T12:40+03",
                        "2024-04-26T05:40:00-04:00"}) {
    auto t = ParseIso8601(s);
    ASSERT_TRUE(t.ok()) << s << ": " << t.status().ToString();
    EXPECT_EQ(Epoch(t), expected) << s;
  }
}

TEST(ParseIso8601, RejectsTimesWithoutZoneOrOutOfRange) {
  for (const char* s : {"2024-04-26T09:40:00", "2024-02-30T00:00:00Z", "2024-04-26T24:00:00Z", "26.04.2024",
                        "2024-04-26T09:40:00Zjunk", "", "2024-04-26T09:40:00+25:00"}) {
    auto t = ParseIso8601(s);
    EXPECT_FALSE(t.ok()) << s;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), Code::kInvalidArgument);
    }
  }
}

TEST(Iso8601Offset, ReadsTheZoneATimeIsWrittenIn) {
  EXPECT_EQ(Iso8601Offset("2024-04-26T12:40:00+03:00"), 180);
  EXPECT_EQ(Iso8601Offset("2024-04-26T12:40:00.5-0530"), -330);
  EXPECT_EQ(Iso8601Offset("2024-04-26 12:40+03"), 180);
  EXPECT_EQ(Iso8601Offset("2024-04-26T09:40:00Z"), 0);
  EXPECT_EQ(Iso8601Offset("2024-04-26T09:40:00"), std::nullopt);
  EXPECT_EQ(Iso8601Offset("2024-04-26"), std::nullopt);
  EXPECT_EQ(Iso8601Offset("2024-04-26T09:40:00+03:00junk"), std::nullopt);
}

TEST(FormatRfc822, WritesRssDates) {
  EXPECT_EQ(FormatRfc822(*ParseIso8601("2024-04-26T09:40:05Z")), "Fri, 26 Apr 2024 09:40:05 +0000");
}

TEST(ToCivil, ShiftsByTheDisplayOffset) {
  CivilTime c = ToCivil(*ParseIso8601("2024-12-31T22:30:00Z"), 180);
  EXPECT_EQ(c.year, 2025);
  EXPECT_EQ(c.month, 1);
  EXPECT_EQ(c.day, 1);
  EXPECT_EQ(c.hour, 1);
  EXPECT_EQ(c.minute, 30);
}

}  // namespace
}  // namespace newsdesk
