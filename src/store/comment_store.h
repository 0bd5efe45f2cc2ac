// File: store/comment_store.h
//
// CommentStore: readers' comments with their moderation states, reports,
// hold words, article views, and the Discussion list.
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once; every write is
// atomic (all it was given, or nothing).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

enum class CommentStatus { kVisible, kHeld, kHidden, kDeleted };

// Comment: a reader's comment on an article. `body` is the Markdown the
// author wrote, `html` its safe rendering (made by readers/, not the store).
struct Comment {
  int64_t id = 0;
  int64_t article_id = 0;
  int64_t user_id = 0;
  int64_t parent_id = 0;          // 0 for a top-level comment
  std::string body;
  std::string html;
  CommentStatus status = CommentStatus::kVisible;
  std::string hold_reason;        // why it waits for a moderator, or was hidden
  std::string address;            // the poster's network address
  bool spam = false;              // hidden as spam by a moderator (MarkCommentSpam); only with kHidden
  TimePoint created_at{};
  std::optional<TimePoint> edited_at;
  // Read-only, filled from the author's account.
  std::string author_name;        // empty when the account was deleted
  bool author_deleted = false;
};

// CommentActivity: comments by a user and from an address since some time.
struct CommentActivity {
  int64_t by_user = 0;
  int64_t by_address = 0;
};

// CommentReport: a reader's report of a comment, with the comment.
struct CommentReport {
  Comment comment;
  int64_t reporter_id = 0;
  std::string reason;
  TimePoint created_at{};
};

// CommentQueue: the desk's tabs of the moderation queue (issue 16).
//   kPending   held comments, oldest first (the order they are worked in);
//   kReported  comments of any status with an open report, oldest first;
//   kHidden    hidden comments that are not spam, newest first;
//   kSpam      comments hidden as spam, newest first.
enum class CommentQueue { kPending, kReported, kHidden, kSpam };

// QueuedComment: a comment on a desk page, with its open reports (how many,
// and the newest one's reason) and the article it is on.
struct QueuedComment {
  Comment comment;
  int64_t open_reports = 0;
  std::string report_reason;
  std::string article_headline;
  std::string article_slug;
};

// DiscussedArticle: an article on the Discussion list.
struct DiscussedArticle {
  int64_t article_id = 0;
  TimePoint last_comment_at{};
  int64_t comment_count = 0;       // visible comments
};

class CommentStore {
 public:
  virtual ~CommentStore() = default;

  // Every comment write records a change with entity "comment" and the
  // *article's* id, so the article's cached pages are invalidated.

  // AddComment stores a new comment (its `id` is ignored) and returns it as
  // stored. NotFound when the article or the user does not exist.
  virtual Result<Comment> AddComment(const Comment& comment) = 0;
  virtual Result<Comment> GetComment(int64_t id) = 0;
  // ListArticleComments lists an article's comments with one of `statuses`,
  // each top-level comment followed by its replies, oldest first.
  virtual Result<std::vector<Comment>> ListArticleComments(int64_t article_id,
                                                           const std::vector<CommentStatus>& statuses) = 0;
  // ListCommentsByStatus lists comments with `status` anywhere, oldest
  // first: the moderation queue.
  virtual Result<std::vector<Comment>> ListCommentsByStatus(CommentStatus status, int limit) = 0;
  // ListCommentQueue is one page of a desk tab, in the tab's order (see
  // CommentQueue), keyset by id: the comments that come after `after_id` in
  // that order (0: from the start).
  virtual Result<std::vector<QueuedComment>> ListCommentQueue(CommentQueue queue, int64_t after_id, int limit) = 0;
  // CountCommentQueue counts a tab's comments.
  virtual Result<int64_t> CountCommentQueue(CommentQueue queue) = 0;
  // ListUserComments lists user `user_id`'s comments in every status,
  // newest first, keyset by id: those older than `before_id` (0: the newest).
  virtual Result<std::vector<QueuedComment>> ListUserComments(int64_t user_id, int64_t before_id, int limit) = 0;
  // ListCommentsByNewAccounts lists visible comments written since `since`
  // by readers (not staff) whose accounts were made since then too, newest
  // first: one query for the moderators' "new accounts" list.
  virtual Result<std::vector<Comment>> ListCommentsByNewAccounts(TimePoint since, int limit) = 0;
  // EditComment replaces a comment's text, status and hold reason, and sets
  // `edited_at`. NotFound when there is no comment `id`.
  virtual Status EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                             const std::string& hold_reason, TimePoint edited_at) = 0;
  // SetCommentStatus changes a comment's status (hide, restore, approve,
  // delete) and its reason; deleting also clears the text. It clears the
  // spam mark: a comment is spam only while MarkCommentSpam's hiding stands.
  virtual Status SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) = 0;
  // MarkCommentSpam hides a comment as spam, with `reason`. NotFound when
  // there is no comment `id`.
  virtual Status MarkCommentSpam(int64_t id, const std::string& reason) = 0;
  // HideUserComments hides every visible or held comment of user `user_id`
  // (a banned spammer's) with `reason`, in one transaction, and returns how
  // many it hid; each thread that changed is recorded as changed.
  virtual Result<int64_t> HideUserComments(int64_t user_id, const std::string& reason) = 0;
  // CountComments counts the comments of a user and from an address since
  // `since` (any status): the rate limit.
  virtual Result<CommentActivity> CountComments(int64_t user_id, const std::string& address, TimePoint since) = 0;
  // CountVisibleUserComments counts a user's visible comments: "first
  // comment" pre-moderation holds until a moderator approves one.
  virtual Result<int64_t> CountVisibleUserComments(int64_t user_id) = 0;
  // CommentCounts returns the number of visible comments of each article
  // in `article_ids` (articles without any are left out).
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> CommentCounts(const std::vector<int64_t>& article_ids) = 0;
  // RecentlyCommented lists the articles with the newest visible comments,
  // newest first: the Discussion list.
  virtual Result<std::vector<DiscussedArticle>> RecentlyCommented(int limit) = 0;

  // AddReport records a reader's report; a second report of the same
  // comment by the same reader only updates the reason.
  virtual Status AddReport(int64_t comment_id, int64_t reporter_id, const std::string& reason, TimePoint at) = 0;
  // ListOpenReports lists unresolved reports, oldest first.
  virtual Result<std::vector<CommentReport>> ListOpenReports(int limit) = 0;
  // ResolveReports closes every report of a comment.
  virtual Status ResolveReports(int64_t comment_id) = 0;

  // HoldWords is the editable list of words and phrases that hold a comment.
  virtual Result<std::vector<std::string>> HoldWords() = 0;
  virtual Status ReplaceHoldWords(const std::vector<std::string>& words) = 0;

  // AddViews adds (article id, views) in one transaction; unknown articles
  // are skipped. Views record no change: they must not flush page caches.
  virtual Status AddViews(const std::vector<std::pair<int64_t, int64_t>>& views) = 0;
};

}  // namespace newsdesk
