// account_sql.cc: AccountStore (store/account_store.h), readers' accounts,
// sessions, one-time tokens and throttled log-ins (issue 6).
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "common/text.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {

std::string TokenPurposeName(TokenPurpose p) {
  switch (p) {
    case TokenPurpose::kResetPassword: return "reset";
    case TokenPurpose::kLogIn: return "login";
    case TokenPurpose::kConfirmEmail: break;
  }
  return "confirm";
}

// The columns UserFromRow reads, after SELECT.
constexpr const char* kUserFields =
    "id, COALESCE(email, ''), display_name, password_hash, role, email_confirmed, banned, deleted, notify_replies, "
    "created_at, desk_mail";
constexpr int kUserFieldCount = 11;  // the columns after them start here

User UserFromRow(const Stmt& st) {
  User u;
  std::string role;
  ReadColumns(st, 0, u.id, u.email, u.display_name, u.password_hash, role, u.email_confirmed, u.banned, u.deleted,
              u.notify_replies, u.created_at, u.desk_mail);
  u.role = ParseRole(role).value_or(Role::kReader);
  return u;
}

// RecordUserCommentsChanged marks the articles a user commented on as
// changed, since their pages show the user's name.
Status RecordUserCommentsChanged(Connection& c, int64_t user_id) {
  auto articles = QueryAll<int64_t>(c, "SELECT DISTINCT article_id FROM comments WHERE user_id = ?",
                                    [&](Stmt& st) { st.Bind(1, user_id); }, [](const Stmt& st) { return st.Int(0); });
  if (!articles.ok()) return articles.status();
  const int64_t now = NowSeconds();
  for (int64_t a : *articles) ND_RETURN_IF_ERROR(RecordChange(c, "comment", a, now));
  return Status::Ok();
}

constexpr int kMaxUserPage = 500;

// EscapeLike makes `text` match itself in a LIKE pattern whose ESCAPE is '\'.
std::string EscapeLike(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '\\' || ch == '%' || ch == '_') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

// DeleteEach runs each DELETE of `statements`, whose one parameter is `id`.
Status DeleteEach(Connection& c, std::initializer_list<const char*> statements, int64_t id) {
  for (const char* sql : statements) ND_RETURN_IF_ERROR(Exec(c, sql, [&](Stmt& st) { st.Bind(1, id); }));
  return Status::Ok();
}

}  // namespace

Result<User> SqlStore::FindUser(const std::string& where, const std::function<void(Stmt&)>& bind,
                                const std::string& not_found) {
  return WithConnection<User>(
      [&](Connection& c) {
        return QueryFound<User>(c, fmt::format("SELECT {} FROM users {}", kUserFields, where), bind, UserFromRow,
                                not_found);
      });
}

Result<User> SqlStore::CreateUser(const User& u) {
  auto id = WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto inserted = TryInsert(c,
        "INSERT INTO users (email, display_name, password_hash, role, email_confirmed, banned, deleted, "
        "notify_replies, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
        [&](Stmt& st) {
          st.Bind(1, u.email).Bind(2, u.display_name).Bind(3, u.password_hash).Bind(4, std::string(RoleName(u.role)))
              .Bind(5, int64_t{u.email_confirmed}).Bind(6, int64_t{u.banned}).Bind(7, int64_t{u.notify_replies})
              .Bind(8, Seconds(u.created_at));
        });
    if (!inserted.ok()) return inserted.status();
    if (!*inserted) return Status::AlreadyExists(fmt::format("an account with the e-mail {} exists already", u.email));
    return c.LastInsertId();
  });
  if (!id.ok()) return id.status();
  return GetUser(*id);
}

Result<User> SqlStore::GetUser(int64_t id) {
  return FindUser("WHERE id = ?", [&](Stmt& st) { st.Bind(1, id); }, fmt::format("no user {}", id));
}

Result<User> SqlStore::GetUserByEmail(const std::string& email) {
  return FindUser("WHERE email = ? AND deleted = 0", [&](Stmt& st) { st.Bind(1, email); },
                  fmt::format("no account with the e-mail {}", email));
}

Status SqlStore::UpdateUser(int64_t id, const UserChanges& ch) {
  // Each CASE keeps the column unless its flag (an odd parameter) is set.
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE users SET password_hash = CASE WHEN ?1 <> 0 THEN ?2 ELSE password_hash END, "
        "display_name = CASE WHEN ?3 <> 0 THEN ?4 ELSE display_name END, "
        "role = CASE WHEN ?5 <> 0 THEN ?6 ELSE role END, "
        "email_confirmed = CASE WHEN ?7 <> 0 THEN ?8 ELSE email_confirmed END, "
        "banned = CASE WHEN ?9 <> 0 THEN ?10 ELSE banned END, "
        "notify_replies = CASE WHEN ?11 <> 0 THEN ?12 ELSE notify_replies END, "
        "desk_mail = CASE WHEN ?14 <> 0 THEN ?15 ELSE desk_mail END WHERE id = ?13",
        [&](Stmt& st) {
          st.Bind(1, int64_t{ch.password_hash.has_value()}).Bind(2, ch.password_hash.value_or(""))
              .Bind(3, int64_t{ch.display_name.has_value()}).Bind(4, ch.display_name.value_or(""))
              .Bind(5, int64_t{ch.role.has_value()}).Bind(6, std::string(RoleName(ch.role.value_or(Role::kReader))))
              .Bind(7, int64_t{ch.email_confirmed.has_value()}).Bind(8, int64_t{ch.email_confirmed.value_or(false)})
              .Bind(9, int64_t{ch.banned.has_value()}).Bind(10, int64_t{ch.banned.value_or(false)})
              .Bind(11, int64_t{ch.notify_replies.has_value()}).Bind(12, int64_t{ch.notify_replies.value_or(false)})
              .Bind(13, id)
              .Bind(14, int64_t{ch.desk_mail.has_value()}).Bind(15, int64_t{ch.desk_mail.value_or(true)});
        }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no user {}", id));
    // A changed display name shows on the user's comments: their pages are stale.
    if (ch.display_name) return RecordUserCommentsChanged(c, id);
    return Status::Ok();
  });
}

Status SqlStore::DeleteUser(int64_t id) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE users SET email = NULL, display_name = '', password_hash = '', deleted = 1, notify_replies = 0 "
        "WHERE id = ?",
        [&](Stmt& st) { st.Bind(1, id); }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no user {}", id));
    ND_RETURN_IF_ERROR(
        DeleteEach(c, {"DELETE FROM sessions WHERE user_id = ?", "DELETE FROM user_tokens WHERE user_id = ?"}, id));
    return RecordUserCommentsChanged(c, id);
  });
}

Result<std::vector<UserOverview>> SqlStore::ListUsers(const UserQuery& q) {
  const int limit = std::clamp(q.limit, 1, kMaxUserPage);
  // Assembled from fixed fragments only; every value is bound. Each row's
  // comment count is one range of comments_by_user. The search is a LIKE
  // pattern with its own wildcards escaped, on lower-cased text (SQLite's
  // LOWER folds ASCII only: that is the contract).
  std::string sql = fmt::format(
      "SELECT {}, last_login_at, (SELECT COUNT(*) FROM comments m WHERE m.user_id = users.id) FROM users "
      "WHERE id > ?1",
      kUserFields);
  if (q.role) sql += " AND role = ?3";
  if (!q.search.empty())
    sql += " AND (LOWER(COALESCE(email, '')) LIKE ?4 ESCAPE '\\' OR LOWER(display_name) LIKE ?4 ESCAPE '\\')";
  sql += " ORDER BY id LIMIT ?2";
  std::string pattern = "%";
  pattern += EscapeLike(AsciiLower(q.search));
  pattern += '%';
  return WithConnection<std::vector<UserOverview>>([&](Connection& c) {
    return QueryAll<UserOverview>(c, sql,
        [&](Stmt& st) {
          st.Bind(1, q.after_id).Bind(2, static_cast<int64_t>(limit));
          if (q.role) st.Bind(3, std::string(RoleName(*q.role)));
          if (!q.search.empty()) st.Bind(4, pattern);
        },
        [](const Stmt& st) {
          UserOverview o;
          o.user = UserFromRow(st);
          ReadColumns(st, kUserFieldCount, o.last_login, o.comments);
          return o;
        });
  });
}

Status SqlStore::CreateSession(const SessionRecord& s) {
  // The account's last log-in moves with its newest session, in the same
  // transaction.
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                            [&](Stmt& st) {
                              st.Bind(1, s.token_hash).Bind(2, s.user_id).Bind(3, Seconds(s.created_at))
                                  .Bind(4, Seconds(s.expires_at));
                            }));
    return Exec(c,
        "UPDATE users SET last_login_at = ?2 WHERE id = ?1 AND (last_login_at IS NULL OR last_login_at < ?2)",
        [&](Stmt& st) { st.Bind(1, s.user_id).Bind(2, Seconds(s.created_at)); });
  });
}

Result<SessionRecord> SqlStore::GetSession(const std::string& token_hash) {
  return WithConnection<SessionRecord>([&](Connection& c) {
    return QueryFound<SessionRecord>(c, "SELECT user_id, created_at, expires_at FROM sessions WHERE token_hash = ?",
        [&](Stmt& st) { st.Bind(1, token_hash); },
        [&](const Stmt& st) {
          return SessionRecord{token_hash, st.Int(0), FromSeconds(st.Int(1)), FromSeconds(st.Int(2))};
        },
        "no such session");
  });
}

Status SqlStore::DeleteSession(const std::string& token_hash) {
  return ExecBound("DELETE FROM sessions WHERE token_hash = ?", [&](Stmt& st) { st.Bind(1, token_hash); });
}

Status SqlStore::DeleteUserSessions(int64_t user_id) {
  return ExecBound("DELETE FROM sessions WHERE user_id = ?", [&](Stmt& st) { st.Bind(1, user_id); });
}

Status SqlStore::CreateToken(const TokenRecord& t) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c, "DELETE FROM user_tokens WHERE user_id = ? AND purpose = ?",
                            [&](Stmt& st) { st.Bind(1, t.user_id).Bind(2, TokenPurposeName(t.purpose)); }));
    return Exec(c, "INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
                [&](Stmt& st) {
                  st.Bind(1, t.token_hash).Bind(2, t.user_id).Bind(3, TokenPurposeName(t.purpose))
                      .Bind(4, Seconds(t.expires_at));
                });
  });
}

Result<TokenRecord> SqlStore::ConsumeToken(const std::string& token_hash, TokenPurpose purpose) {
  return pool_.WriteReturning<TokenRecord>([&](Connection& c) {
    return QueryFound<TokenRecord>(c,
        "DELETE FROM user_tokens WHERE token_hash = ? AND purpose = ? RETURNING user_id, expires_at",
        [&](Stmt& st) { st.Bind(1, token_hash).Bind(2, TokenPurposeName(purpose)); },
        [&](const Stmt& st) { return TokenRecord{token_hash, st.Int(0), purpose, FromSeconds(st.Int(1))}; },
        "this link is unknown or was used already");
  });
}

Status SqlStore::RecordLoginFailure(const std::string& email, const std::string& address, TimePoint at,
                                    TimePoint forget_before) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c, "DELETE FROM login_failures WHERE at < ?",
                            [&](Stmt& st) { st.Bind(1, Seconds(forget_before)); }));
    return Exec(c, "INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)",
                [&](Stmt& st) { st.Bind(1, email).Bind(2, address).Bind(3, Seconds(at)); });
  });
}

Result<LoginFailureCounts> SqlStore::CountLoginFailures(const std::string& email, const std::string& address,
                                                        TimePoint since) {
  return WithConnection<LoginFailureCounts>([&](Connection& c) {
    return QueryRow<LoginFailureCounts>(c,
        "SELECT (SELECT COUNT(*) FROM login_failures WHERE email = ?1 AND at >= ?3), "
        "(SELECT COUNT(*) FROM login_failures WHERE address = ?2 AND at >= ?3)",
        [&](Stmt& st) { st.Bind(1, email).Bind(2, address).Bind(3, Seconds(since)); },
        [](const Stmt& st) { return LoginFailureCounts{st.Int(0), st.Int(1)}; });
  });
}

Status SqlStore::ClearLoginFailures(const std::string& email) {
  return ExecBound("DELETE FROM login_failures WHERE email = ?", [&](Stmt& st) { st.Bind(1, email); });
}

Status SqlStore::PruneExpired(TimePoint now, TimePoint failures_before) {
  return Write([&](Connection& c) -> Status {
    for (const auto& [sql, at] : {std::pair{"DELETE FROM sessions WHERE expires_at <= ?", now},
                                  std::pair{"DELETE FROM user_tokens WHERE expires_at <= ?", now},
                                  std::pair{"DELETE FROM login_failures WHERE at < ?", failures_before},
                                  std::pair{"DELETE FROM account_mails WHERE sent_at < ?", now - std::chrono::hours(24)}}) {
      ND_RETURN_IF_ERROR(Exec(c, sql, [&, at = at](Stmt& st) { st.Bind(1, Seconds(at)); }));
    }
    return Status::Ok();
  });
}

Result<bool> SqlStore::ClaimAccountMail(int64_t user_id, const std::string& kind, TimePoint now,
                                        std::chrono::seconds gap, int per_day) {
  return pool_.WriteReturning<bool>([&](Connection& c) -> Result<bool> {
    struct Sent {
      int64_t count = 0;
      int64_t last = 0;
    };
    auto sent = QueryRow<Sent>(c,
        "SELECT COUNT(*), COALESCE(MAX(sent_at), 0) FROM account_mails WHERE user_id = ?1 AND kind = ?2 "
        "AND sent_at > ?3",
        [&](Stmt& st) { st.Bind(1, user_id).Bind(2, kind).Bind(3, Seconds(now - std::chrono::hours(24))); },
        [](const Stmt& st) { return Sent{st.Int(0), st.Int(1)}; });
    if (!sent.ok()) return sent.status();
    if (sent->count >= per_day || (sent->count > 0 && Seconds(now) - sent->last < gap.count())) return false;
    ND_RETURN_IF_ERROR(Exec(c, "INSERT INTO account_mails (user_id, kind, sent_at) VALUES (?1, ?2, ?3)",
                            [&](Stmt& st) { st.Bind(1, user_id).Bind(2, kind).Bind(3, Seconds(now)); }));
    return true;
  });
}

Result<std::vector<User>> SqlStore::DeskMailRecipients(const std::string& day) {
  return WithConnection<std::vector<User>>([&](Connection& c) {
    return QueryAll<User>(c,
        std::string("SELECT ") + kUserFields +
            " FROM users u WHERE role IN ('editor', 'admin') AND email_confirmed <> 0 AND banned = 0 AND deleted = 0 "
            "AND desk_mail <> 0 AND NOT EXISTS (SELECT 1 FROM desk_mail_deliveries d WHERE d.day = ?1 AND d.user_id = u.id) "
            "ORDER BY id",
        [&](Stmt& st) { st.Bind(1, day); }, UserFromRow);
  });
}

Status SqlStore::RecordDeskMailSent(const std::string& day, int64_t user_id, TimePoint at) {
  return Write([&](Connection& c) {
    return Exec(c,
        "INSERT INTO desk_mail_deliveries (day, user_id, sent_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (day, user_id) DO NOTHING",
        [&](Stmt& st) { st.Bind(1, day).Bind(2, user_id).Bind(3, Seconds(at)); });
  });
}

}  // namespace newsdesk::sql
