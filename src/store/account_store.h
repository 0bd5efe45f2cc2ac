// File: store/account_store.h
//
// AccountStore: readers' accounts and roles, sessions and one-time tokens
// (kept as hashes only), and the failed log-ins the throttle counts.
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

enum class Role { kReader, kModerator, kEditor, kAdmin };

// RoleName is "reader", "moderator", "editor" or "admin".
inline const char* RoleName(Role r) {
  switch (r) {
    case Role::kModerator: return "moderator";
    case Role::kEditor: return "editor";
    case Role::kAdmin: return "admin";
    case Role::kReader: break;
  }
  return "reader";
}

// ParseRole is the inverse of RoleName; nullopt for anything else.
inline std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kReader, Role::kModerator, Role::kEditor, Role::kAdmin})
    if (name == RoleName(r)) return r;
  return std::nullopt;
}

// User: a reader's account. A deleted account keeps its id (its comments
// point at it) with the e-mail, name and password cleared.
struct User {
  int64_t id = 0;
  std::string email;           // normalised; empty once deleted
  std::string display_name;
  std::string password_hash;   // libsodium crypto_pwhash_str output
  Role role = Role::kReader;
  bool email_confirmed = false;
  bool banned = false;
  bool deleted = false;
  bool notify_replies = false;
  TimePoint created_at{};
  bool desk_mail = true;  // staff: the daily desk mail (editors and admins)
};

// UserChanges: the fields UpdateUser sets; the absent ones stay.
struct UserChanges {
  std::optional<std::string> password_hash;
  std::optional<std::string> display_name;
  std::optional<Role> role;
  std::optional<bool> email_confirmed;
  std::optional<bool> banned;
  std::optional<bool> notify_replies;
  std::optional<bool> desk_mail;
};

// SessionRecord: a logged-in session, known by the hash of its token.
struct SessionRecord {
  std::string token_hash;
  int64_t user_id = 0;
  TimePoint created_at{};
  TimePoint expires_at{};
};

enum class TokenPurpose { kConfirmEmail, kResetPassword, kLogIn };

// TokenRecord: a one-time token mailed to a user, known by its hash.
struct TokenRecord {
  std::string token_hash;
  int64_t user_id = 0;
  TokenPurpose purpose = TokenPurpose::kConfirmEmail;
  TimePoint expires_at{};
};

// UserOverview: one account as the desk's people list shows it.
struct UserOverview {
  User user;
  std::optional<TimePoint> last_login;  // the newest session's start; none yet
  int64_t comments = 0;                 // every comment the user wrote, in any state
};

// UserQuery: a page of accounts by id (keyset: ids after `after_id`).
struct UserQuery {
  std::optional<Role> role;  // only this role
  std::string search;        // e-mail or display name containing this (case-insensitive for ASCII)
  int64_t after_id = 0;
  int limit = 50;            // clamped to 1..500
};

// LoginFailureCounts: failed log-ins since some time, for the throttle.
struct LoginFailureCounts {
  int64_t by_account = 0;
  int64_t by_address = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // CreateUser stores a new account (its `id` is ignored) and returns it
  // with its id. AlreadyExists when the e-mail belongs to another account.
  virtual Result<User> CreateUser(const User& user) = 0;
  // GetUser and GetUserByEmail return NotFound when there is no such account
  // (a deleted account is still found by id, never by e-mail).
  virtual Result<User> GetUser(int64_t id) = 0;
  virtual Result<User> GetUserByEmail(const std::string& email) = 0;
  // UpdateUser sets the fields `changes` names. NotFound when no such user.
  virtual Status UpdateUser(int64_t id, const UserChanges& changes) = 0;
  // DeleteUser clears the account's e-mail, name and password, marks it
  // deleted and ends its sessions and tokens; its comments stay.
  virtual Status DeleteUser(int64_t id) = 0;
  // ListUsers returns a page of accounts with their last log-in and comment
  // count, by id (deleted accounts included: they show as such). A page
  // shorter than the limit is the last.
  virtual Result<std::vector<UserOverview>> ListUsers(const UserQuery& query) = 0;
  // DeskMailRecipients lists the staff who get day `day`'s desk mail and
  // have not had it yet: editors and admins, confirmed, not banned or
  // deleted, with the mail switched on; by id.
  virtual Result<std::vector<User>> DeskMailRecipients(const std::string& day) = 0;
  // RecordDeskMailSent notes that `user_id` has had day `day`'s desk mail.
  virtual Status RecordDeskMailSent(const std::string& day, int64_t user_id, TimePoint at) = 0;

  // CreateSession stores a new session and makes its start the account's
  // last log-in (UserOverview::last_login) unless a later one is known.
  virtual Status CreateSession(const SessionRecord& session) = 0;
  // GetSession returns NotFound when no session has `token_hash` (expired
  // sessions are still returned: the caller compares `expires_at`).
  virtual Result<SessionRecord> GetSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  // DeleteUserSessions ends every session of a user (after a password change).
  virtual Status DeleteUserSessions(int64_t user_id) = 0;

  // CreateToken stores a one-time token; earlier unused tokens of the same
  // user and purpose are dropped, so only the newest link works.
  virtual Status CreateToken(const TokenRecord& token) = 0;
  // ConsumeToken removes and returns the token: it works once. NotFound
  // when unknown, used already, or for another purpose.
  virtual Result<TokenRecord> ConsumeToken(const std::string& token_hash, TokenPurpose purpose) = 0;

  // RecordLoginFailure notes a failed log-in for `email` from `address`, and
  // forgets failures older than `forget_before`.
  virtual Status RecordLoginFailure(const std::string& email, const std::string& address, TimePoint at,
                                    TimePoint forget_before) = 0;
  virtual Result<LoginFailureCounts> CountLoginFailures(const std::string& email, const std::string& address,
                                                        TimePoint since) = 0;
  // ClearLoginFailures forgets the failures of an account (after a log-in).
  virtual Status ClearLoginFailures(const std::string& email) = 0;
  // ClaimAccountMail records that a mail of `kind` ("reset", "exists", …)
  // goes to account `user_id` at `now`, and says true, unless one went less
  // than `gap` ago or `per_day` went in the last 24 hours: then false and
  // nothing is recorded. The forms that mail an address anyone may type
  // are limited by it (issue 18).
  virtual Result<bool> ClaimAccountMail(int64_t user_id, const std::string& kind, TimePoint now,
                                        std::chrono::seconds gap, int per_day) = 0;
  // PruneExpired removes sessions and one-time tokens that expired at or
  // before `now`, log-in failures older than `failures_before`, and account
  // mails older than a day before `now`.
  virtual Status PruneExpired(TimePoint now, TimePoint failures_before) = 0;
};

}  // namespace newsdesk
