#include "extract/extractor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/time.h"
#include "extract/selector.h"
#include "common/url.h"

namespace newsdesk {
namespace {

// A body long enough to be taken for an article.
std::string Body(int paragraphs = 4) {
  std::string out;
  for (int i = 0; i < paragraphs; ++i)
    out += "<p>Paragraph " + std::to_string(i) +
           " of the story, with enough words, commas, and detail to read like prose written by a reporter, "
           "not like a menu or a caption.</p>\n";
  return out;
}

std::string Page(const std::string& head, const std::string& body) {
  return "<!DOCTYPE html><html><head><meta charset=utf-8>" + head + "</head><body>" + body + "</body></html>";
}

Result<ExtractedArticle> Extract(const std::string& html, const std::string& url = "") {
  ExtractOptions options;
  options.url = url;
  return ExtractArticle(html, options);
}

std::string ImageBlockUrl(const ExtractedArticle& a) {
  for (const auto& b : a.blocks)
    if (b.type == BlockType::kImage) return b.url;
  return {};
}

// --- metadata -----------------------------------------------------------------------

TEST(ExtractMetadata, ReadsJsonLdNewsArticleInsideAGraph) {
  std::string ld = R"({"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Site"},
      {"@type": ["NewsArticle"], "headline": "Ministers met in Astana",
       "datePublished": "2024-04-26T12:40:00+03:00",
       "author": [{"@type": "Person", "name": "Anna Petrova"}, {"name": "John Smith"}],
       "image": {"@type": "ImageObject", "url": "/img/lead.jpg"}}]})";
  auto a = Extract(Page("<title>Other | Site</title><script type=\"application/ld+json\">" + ld + "</script>",
                        "<article>" + Body() + "</article>"),
                   "https://news.example/2024/04/26/story.html");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->title, "Ministers met in Astana");
  ASSERT_TRUE(a->published.has_value());
  EXPECT_EQ(FormatIso8601(*a->published), "2024-04-26T09:40:00Z");
  EXPECT_EQ(a->author, "Anna Petrova, John Smith");
  EXPECT_EQ(a->image, "https://news.example/img/lead.jpg");
}

TEST(ExtractMetadata, FallsBackToMetaTagsAndResolvesTheCanonicalUrl) {
  auto a = Extract(Page(R"(<title>Ignored title | Site</title>
      <meta property="og:title" content="Open Graph headline">
      <meta property="article:published_time" content="2023-11-05T08:00:00Z">
      <meta name="author" content="Jane Doe">
      <meta property="og:image" content="//cdn.example/a.jpg">
      <link rel="canonical" href="/news/42">)",
                        "<div class=story>" + Body() + "</div>"),
                   "https://news.example/section/page?x=1");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->title, "Open Graph headline");
  ASSERT_TRUE(a->published.has_value());
  EXPECT_EQ(FormatIso8601(*a->published), "2023-11-05T08:00:00Z");
  EXPECT_EQ(a->author, "Jane Doe");
  EXPECT_EQ(a->canonical_url, "https://news.example/news/42");
  EXPECT_EQ(a->image, "https://cdn.example/a.jpg");
}

TEST(ExtractMetadata, TakesTheTimeElementOfTheArticleWhenNothingElseSaysWhen) {
  auto a = Extract(Page("<title>A headline long enough to keep</title>",
                        "<aside><time datetime='2020-01-01T00:00:00Z'>old</time></aside>"
                        "<article><time datetime='2024-03-01 10:15'>1 March</time>" + Body() + "</article>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->published.has_value());
  // No zone given: read as UTC.
  EXPECT_EQ(FormatIso8601(*a->published), "2024-03-01T10:15:00Z");
}

TEST(ExtractMetadata, DropsTheSiteNameFromTheTitleTag) {
  auto a = Extract(Page("<title>Parliament passes the budget after a long night | The Daily Example</title>",
                        "<div>" + Body() + "</div>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->title, "Parliament passes the budget after a long night");
}

TEST(ExtractMetadata, FindsTheRightsLineOfTheArticleNotTheSiteFooter) {
  auto a = Extract(Page("<title>A headline long enough to keep</title>",
                        "<article><div class=text>" + Body() +
                            "</div><p class=license>This article is licensed under a Creative Commons "
                            "Attribution 4.0 licence.</p></article>"
                            "<footer><p>© 2024 Example Media. All rights reserved.</p></footer>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->rights, "This article is licensed under a Creative Commons Attribution 4.0 licence.");
  EXPECT_EQ(a->Text().find("Creative Commons"), std::string::npos);
}

// --- images -----------------------------------------------------------------------------

TEST(ExtractImages, LazyImagesResolveToTheirRealAbsoluteUrls) {
  struct Case {
    const char* img;
    const char* want;
  } cases[] = {
      {R"(<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/photos/1.jpg">)",
       "https://news.example/photos/1.jpg"},
      {R"(<img class="lazyload" src="/img/placeholder.png" data-original="photos/2.jpg">)",
       "https://news.example/a/photos/2.jpg"},
      {R"(<img srcset="/s/3-320.jpg 320w, /s/3-1280.jpg 1280w, /s/3-640.jpg 640w">)",
       "https://news.example/s/3-1280.jpg"},
      {R"(<img src="//cdn.example/4.jpg">)", "https://cdn.example/4.jpg"},
      {R"(<img src="../5.jpg">)", "https://news.example/5.jpg"},
  };
  for (const auto& c : cases) {
    auto a = Extract(Page("<title>A headline long enough to keep</title>",
                          "<article>" + Body(2) + "<figure>" + c.img + "<figcaption>A caption</figcaption></figure>" +
                              Body(2) + "</article>"),
                     "https://news.example/a/story.html");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    std::string url = !a->image.empty() ? a->image : ImageBlockUrl(*a);
    EXPECT_EQ(url, c.want) << c.img;
  }
}

TEST(ExtractImages, NoscriptFallbackReplacesThePlaceholder) {
  auto a = Extract(Page("<title>A headline long enough to keep</title>",
                        "<article>" + Body(2) +
                            R"(<figure><img class="lazy" src="data:image/gif;base64,R0lGOD=">
                               <noscript><img src="https://img.example/real.jpg"></noscript>
                               <figcaption>Crowds in the square</figcaption></figure>)" +
                            Body(2) + "</article>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::string url = !a->image.empty() ? a->image : ImageBlockUrl(*a);
  EXPECT_EQ(url, "https://img.example/real.jpg");
}

TEST(ExtractImages, LeadImageCaptionSplitsIntoCaptionAndCredit) {
  auto a = Extract(Page(R"(<title>A headline long enough to keep</title>
                           <meta property="og:image" content="https://img.example/lead.jpg">)",
                        R"(<article><figure><img src="https://img.example/lead.jpg">
                           <figcaption>Delegates arrive in Astana. Photo: Reuters / Jane Roe</figcaption>
                           </figure>)" + Body() + "</article>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->image, "https://img.example/lead.jpg");
  EXPECT_EQ(a->image_caption, "Delegates arrive in Astana.");
  EXPECT_EQ(a->image_credit, "Reuters / Jane Roe");
  // The lead image is not repeated in the body.
  EXPECT_EQ(ImageBlockUrl(*a), "");
}

TEST(ExtractImages, InBodyImagesKeepTheirCaptions) {
  auto a = Extract(Page("<title>A headline long enough to keep</title>",
                        "<article>" + Body(2) +
                            R"(<figure><img src="https://img.example/2.jpg"><figcaption>The second picture
                               <span class="credit">© AP</span></figcaption></figure>)" +
                            Body(2) + "</article>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  // No og:image: the body's first image is not the lead unless it opens the body.
  const Block* img = nullptr;
  for (const auto& b : a->blocks)
    if (b.type == BlockType::kImage) img = &b;
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(img->url, "https://img.example/2.jpg");
  EXPECT_EQ(img->caption, "The second picture");
  EXPECT_EQ(img->credit, "© AP");
}

// --- structure --------------------------------------------------------------------------

TEST(ExtractBody, KeepsHeadingsQuotesAndListsAsBlocks) {
  auto a = Extract(Page("<title>A headline long enough to keep</title>",
                        "<article>" + Body(2) +
                            "<h2>What was agreed</h2><ul><li>First, a ceasefire</li><li>Second, talks</li></ul>"
                            "<blockquote><p>We will not stop, said the minister, until it is done.</p></blockquote>" +
                            Body(2) + "</article>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  bool heading = false, list = false, quote = false;
  for (const auto& b : a->blocks) {
    heading |= b.type == BlockType::kHeading && b.text == "What was agreed";
    list |= b.type == BlockType::kList && b.items == std::vector<std::string>{"First, a ceasefire", "Second, talks"};
    quote |= b.type == BlockType::kQuote && b.text == "We will not stop, said the minister, until it is done.";
  }
  EXPECT_TRUE(heading);
  EXPECT_TRUE(list);
  EXPECT_TRUE(quote);
  EXPECT_NE(a->Text().find("What was agreed\n\nFirst, a ceasefire\n\nSecond, talks\n\nWe will not stop"),
            std::string::npos)
      << a->Text();
}

TEST(ExtractBody, LeavesOutNavigationRelatedListsAndShareButtons) {
  auto a = Extract(Page("<title>A headline long enough to keep</title>",
                        "<nav><ul><li><a href=/>Home</a></li><li><a href=/world>World</a></li></ul></nav>"
                        "<article><div class=share><a href=#>Share on Facebook</a></div>" + Body(5) +
                            "<p>Read also: <a href=/other>Another story entirely</a></p>"
                            "<h3>Related</h3><ul><li><a href=/r1>Related story one</a></li>"
                            "<li><a href=/r2>Related story two</a></li></ul></article>"
                            "<aside class=sidebar><h2>Discussion</h2><ul><li><a href=/d>Hot thread</a></li></ul>"
                            "</aside><footer>Contacts · About</footer>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::string text = a->Text();
  for (const char* chrome : {"Home", "World", "Share on Facebook", "Another story", "Related story", "Discussion",
                             "Hot thread", "Contacts"})
    EXPECT_EQ(text.find(chrome), std::string::npos) << chrome << " in:\n" << text;
  EXPECT_NE(text.find("Paragraph 4 of the story"), std::string::npos);
}

TEST(ExtractBody, FallsBackToJsonLdArticleBody) {
  std::string ld = R"({"@context":"https://schema.org","@type":"NewsArticle","headline":"H",
    "articleBody":"First paragraph of the real story, long enough to count for something here.\nSecond paragraph, also long enough to be a paragraph of a news story.\nThird paragraph closes the story with a quote from an official source."})";
  auto a = Extract(Page("<script type=application/ld+json>" + ld + "</script>",
                        "<div id=app>Loading…</div>"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->blocks.size(), 3u);
  EXPECT_EQ(a->blocks[1].text, "Second paragraph, also long enough to be a paragraph of a news story.");
}

TEST(ExtractBody, PageWithoutABodyIsInvalidArgument) {
  for (const char* html : {"", "<html></html>", "<nav><a href=/>Home</a></nav>", "\x00\x01garbage"}) {
    auto a = Extract(html);
    ASSERT_FALSE(a.ok()) << html;
    EXPECT_EQ(a.status().code(), Code::kInvalidArgument);
  }
}

TEST(ExtractBody, TextJoinsParagraphsHeadingsQuotesAndListItemsWithBlankLines) {
  ExtractedArticle a;
  a.blocks = {{BlockType::kParagraph, "One", {}, "", "", ""},
              {BlockType::kImage, "", {}, "https://img.example/x.jpg", "caption", ""},
              {BlockType::kHeading, "Two", {}, "", "", ""},
              {BlockType::kList, "", {"Three", "Four"}, "", "", ""},
              {BlockType::kQuote, "Five", {}, "", "", ""}};
  EXPECT_EQ(a.Text(), "One\n\nTwo\n\nThree\n\nFour\n\nFive");
}

// --- rules ----------------------------------------------------------------------------------

std::string RulesPage() {
  return Page("<title>A headline long enough to keep</title>",
              "<div class=layout><div class='story text'><p class=lead>The lead paragraph.</p>"
              "<div class=promo>Subscribe now!</div><p>The second paragraph.</p></div>"
              "<div class=comments>" + Body(6) + "</div></div>");
}

TEST(ExtractRules, BodySelectorOverridesTheScoring) {
  ExtractOptions options;
  options.rules = ExtractRules{"div.story", {".promo"}};
  auto a = ExtractArticle(RulesPage(), options);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->Text(), "The lead paragraph.\n\nThe second paragraph.");
}

TEST(ExtractRules, ABodySelectorThatStoppedMatchingIsNotFound) {
  ExtractOptions options;
  options.rules = ExtractRules{"div.article-body", {}};
  auto a = ExtractArticle(RulesPage(), options);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kNotFound);
  EXPECT_NE(a.status().message().find("div.article-body"), std::string::npos);
}

TEST(ExtractRules, AMalformedSelectorIsInvalidArgument) {
  for (const char* bad : {"div:first-child", "a + b", "div[", " ", ">", "p,"}) {
    ExtractOptions options;
    options.rules = ExtractRules{bad, {}};
    auto a = ExtractArticle(RulesPage(), options);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.status().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(ExtractRules, DropSelectorsAloneTrimTheGenericResult) {
  ExtractOptions options;
  options.rules = ExtractRules{"", {"div.comments"}};
  auto a = ExtractArticle(RulesPage(), options);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->Text().find("Paragraph 0 of the story"), std::string::npos);
}

TEST(Selector, MatchesTheSupportedSubset) {
  using extract_internal::Selector;
  struct Case {
    const char* selector;
    size_t matches;
  } cases[] = {
      {"p", 3}, {"div.story p", 2}, {".story > p.lead", 1}, {"#main", 1}, {"[data-kind=news]", 1},
      {"[data-kind]", 1}, {"div[class~=text]", 1}, {"a[href^='/news']", 1}, {"p, #main", 4},
      {"section > p", 0}, {"*.lead", 1}, {"body div div p", 2}};
  auto doc = extract_internal::Document::Parse(
      "<div id=main data-kind=news><div class='story text'><p class=lead>a</p><p>b</p></div>"
      "<a href='/news/1'>x</a></div><p>c</p>");
  ASSERT_TRUE(doc.ok());
  for (const auto& c : cases) {
    auto sel = Selector::Parse(c.selector);
    ASSERT_TRUE(sel.ok()) << c.selector << ": " << sel.status().ToString();
    EXPECT_EQ(sel->SelectAll((*doc)->root()).size(), c.matches) << c.selector;
  }
}

TEST(ResolveUrl, FollowsRfc3986) {
  using newsdesk::ResolveUrl;
  const std::string base = "http://a.example/b/c/d;p?q";
  struct Case {
    const char* ref;
    const char* want;
  } cases[] = {{"g", "http://a.example/b/c/g"},       {"./g", "http://a.example/b/c/g"},
               {"g/", "http://a.example/b/c/g/"},     {"/g", "http://a.example/g"},
               {"//g.example", "http://g.example/"}, {"?y", "http://a.example/b/c/d;p?y"},
               {"#s", "http://a.example/b/c/d;p?q#s"}, {"../g", "http://a.example/b/g"},
               {"../../../g", "http://a.example/g"},   {" g h ", "http://a.example/b/c/g%20h"},
               {"https://x.example/../y", "https://x.example/y"}, {"data:image/png;base64,AA", "data:image/png;base64,AA"}};
  for (const auto& c : cases) EXPECT_EQ(ResolveUrl(base, c.ref), c.want) << c.ref;
  EXPECT_EQ(ResolveUrl("", "/relative.jpg"), "/relative.jpg");
}

// --- the seed page -----------------------------------------------------------------------

std::string SharedDir() { return std::string(ND_SOURCE_DIR) + "/../shared"; }

bool SharedMissing() {
  if (std::filesystem::is_directory(SharedDir())) return false;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") {
    ADD_FAILURE() << "CI=true but the shared fixtures are missing at " << SharedDir();
    return true;
  }
  return true;
}

TEST(ExtractSeedPage, TheSpeechComesOutAndTheChromeStaysOut) {
  if (SharedMissing()) {
    if (!HasFailure()) GTEST_SKIP() << "shared fixtures not found at " << SharedDir();
    return;
  }
  std::ifstream in(SharedDir() + "/fixtures/seed/seed-page.html", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto a = Extract(ss.str());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  std::string text = a->Text();
  EXPECT_EQ(text.rfind("TSAMTO, April 26th.", 0), 0u) << text.substr(0, 200);
  EXPECT_NE(text.find("strengthening security.\""), std::string::npos);
  for (const char* chrome : {"Discussion", "В чью дудку дудит Дуда", "Запад бьет по болевым точкам России",
                             "Ежедневная рассылка", "Do you want to leave a comment", "The news mentions",
                             "All rights reserved", "Views: 2183", "Русская версия"})
    EXPECT_EQ(text.find(chrome), std::string::npos) << chrome;
  EXPECT_EQ(a->title, "Sergei Shoigu spoke at the meeting of Defense Ministers of the SCO member states in Astana");
  ASSERT_TRUE(a->published.has_value());
  EXPECT_EQ(FormatIso8601(*a->published), "2024-04-26T09:40:00Z");
  EXPECT_EQ(a->rights, "The material is placed by the copyright holder in the public domain");
  EXPECT_EQ(a->image, "https://example.org/img/2024/04/26/shoigu-astana.jpg");
  EXPECT_EQ(a->image_credit, "© Sputnik / Болат Шайхинов");
  EXPECT_EQ(a->language, "en");
  EXPECT_EQ(a->canonical_url,
            "https://example.org/en/news/885012_sergei_shoigu_spoke_at_the_meeting_of_defense_ministers_of_the_sco.html");
}

// --- hostile input -----------------------------------------------------------------------------

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

double SecondsToExtract(const std::string& html, Status* status) {
  auto start = std::chrono::steady_clock::now();
  auto a = Extract(html);
  *status = a.status();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ExtractHostileHtml, HundredThousandNestedBlocksAreRefusedQuickly) {
  Status s;
  double t = SecondsToExtract(Repeat("<div>", 100000) + "text", &s);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_LT(t, 5.0);
}

TEST(ExtractHostileHtml, HundredThousandNestedInlineElementsDoNotCrash) {
  for (const char* tag : {"<span>", "<b>", "<a href=x>", "<i><u>", "<table>", "<ul><li>", "<blockquote>", "<p>",
                          "<font>", "<del>", "<section>"}) {
    Status s;
    std::string html = "<title>Deep</title>" + Repeat(tag, 100000) + Body(4);
    double t = SecondsToExtract(html, &s);
    EXPECT_TRUE(s.ok() || s.code() == Code::kInvalidArgument) << tag << ": " << s.ToString();
    EXPECT_LT(t, 30.0) << tag;
  }
}

TEST(ExtractHostileHtml, HugeAttributesAndBrokenMarkupDoNotCrash) {
  const std::string huge(8 << 20, 'x');
  static const char kNulAndBadUtf8[] = "<p>nul\0byte and invalid \xff\xfe utf-8 in a paragraph that goes on.</p>";
  std::vector<std::string> pages = {
      "<div class=\"" + huge + "\">" + Body() + "</div>",
      "<img src=\"" + huge + "\" data-src=\"" + huge + "\">" + Body(),
      "<p>" + huge + "</p>",
      Body() + "</div></div></p></article><<<>>><!-- unterminated",
      "<table><tr><td>" + Body() + "<td><table><tr><p>stray</table>",
      std::string(kNulAndBadUtf8, sizeof(kNulAndBadUtf8) - 1) + Body(),
      "<script>" + Repeat("<div>", 50000) + "</script>" + Body(),
      "<svg><foreignObject><math><mi>" + Body() + "</svg>",
      "<script type=application/ld+json>" + Repeat("[", 100000) + "</script>" + Body(),
      "<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"articleBody\":\"" + huge + "\"}</script>",
  };
  for (const auto& html : pages) {
    auto a = Extract(html, "https://news.example/");
    if (a.ok()) {
      for (const auto& b : a->blocks) EXPECT_LE(b.text.size(), 64u * 1024);
    }
  }
}

}  // namespace
}  // namespace newsdesk
