// Pages readers expect (issue 17, part 5) over real loopback HTTP: lang
// attributes wherever text is in another language than the page's, parsed
// with a real HTML parser (gumbo) as a screen reader's browser would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <gumbo.h>

#include <string>
#include <vector>

#include "common/minhash.h"
#include "search/follower.h"
#include "search/search.h"
#include "web/test_client.h"
#include "web/testing/served_site_test.h"

namespace newsdesk {
namespace {

using testing::RawResponse;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TimePoint HoursAgo(int hours) {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::hours(hours);
}

bool HasCyrillic(std::string_view text) {
  // U+0400..U+04FF are two-byte sequences led by 0xD0..0xD3.
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]), next = static_cast<unsigned char>(text[i + 1]);
    if (lead >= 0xD0 && lead <= 0xD3 && (next & 0xC0) == 0x80) return true;
  }
  return false;
}

// WalkText calls `fn` with every text node of the body and the language in
// force there (the nearest lang attribute, as a screen reader reads it).
template <typename Fn>
void WalkText(const GumboNode* node, const std::string& lang, Fn& fn) {
  if (node->type == GUMBO_NODE_TEXT) {
    fn(std::string_view(node->v.text.text), lang);
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& e = node->v.element;
  // Not read as text: the head's title names the page in the tab, scripts are for machines.
  if (e.tag == GUMBO_TAG_TITLE || e.tag == GUMBO_TAG_SCRIPT || e.tag == GUMBO_TAG_STYLE) return;
  std::string here = lang;
  if (const GumboAttribute* a = gumbo_get_attribute(&e.attributes, "lang")) here = a->value;
  for (unsigned i = 0; i < e.children.length; ++i)
    WalkText(static_cast<const GumboNode*>(e.children.data[i]), here, fn);
}

// CyrillicOutsideRussian lists the Cyrillic texts of `html` a screen reader
// would read in another language's voice than Russian.
std::vector<std::string> CyrillicOutsideRussian(const std::string& html) {
  std::vector<std::string> wrong;
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  auto check = [&](std::string_view text, const std::string& lang) {
    if (HasCyrillic(text) && lang != "ru") wrong.push_back(std::string(text) + " (lang=\"" + lang + "\")");
  };
  WalkText(out->root, "", check);
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return wrong;
}

class SitePagesTest : public testing::ServedSiteTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore("nd_site_pages", "http://news.example"));
    untranslated_ = Add(Record("https://tass.example/1", "ru", "Шойгу выступил в Астане", 2,
                               "Министр обороны выступил на совещании в Астане."));
    auto translated = Record("https://tass.example/2", "ru", "Учения ОДКБ начались", 3, "Учения начались.");
    translated.translations.push_back(Translation{"en", "CSTO exercises begin", "TASS, April 25th",
                                                  {Block{BlockType::kParagraph, "The exercises began.", {}, {}, {}, {}}},
                                                  TranslatedBy::kMachine});
    translated_ = Add(translated);
    english_ = Add(Record("https://wire.example/3", "en", "NATO ministers meet", 4, "The ministers met in Brussels."));
  }

  static ArticleRecord Record(const std::string& url, const std::string& lang, const std::string& headline,
                              int hours_ago, const std::string& text) {
    ArticleRecord r;
    r.url = url;
    r.source = lang == "ru" ? Source{0, "", "ТАСС", "https://tass.example/", "RU", "ru"}
                            : Source{0, "", "Wire", "https://wire.example/", "GB", "en"};
    r.language = lang;
    r.headline = headline;
    r.dateline = lang == "ru" ? "ТАСС, 26 апреля" : "Wire, April 24th";
    r.published_at = HoursAgo(hours_ago);
    r.image = lang == "ru" ? Image{"https://tass.example/1.jpg", "© Sputnik / Болат Шайхинов", "Астана"}
                           : Image{"https://wire.example/3.jpg", "© Wire / J. Smith", "Brussels"};
    r.rights = lang == "ru" ? "© ТАСС" : "© Wire";
    r.body = {Block{BlockType::kParagraph, text, {}, {}, {}, {}}};
    return r;
  }

  int64_t Add(const ArticleRecord& r) {
    auto s = store_->UpsertArticles({r});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->ids[0] : 0;
  }

  std::string PathOf(int64_t id, const std::string& ed = "en") {
    auto a = store_->GetArticle(id);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? ArticleHref(ed, a->id, a->slug) : "";
  }

  std::string Page(const std::string& target) {
    RawResponse r = testing::Get(port(), target);
    EXPECT_EQ(r.status, 200) << target;
    return r.body;
  }

  // Index fills a real search index from the store and serves search from it.
  void Index() {
    auto index = SearchIndex::Open((dir_ / "search").string());
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
    IndexFollower follower(*store_, *index_);
    ASSERT_TRUE(follower.CatchUp().ok());
    served_->site().AttachSearch(index_.get());
  }
  void TearDown() override {
    served_.reset();  // before the index it searches
    index_.reset();
    ServedSiteTest::TearDown();
  }

  int64_t untranslated_ = 0, translated_ = 0, english_ = 0;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SitePagesTest, EveryRussianTextOnTheEnglishFrontPageIsMarkedRussian) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  const std::string html = Page("/en/");
  ASSERT_THAT(html, HasSubstr("Шойгу выступил в Астане"));  // the untranslated original is listed
  ASSERT_THAT(html, HasSubstr("ТАСС"));
  EXPECT_THAT(CyrillicOutsideRussian(html), IsEmpty());
}

TEST_F(SitePagesTest, EveryRussianTextOnEnglishArticlePagesIsMarkedRussian) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  for (int64_t id : {untranslated_, translated_, english_}) {
    const std::string html = Page(PathOf(id));
    EXPECT_THAT(CyrillicOutsideRussian(html), IsEmpty()) << PathOf(id);
  }
  EXPECT_THAT(CyrillicOutsideRussian(Page(PathOf(translated_) + "?original=1")), IsEmpty());
}

TEST_F(SitePagesTest, EveryRussianTextInEnglishListsAndSearchIsMarkedRussian) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_NO_FATAL_FAILURE(Index());
  auto tass = store_->GetArticle(untranslated_);
  ASSERT_TRUE(tass.ok());
  const std::string search = Page("/en/search?q=%D0%A8%D0%BE%D0%B9%D0%B3%D1%83");  // "Шойгу"
  ASSERT_THAT(search, HasSubstr("Шойгу"));
  EXPECT_THAT(CyrillicOutsideRussian(search), IsEmpty());
  EXPECT_THAT(CyrillicOutsideRussian(Page("/en/sources/" + tass->source.slug)), IsEmpty());
}

std::string Words(int n, const std::string& word) {
  std::string out;
  for (int i = 0; i < n; ++i) out += (i ? " " : "") + word;
  return out + ".";
}

// Issue 18, finding 5: "/\\evil.example/x.jpg" reached pages as an <img>
// source, which browsers load from another host. Whatever the store holds,
// a page writes only http(s) addresses and site paths.
TEST_F(SitePagesTest, AnImageAddressABrowserWouldTakeToAnotherHostNeverReachesThePage) {
  auto r = Record("https://wire.example/evil", "en", "Harbour works", 1, "Text.");
  r.image = Image{"/\\evil.example/lead.jpg", "© Wire", "The harbour"};
  r.body.push_back(Block{BlockType::kImage, "", {}, "/\\evil.example/inline.jpg", "A crane", "© Wire"});
  r.body.push_back(Block{BlockType::kImage, "", {}, "/static/demo/ok.jpg", "A ship", "© Wire"});
  const int64_t id = Add(r);
  ASSERT_NO_FATAL_FAILURE(Serve());
  const std::string page = Page(PathOf(id));
  EXPECT_THAT(page, Not(HasSubstr("evil.example")));
  EXPECT_THAT(page, HasSubstr("src=\"/static/demo/ok.jpg\""));
  EXPECT_THAT(page, HasSubstr("A crane")) << "the caption stays, as text";
}

TEST_F(SitePagesTest, TheArticlePageSaysHowLongTheTextShownTakesToReadInItsLanguage) {
  // 552 Russian words: 3 minutes at Russian's 184 a minute (2 at English's 228).
  const int64_t russian = Add(Record("https://tass.example/long", "ru", "Длинный репортаж", 5, Words(552, "слово")));
  // Its English translation, 520 words: 2 minutes at 228 (3 at 184).
  auto translated = Record("https://tass.example/long-translated", "ru", "Второй репортаж", 6, Words(552, "слово"));
  translated.translations.push_back(Translation{"en", "Second report", "",
                                                {Block{BlockType::kParagraph, Words(520, "word"), {}, {}, {}, {}}},
                                                TranslatedBy::kHuman});
  const int64_t with_translation = Add(translated);
  config_.editions = {"en", "ru", "es"};
  ASSERT_NO_FATAL_FAILURE(Serve());
  EXPECT_THAT(Page(PathOf(russian, "en")), HasSubstr("<span class=\"reading-time\"> · 3 min read</span>"));
  EXPECT_THAT(Page(PathOf(russian, "ru")), HasSubstr("<span class=\"reading-time\"> · 3 мин чтения</span>"));
  EXPECT_THAT(Page(PathOf(russian, "es")), HasSubstr("<span class=\"reading-time\"> · 3 min de lectura</span>"));
  EXPECT_THAT(Page(PathOf(with_translation, "en")), HasSubstr("<span class=\"reading-time\"> · 2 min read</span>"));
  EXPECT_THAT(Page(PathOf(with_translation, "en") + "?original=1"),
              HasSubstr("<span class=\"reading-time\"> · 3 min read</span>"));
}

// RelatedBlock is the article page's "related articles" section, or "".
std::string RelatedBlock(const std::string& html) {
  const size_t start = html.find("<section class=\"related\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</section>", start) - start);
}

class SiteRelatedTest : public SitePagesTest {
 protected:
  void SetUp() override {
    SitePagesTest::SetUp();
    const std::string frigate =
        "The navy's new frigate was launched at the northern shipyard on Monday. The frigate's hull was built in "
        "eighteen months, and the shipyard expects sea trials of the frigate in the spring, officials said.";
    auto launched = Record("https://wire.example/frigate", "en", "Frigate launched at the northern shipyard", 5, frigate);
    launched.fingerprint = EncodeFingerprint(MinHash(frigate));
    launched_ = Add(launched);
    // The same report from another outlet: the same story.
    auto copy = Record("https://harbour.example/frigate", "en", "Harbour Post: new frigate afloat", 5, frigate);
    copy.source = Source{0, "", "Harbour Post", "https://harbour.example/", "GB", "en"};
    copy.fingerprint = launched.fingerprint;
    copy_ = Add(copy);
    trials_ = Add(Record("https://wire.example/trials", "en", "Frigate begins sea trials", 4,
                         "The frigate launched at the northern shipyard began sea trials; the hull performed well."));
    russian_ = Add(Record("https://tass.example/frigate", "ru", "Верфь спустила фрегат", 4,
                          "На верфи Northern спустили фрегат: frigate, shipyard, hull."));
  }
  int64_t launched_ = 0, copy_ = 0, trials_ = 0, russian_ = 0;
};

TEST_F(SiteRelatedTest, TheArticlePageListsRelatedArticlesButNotItsOwnStory) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_NO_FATAL_FAILURE(Index());
  auto a = store_->GetArticle(launched_), b = store_->GetArticle(copy_);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->story_id, b->story_id) << "the fixture's copy must join the story";
  const std::string block = RelatedBlock(Page(PathOf(launched_)));
  ASSERT_THAT(block, HasSubstr("<h2 id=\"related-heading\">Related articles</h2>"));
  EXPECT_THAT(block, HasSubstr("href=\"" + PathOf(trials_) + "\">Frigate begins sea trials</a>"));
  // The Russian original, untranslated: its language label and its lang, as in every list.
  EXPECT_THAT(block, HasSubstr("href=\"" + PathOf(russian_) + "\" lang=\"ru\">Верфь спустила фрегат</a> "
                               "<span class=\"lang-label\""));
  EXPECT_THAT(block, Not(HasSubstr(PathOf(launched_) + "\"")));
  EXPECT_THAT(block, Not(HasSubstr(PathOf(copy_)))) << "the same story is in \"also reported by\", not here";
  EXPECT_THAT(block, Not(HasSubstr("NATO"))) << "nothing in common";
  // In the Russian edition the block is Russian too.
  EXPECT_THAT(RelatedBlock(Page(PathOf(launched_, "ru"))), HasSubstr(">Читайте также</h2>"));
}

TEST_F(SiteRelatedTest, WithoutASearchIndexTheArticlePageGoesWithoutTheBlock) {
  ASSERT_NO_FATAL_FAILURE(Serve());
  const std::string html = Page(PathOf(launched_));
  EXPECT_THAT(html, HasSubstr("Frigate launched at the northern shipyard"));
  EXPECT_THAT(html, Not(HasSubstr("class=\"related\"")));
}

TEST_F(SitePagesTest, TheCheckFindsCyrillicInTheWrongVoice) {
  EXPECT_THAT(CyrillicOutsideRussian("<html lang=en><body><p>Шойгу</p><p lang=ru>Астана</p></body></html>"),
              ::testing::ElementsAre("Шойгу (lang=\"en\")"));
}

}  // namespace
}  // namespace newsdesk
