// Comments: posting, editing, moderation, reports.
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <set>

#include "common/text.h"
#include "readers/internal/minutes.h"
#include "readers/readers.h"

namespace newsdesk {

namespace {

constexpr size_t kMaxReportReasonChars = 500;
constexpr size_t kMaxHoldWordChars = 100;

// WordsOf case-folds `text` and keeps its words (letters, digits) separated
// by single spaces, with a space at each end: " a b c ", so that a hold
// word or phrase matches whole words only by a plain search for " word ".
std::string WordsOf(const std::string& text) {
  icu::UnicodeString folded = icu::UnicodeString::fromUTF8(text).foldCase();
  icu::UnicodeString words(" ");
  bool in_word = false;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 ch = folded.char32At(i);
    i += U16_LENGTH(ch);
    if (u_isalnum(ch)) {
      words.append(ch);
      in_word = true;
    } else if (in_word) {
      words.append(static_cast<UChar>(' '));
      in_word = false;
    }
  }
  if (in_word) words.append(static_cast<UChar>(' '));
  std::string out;
  words.toUTF8String(out);
  return out;
}


}  // namespace

Comments::Comments(CommentStore& comments, AccountStore& accounts, const Config& config, Clock clock)
    : store_(comments), accounts_(accounts), config_(config), clock_(std::move(clock)) {}

Comments::Comments(Store& store, const Config& config, Clock clock)
    : Comments(store, store, config, std::move(clock)) {}

Status Comments::CheckAuthor(const User& author) {
  if (author.deleted) return Status::InvalidArgument("this account was deleted").With(ReasonCode::kAccountDeleted);
  if (author.banned)
    return Status::InvalidArgument("your account is banned from commenting").With(ReasonCode::kBannedFromCommenting);
  if (!author.email_confirmed)
    return Status::InvalidArgument("confirm your e-mail address before commenting: follow the link we mailed you")
        .With(ReasonCode::kCommentUnconfirmed);
  return Status::Ok();
}

Result<Comments::Checked> Comments::CheckBody(const User& author, const std::string& raw, bool first_comment_rule) {
  const std::string body = Trim(raw);
  if (!IsValidUtf8(body))
    return Status::InvalidArgument("the comment is not valid UTF-8 text").With(ReasonCode::kCommentNotUtf8);
  if (body.empty()) return Status::InvalidArgument("the comment is empty").With(ReasonCode::kCommentEmpty);
  // The forms refuse a NUL on reading; the JSON API's "\u0000" arrives here
  // (issue 18). Line breaks and tabs are text.
  if (HasControlChars(body))
    return Status::InvalidArgument("the comment may not contain control characters").With(ReasonCode::kCommentControl);
  const size_t length = Utf8Length(body);
  if (length > config_.comment_max_chars)
    return Status::InvalidArgument(
               fmt::format("the comment is {} characters long; the limit is {}", length, config_.comment_max_chars))
        .With(ReasonCode::kCommentTooLong,
              {{"length", std::to_string(length)}, {"max", std::to_string(config_.comment_max_chars)}});

  Checked out;
  out.rendered = RenderCommentMarkdown(body);
  const int links = out.rendered.links;
  const bool new_account = clock_() - author.created_at < std::chrono::hours(config_.new_account_hours);
  if (new_account && !IsModerator(author) && links > static_cast<int>(config_.new_account_max_links)) {
    const std::string wait = fmt::format("accounts younger than {} hours", config_.new_account_hours);
    const std::string hours = std::to_string(config_.new_account_hours);
    if (config_.new_account_max_links == 0)
      return Status::InvalidArgument(fmt::format("{} can't post links yet; remove the {} link(s)", wait, links))
          .With(ReasonCode::kNewAccountNoLinks, {{"hours", hours}, {"links", std::to_string(links)}});
    return Status::InvalidArgument(fmt::format("{} may post at most {} link(s) in a comment; this one has {}", wait,
                                               config_.new_account_max_links, links))
        .With(ReasonCode::kNewAccountTooManyLinks, {{"hours", hours},
                                                    {"max", std::to_string(config_.new_account_max_links)},
                                                    {"links", std::to_string(links)}});
  }
  if (IsModerator(author)) return out;  // moderators' comments never wait for a moderator

  auto hold = [&](std::string reason) {
    out.status = CommentStatus::kHeld;
    out.hold_reason = std::move(reason);
  };
  if (config_.premoderation == "all") {
    hold("every comment is read by a moderator before it appears");
  } else if (first_comment_rule && config_.premoderation == "first") {
    hold("a reader's first comment is read by a moderator before it appears");
  } else if (links > static_cast<int>(config_.comment_hold_links)) {
    hold(fmt::format("it has {} links (more than {}); a moderator will check it", links, config_.comment_hold_links));
  } else {
    auto words = store_.HoldWords();
    if (!words.ok()) return words.status();
    const std::string text = WordsOf(body);
    for (const std::string& w : *words) {
      const std::string needle = WordsOf(w);
      if (needle.size() > 2 && text.find(needle) != std::string::npos) {
        hold("it uses a word on the moderators' list; a moderator will check it");
        break;
      }
    }
  }
  return out;
}

Result<Comment> Comments::Post(const User& author, const CommentForm& form) {
  ND_RETURN_IF_ERROR(CheckAuthor(author));
  if (!form.honeypot.empty())
    return Status::InvalidArgument("this form looks filled in by a robot: the last field must stay empty")
        .With(ReasonCode::kFormHoneypot);
  const TimePoint now = clock_();
  if (!IsModerator(author)) {
    auto recent = store_.CountComments(author.id, form.address,
                                       now - std::chrono::seconds(config_.comment_rate_window_seconds));
    if (!recent.ok()) return recent.status();
    const std::string window = readers_internal::MinutesText(config_.comment_rate_window_seconds);
    if (recent->by_user >= config_.comments_per_user)
      return Status::Unavailable(fmt::format(
                 "you have posted {} comments in the last {}; wait a little before posting again", recent->by_user,
                 window))
          .With(readers_internal::MinutesReason(config_.comment_rate_window_seconds, ReasonCode::kCommentRateUserMinute,
                              ReasonCode::kCommentRateUser, {{"count", std::to_string(recent->by_user)}}));
    if (recent->by_address >= config_.comments_per_address)
      return Status::Unavailable(fmt::format(
                 "{} comments came from your network in the last {}; wait a little before posting again",
                 recent->by_address, window))
          .With(readers_internal::MinutesReason(config_.comment_rate_window_seconds, ReasonCode::kCommentRateNetworkMinute,
                              ReasonCode::kCommentRateNetwork, {{"count", std::to_string(recent->by_address)}}));
  }

  int64_t parent_id = 0;
  if (form.parent_id != 0) {
    auto parent = store_.GetComment(form.parent_id);
    if (!parent.ok()) {
      if (parent.status().is_not_found())
        return Status::InvalidArgument("the comment you are replying to does not exist")
            .With(ReasonCode::kReplyParentMissing);
      return parent.status();
    }
    if (parent->article_id != form.article_id)
      return Status::InvalidArgument("the comment you are replying to belongs to another article")
          .With(ReasonCode::kReplyParentElsewhere);
    if (parent->status != CommentStatus::kVisible)
      return Status::InvalidArgument("the comment you are replying to was removed")
          .With(ReasonCode::kReplyParentRemoved);
    // One level deep: a reply to a reply joins the thread's top-level comment.
    parent_id = parent->parent_id != 0 ? parent->parent_id : parent->id;
  }

  bool first_comment = false;
  if (config_.premoderation == "first") {
    auto visible = store_.CountVisibleUserComments(author.id);
    if (!visible.ok()) return visible.status();
    first_comment = *visible == 0;
  }
  auto checked = CheckBody(author, form.body, first_comment);
  if (!checked.ok()) return checked.status();

  Comment c;
  c.article_id = form.article_id;
  c.user_id = author.id;
  c.parent_id = parent_id;
  c.body = Trim(form.body);
  c.html = std::move(checked->rendered.html);
  c.status = checked->status;
  c.hold_reason = std::move(checked->hold_reason);
  c.address = form.address;
  c.created_at = now;
  return store_.AddComment(c);
}

Result<Comment> Comments::Edit(const User& editor, int64_t comment_id, const std::string& body) {
  ND_RETURN_IF_ERROR(CheckAuthor(editor));
  auto comment = store_.GetComment(comment_id);
  if (!comment.ok()) return comment.status();
  if (comment->user_id != editor.id)
    return Status::InvalidArgument("you can only edit your own comments").With(ReasonCode::kEditNotOwn);
  if (comment->status == CommentStatus::kDeleted || comment->status == CommentStatus::kHidden)
    return Status::InvalidArgument("this comment was removed and can't be edited").With(ReasonCode::kEditRemoved);
  const TimePoint now = clock_();
  if (now - comment->created_at > std::chrono::seconds(config_.comment_edit_seconds))
    return Status::InvalidArgument(fmt::format("comments can be edited for {} after posting; this one is older",
                                               readers_internal::MinutesText(config_.comment_edit_seconds)))
        .With(readers_internal::MinutesReason(config_.comment_edit_seconds, ReasonCode::kEditTooLateMinute, ReasonCode::kEditTooLate));
  // "First comment" pre-moderation still applies while no comment of the
  // author was approved.
  bool first_comment = false;
  if (config_.premoderation == "first") {
    auto visible = store_.CountVisibleUserComments(editor.id);
    if (!visible.ok()) return visible.status();
    first_comment = *visible == 0;
  }
  auto checked = CheckBody(editor, body, first_comment);
  if (!checked.ok()) return checked.status();
  // A comment waiting for a moderator keeps waiting, whatever the new text.
  if (comment->status == CommentStatus::kHeld && checked->status == CommentStatus::kVisible) {
    checked->status = CommentStatus::kHeld;
    checked->hold_reason = comment->hold_reason;
  }
  ND_RETURN_IF_ERROR(store_.EditComment(comment_id, Trim(body), checked->rendered.html, checked->status,
                                        checked->hold_reason, now));
  return store_.GetComment(comment_id);
}

Status Comments::Delete(const User& by, int64_t comment_id) {
  auto comment = store_.GetComment(comment_id);
  if (!comment.ok()) return comment.status();
  if (comment->user_id != by.id && !IsModerator(by))
    return Status::InvalidArgument("you can only delete your own comments").With(ReasonCode::kDeleteNotOwn);
  if (by.deleted) return Status::InvalidArgument("this account was deleted").With(ReasonCode::kAccountDeleted);
  if (comment->status == CommentStatus::kDeleted) return Status::Ok();
  ND_RETURN_IF_ERROR(store_.SetCommentStatus(comment_id, CommentStatus::kDeleted, ""));
  return store_.ResolveReports(comment_id);
}

Status Comments::Hide(const User& moderator, int64_t comment_id, const std::string& reason) {
  return Moderate(moderator, comment_id,
                  [&] { return store_.SetCommentStatus(comment_id, CommentStatus::kHidden, Trim(reason)); },
                  Status::PermissionDenied("only moderators can hide comments").With(ReasonCode::kHideNotModerator),
                  Status::InvalidArgument("this comment was deleted already").With(ReasonCode::kCommentDeletedAlready));
}

Status Comments::Restore(const User& moderator, int64_t comment_id) {
  return Moderate(
      moderator, comment_id, [&] { return store_.SetCommentStatus(comment_id, CommentStatus::kVisible, ""); },
      Status::PermissionDenied("only moderators can restore comments").With(ReasonCode::kRestoreNotModerator),
      Status::InvalidArgument("a deleted comment has no text left to restore").With(ReasonCode::kRestoreDeleted));
}

Status Comments::MarkSpam(const User& moderator, int64_t comment_id) {
  return Moderate(moderator, comment_id, [&] { return store_.MarkCommentSpam(comment_id, "spam"); },
                  Status::PermissionDenied("only moderators can hide comments").With(ReasonCode::kHideNotModerator),
                  Status::InvalidArgument("this comment was deleted already").With(ReasonCode::kCommentDeletedAlready));
}

Status Comments::Dismiss(const User& moderator, int64_t comment_id) {
  return Moderate(moderator, comment_id, [] { return Status::Ok(); },
                  Status::PermissionDenied("only moderators can see reports").With(ReasonCode::kReportsNotModerator),
                  Status::InvalidArgument("this comment was deleted already").With(ReasonCode::kCommentDeletedAlready));
}

Status Comments::Moderate(const User& moderator, int64_t comment_id, const std::function<Status()>& change,
                          Status not_moderator, Status deleted) {
  if (!IsModerator(moderator)) return not_moderator;
  auto comment = store_.GetComment(comment_id);
  if (!comment.ok()) return comment.status();
  if (comment->status == CommentStatus::kDeleted) return deleted;
  ND_RETURN_IF_ERROR(change());
  return store_.ResolveReports(comment_id);
}

Result<std::optional<User>> Comments::ReplyRecipient(const Comment& reply) {
  if (reply.parent_id == 0 || reply.status != CommentStatus::kVisible) return std::optional<User>();
  auto parent = store_.GetComment(reply.parent_id);
  if (!parent.ok()) return parent.status();
  if (parent->user_id == reply.user_id) return std::optional<User>();
  auto author = accounts_.GetUser(parent->user_id);
  if (!author.ok()) return author.status();
  if (!author->notify_replies || !author->email_confirmed || author->deleted || author->banned)
    return std::optional<User>();
  return std::optional<User>(std::move(*author));
}

Status Comments::Report(const User& reporter, int64_t comment_id, const std::string& raw_reason) {
  if (reporter.deleted) return Status::InvalidArgument("this account was deleted").With(ReasonCode::kAccountDeleted);
  if (reporter.banned)
    return Status::InvalidArgument("your account is banned from commenting").With(ReasonCode::kBannedFromCommenting);
  const std::string reason = Trim(raw_reason);
  if (!IsValidUtf8(reason))
    return Status::InvalidArgument("the reason is not valid UTF-8 text").With(ReasonCode::kReportReasonNotUtf8);
  if (Utf8Length(reason) > kMaxReportReasonChars)
    return Status::InvalidArgument(fmt::format("the reason may be at most {} characters", kMaxReportReasonChars))
        .With(ReasonCode::kReportReasonTooLong, {{"max", std::to_string(kMaxReportReasonChars)}});
  auto comment = store_.GetComment(comment_id);
  if (!comment.ok()) return comment.status();
  if (comment->status != CommentStatus::kVisible)
    return Status::InvalidArgument("this comment is not shown any more; there is nothing to report")
        .With(ReasonCode::kReportNotShown);
  if (comment->user_id == reporter.id)
    return Status::InvalidArgument("you can't report your own comment").With(ReasonCode::kReportOwn);
  return store_.AddReport(comment_id, reporter.id, reason, clock_());
}

Result<std::vector<Comment>> Comments::ForArticle(int64_t article_id, const User* viewer) {
  auto all = store_.ListArticleComments(
      article_id, {CommentStatus::kVisible, CommentStatus::kHeld, CommentStatus::kHidden, CommentStatus::kDeleted});
  if (!all.ok()) return all.status();
  const bool moderator = viewer && IsModerator(*viewer);
  std::set<int64_t> with_visible_replies;
  for (const Comment& c : *all)
    if (c.parent_id != 0 && c.status == CommentStatus::kVisible) with_visible_replies.insert(c.parent_id);
  std::vector<Comment> out;
  for (Comment& c : *all) {
    bool shown = false;
    bool placeholder = false;
    switch (c.status) {
      case CommentStatus::kVisible: shown = true; break;
      case CommentStatus::kHeld: shown = moderator || (viewer && viewer->id == c.user_id); break;
      case CommentStatus::kHidden:
        shown = moderator || with_visible_replies.count(c.id);
        placeholder = !moderator;
        break;
      case CommentStatus::kDeleted:
        shown = with_visible_replies.count(c.id) > 0;
        placeholder = true;
        break;
    }
    if (!shown) continue;
    if (placeholder) {
      c.body.clear();
      c.html.clear();
      c.hold_reason.clear();
    }
    if (!moderator) c.address.clear();  // addresses are for moderators' eyes only
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<Comment>> Comments::Queue(const User& moderator, int limit) {
  if (!IsModerator(moderator))
    return Status::PermissionDenied("only moderators can see the moderation queue").With(ReasonCode::kQueueNotModerator);
  return store_.ListCommentsByStatus(CommentStatus::kHeld, limit);
}

Result<std::vector<CommentReport>> Comments::Reports(const User& moderator, int limit) {
  if (!IsModerator(moderator))
    return Status::PermissionDenied("only moderators can see reports").With(ReasonCode::kReportsNotModerator);
  return store_.ListOpenReports(limit);
}

Status Comments::SetHoldWords(const User& editor, const std::vector<std::string>& words) {
  if (editor.deleted || editor.banned || (editor.role != Role::kEditor && editor.role != Role::kAdmin))
    return Status::InvalidArgument("only editors can change the hold list").With(ReasonCode::kHoldListNotEditor);
  std::vector<std::string> clean;
  for (const std::string& raw : words) {
    const std::string w = Trim(raw);
    if (w.empty()) continue;
    if (!IsValidUtf8(w) || HasControlChars(w) || Utf8Length(w) > kMaxHoldWordChars)
      return Status::InvalidArgument(
          fmt::format("'{}' can't be on the hold list: it must be text of at most {} characters", w,
                      kMaxHoldWordChars));
    if (WordsOf(w).size() <= 2)
      return Status::InvalidArgument(fmt::format("'{}' has no letters or digits to match", w))
          .With(ReasonCode::kHoldWordNoLetters, {{"word", w}});
    clean.push_back(w);
  }
  return store_.ReplaceHoldWords(clean);
}

Result<std::vector<std::string>> Comments::HoldWords() { return store_.HoldWords(); }

Result<Comment> Comments::Get(int64_t comment_id) { return store_.GetComment(comment_id); }

Result<User> Comments::Author(const Comment& comment) { return accounts_.GetUser(comment.user_id); }

Result<std::map<int64_t, int64_t>> Comments::VisibleCounts(const std::vector<int64_t>& article_ids) {
  std::map<int64_t, int64_t> out;
  if (article_ids.empty()) return out;
  auto counts = store_.CommentCounts(article_ids);
  if (!counts.ok()) return counts.status();
  for (const auto& [id, n] : *counts) out[id] = n;
  return out;
}

Result<std::vector<DiscussedArticle>> Comments::RecentlyDiscussed(int limit) { return store_.RecentlyCommented(limit); }

Result<std::vector<Comment>> Comments::ByNewAccounts(size_t limit) {
  const TimePoint since = clock_() - std::chrono::hours(config_.new_account_hours);
  return store_.ListCommentsByNewAccounts(since, static_cast<int>(limit));
}

}  // namespace newsdesk
