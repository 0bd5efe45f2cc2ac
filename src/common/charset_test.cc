#include "common/charset.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include "common/testing/code_units.h"

namespace newsdesk {
namespace {

// Encode converts UTF-8 test text into `charset`, as a Russian site would send it.
std::string Encode(const std::string& utf8, const char* charset) {
  UErrorCode err = U_ZERO_ERROR;
  std::string out(utf8.size() * 2 + 8, '\0');
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                           static_cast<int32_t>(utf8.size()), &err);
  out.resize(static_cast<size_t>(n));
  return out;
}

const std::string kRussian = "Министр обороны выступил на совещании министров обороны государств-членов ШОС в Астане.";

TEST(DecodeToUtf8, UsesTheHttpCharset) {
  auto d = DecodeToUtf8(Encode(kRussian, "windows-1251"), "text/html; charset=windows-1251");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->utf8, kRussian);
  EXPECT_EQ(d->source, "http");
}

TEST(DecodeToUtf8, UsesTheDocumentsDeclaration) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"KOI8-R\"?><rss><title>" + kRussian + "</title></rss>";
  auto d = DecodeToUtf8(Encode(xml, "KOI8-R"));
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->utf8.find(kRussian), std::string::npos);
  EXPECT_EQ(d->charset, "KOI8-R");
  std::string html = "<html><head><meta charset=\"windows-1251\"></head><body>" + kRussian + "</body></html>";
  auto h = DecodeToUtf8(Encode(html, "windows-1251"));
  ASSERT_TRUE(h.ok());
  EXPECT_NE(h->utf8.find(kRussian), std::string::npos);
}

TEST(DecodeToUtf8, StripsAByteOrderMark) {
  auto d = DecodeToUtf8("\xEF\xBB\xBF<rss/>");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->utf8, "<rss/>");
  EXPECT_EQ(d->source, "bom");
}

TEST(DecodeToUtf8, TrustsValidUtf8OverALyingDeclaration) {
  std::string html = "<meta charset=\"windows-1251\"><p>" + kRussian + "</p>";
  auto d = DecodeToUtf8(html);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->charset, "UTF-8");
  EXPECT_NE(d->utf8.find(kRussian), std::string::npos);
}

TEST(DecodeToUtf8, DetectsRussianBytesLabelledAsUtf8) {
  std::string html = "<meta charset=\"utf-8\"><p>" + kRussian + " " + kRussian + "</p>";
  auto d = DecodeToUtf8(Encode(html, "windows-1251"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->source, "detected");
  EXPECT_NE(d->utf8.find(kRussian), std::string::npos) << d->charset;
}

TEST(DecodeToUtf8, PicksKoi8rWhenLabelledWindows1251) {
  std::string html = "<meta charset=\"windows-1251\"><p>" + kRussian + " " + kRussian + "</p>";
  auto d = DecodeToUtf8(Encode(html, "KOI8-R"));
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->utf8.find(kRussian), std::string::npos) << d->charset;
}

TEST(DecodeToUtf8, UnknownCharsetFallsBackToDetection) {
  auto d = DecodeToUtf8("plain ascii text", "text/html; charset=x-no-such-charset");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->utf8, "plain ascii text");
}

TEST(DecodeToUtf8, ReadsUtf32ByItsMark) {
  std::string utf32le("\xFF\xFE\x00\x00" "A\0\0\0" "\x16\x04\0\0", 12);  // "AЖ"
  auto d = DecodeToUtf8(utf32le);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->utf8, "AЖ");
  EXPECT_EQ(d->charset, "UTF-32LE");
}

TEST(DecodeToUtf8, KeepsUtf8WithAFewBrokenBytes) {
  std::string text = kRussian + " \xff " + kRussian;
  auto d = DecodeToUtf8(text);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->charset, "UTF-8");
  EXPECT_NE(d->utf8.find(kRussian), std::string::npos);
}

TEST(CharsetFromContentType, ReadsTheParameter) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=\"KOI8-R\""), "KOI8-R");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
}

TEST(DecodeWideXml, ReadsUtf32AndBomlessUtf16ByTheZeroBytesAroundTheFirstTag) {
  const auto wide = testing::EncodeCodeUnits;
  const std::u32string xml = U"<rss>Шойгу</rss>";
  for (bool be : {true, false}) {
    EXPECT_EQ(DecodeWideXml(wide(xml, 2, be, false)).value_or("?"), "<rss>Шойгу</rss>") << "UTF-16 " << be;
    EXPECT_EQ(DecodeWideXml(wide(xml, 4, be, false)).value_or("?"), "<rss>Шойгу</rss>") << "UTF-32 " << be;
    EXPECT_EQ(DecodeWideXml(wide(xml, 4, be, true)).value_or("?"), "<rss>Шойгу</rss>") << "UTF-32 BOM " << be;
  }
  // UTF-16 with a BOM is DecodeToUtf8's, and UTF-8 is nobody's here.
  EXPECT_FALSE(DecodeWideXml(wide(xml, 2, false, true)).has_value());
  EXPECT_FALSE(DecodeWideXml("<rss>ok</rss>").has_value());
  EXPECT_FALSE(DecodeWideXml("<r").has_value());
}

}  // namespace
}  // namespace newsdesk
