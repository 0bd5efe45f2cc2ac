// File: readers/readers.h
//
// Front door of the readers stage (issue 6): accounts, sessions, CSRF
// tokens, comments with their moderation, and the view counter. Pure logic
// over the `Store`: no HTTP here; the web stage turns these calls into pages,
// forms and API answers, and mails the tokens these calls return.
//
//   auto secret = LoadOrCreateSiteSecret(config.data_dir);
//   Accounts accounts(*store, config, *secret);
//   auto reg = accounts.Register({.email = "a@b.org", .display_name = "Ann",
//                                 .password = "long enough pass", .address = ip});
//   // mail reg->confirm_token as a link; later:
//   auto user = accounts.ConfirmEmail(token_from_link);
//   auto login = accounts.Login("a@b.org", "long enough pass", ip);
//   // set login->session_token as an HttpOnly cookie; embed login->csrf_token in forms
//   Comments comments(*store, config);
//   auto posted = comments.Post(login->user, {.article_id = 7, .body = "Hi", .address = ip});
//
// Every refusal is a `Status` whose message can be shown to the reader as is:
//   kInvalidArgument  the input is wrong (too long, bad e-mail, CSRF mismatch…)
//   kNotFound         no such comment, article, link or account
//   kAlreadyExists    the e-mail has an account
//   kUnavailable      try again later (throttled log-ins, posting too fast)
//   kIOError          the store failed
// The web stage maps a failed `VerifyCsrf` to 403 and kUnavailable to 429.
//
// Secrets: session tokens, one-time tokens and passwords never reach the
// store or a log; the store keeps hashes only.
//
// Thread-safety: `Accounts`, `Comments` and `ViewCounter` are safe to use
// from many threads at once (they keep no state besides the store's, except
// ViewCounter's own counts, which a mutex guards).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "store/store.h"

namespace newsdesk {

// Clock: the time now; tests pass a fake one to step over windows and expiries.
using Clock = std::function<TimePoint()>;
TimePoint SystemNow();

// --- secrets -----------------------------------------------------------------

// SiteSecret: 32 random bytes kept in `data_dir`/site_secret (mode 0600),
// made on first use. It keys the CSRF tokens.
struct SiteSecret {
  std::string bytes;
};

// LoadOrCreateSiteSecret reads the site secret, creating it when absent.
// IOError when the file can't be read or written, or is not 32 bytes.
Result<SiteSecret> LoadOrCreateSiteSecret(const std::string& data_dir);

// LoadSharedSiteSecret is the secret every node of a site signs with: the
// one kept in the store's settings, or, the first time, the one of
// `data_dir` (made when absent) put there — so a site that grew from one
// SQLite machine keeps its links and tokens valid on every node.
Result<SiteSecret> LoadSharedSiteSecret(Settings& store, const std::string& data_dir);

// SiteSignature is what the site signs `message` with for `purpose` (a
// keyed BLAKE2b, URL-safe): the same on every node of the site, and
// different for each purpose. SignatureMatches compares in constant time.
std::string SiteSignature(const SiteSecret& secret, std::string_view purpose, std::string_view message);
bool SignatureMatches(const SiteSecret& secret, std::string_view purpose, std::string_view message,
                      std::string_view signature);

// --- accounts and sessions -----------------------------------------------------

// NormalizeEmail trims and lower-cases an address and checks its shape
// (local@domain.tld, ASCII, at most 254 bytes). InvalidArgument says why.
Result<std::string> NormalizeEmail(std::string_view email);

struct RegistrationForm {
  std::string email;
  std::string display_name;
  std::string password;
  std::string address;   // the client's network address
  std::string honeypot;  // a hidden form field: people leave it empty
};

// Registration: the new (unconfirmed) account and the secret for its
// confirmation link, to be mailed; it is not kept anywhere else.
struct Registration {
  User user;
  std::string confirm_token;
};

// LoginResult: a new session. `session_token` goes into the cookie, `csrf_token`
// into every form and API call of the session.
struct LoginResult {
  User user;
  std::string session_token;
  std::string csrf_token;
  TimePoint expires_at{};
};

// Session: who a session cookie belongs to.
struct Session {
  User user;
  std::string csrf_token;
  TimePoint expires_at{};
};

class Accounts {
 public:
  // Accounts keeps references to `store` and `config`: both must outlive it.
  Accounts(AccountStore& store, const Config& config, SiteSecret secret, Clock clock = SystemNow);

  // Register creates an unconfirmed reader. Refuses a malformed e-mail, a
  // display name outside 1–60 characters, a password shorter than 10
  // characters or equal to the e-mail, a filled honeypot; AlreadyExists when
  // the e-mail has an account.
  Result<Registration> Register(const RegistrationForm& form);

  // NewConfirmToken makes a fresh confirmation link for an unconfirmed
  // account (the earlier one stops working). NotFound for an unknown e-mail;
  // InvalidArgument when it is confirmed already.
  Result<std::string> NewConfirmToken(const std::string& email);

  // ConfirmEmail marks the token's account confirmed. The token works once
  // and expires after `confirm_token_hours`.
  Result<User> ConfirmEmail(const std::string& token);

  // Login checks the password and starts a session. Log-ins are throttled:
  // after `login_failures_per_address` failures from the address within the
  // window, Unavailable until the window has passed. After
  // `login_failures_per_account` failures for the e-mail the account is
  // locked the same way — but the right password still gets through from a
  // device that logged in to it before (`device`, the token DeviceToken
  // gave it) or from an address with no failures in the window, so nobody
  // can lock another out by guessing (issue 18). A wrong e-mail and a wrong
  // password get the same message.
  Result<LoginResult> Login(const std::string& email, const std::string& password, const std::string& address,
                            const std::string& device = "");

  // DeviceToken is what a browser keeps after logging in to `user_id`
  // (a cookie), to be recognised by Login as a device that did before.
  std::string DeviceToken(int64_t user_id) const;

  // Authenticate returns the session of a cookie's token; NotFound when the
  // token is unknown, expired, or its account is deleted.
  Result<Session> Authenticate(const std::string& session_token);

  // VerifyCsrf is OK when `csrf_token` belongs to the session of
  // `session_token` (constant-time comparison); InvalidArgument otherwise.
  Status VerifyCsrf(const std::string& session_token, const std::string& csrf_token);

  // Logout ends the session; an unknown token is not an error.
  Status Logout(const std::string& session_token);

  // RequestPasswordReset returns a reset token to mail, or nullopt when no
  // account has the e-mail (the caller shows the same page either way, so
  // nobody learns which addresses have accounts).
  Result<std::optional<std::string>> RequestPasswordReset(const std::string& email);

  // RequestLogInLink returns a one-time log-in token to mail, or nullopt
  // when no account has the e-mail (the same page either way). Whoever
  // reads the owner's mail may log in with it without the password: the way
  // past a locked account (issue 18), as a password reset already is.
  Result<std::optional<std::string>> RequestLogInLink(const std::string& email);

  // LogInWithLink starts a session with a mailed log-in token (single use,
  // expiring after `reset_token_minutes`). It confirms the e-mail (the link
  // came by mail) and clears the account's failed log-ins, unlocking it.
  Result<LoginResult> LogInWithLink(const std::string& token);

  // MayMailAccount tells whether a mail of `kind` ("reset", "exists",
  // "confirm", "login") may go to account `user_id` now, from a form anyone can fill
  // in with any address, and counts it when it may: at most
  // [readers] account_mails_per_day a day per kind, none sooner than
  // account_mail_gap_seconds after the last. The form answers the same
  // either way, so nothing tells whether a mail went.
  Result<bool> MayMailAccount(int64_t user_id, const std::string& kind);

  // ResetPassword sets a new password with a reset token (single use,
  // expiring after `reset_token_minutes`), ends every session of the account
  // and confirms its e-mail (the link came by mail).
  Status ResetPassword(const std::string& token, const std::string& new_password);

  // ChangePassword needs the current password; it ends the user's other
  // sessions by ending all of them (the caller logs in again).
  Status ChangePassword(int64_t user_id, const std::string& current_password, const std::string& new_password);
  Status ChangeDisplayName(int64_t user_id, const std::string& display_name);
  Status SetNotifyReplies(int64_t user_id, bool notify);

  // DeleteAccount needs the password. The account's comments stay and show
  // as from a deleted user; its e-mail may register again.
  Status DeleteAccount(int64_t user_id, const std::string& password);

  // AddUser creates a confirmed account with a role (`newsdesk user add`).
  Result<User> AddUser(const std::string& email, const std::string& display_name, const std::string& password,
                       Role role);
  Status SetRole(int64_t user_id, Role role);
  // SetPassword gives an account a new password (checked as any other) and
  // ends its sessions: for accounts the site makes itself (the demo editor).
  Status SetPassword(int64_t user_id, const std::string& new_password);

  // GeneratePassword makes a password for an account the site creates itself
  // (the demo editor): 20 characters from an alphabet without look-alikes,
  // about 110 bits from libsodium's generator.
  static Result<std::string> GeneratePassword();

  // UnsubscribeToken is the secret of a user's one-click unsubscribe link
  // (RFC 8058) in reply notifications: derived from the user id and the site
  // secret, so it needs no storage and works without logging in.
  std::string UnsubscribeToken(int64_t user_id) const;
  // Unsubscribe turns reply notifications off when `token` matches
  // (constant-time); InvalidArgument otherwise.
  Status Unsubscribe(int64_t user_id, const std::string& token);

  // PruneExpired deletes expired sessions and tokens and old log-in
  // failures; `newsdesk serve` runs it now and then.
  Status PruneExpired();

  // Get and FindByEmail look an account up (NotFound when there is none);
  // FindByEmail normalises the address first.
  Result<User> Get(int64_t user_id);
  Result<User> FindByEmail(const std::string& email);
  // SetBanned bans (or unbans) a user: a banned user can't post. Only
  // moderators and above may do it, and not to someone of a higher role.
  Status SetBanned(const User& moderator, int64_t user_id, bool banned);

 private:
  Status CheckPassword(const std::string& password, const std::string& email);
  // StartSession makes a session for `user`, who has just proven who they are.
  Result<LoginResult> StartSession(User user);
  // CheckNotLikeStaff refuses a reader's display name that a reader could
  // not tell from a moderator's, editor's or admin's (but `self_id`'s own).
  Status CheckNotLikeStaff(const std::string& name, int64_t self_id);
  Result<std::string> NewToken(int64_t user_id, TokenPurpose purpose, std::chrono::seconds lifetime);
  // MailedLinkToken: a fresh token of `purpose` for the account with the
  // e-mail, to mail; nullopt when no (live) account has it.
  Result<std::optional<std::string>> MailedLinkToken(const std::string& email, TokenPurpose purpose);
  // ConsumeLinkToken uses up the one-time token of a mailed link for
  // `purpose`, refusing a malformed, unknown, used or expired one with
  // `link` ("confirmation", "password reset") and the purpose's codes.
  struct LinkRefusals {
    const char* link;
    const char* unknown_advice;  // appended to "… unknown or was used already"
    ReasonCode invalid, unknown, expired;
  };
  Result<TokenRecord> ConsumeLinkToken(const std::string& token, TokenPurpose purpose, const LinkRefusals& refusals);
  Result<User> CheckCurrentPassword(int64_t user_id, const std::string& password);

  AccountStore& store_;
  const Config& config_;
  SiteSecret secret_;
  Clock clock_;
};

// --- comments ------------------------------------------------------------------

// RenderedComment: Markdown made safe.
struct RenderedComment {
  std::string html;  // raw HTML dropped, unsafe links removed, links rel="nofollow ugc"
  int links = 0;     // links and autolinks in the text
};

// RenderCommentMarkdown renders a comment with cmark-gfm: CommonMark plus
// autolinks, raw HTML omitted, javascript:/vbscript:/file:/data: (other
// than images) URLs dropped by cmark's safe mode, images shown as links.
RenderedComment RenderCommentMarkdown(const std::string& markdown);

struct CommentForm {
  int64_t article_id = 0;
  int64_t parent_id = 0;   // replying to this comment; 0 for a new thread
  std::string body;        // Markdown
  std::string address;     // the client's network address
  std::string honeypot;    // a hidden form field: people leave it empty
};

// Threads are one level deep: a reply to a reply joins the thread of the
// top-level comment it belongs to (its `parent_id` is the top-level one).
class Comments {
 public:
  // Comments keeps references to `store` and `config`: both must outlive it.
  Comments(CommentStore& comments, AccountStore& accounts, const Config& config, Clock clock = SystemNow);
  Comments(Store& store, const Config& config, Clock clock = SystemNow);

  // Post stores a comment: visible, or held for a moderator (pre-moderation
  // mode, more than `comment_hold_links` links, or a hold word), with the
  // reason in `hold_reason`. Refuses (every reason spelt out): unconfirmed,
  // banned or deleted authors, an empty or too long body, a filled honeypot,
  // too many links for a new account, posting too fast (Unavailable), and a
  // parent that is not a visible comment of the same article.
  Result<Comment> Post(const User& author, const CommentForm& form);

  // Edit replaces the text of the editor's own comment within
  // `comment_edit_seconds` of posting; the same checks as Post apply, and a
  // visible comment may become held. Nobody edits another's comment.
  Result<Comment> Edit(const User& editor, int64_t comment_id, const std::string& body);

  // Delete removes a comment's text: the author's own, or any for moderators.
  Status Delete(const User& by, int64_t comment_id);

  // Hide and Restore are for moderators and above. Restore also approves a
  // held comment, and resolves the comment's reports.
  Status Hide(const User& moderator, int64_t comment_id, const std::string& reason);
  Status Restore(const User& moderator, int64_t comment_id);
  // MarkSpam hides a comment as spam (moderators and above), resolving its
  // reports; Restore takes the mark away with the hiding.
  Status MarkSpam(const User& moderator, int64_t comment_id);
  // Dismiss resolves a comment's reports and leaves the comment as it is:
  // a moderator read it and found nothing wrong.
  Status Dismiss(const User& moderator, int64_t comment_id);

  // ReplyRecipient is whom to mail about `reply`: the author of the comment
  // it answers, when that reader opted in to reply notifications, is
  // confirmed, not deleted or banned, and is not the replier; nullopt
  // otherwise (also while the reply is held: call it again when a moderator
  // restores it).
  Result<std::optional<User>> ReplyRecipient(const Comment& reply);

  // Report records a reader's report of a visible comment.
  Status Report(const User& reporter, int64_t comment_id, const std::string& reason);

  // ForArticle lists what `viewer` (nullptr: anonymous) sees of an article's
  // comments: visible ones, the viewer's own held ones, and, as placeholders
  // with no text, deleted or hidden comments that have visible replies.
  // Moderators see hidden and held comments too.
  Result<std::vector<Comment>> ForArticle(int64_t article_id, const User* viewer);

  // Queue is the moderation queue: held comments, oldest first.
  Result<std::vector<Comment>> Queue(const User& moderator, int limit);
  Result<std::vector<CommentReport>> Reports(const User& moderator, int limit);

  // SetHoldWords replaces the hold list (editors and admins); words are
  // matched whole and case-insensitively, phrases word by word.
  Status SetHoldWords(const User& editor, const std::vector<std::string>& words);
  // HoldWords is the list SetHoldWords saved.
  Result<std::vector<std::string>> HoldWords();

  // Get is one comment, whatever its status (NotFound when there is none);
  // Author is the account that wrote it.
  Result<Comment> Get(int64_t comment_id);
  Result<User> Author(const Comment& comment);

  // VisibleCounts maps each article of `article_ids` that has visible
  // comments to their number.
  Result<std::map<int64_t, int64_t>> VisibleCounts(const std::vector<int64_t>& article_ids);

  // RecentlyDiscussed lists the articles with the newest visible comments.
  Result<std::vector<DiscussedArticle>> RecentlyDiscussed(int limit);

  // ByNewAccounts lists visible comments written in the last
  // `new_account_hours` by accounts no older than that (staff left out),
  // newest first: what a moderator should look at besides the queue.
  Result<std::vector<Comment>> ByNewAccounts(size_t limit);

 private:
  struct Checked {
    RenderedComment rendered;
    CommentStatus status = CommentStatus::kVisible;
    std::string hold_reason;
  };
  // CheckBody applies the length, link and hold rules to a new text.
  Result<Checked> CheckBody(const User& author, const std::string& body, bool first_comment_rule);
  Status CheckAuthor(const User& author);
  // Moderate is Hide, Restore, MarkSpam and Dismiss: a moderator makes
  // `change` to a comment that is not deleted and resolves its reports;
  // `not_moderator` and `deleted` are the refusals.
  Status Moderate(const User& moderator, int64_t comment_id, const std::function<Status()>& change,
                  Status not_moderator, Status deleted);

  CommentStore& store_;
  AccountStore& accounts_;
  const Config& config_;
  Clock clock_;
};

// IsModerator is true for moderators, editors and admins.
bool IsModerator(const User& user);

// MayBan tells whether `moderator` may ban (or unban) `user`: moderators
// and above, never themselves, and below admin only readers of a lower role.
Status MayBan(const User& moderator, const User& user);

// --- views -----------------------------------------------------------------------

// ViewCounter counts article views in memory; `Flush` adds them to the store
// in one transaction, so a page view costs no write.
class ViewCounter {
 public:
  void Count(int64_t article_id, int64_t views = 1);
  // Flush writes the counts gathered so far and forgets them; on failure they
  // are kept for the next flush.
  Status Flush(CommentStore& store);
  // Pending is the number of views not flushed yet (for an article: its own).
  int64_t Pending(int64_t article_id) const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<int64_t, int64_t> counts_;  // GUARDED_BY(mu_)
};

// --- forms before a session ------------------------------------------------------

// Register, log-in and reset forms are used before there is a session. They
// carry a signed double-submit token: `NewPreSessionToken` is a random token
// for a short-lived cookie, `PreSessionCsrf` the form field that goes with it
// (keyed by the site secret, so a cookie planted by another site is no use
// without the matching field), checked in constant time by
// `VerifyPreSessionCsrf`.
std::string NewPreSessionToken();
std::string PreSessionCsrf(const SiteSecret& secret, const std::string& pre_token);
bool VerifyPreSessionCsrf(const SiteSecret& secret, const std::string& pre_token, const std::string& csrf);

}  // namespace newsdesk
