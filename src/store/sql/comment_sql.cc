// comment_sql.cc: CommentStore (store/comment_store.h), readers' comments,
// reports, the hold list and view counts (issue 6).
#include <fmt/format.h>

#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {

const char* CommentStatusName(CommentStatus s) {
  switch (s) {
    case CommentStatus::kHeld: return "held";
    case CommentStatus::kHidden: return "hidden";
    case CommentStatus::kDeleted: return "deleted";
    case CommentStatus::kVisible: break;
  }
  return "visible";
}

CommentStatus ParseCommentStatus(const std::string& s) {
  if (s == "held") return CommentStatus::kHeld;
  if (s == "hidden") return CommentStatus::kHidden;
  if (s == "deleted") return CommentStatus::kDeleted;
  return CommentStatus::kVisible;
}

constexpr const char* kCommentColumns =
    "SELECT c.id, c.article_id, c.user_id, c.parent_id, c.body, c.html, c.status, c.hold_reason, c.address, "
    "c.created_at, c.edited_at, u.display_name, u.deleted, c.spam ";
constexpr const char* kCommentsJoinUsers = "FROM comments c JOIN users u ON u.id = c.user_id ";

// CommentFromRow reads the 14 columns of kCommentColumns.
constexpr int kCommentColumnCount = 14;
Comment CommentFromRow(const Stmt& st) {
  Comment m;
  std::string status;
  ReadColumns(st, 0, m.id, m.article_id, m.user_id, m.parent_id, m.body, m.html, status, m.hold_reason, m.address,
              m.created_at, m.edited_at, m.author_name, m.author_deleted, m.spam);
  m.status = ParseCommentStatus(status);
  return m;
}

// ArticleOfComment returns the article a comment belongs to.
Result<int64_t> ArticleOfComment(Connection& c, int64_t comment_id) {
  return QueryFound<int64_t>(c, "SELECT article_id FROM comments WHERE id = ?", [&](Stmt& st) { st.Bind(1, comment_id); },
                             [](const Stmt& st) { return st.Int(0); }, fmt::format("no comment {}", comment_id));
}

}  // namespace

Result<std::vector<Comment>> SqlStore::ListComments(const std::string& where, const std::function<void(Stmt&)>& bind) {
  return WithConnection<std::vector<Comment>>([&](Connection& c) {
    return QueryAll<Comment>(c, std::string(kCommentColumns) + kCommentsJoinUsers + where, bind, CommentFromRow);
  });
}

Status SqlStore::UpdateComment(int64_t id, const std::string& sql, const std::function<void(Stmt&)>& bind) {
  return Write([&](Connection& c) -> Status {
    auto article = ArticleOfComment(c, id);
    if (!article.ok()) return article.status();
    ND_RETURN_IF_ERROR(Exec(c, sql, bind));
    return RecordChange(c, "comment", *article, NowSeconds());
  });
}

Result<Comment> SqlStore::AddComment(const Comment& m) {
  auto id = pool_.WriteReturning<int64_t>([&](Connection& c) -> Result<int64_t> {
    ND_RETURN_IF_ERROR(RequireRow(c, "SELECT 1 FROM articles WHERE id = ?", m.article_id,
                                  fmt::format("no article {}", m.article_id)));
    ND_RETURN_IF_ERROR(RequireRow(c, "SELECT 1 FROM users WHERE id = ?", m.user_id, fmt::format("no user {}", m.user_id)));
    ND_RETURN_IF_ERROR(Exec(c,
        "INSERT INTO comments (article_id, user_id, parent_id, body, html, status, hold_reason, address, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [&](Stmt& st) {
          st.Bind(1, m.article_id).Bind(2, m.user_id).Bind(3, m.parent_id).Bind(4, m.body).Bind(5, m.html)
              .Bind(6, std::string(CommentStatusName(m.status))).Bind(7, m.hold_reason).Bind(8, m.address)
              .Bind(9, Seconds(m.created_at));
        }));
    auto id = c.LastInsertId();
    if (!id.ok()) return id.status();
    ND_RETURN_IF_ERROR(RecordChange(c, "comment", m.article_id, NowSeconds()));
    return *id;
  });
  if (!id.ok()) return id.status();
  return GetComment(*id);
}

Result<Comment> SqlStore::GetComment(int64_t id) {
  auto list = ListComments("WHERE c.id = ?", [&](Stmt& st) { st.Bind(1, id); });
  if (!list.ok()) return list.status();
  if (list->empty()) return Status::NotFound(fmt::format("no comment {}", id));
  return std::move(list->front());
}

Result<std::vector<Comment>> SqlStore::ListArticleComments(int64_t article_id,
                                                           const std::vector<CommentStatus>& statuses) {
  // Statuses travel as a bit set, so the statement is the same for any set.
  int64_t mask = 0;
  for (CommentStatus s : statuses) mask |= int64_t{1} << static_cast<int>(s);
  return ListComments(
      "WHERE c.article_id = ?1 AND ((?2 >> (CASE c.status WHEN 'visible' THEN 0 WHEN 'held' THEN 1 "
      "WHEN 'hidden' THEN 2 ELSE 3 END)) & 1) <> 0 "
      "ORDER BY CASE WHEN c.parent_id = 0 THEN c.id ELSE c.parent_id END, c.parent_id <> 0, c.created_at, c.id",
      [&](Stmt& st) { st.Bind(1, article_id).Bind(2, mask); });
}

Result<std::vector<Comment>> SqlStore::ListCommentsByStatus(CommentStatus status, int limit) {
  return ListComments("WHERE c.status = ? ORDER BY c.created_at, c.id LIMIT ?", [&](Stmt& st) {
    st.Bind(1, std::string(CommentStatusName(status))).Bind(2, static_cast<int64_t>(limit));
  });
}

Result<std::vector<Comment>> SqlStore::ListCommentsByNewAccounts(TimePoint since, int limit) {
  return ListComments(
      "WHERE c.status = 'visible' AND c.created_at >= ?1 AND u.created_at >= ?1 AND u.role = 'reader' "
      "ORDER BY c.created_at DESC, c.id DESC LIMIT ?2",
      [&](Stmt& st) { st.Bind(1, Seconds(since)).Bind(2, static_cast<int64_t>(limit)); });
}

Status SqlStore::EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                             const std::string& hold_reason, TimePoint edited_at) {
  return UpdateComment(id, "UPDATE comments SET body = ?, html = ?, status = ?, hold_reason = ?, edited_at = ? WHERE id = ?",
                       [&](Stmt& st) {
                         st.Bind(1, body).Bind(2, html).Bind(3, std::string(CommentStatusName(status)))
                             .Bind(4, hold_reason).Bind(5, Seconds(edited_at)).Bind(6, id);
                       });
}

Status SqlStore::SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) {
  return UpdateComment(id,
                       status == CommentStatus::kDeleted
                           ? "UPDATE comments SET status = ?1, hold_reason = ?2, spam = 0, body = '', html = '' WHERE id = ?3"
                           : "UPDATE comments SET status = ?1, hold_reason = ?2, spam = 0 WHERE id = ?3",
                       [&](Stmt& st) { st.Bind(1, std::string(CommentStatusName(status))).Bind(2, reason).Bind(3, id); });
}

Status SqlStore::MarkCommentSpam(int64_t id, const std::string& reason) {
  return UpdateComment(id, "UPDATE comments SET status = 'hidden', hold_reason = ?1, spam = 1 WHERE id = ?2",
                       [&](Stmt& st) { st.Bind(1, reason).Bind(2, id); });
}

namespace {

// The open reports of the comment `c` of a desk page: how many, and the newest one's reason.
constexpr const char* kOpenReportColumns =
    ", (SELECT COUNT(*) FROM comment_reports r WHERE r.comment_id = c.id AND r.resolved = 0), "
    "COALESCE((SELECT r.reason FROM comment_reports r WHERE r.comment_id = c.id AND r.resolved = 0 "
    "ORDER BY r.created_at DESC, r.user_id DESC LIMIT 1), ''), a.headline, a.slug ";
constexpr const char* kQueueFrom =
    "FROM comments c JOIN users u ON u.id = c.user_id JOIN articles a ON a.id = c.article_id ";

QueuedComment QueuedFromRow(const Stmt& st) {
  QueuedComment q{CommentFromRow(st)};
  ReadColumns(st, kCommentColumnCount, q.open_reports, q.report_reason, q.article_headline, q.article_slug);
  return q;
}

// Each tab's filter and order; ?1 is the cursor, ?2 the limit. The queues
// are worked oldest first, what was taken away is looked at newest first.
const char* QueueWhere(CommentQueue queue) {
  switch (queue) {
    case CommentQueue::kPending:
      return "WHERE c.status = 'held' AND c.spam = 0 AND c.id > ?1 ORDER BY c.id LIMIT ?2";
    case CommentQueue::kReported:
      return "WHERE c.id IN (SELECT comment_id FROM comment_reports WHERE resolved = 0 AND comment_id > ?1) "
             "ORDER BY c.id LIMIT ?2";
    case CommentQueue::kHidden:
      return "WHERE c.status = 'hidden' AND c.spam = 0 AND c.id < ?1 ORDER BY c.id DESC LIMIT ?2";
    case CommentQueue::kSpam: break;
  }
  return "WHERE c.status = 'hidden' AND c.spam = 1 AND c.id < ?1 ORDER BY c.id DESC LIMIT ?2";
}

const char* QueueCount(CommentQueue queue) {
  switch (queue) {
    case CommentQueue::kPending: return "SELECT COUNT(*) FROM comments WHERE status = 'held' AND spam = 0";
    case CommentQueue::kReported:
      return "SELECT COUNT(DISTINCT comment_id) FROM comment_reports WHERE resolved = 0";
    case CommentQueue::kHidden: return "SELECT COUNT(*) FROM comments WHERE status = 'hidden' AND spam = 0";
    case CommentQueue::kSpam: break;
  }
  return "SELECT COUNT(*) FROM comments WHERE status = 'hidden' AND spam = 1";
}

}  // namespace

Result<std::vector<QueuedComment>> SqlStore::ListCommentQueue(CommentQueue queue, int64_t after_id, int limit) {
  const bool newest_first = queue == CommentQueue::kHidden || queue == CommentQueue::kSpam;
  const int64_t cursor = after_id > 0 ? after_id : newest_first ? std::numeric_limits<int64_t>::max() : 0;
  return WithConnection<std::vector<QueuedComment>>([&](Connection& c) {
    return QueryAll<QueuedComment>(c, std::string(kCommentColumns) + kOpenReportColumns + kQueueFrom + QueueWhere(queue),
                                   [&](Stmt& st) { st.Bind(1, cursor).Bind(2, static_cast<int64_t>(limit)); },
                                   QueuedFromRow);
  });
}

Result<int64_t> SqlStore::CountCommentQueue(CommentQueue queue) {
  return WithConnection<int64_t>([&](Connection& c) { return QueryInt(c, QueueCount(queue), NoParameters); });
}

Result<std::vector<QueuedComment>> SqlStore::ListUserComments(int64_t user_id, int64_t before_id, int limit) {
  const int64_t cursor = before_id > 0 ? before_id : std::numeric_limits<int64_t>::max();
  return WithConnection<std::vector<QueuedComment>>([&](Connection& c) {
    return QueryAll<QueuedComment>(c,
        std::string(kCommentColumns) + kOpenReportColumns + kQueueFrom +
            "WHERE c.user_id = ?1 AND c.id < ?2 ORDER BY c.id DESC LIMIT ?3",
        [&](Stmt& st) { st.Bind(1, user_id).Bind(2, cursor).Bind(3, static_cast<int64_t>(limit)); }, QueuedFromRow);
  });
}

Result<int64_t> SqlStore::HideUserComments(int64_t user_id, const std::string& reason) {
  return pool_.WriteReturning<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto bind_user = [&](Stmt& st) { st.Bind(1, user_id); };
    std::vector<int64_t> articles;
    ND_RETURN_IF_ERROR(QueryEach(c,
        "SELECT DISTINCT article_id FROM comments WHERE user_id = ?1 AND status IN ('visible', 'held') ORDER BY 1",
        bind_user, [&](const Stmt& st) { articles.push_back(st.Int(0)); }));
    auto hidden = QueryInt(c, "SELECT COUNT(*) FROM comments WHERE user_id = ?1 AND status IN ('visible', 'held')",
                           bind_user);
    if (!hidden.ok()) return hidden.status();
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE comments SET status = 'hidden', hold_reason = ?2 WHERE user_id = ?1 AND status IN ('visible', 'held')",
        [&](Stmt& st) { st.Bind(1, user_id).Bind(2, reason); }));
    for (int64_t article : articles) ND_RETURN_IF_ERROR(RecordChange(c, "comment", article, NowSeconds()));
    return *hidden;
  });
}

Result<CommentActivity> SqlStore::CountComments(int64_t user_id, const std::string& address, TimePoint since) {
  return WithConnection<CommentActivity>([&](Connection& c) {
    return QueryRow<CommentActivity>(c,
        "SELECT (SELECT COUNT(*) FROM comments WHERE user_id = ?1 AND created_at >= ?3), "
        "(SELECT COUNT(*) FROM comments WHERE address = ?2 AND ?2 <> '' AND created_at >= ?3)",
        [&](Stmt& st) { st.Bind(1, user_id).Bind(2, address).Bind(3, Seconds(since)); },
        [](const Stmt& st) { return CommentActivity{st.Int(0), st.Int(1)}; });
  });
}

Result<int64_t> SqlStore::CountVisibleUserComments(int64_t user_id) {
  return WithConnection<int64_t>([&](Connection& c) {
    return QueryInt(c, "SELECT COUNT(*) FROM comments WHERE user_id = ? AND status = 'visible'",
                    [&](Stmt& st) { st.Bind(1, user_id); });
  });
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqlStore::CommentCounts(const std::vector<int64_t>& article_ids) {
  using Count = std::pair<int64_t, int64_t>;
  return WithConnection<std::vector<Count>>([&](Connection& c) {
    // The ids go in as one JSON array, so one cached statement serves any list.
    return QueryAll<Count>(c,
        c.dialect() == Dialect::kPostgres
            ? "SELECT article_id, COUNT(*) FROM comments WHERE status = 'visible' AND "
              "article_id IN (SELECT value::bigint FROM json_array_elements_text(?::json)) "
              "GROUP BY article_id ORDER BY article_id"
            : "SELECT article_id, COUNT(*) FROM comments WHERE status = 'visible' AND "
              "article_id IN (SELECT value FROM json_each(?)) GROUP BY article_id ORDER BY article_id",
        [&](Stmt& st) { st.Bind(1, nlohmann::json(article_ids).dump()); },
        [](const Stmt& st) { return Count{st.Int(0), st.Int(1)}; });
  });
}

Result<std::vector<DiscussedArticle>> SqlStore::RecentlyCommented(int limit) {
  return WithConnection<std::vector<DiscussedArticle>>([&](Connection& c) {
    return QueryAll<DiscussedArticle>(c,
        "SELECT article_id, MAX(created_at) AS last, COUNT(*) FROM comments WHERE status = 'visible' "
        "GROUP BY article_id ORDER BY last DESC, article_id DESC LIMIT ?",
        [&](Stmt& st) { st.Bind(1, static_cast<int64_t>(limit)); },
        [](const Stmt& st) { return DiscussedArticle{st.Int(0), FromSeconds(st.Int(1)), st.Int(2)}; });
  });
}

Status SqlStore::AddReport(int64_t comment_id, int64_t reporter_id, const std::string& reason, TimePoint at) {
  return Write([&](Connection& c) -> Status {
    auto article = ArticleOfComment(c, comment_id);
    if (!article.ok()) return article.status();
    return Exec(c,
        "INSERT INTO comment_reports (comment_id, user_id, reason, created_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (comment_id, user_id) DO UPDATE SET reason = excluded.reason, resolved = 0",
        [&](Stmt& st) { st.Bind(1, comment_id).Bind(2, reporter_id).Bind(3, reason).Bind(4, Seconds(at)); });
  });
}

Result<std::vector<CommentReport>> SqlStore::ListOpenReports(int limit) {
  return WithConnection<std::vector<CommentReport>>([&](Connection& c) {
    return QueryAll<CommentReport>(c,
        std::string(kCommentColumns) + ", r.user_id, r.reason, r.created_at "
            "FROM comment_reports r JOIN comments c ON c.id = r.comment_id JOIN users u ON u.id = c.user_id "
            "WHERE r.resolved = 0 ORDER BY r.created_at, r.comment_id, r.user_id LIMIT ?",
        [&](Stmt& st) { st.Bind(1, static_cast<int64_t>(limit)); },
        [](const Stmt& st) {
          constexpr int n = kCommentColumnCount;
          return CommentReport{CommentFromRow(st), st.Int(n), st.Text(n + 1), FromSeconds(st.Int(n + 2))};
        });
  });
}

Status SqlStore::ResolveReports(int64_t comment_id) {
  return ExecBound("UPDATE comment_reports SET resolved = 1 WHERE comment_id = ?",
                   [&](Stmt& st) { st.Bind(1, comment_id); });
}

Result<std::vector<std::string>> SqlStore::HoldWords() {
  return WithConnection<std::vector<std::string>>([&](Connection& c) {
    return QueryAll<std::string>(c, "SELECT word FROM hold_words ORDER BY word", NoParameters,
                                 [](const Stmt& st) { return st.Text(0); });
  });
}

Status SqlStore::ReplaceHoldWords(const std::vector<std::string>& words) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(c.Exec("DELETE FROM hold_words"));
    for (const auto& w : words) {
      if (w.empty()) continue;
      ND_RETURN_IF_ERROR(Exec(c, "INSERT INTO hold_words (word) VALUES (?) ON CONFLICT DO NOTHING",
                              [&](Stmt& st) { st.Bind(1, w); }));
    }
    return Status::Ok();
  });
}

Status SqlStore::AddViews(const std::vector<std::pair<int64_t, int64_t>>& views) {
  if (views.empty()) return Status::Ok();
  return Write([&](Connection& c) -> Status {
    for (const auto& [article_id, count] : views) {
      ND_RETURN_IF_ERROR(Exec(c, "UPDATE articles SET view_count = view_count + ? WHERE id = ?",
                              [&, article_id = article_id, count = count](Stmt& st) { st.Bind(1, count).Bind(2, article_id); }));
    }
    return Status::Ok();
  });
}

}  // namespace newsdesk::sql
