#include <thread>

#include "common/testing/matchers.h"
#include "readers/testing/readers_fixture.h"

namespace newsdesk {
namespace {

using testing_readers::ReadersTest;
using ::testing::HasSubstr;
using testing::LacksSubstrs;

class CommentsTest : public ReadersTest {
 protected:
  void SetUp() override {
    ReadersTest::SetUp();
    article_ = AddArticle("https://tsamto.example/a", "Шойгу выступил в Астане");
    ann_ = AddReader("ann@example.org", "Анна");
    bob_ = AddReader("bob@example.org", "Bob");
    mod_ = AddReader("mod@example.org", "Moderator", 48, Role::kModerator);
  }

  Result<Comment> Post(const User& u, const std::string& body, int64_t parent = 0,
                       const std::string& address = "192.0.2.1") {
    return comments().Post(u, CommentForm{article_, parent, body, address, ""});
  }

  int64_t article_ = 0;
  User ann_, bob_, mod_;
};

TEST(RenderCommentMarkdownTest, EscapesScriptAndDropsRawHtml) {
  auto r = RenderCommentMarkdown("Hello <script>alert(1)</script> **you**\n\n<img src=x onerror=alert(1)>");
  EXPECT_THAT(r.html, LacksSubstrs({"<script", "<img", "onerror=alert"}));
  EXPECT_THAT(r.html, HasSubstr("<strong>you</strong>"));
}

TEST(RenderCommentMarkdownTest, RemovesJavascriptLinks) {
  auto r = RenderCommentMarkdown("[click](javascript:alert(1)) [x](JaVaScRiPt:alert(2)) [d](data:text/html,hi)");
  EXPECT_THAT(r.html, LacksSubstrs({"javascript:", "JaVaScRiPt:", "data:text/html"}));
  EXPECT_THAT(r.html, HasSubstr(">click</a>"));
}

// Issue 18: cmark's safe mode keeps data:image/… URLs, and docs/readers.md
// promises a comment's data: links lose their href.
TEST(RenderCommentMarkdownTest, DataLinksAndImagesLoseTheirUrl) {
  auto r = RenderCommentMarkdown("[pic](data:image/png;base64,iVBORw0KGgo=) ![img](DATA:image/gif;base64,R0lGOD=)");
  EXPECT_THAT(r.html, LacksSubstrs({"data:", "DATA:", "base64"}));
  EXPECT_EQ(r.links, 2);
}

// Issue 18, finding 4: U+202E and zero-width characters never reach a page.
TEST(RenderCommentMarkdownTest, DropsInvisibleAndDirectionChangingCharacters) {
  auto r = RenderCommentMarkdown("Signed: \u202enimdA and Ad\u200bmin");
  EXPECT_THAT(r.html, HasSubstr("Signed: nimdA and Admin"));
}

TEST(RenderCommentMarkdownTest, AutolinksGetNofollowUgcAndAreCounted) {
  auto r = RenderCommentMarkdown("See https://example.org/a and [b](https://example.org/b) and www.example.com");
  EXPECT_EQ(r.links, 3);
  EXPECT_NE(r.html.find("<a rel=\"nofollow ugc\" href=\"https://example.org/a\">"), std::string::npos) << r.html;
  EXPECT_NE(r.html.find("<a rel=\"nofollow ugc\" href=\"https://example.org/b\">b</a>"), std::string::npos);
  EXPECT_EQ(r.html.find("<a href"), std::string::npos) << r.html;
}

TEST(RenderCommentMarkdownTest, TextThatLooksLikeALinkTagStaysText) {
  auto r = RenderCommentMarkdown("`<a href=\"x\">` and &lt;a href=\"y\"&gt;");
  EXPECT_EQ(r.html.find("<a "), std::string::npos) << r.html;
  EXPECT_EQ(r.links, 0);
}

TEST(RenderCommentMarkdownTest, ImagesBecomeLinks) {
  auto r = RenderCommentMarkdown("![a cat](https://example.org/cat.jpg)");
  EXPECT_EQ(r.html.find("<img"), std::string::npos) << r.html;
  EXPECT_NE(r.html.find("href=\"https://example.org/cat.jpg\">a cat</a>"), std::string::npos) << r.html;
  EXPECT_EQ(r.links, 1);
}

TEST(RenderCommentMarkdownTest, AnImageInsideALinkLeavesItsTextOnly) {
  auto r = RenderCommentMarkdown("[![a cat](https://example.org/cat.jpg)](https://example.org/)");
  EXPECT_EQ(r.html, "<p><a rel=\"nofollow ugc\" href=\"https://example.org/\">a cat</a></p>\n");
}

TEST_F(CommentsTest, PostsAVisibleCommentAndRecordsAChange) {
  auto before = store_->ChangeSequence();
  auto c = Post(ann_, "Отличная статья, *спасибо*!");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->status, CommentStatus::kVisible);
  EXPECT_EQ(c->author_name, "Анна");
  EXPECT_EQ(c->html, "<p>Отличная статья, <em>спасибо</em>!</p>\n");
  auto changes = store_->ChangesSince(*before, 10);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].entity, "comment");
  EXPECT_EQ((*changes)[0].entity_id, article_);
}

TEST_F(CommentsTest, RefusesWithAReason) {
  auto empty = Post(ann_, "   ");
  EXPECT_EQ(empty.status().message(), "the comment is empty");
  config_.comment_max_chars = 10;
  auto long_one = Post(ann_, "одиннадцать");
  EXPECT_EQ(long_one.status().message(), "the comment is 11 characters long; the limit is 10");
  auto robot = comments().Post(ann_, CommentForm{article_, 0, "hi", "192.0.2.1", "filled"});
  EXPECT_NE(robot.status().message().find("robot"), std::string::npos);
  auto no_article = comments().Post(ann_, CommentForm{article_ + 100, 0, "hi", "192.0.2.1", ""});
  EXPECT_TRUE(no_article.status().is_not_found());

  User unconfirmed = AddReader("new@example.org");
  ASSERT_TRUE(store_->UpdateUser(unconfirmed.id, UserChanges{.email_confirmed = false}).ok());
  EXPECT_NE(Post(*store_->GetUser(unconfirmed.id), "hi").status().message().find("confirm"), std::string::npos);
}

TEST_F(CommentsTest, BannedUserCannotPost) {
  ASSERT_TRUE(accounts().SetBanned(mod_, ann_.id, true).ok());
  auto c = Post(*store_->GetUser(ann_.id), "let me in");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "your account is banned from commenting");
}

TEST_F(CommentsTest, ScriptInCommentIsStoredAsEscapedText) {
  auto c = Post(ann_, "<script>alert('x')</script> [x](javascript:alert(1))");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->html.find("<script"), std::string::npos) << c->html;
  EXPECT_EQ(c->html.find("javascript:"), std::string::npos) << c->html;
  EXPECT_EQ(c->body, "<script>alert('x')</script> [x](javascript:alert(1))") << "the source is kept for editing";
}

TEST_F(CommentsTest, PremoderationAllHoldsEveryReadersComment) {
  config_.premoderation = "all";
  auto c = Post(ann_, "hello");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, CommentStatus::kHeld);
  EXPECT_FALSE(c->hold_reason.empty());
  auto mod = Post(mod_, "moderators are trusted");
  EXPECT_EQ(mod->status, CommentStatus::kVisible);

  auto anonymous = comments().ForArticle(article_, nullptr);
  ASSERT_EQ(anonymous->size(), 1u) << "held comments are not shown";
  auto own = comments().ForArticle(article_, &ann_);
  EXPECT_EQ(own->size(), 2u) << "but their authors see them";
  auto queue = comments().Queue(mod_, 10);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].id, c->id);
  EXPECT_EQ(comments().Queue(ann_, 10).status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(comments().Restore(mod_, c->id).ok());
  EXPECT_EQ(comments().ForArticle(article_, nullptr)->size(), 2u);
}

TEST_F(CommentsTest, PremoderationFirstHoldsOnlyUntilOneIsApproved) {
  config_.premoderation = "first";
  auto first = Post(ann_, "my first");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->status, CommentStatus::kHeld);
  auto second = Post(ann_, "my second, still waiting");
  EXPECT_EQ(second->status, CommentStatus::kHeld);
  ASSERT_TRUE(comments().Restore(mod_, first->id).ok());
  auto third = Post(ann_, "now I am trusted");
  EXPECT_EQ(third->status, CommentStatus::kVisible);
}

TEST_F(CommentsTest, PremoderationNoneShowsAtOnce) {
  config_.premoderation = "none";
  EXPECT_EQ(Post(ann_, "hello")->status, CommentStatus::kVisible);
}

TEST_F(CommentsTest, HoldListWordsHoldWholeWordsCaseInsensitively) {
  EXPECT_EQ(comments().SetHoldWords(ann_, {"казино"}).code(), Code::kInvalidArgument);
  User editor = AddReader("ed@example.org", "Editor", 48, Role::kEditor);
  ASSERT_TRUE(comments().SetHoldWords(editor, {"Казино", "free money"}).ok());
  EXPECT_EQ(Post(ann_, "Лучшее КАЗИНО тут")->status, CommentStatus::kHeld);
  EXPECT_EQ(Post(ann_, "Get FREE   money now")->status, CommentStatus::kHeld);
  EXPECT_EQ(Post(ann_, "казиноподобный — не то слово")->status, CommentStatus::kVisible);
  EXPECT_EQ(Post(bob_, "money for free")->status, CommentStatus::kVisible);
}

TEST_F(CommentsTest, MoreLinksThanTheLimitAreHeld) {
  config_.comment_hold_links = 2;
  EXPECT_EQ(Post(ann_, "https://a.example/ https://b.example/")->status, CommentStatus::kVisible);
  auto c = Post(bob_, "https://a.example/ https://b.example/ [c](https://c.example/)");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->status, CommentStatus::kHeld);
  EXPECT_NE(c->hold_reason.find("3 links"), std::string::npos) << c->hold_reason;
}

TEST_F(CommentsTest, NewAccountsMayNotPostLinks) {
  config_.new_account_max_links = 0;
  config_.new_account_hours = 24;
  User fresh = AddReader("fresh@example.org", "Fresh", 1);
  auto c = Post(fresh, "visit https://spam.example/");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("can't post links yet"), std::string::npos) << c.status().ToString();
  EXPECT_TRUE(Post(fresh, "plain words are fine").ok());
  EXPECT_TRUE(Post(ann_, "older accounts may: https://example.org/").ok());
  config_.new_account_max_links = 1;
  EXPECT_TRUE(Post(fresh, "one: https://example.org/").ok());
  EXPECT_FALSE(Post(fresh, "two: https://example.org/ https://example.com/").ok());
}

TEST_F(CommentsTest, ModeratorsSeeTheCommentsOfNewAccountsNewestFirst) {
  config_.new_account_hours = 24;
  User fresh = AddReader("fresh@example.org", "Fresh", 1);
  User new_moderator = AddReader("newmod@example.org", "New moderator", 1, Role::kModerator);
  auto first = Post(fresh, "first words");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  now_ += std::chrono::minutes(2);
  auto second = Post(fresh, "second words");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(Post(ann_, "an older account").ok());
  ASSERT_TRUE(Post(new_moderator, "staff are not listed").ok());
  ASSERT_EQ(first->status, CommentStatus::kVisible);

  auto list = comments().ByNewAccounts(10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, second->id);
  EXPECT_EQ((*list)[1].id, first->id);
  EXPECT_EQ((*list)[0].author_name, "Fresh");
  auto one = comments().ByNewAccounts(1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);

  // A day later the account is no longer new, and neither are its comments.
  now_ += std::chrono::hours(25);
  auto later = comments().ByNewAccounts(10);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
}

TEST_F(CommentsTest, RateLimitPerUserAndPerAddress) {
  config_.comments_per_user = 2;
  config_.comments_per_address = 3;
  config_.comment_rate_window_seconds = 600;
  EXPECT_TRUE(Post(ann_, "one", 0, "192.0.2.1").ok());
  EXPECT_TRUE(Post(ann_, "two", 0, "192.0.2.1").ok());
  auto third = Post(ann_, "three", 0, "192.0.2.1");
  ASSERT_EQ(third.status().code(), Code::kUnavailable);
  EXPECT_NE(third.status().message().find("wait"), std::string::npos);
  EXPECT_TRUE(Post(bob_, "bob from the same network", 0, "192.0.2.1").ok());
  auto crowded = Post(bob_, "again", 0, "192.0.2.1");
  ASSERT_EQ(crowded.status().code(), Code::kUnavailable);
  EXPECT_NE(crowded.status().message().find("your network"), std::string::npos);
  now_ += std::chrono::minutes(11);
  EXPECT_TRUE(Post(ann_, "later", 0, "192.0.2.1").ok());
}

TEST_F(CommentsTest, RepliesAreOneLevelDeep) {
  auto top = Post(ann_, "top");
  auto reply = Post(bob_, "reply", top->id);
  auto reply_to_reply = Post(ann_, "reply to reply", reply->id);
  auto other = Post(bob_, "another thread");
  ASSERT_TRUE(top.ok() && reply.ok() && reply_to_reply.ok() && other.ok());
  EXPECT_EQ(reply->parent_id, top->id);
  EXPECT_EQ(reply_to_reply->parent_id, top->id) << "joins the top-level thread";
  auto list = comments().ForArticle(article_, nullptr);
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ((*list)[0].id, top->id);
  EXPECT_EQ((*list)[1].id, reply->id);
  EXPECT_EQ((*list)[2].id, reply_to_reply->id);
  EXPECT_EQ((*list)[3].id, other->id);

  const int64_t elsewhere = AddArticle("https://tsamto.example/b", "Другая статья");
  auto cross = comments().Post(bob_, CommentForm{elsewhere, top->id, "wrong place", "192.0.2.1", ""});
  EXPECT_EQ(cross.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Post(bob_, "to nothing", 999999).status().code(), Code::kInvalidArgument);
}

TEST_F(CommentsTest, ReplyRecipientIsTheOptedInAuthorOfTheParent) {
  auto top = Post(ann_, "top");
  auto reply = Post(bob_, "reply", top->id);
  ASSERT_TRUE(top.ok() && reply.ok());
  EXPECT_FALSE(comments().ReplyRecipient(*reply)->has_value()) << "not opted in";
  ASSERT_TRUE(accounts().SetNotifyReplies(ann_.id, true).ok());
  auto to = comments().ReplyRecipient(*reply);
  ASSERT_TRUE(to.ok() && to->has_value());
  EXPECT_EQ((*to)->email, "ann@example.org");
  auto own = Post(ann_, "answering myself", top->id);
  EXPECT_FALSE(comments().ReplyRecipient(*own)->has_value());
  EXPECT_FALSE(comments().ReplyRecipient(*top)->has_value()) << "not a reply";
  Comment held = *reply;
  held.status = CommentStatus::kHeld;
  EXPECT_FALSE(comments().ReplyRecipient(held)->has_value());
}

TEST_F(CommentsTest, EditOwnWithinFifteenMinutesOnly) {
  auto c = Post(ann_, "typo");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(comments().Edit(bob_, c->id, "hijacked").status().message(), "you can only edit your own comments");
  EXPECT_EQ(comments().Edit(mod_, c->id, "moderated").status().code(), Code::kInvalidArgument)
      << "nobody edits another's comment, moderators neither";
  now_ += std::chrono::minutes(14);
  auto edited = comments().Edit(ann_, c->id, "fixed **typo**");
  ASSERT_TRUE(edited.ok()) << edited.status().ToString();
  EXPECT_EQ(edited->body, "fixed **typo**");
  EXPECT_EQ(edited->html, "<p>fixed <strong>typo</strong></p>\n");
  ASSERT_TRUE(edited->edited_at.has_value());
  EXPECT_EQ(*edited->edited_at, now_);
  now_ += std::chrono::minutes(2);
  auto late = comments().Edit(ann_, c->id, "too late");
  EXPECT_NE(late.status().message().find("15 minutes"), std::string::npos) << late.status().ToString();
}

TEST_F(CommentsTest, EditingInAHoldWordHoldsTheComment) {
  User editor = AddReader("ed@example.org", "Editor", 48, Role::kEditor);
  ASSERT_TRUE(comments().SetHoldWords(editor, {"spam"}).ok());
  auto c = Post(ann_, "innocent");
  auto edited = comments().Edit(ann_, c->id, "now with spam");
  ASSERT_TRUE(edited.ok());
  EXPECT_EQ(edited->status, CommentStatus::kHeld);
}

TEST_F(CommentsTest, DeleteOwnOrAsModeratorKeepsRepliesUnderAPlaceholder) {
  auto top = Post(ann_, "top");
  auto reply = Post(bob_, "reply", top->id);
  auto lonely = Post(bob_, "lonely");
  EXPECT_EQ(comments().Delete(bob_, top->id).code(), Code::kInvalidArgument);
  ASSERT_TRUE(comments().Delete(ann_, top->id).ok());
  ASSERT_TRUE(comments().Delete(mod_, lonely->id).ok());
  auto list = comments().ForArticle(article_, nullptr);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].status, CommentStatus::kDeleted);
  EXPECT_EQ((*list)[0].html, "");
  EXPECT_EQ((*list)[1].id, reply->id);
  EXPECT_EQ(store_->GetComment(top->id)->body, "") << "the text is gone from the store too";
}

TEST_F(CommentsTest, ModeratorsHideAndRestore) {
  auto c = Post(ann_, "rude words");
  EXPECT_EQ(comments().Hide(bob_, c->id, "no").code(), Code::kPermissionDenied);
  ASSERT_TRUE(comments().Hide(mod_, c->id, "rude").ok());
  EXPECT_TRUE(comments().ForArticle(article_, nullptr)->empty());
  auto seen_by_mod = comments().ForArticle(article_, &mod_);
  ASSERT_EQ(seen_by_mod->size(), 1u);
  EXPECT_EQ((*seen_by_mod)[0].hold_reason, "rude");
  EXPECT_EQ(comments().Edit(ann_, c->id, "sorry").status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(comments().Restore(mod_, c->id).ok());
  EXPECT_EQ(comments().ForArticle(article_, nullptr)->size(), 1u);
}

TEST_F(CommentsTest, ReportsReachTheModeratorsUntilResolved) {
  auto c = Post(ann_, "questionable");
  EXPECT_EQ(comments().Report(ann_, c->id, "me").code(), Code::kInvalidArgument);
  ASSERT_TRUE(comments().Report(bob_, c->id, "offensive").ok());
  ASSERT_TRUE(comments().Report(bob_, c->id, "very offensive").ok()) << "a second report only updates the reason";
  auto reports = comments().Reports(mod_, 10);
  ASSERT_TRUE(reports.ok()) << reports.status().ToString();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ((*reports)[0].comment.id, c->id);
  EXPECT_EQ((*reports)[0].reporter_id, bob_.id);
  EXPECT_EQ((*reports)[0].reason, "very offensive");
  EXPECT_EQ(comments().Reports(bob_, 10).status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(comments().Hide(mod_, c->id, "offensive").ok());
  EXPECT_TRUE(comments().Reports(mod_, 10)->empty());
}

TEST_F(CommentsTest, AddressesAreShownToModeratorsOnly) {
  ASSERT_TRUE(Post(ann_, "hi", 0, "203.0.113.7").ok());
  EXPECT_EQ((*comments().ForArticle(article_, nullptr))[0].address, "");
  EXPECT_EQ((*comments().ForArticle(article_, &mod_))[0].address, "203.0.113.7");
}

TEST_F(CommentsTest, DiscussionListsTheMostRecentlyCommentedArticlesFirst) {
  const int64_t second = AddArticle("https://tsamto.example/b", "Вторая");
  const int64_t third = AddArticle("https://tsamto.example/c", "Третья");
  ASSERT_TRUE(Post(ann_, "a1").ok());
  now_ += std::chrono::minutes(1);
  ASSERT_TRUE(comments().Post(bob_, {second, 0, "b1", "192.0.2.2", ""}).ok());
  now_ += std::chrono::minutes(1);
  auto held_only = comments().Post(ann_, {third, 0, "https://a.example https://b.example https://c.example "
                                                    "https://d.example", "192.0.2.1", ""});
  ASSERT_EQ(held_only->status, CommentStatus::kHeld);
  now_ += std::chrono::minutes(1);
  ASSERT_TRUE(Post(bob_, "a2").ok());
  auto list = store_->RecentlyCommented(10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u) << "held comments don't count";
  EXPECT_EQ((*list)[0].article_id, article_);
  EXPECT_EQ((*list)[0].comment_count, 2);
  EXPECT_EQ((*list)[0].last_comment_at, now_);
  EXPECT_EQ((*list)[1].article_id, second);
  EXPECT_EQ((*list)[1].comment_count, 1);

  auto counts = store_->CommentCounts({article_, second, third});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::vector<std::pair<int64_t, int64_t>>{{article_, 2}, {second, 1}}));
}

TEST_F(CommentsTest, SqlMetacharactersInCommentsAreHarmless) {
  auto c = Post(ann_, "'; DELETE FROM comments; -- \" OR 1=1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(store_->GetComment(c->id)->body, "'; DELETE FROM comments; -- \" OR 1=1");
  EXPECT_EQ(comments().ForArticle(article_, nullptr)->size(), 1u);
}

TEST_F(ReadersTest, ViewCounterFlushesInOneBatch) {
  const int64_t a = AddArticle("https://tsamto.example/a", "A");
  const int64_t b = AddArticle("https://tsamto.example/b", "B");
  ViewCounter views;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) views.Count(i % 5 == 0 ? b : a);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(views.Pending(a), 800);
  auto seq = store_->ChangeSequence();
  ASSERT_TRUE(views.Flush(*store_).ok());
  EXPECT_EQ(views.Pending(a), 0);
  EXPECT_EQ(store_->GetArticle(a)->view_count, 800);
  EXPECT_EQ(store_->GetArticle(b)->view_count, 200);
  EXPECT_EQ(*store_->ChangeSequence(), *seq) << "views don't invalidate page caches";
  views.Count(a, 5);
  ASSERT_TRUE(views.Flush(*store_).ok());
  EXPECT_EQ(store_->GetArticle(a)->view_count, 805);
  EXPECT_TRUE(views.Flush(*store_).ok()) << "nothing to flush is fine";
}

}  // namespace
}  // namespace newsdesk
