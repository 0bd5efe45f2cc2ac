// audit_sql.cc: AuditLog (store/audit_log.h), who changed what, append-only:
// nothing here updates or deletes an entry.
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "common/text.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {

constexpr int kMaxAuditPage = 500;

AuditEntry AuditEntryFromRow(const Stmt& st) {
  AuditEntry e;
  ReadColumns(st, 0, e.id, e.at, e.actor, e.actor_name, e.action, e.target, e.summary, e.before, e.after);
  return e;
}

}  // namespace

Result<int64_t> SqlStore::AppendAudit(const AuditEntry& e) {
  if (e.actor.empty()) return Status::InvalidArgument("an audit entry needs an actor");
  if (e.action.empty()) return Status::InvalidArgument("an audit entry needs an action");
  return pool_.WriteReturning<int64_t>([&](Connection& c) {
    return QueryRow<int64_t>(c,
        "INSERT INTO audit_log (at, actor, actor_name, action, target, summary, before, after) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        [&](Stmt& st) {
          st.Bind(1, Seconds(e.at)).Bind(2, e.actor).Bind(3, e.actor_name).Bind(4, e.action).Bind(5, e.target)
              .Bind(6, e.summary).Bind(7, CutWithEllipsis(e.before, AuditLog::kMaxValueBytes)).Bind(8, CutWithEllipsis(e.after, AuditLog::kMaxValueBytes));
        },
        [](const Stmt& st) { return st.Int(0); });
  });
}

Result<AuditPage> SqlStore::ListAudit(const AuditQuery& q) {
  const int limit = std::clamp(q.limit, 1, kMaxAuditPage);
  // Assembled from fixed fragments only; every value is bound. The action
  // prefix compares the action's first characters, exactly (LIKE would fold
  // case in SQLite and treat '_' as a wildcard).
  std::string sql =
      "SELECT id, at, actor, actor_name, action, target, summary, before, after FROM audit_log WHERE 1 = 1";
  if (!q.actor.empty()) sql += " AND actor = ?2";
  if (!q.action_prefix.empty()) sql += " AND substr(action, 1, length(?3)) = ?3";
  if (q.since) sql += " AND at >= ?4";
  if (q.until) sql += " AND at < ?5";
  if (q.before_id) sql += " AND id < ?6";
  sql += " ORDER BY id DESC LIMIT ?1";
  return WithConnection<AuditPage>([&](Connection& c) -> Result<AuditPage> {
    auto entries = QueryAll<AuditEntry>(c, sql,
        [&](Stmt& st) {
          st.Bind(1, static_cast<int64_t>(limit + 1));
          if (!q.actor.empty()) st.Bind(2, q.actor);
          if (!q.action_prefix.empty()) st.Bind(3, q.action_prefix);
          if (q.since) st.Bind(4, Seconds(*q.since));
          if (q.until) st.Bind(5, Seconds(*q.until));
          if (q.before_id) st.Bind(6, *q.before_id);
        },
        AuditEntryFromRow);
    if (!entries.ok()) return entries.status();
    AuditPage page;
    page.entries = std::move(*entries);
    if (page.entries.size() > static_cast<size_t>(limit)) {
      page.entries.pop_back();
      page.next_before_id = page.entries.back().id;
    }
    return page;
  });
}

Result<std::vector<std::pair<std::string, std::string>>> SqlStore::ListAuditActors() {
  using Actor = std::pair<std::string, std::string>;
  return WithConnection<std::vector<Actor>>([&](Connection& c) {
    return QueryAll<Actor>(c,
        "SELECT a.actor, a.actor_name FROM audit_log a "
        "JOIN (SELECT actor, MAX(id) AS id FROM audit_log GROUP BY actor) latest ON latest.id = a.id "
        "ORDER BY a.actor",
        NoParameters, [](const Stmt& st) { return Actor{st.Text(0), st.Text(1)}; });
  });
}

}  // namespace newsdesk::sql
