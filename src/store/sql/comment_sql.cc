// comment_sql.cc: CommentStore (store/comment_store.h): comments, reports, views.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/minhash.h"
#include "common/text.h"
#include "common/time.h"
#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {


constexpr const char* kCommentColumns =
    "SELECT c.id, c.article_id, c.user_id, c.parent_id, c.body, c.html, c.status, c.hold_reason, c.address, "
    "c.created_at, c.edited_at, u.display_name, u.deleted "
    "FROM comments c JOIN users u ON u.id = c.user_id ";

}  // namespace

const char* SqlStore::CommentStatusName(CommentStatus s) {
  switch (s) {
    case CommentStatus::kHeld: return "held";
    case CommentStatus::kHidden: return "hidden";
    case CommentStatus::kDeleted: return "deleted";
    case CommentStatus::kVisible: break;
  }
  return "visible";
}

CommentStatus SqlStore::ParseCommentStatus(const std::string& s) {
  if (s == "held") return CommentStatus::kHeld;
  if (s == "hidden") return CommentStatus::kHidden;
  if (s == "deleted") return CommentStatus::kDeleted;
  return CommentStatus::kVisible;
}

Comment SqlStore::CommentFromRow(const Stmt& st) {
  Comment m;
  m.id = st.Int(0);
  m.article_id = st.Int(1);
  m.user_id = st.Int(2);
  m.parent_id = st.Int(3);
  m.body = st.Text(4);
  m.html = st.Text(5);
  m.status = ParseCommentStatus(st.Text(6));
  m.hold_reason = st.Text(7);
  m.address = st.Text(8);
  m.created_at = FromSeconds(st.Int(9));
  if (!st.IsNull(10)) m.edited_at = FromSeconds(st.Int(10));
  m.author_name = st.Text(11);
  m.author_deleted = st.Int(12) != 0;
  return m;
}

Result<std::vector<Comment>> SqlStore::ListComments(const std::string& sql, const std::function<void(Stmt&)>& bind) {
  return WithConnection<std::vector<Comment>>([&](Connection& c) {
    return sql::QueryAll<Comment>(c, sql, bind, [](const Stmt& st) { return CommentFromRow(st); });
  });
}

// ArticleOfComment returns the article a comment belongs to.
Result<int64_t> SqlStore::ArticleOfComment(Connection& c, int64_t comment_id) {
  auto p = c.Prepare("SELECT article_id FROM comments WHERE id = ?");
  if (!p.ok()) return p.status();
  Stmt st(*p);
  st.Bind(1, comment_id);
  int rc = st.Step();
  if (rc == kDone) return Status::NotFound(fmt::format("no comment {}", comment_id));
  if (rc != kRow) return Status::IOError(c.LastError());
  return st.Int(0);
}

Result<Comment> SqlStore::AddComment(const Comment& m) {
  auto id = WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    Transaction tx(c);
    ND_RETURN_IF_ERROR(tx.status());
    for (const auto& [sql, key, what] :
         {std::tuple{"SELECT 1 FROM articles WHERE id = ?", m.article_id, "article"},
          std::tuple{"SELECT 1 FROM users WHERE id = ?", m.user_id, "user"}}) {
      auto p = c.Prepare(sql);
      if (!p.ok()) return p.status();
      Stmt st(*p);
      st.Bind(1, key);
      int rc = st.Step();
      if (rc == kDone) return Status::NotFound(fmt::format("no {} {}", what, key));
      if (rc != kRow) return Status::IOError(c.LastError());
    }
    auto p = c.Prepare(
        "INSERT INTO comments (article_id, user_id, parent_id, body, html, status, hold_reason, address, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!p.ok()) return p.status();
    int64_t id;
    {
      Stmt st(*p);
      st.Bind(1, m.article_id).Bind(2, m.user_id).Bind(3, m.parent_id).Bind(4, m.body).Bind(5, m.html)
          .Bind(6, std::string(CommentStatusName(m.status))).Bind(7, m.hold_reason).Bind(8, m.address)
          .Bind(9, Seconds(m.created_at));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
      auto last = c.LastInsertId();
      if (!last.ok()) return last.status();
      id = *last;
    }
    ND_RETURN_IF_ERROR(RecordChange(c, "comment", m.article_id, NowSeconds()));
    ND_RETURN_IF_ERROR(tx.Commit());
    return id;
  });
  if (!id.ok()) return id.status();
  return GetComment(*id);
}

Result<Comment> SqlStore::GetComment(int64_t id) {
  auto list = ListComments(std::string(kCommentColumns) + "WHERE c.id = ?", [&](Stmt& st) { st.Bind(1, id); });
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
      std::string(kCommentColumns) +
          "WHERE c.article_id = ?1 AND ((?2 >> (CASE c.status WHEN 'visible' THEN 0 WHEN 'held' THEN 1 "
          "WHEN 'hidden' THEN 2 ELSE 3 END)) & 1) <> 0 "
          "ORDER BY CASE WHEN c.parent_id = 0 THEN c.id ELSE c.parent_id END, c.parent_id <> 0, c.created_at, c.id",
      [&](Stmt& st) { st.Bind(1, article_id).Bind(2, mask); });
}

Result<std::vector<Comment>> SqlStore::ListCommentsByStatus(CommentStatus status, int limit) {
  return ListComments(std::string(kCommentColumns) + "WHERE c.status = ? ORDER BY c.created_at, c.id LIMIT ?",
                      [&](Stmt& st) {
                        st.Bind(1, std::string(CommentStatusName(status))).Bind(2, static_cast<int64_t>(limit));
                      });
}

Status SqlStore::EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                   const std::string& hold_reason, TimePoint edited_at) {
  return Write([&](Connection& c) -> Status {
    auto article = ArticleOfComment(c, id);
    if (!article.ok()) return article.status();
    auto p = c.Prepare("UPDATE comments SET body = ?, html = ?, status = ?, hold_reason = ?, edited_at = ? WHERE id = ?");
    if (!p.ok()) return p.status();
    {
      Stmt st(*p);
      st.Bind(1, body).Bind(2, html).Bind(3, std::string(CommentStatusName(status))).Bind(4, hold_reason)
          .Bind(5, Seconds(edited_at)).Bind(6, id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return RecordChange(c, "comment", *article, NowSeconds());
  });
}

Status SqlStore::SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) {
  return Write([&](Connection& c) -> Status {
    auto article = ArticleOfComment(c, id);
    if (!article.ok()) return article.status();
    auto p = c.Prepare(status == CommentStatus::kDeleted
                           ? "UPDATE comments SET status = ?1, hold_reason = ?2, body = '', html = '' WHERE id = ?3"
                           : "UPDATE comments SET status = ?1, hold_reason = ?2 WHERE id = ?3");
    if (!p.ok()) return p.status();
    {
      Stmt st(*p);
      st.Bind(1, std::string(CommentStatusName(status))).Bind(2, reason).Bind(3, id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return RecordChange(c, "comment", *article, NowSeconds());
  });
}

Result<CommentActivity> SqlStore::CountComments(int64_t user_id, const std::string& address, TimePoint since) {
  return WithConnection<CommentActivity>([&](Connection& c) -> Result<CommentActivity> {
    auto p = c.Prepare(
        "SELECT (SELECT COUNT(*) FROM comments WHERE user_id = ?1 AND created_at >= ?3), "
        "(SELECT COUNT(*) FROM comments WHERE address = ?2 AND ?2 <> '' AND created_at >= ?3)");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, user_id).Bind(2, address).Bind(3, Seconds(since));
    if (st.Step() != kRow) return Status::IOError(c.LastError());
    return CommentActivity{st.Int(0), st.Int(1)};
  });
}

Result<int64_t> SqlStore::CountVisibleUserComments(int64_t user_id) {
  return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto p = c.Prepare("SELECT COUNT(*) FROM comments WHERE user_id = ? AND status = 'visible'");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, user_id);
    if (st.Step() != kRow) return Status::IOError(c.LastError());
    return st.Int(0);
  });
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqlStore::CommentCounts(const std::vector<int64_t>& article_ids) {
  using Counts = std::vector<std::pair<int64_t, int64_t>>;
  return WithConnection<Counts>([&](Connection& c) -> Result<Counts> {
    // The ids go in as one JSON array, so one cached statement serves any list.
    auto p = c.Prepare(
        c.dialect() == sql::Dialect::kPostgres
            ? "SELECT article_id, COUNT(*) FROM comments WHERE status = 'visible' AND "
              "article_id IN (SELECT value::bigint FROM json_array_elements_text(?::json)) "
              "GROUP BY article_id ORDER BY article_id"
            : "SELECT article_id, COUNT(*) FROM comments WHERE status = 'visible' AND "
              "article_id IN (SELECT value FROM json_each(?)) GROUP BY article_id ORDER BY article_id");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, nlohmann::json(article_ids).dump());
    Counts out;
    int rc;
    while ((rc = st.Step()) == kRow) out.emplace_back(st.Int(0), st.Int(1));
    if (rc != kDone) return Status::IOError(c.LastError());
    return out;
  });
}

Result<std::vector<DiscussedArticle>> SqlStore::RecentlyCommented(int limit) {
  return WithConnection<std::vector<DiscussedArticle>>([&](Connection& c) -> Result<std::vector<DiscussedArticle>> {
    return sql::QueryAll<DiscussedArticle>(c, "SELECT article_id, MAX(created_at) AS last, COUNT(*) FROM comments WHERE status = 'visible' "
        "GROUP BY article_id ORDER BY last DESC, article_id DESC LIMIT ?",
        [&](Stmt& st) { st.Bind(1, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) { return DiscussedArticle{st.Int(0), FromSeconds(st.Int(1)), st.Int(2)}; });
  });
}

Status SqlStore::AddReport(int64_t comment_id, int64_t reporter_id, const std::string& reason, TimePoint at) {
  return Write([&](Connection& c) -> Status {
    auto article = ArticleOfComment(c, comment_id);
    if (!article.ok()) return article.status();
    return sql::Exec(c,
        "INSERT INTO comment_reports (comment_id, user_id, reason, created_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (comment_id, user_id) DO UPDATE SET reason = excluded.reason, resolved = 0",
            [&](Stmt& st) { st.Bind(1, comment_id).Bind(2, reporter_id).Bind(3, reason).Bind(4, Seconds(at)); });
  });
}

Result<std::vector<CommentReport>> SqlStore::ListOpenReports(int limit) {
  return WithConnection<std::vector<CommentReport>>([&](Connection& c) -> Result<std::vector<CommentReport>> {
    auto p = c.Prepare(std::string(
        "SELECT c.id, c.article_id, c.user_id, c.parent_id, c.body, c.html, c.status, c.hold_reason, c.address, "
        "c.created_at, c.edited_at, u.display_name, u.deleted, r.user_id, r.reason, r.created_at "
        "FROM comment_reports r JOIN comments c ON c.id = r.comment_id JOIN users u ON u.id = c.user_id "
        "WHERE r.resolved = 0 ORDER BY r.created_at, r.comment_id, r.user_id LIMIT ?"));
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, static_cast<int64_t>(limit));
    std::vector<CommentReport> out;
    int rc;
    while ((rc = st.Step()) == kRow)
      out.push_back(CommentReport{CommentFromRow(st), st.Int(13), st.Text(14), FromSeconds(st.Int(15))});
    if (rc != kDone) return Status::IOError(c.LastError());
    return out;
  });
}

Status SqlStore::ResolveReports(int64_t comment_id) {
  return ExecBound("UPDATE comment_reports SET resolved = 1 WHERE comment_id = ?",
                   [&](Stmt& st) { st.Bind(1, comment_id); });
}

Result<std::vector<std::string>> SqlStore::HoldWords() {
  return WithConnection<std::vector<std::string>>([&](Connection& c) -> Result<std::vector<std::string>> {
    return sql::QueryAll<std::string>(c, "SELECT word FROM hold_words ORDER BY word",
        sql::NoParameters,
        [&](const Stmt& st) { return st.Text(0); });
  });
}

Status SqlStore::ReplaceHoldWords(const std::vector<std::string>& words) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(c.Exec("DELETE FROM hold_words"));
    auto p = c.Prepare("INSERT INTO hold_words (word) VALUES (?) ON CONFLICT DO NOTHING");
    if (!p.ok()) return p.status();
    for (const auto& w : words) {
      if (w.empty()) continue;
      Stmt st(*p);
      st.Bind(1, w);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return Status::Ok();
  });
}

Status SqlStore::AddViews(const std::vector<std::pair<int64_t, int64_t>>& views) {
  if (views.empty()) return Status::Ok();
  return Write([&](Connection& c) -> Status {
    auto p = c.Prepare("UPDATE articles SET view_count = view_count + ? WHERE id = ?");
    if (!p.ok()) return p.status();
    for (const auto& [article_id, count] : views) {
      Stmt st(*p);
      st.Bind(1, count).Bind(2, article_id);
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return Status::Ok();
  });
}

}  // namespace newsdesk::sql
