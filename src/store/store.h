// File: store/store.h
//
// Front door of the storage stage. `Store` is the one interface every other
// stage uses to keep and read sources, articles and translations; all SQL
// lives behind it, in src/store/. The SQL is written once (src/store/sql/)
// and runs on SQLite, the default, or on PostgreSQL for several nodes.
//
//   auto store = OpenStore(config);            // creates and migrates
//   if (!store.ok()) return store.status();
//   auto page = (*store)->ListArticles({.edition = "en", .limit = 30});
//
// Thread-safety: a Store is safe to use from many threads at once.
// Every write method is atomic: it writes all it was given or nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// ArticleCursor: the position after which the next page starts, in the
// order (published_at DESC, id DESC).
struct ArticleCursor {
  TimePoint published_at{};
  int64_t id = 0;
};

struct ArticleQuery {
  std::optional<std::string> language;  // only articles originally in it
  std::optional<int64_t> source_id;     // only this source's articles
  std::string edition;                  // attach the translation into it, if any
  std::optional<ArticleCursor> after;
  int limit = 30;                       // 1..200
  bool one_per_story = false;           // only the newest article of each story
  std::optional<std::string> entity;    // only articles that mention it
};

// EntityCount: an entity with a number (articles or mentions).
struct EntityCount {
  std::string entity;
  int64_t count = 0;
};

// DayCount: a UTC day (its midnight) and a number.
struct DayCount {
  TimePoint day{};
  int64_t count = 0;
};

// CandidateSummary: an unknown name (see NameCandidate) over all articles.
struct CandidateSummary {
  std::string key;
  std::string form;       // the form most articles use
  std::string language;
  int64_t articles = 0;   // articles that use it
  int64_t mentions = 0;   // times, over all of them
  TimePoint last_seen{};  // publish time of the newest such article
};

// EntityEdit: an editor's definition of an entity (one line of the
// gazetteer's JSON Lines format), which adds to or replaces the built-in one.
struct EntityEdit {
  std::string id;
  std::string definition;
  TimePoint updated_at{};
};

// Change: one committed write, in the order of the change sequence.
struct Change {
  int64_t seq = 0;
  std::string entity;     // "article", "gazetteer", …
  int64_t entity_id = 0;
};

struct ArticlePage {
  std::vector<ArticleSummary> items;
  std::optional<ArticleCursor> next;    // absent on the last page
};

struct UpsertSummary {
  int inserted = 0;
  int updated = 0;
  int skipped = 0;                      // deleted by an editor: kept out
  std::vector<int64_t> ids;             // in the order of the records; 0 when skipped
};

// ArticleKey: what the store knows of an article by its URL or feed guid.
struct ArticleKey {
  enum class State { kNew, kStored, kDeleted } state = State::kNew;
  int64_t id = 0;             // when stored
  TimePoint stored_at{};      // when stored: the last time it was written
};

// --- readers (issue 6) --------------------------------------------------

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
};

// UserChanges: the fields UpdateUser sets; the absent ones stay.
struct UserChanges {
  std::optional<std::string> password_hash;
  std::optional<std::string> display_name;
  std::optional<Role> role;
  std::optional<bool> email_confirmed;
  std::optional<bool> banned;
  std::optional<bool> notify_replies;
};

// SessionRecord: a logged-in session, known by the hash of its token.
struct SessionRecord {
  std::string token_hash;
  int64_t user_id = 0;
  TimePoint created_at{};
  TimePoint expires_at{};
};

enum class TokenPurpose { kConfirmEmail, kResetPassword };

// TokenRecord: a one-time token mailed to a user, known by its hash.
struct TokenRecord {
  std::string token_hash;
  int64_t user_id = 0;
  TokenPurpose purpose = TokenPurpose::kConfirmEmail;
  TimePoint expires_at{};
};

// LoginFailureCounts: failed log-ins since some time, for the throttle.
struct LoginFailureCounts {
  int64_t by_account = 0;
  int64_t by_address = 0;
};

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

// DiscussedArticle: an article on the Discussion list.
struct DiscussedArticle {
  int64_t article_id = 0;
  TimePoint last_comment_at{};
  int64_t comment_count = 0;       // visible comments
};

// --- the daily mailing (issue 7) ---------------------------------------------

enum class SubscriberState { kPending, kConfirmed, kUnsubscribed, kBounced };
const char* SubscriberStateName(SubscriberState s);

// Subscriber: an address that asked for the daily digest.
struct Subscriber {
  int64_t id = 0;
  std::string email;                  // normalised (lower-case domain)
  std::string edition;                // the digest's language
  std::vector<std::string> entities;  // followed entities: their articles come first
  SubscriberState state = SubscriberState::kPending;
  TimePoint created_at{};
  std::optional<TimePoint> confirmation_sent_at;  // the last confirmation mail
  int confirmations_sent = 0;
  int hard_failures = 0;  // permanent SMTP refusals in a row
};

// DigestRun: one day's digest, sent to every subscriber confirmed when it began.
struct DigestRun {
  int64_t id = 0;
  std::string day;  // "YYYY-MM-DD": the local day whose articles it carries
  TimePoint started_at{};
  std::optional<TimePoint> finished_at;
};

enum class DeliveryState { kQueued, kSending, kSent, kFailed };

// Delivery: the digest of one run for one subscriber.
struct Delivery {
  int64_t run_id = 0;
  Subscriber subscriber;
  DeliveryState state = DeliveryState::kQueued;
  int attempts = 0;
  std::string last_error;
};

struct DigestProgress {
  int64_t queued = 0, sending = 0, sent = 0, failed = 0;
  int64_t total() const { return queued + sending + sent + failed; }
};

// --- jobs (issue 8) -------------------------------------------------------

enum class JobState { kQueued, kRunning, kDone, kFailed };
const char* JobStateName(JobState s);

// JobRequest: work to queue. A non-empty `key` makes it once-only: a second
// request with the same (kind, key), from any node, is not queued.
struct JobRequest {
  std::string kind;
  std::string key;
  std::string payload;
  TimePoint run_at{};
  int max_attempts = 3;
};

// Job: a queued job as stored.
struct Job {
  int64_t id = 0;
  std::string kind;
  std::string key;
  std::string payload;
  JobState state = JobState::kQueued;
  int attempts = 0;
  int max_attempts = 3;
  TimePoint run_at{};
  std::string holder;          // the node running it
  TimePoint lease_until{};
  std::string last_error;
  TimePoint created_at{};
  std::optional<TimePoint> finished_at;
};

struct JobCounts {
  int64_t queued = 0;
  int64_t running = 0;
  int64_t done = 0;
  int64_t failed = 0;
};

// DigestItem: an article of a day's digest with what ranks it.
struct DigestItem {
  ArticleSummary summary;  // with the edition's translation when there is one
  int64_t views = 0;
  int64_t comments = 0;
  std::vector<std::string> entities;  // the entities it mentions
};

// ChangeListener wakes a node when any node commits a change (PostgreSQL's
// LISTEN/NOTIFY), so caches follow within milliseconds instead of a poll.
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Wait returns true when a change was announced within `timeout`.
  virtual bool Wait(std::chrono::milliseconds timeout) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // UpsertArticles writes every record in one transaction: an article whose
  // `url` is already stored is updated (never duplicated), its source is
  // matched by home URL and created when new. A human translation is never
  // replaced by a machine one. On any error nothing is written.
  virtual Result<UpsertSummary> UpsertArticles(const std::vector<ArticleRecord>& records) = 0;

  // GetArticle returns NotFound when there is no article `id`.
  virtual Result<Article> GetArticle(int64_t id) = 0;

  // GetTranslation returns NotFound when `id` has no translation into `language`.
  virtual Result<Translation> GetTranslation(int64_t id, const std::string& language) = 0;

  virtual Result<ArticlePage> ListArticles(const ArticleQuery& query) = 0;

  virtual Result<Source> GetSourceBySlug(const std::string& slug) = 0;
  virtual Result<std::vector<Source>> ListSources() = 0;

  // LookupArticle tells whether an article of `source_id` with `url` or
  // (when non-empty) `guid` is stored, deleted by an editor, or new.
  virtual Result<ArticleKey> LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) = 0;

  // DeleteArticle removes an article and leaves a tombstone, so fetching its
  // source again never brings it back. NotFound when there is no such article.
  virtual Status DeleteArticle(int64_t id) = 0;

  // StoryArticles lists the articles of a story, newest first.
  virtual Result<std::vector<ArticleSummary>> StoryArticles(int64_t story_id) = 0;

  // --- followed sources --------------------------------------------------

  // AddFeedSource starts following `source.feed_url` and returns the new
  // feed. The source (outlet) is found by its home URL: a new one is created,
  // one known from imports becomes followed, and one followed already gets
  // this feed beside its others (its name, country and language stay; the
  // feed keeps `source.language` as its own when it differs). Non-empty
  // extraction rules replace the source's. `source.fetch_interval_seconds`
  // is the feed's. AlreadyExists only when this feed URL is followed already.
  virtual Result<FeedStatus> AddFeedSource(const Source& source) = 0;
  // GetSourceStatus returns a source with every feed; NotFound when none.
  virtual Result<SourceStatus> GetSourceStatus(int64_t id) = 0;
  // GetFeedStatus returns one feed; NotFound when there is no feed `id`.
  virtual Result<FeedStatus> GetFeedStatus(int64_t id) = 0;
  // ListSourceStatuses lists every source, followed or not, by name.
  virtual Result<std::vector<SourceStatus>> ListSourceStatuses() = 0;
  // RemoveSource stops following a source through all its feeds; a source
  // with no articles is forgotten, one with articles stays for their
  // attribution.
  virtual Status RemoveSource(int64_t id) = 0;
  // RemoveFeed stops following one feed; the source keeps its other feeds.
  // Removing its last feed is RemoveSource. NotFound when there is no feed `id`.
  virtual Status RemoveFeed(int64_t id) = 0;
  // DueFeeds lists followed feeds whose next fetch is at or before `now`,
  // the longest due first.
  virtual Result<std::vector<FeedStatus>> DueFeeds(TimePoint now, int limit) = 0;
  // RecordFetch stores how a fetch of feed `feed_id` went: status, error,
  // validators, failures in a row, and when to fetch it next.
  virtual Status RecordFetch(int64_t feed_id, const FetchOutcome& outcome) = 0;

  // --- mentions -----------------------------------------------------------

  // ReplaceTags sets an article's mentions and unknown names (after re-tagging).
  virtual Status ReplaceTags(int64_t article_id, const std::vector<MentionRecord>& mentions,
                             const std::vector<NameCandidate>& candidates) = 0;
  // MentionsPerDay counts the articles mentioning `entity` per UTC day in
  // [from, to); days without any are left out.
  virtual Result<std::vector<DayCount>> MentionsPerDay(const std::string& entity, TimePoint from, TimePoint to) = 0;
  // CoMentioned lists the entities most often named in the same articles.
  virtual Result<std::vector<EntityCount>> CoMentioned(const std::string& entity, int limit) = 0;
  // TopEntities lists the entities named by the most articles published since `since`.
  virtual Result<std::vector<EntityCount>> TopEntities(TimePoint since, int limit) = 0;
  // ArticleIds lists every article id, oldest first, for re-tagging.
  virtual Result<std::vector<int64_t>> ArticleIds() = 0;

  // --- the editors' knowledge base -----------------------------------------

  // ListCandidates lists unknown names used by at least `min_articles`
  // articles, most used first, leaving out dismissed ones.
  virtual Result<std::vector<CandidateSummary>> ListCandidates(int min_articles, int limit) = 0;
  // DismissCandidate keeps a candidate key off the list for good.
  virtual Status DismissCandidate(const std::string& key) = 0;
  // PutEntityEdit stores an editor's definition of entity `id`.
  virtual Status PutEntityEdit(const EntityEdit& edit) = 0;
  virtual Result<std::vector<EntityEdit>> ListEntityEdits() = 0;
  // MergeEntities folds entity `from` into `into`, in one transaction: the
  // articles that mention `from` mention `into` instead (counts added),
  // `from` redirects to `into` (and whatever redirected to `from` does too),
  // and `into` gets the definition `into_definition` (its merged aliases).
  virtual Status MergeEntities(const std::string& from, const EntityEdit& into_definition) = 0;
  // EntityRedirects maps merged-away ids to the entity they became.
  virtual Result<std::vector<std::pair<std::string, std::string>>> EntityRedirects() = 0;
  // KnowledgeVersion grows with every change to edits and redirects, so a
  // running server knows to reload its gazetteer.
  virtual Result<int64_t> KnowledgeVersion() = 0;

  // ChangesSince lists up to `limit` changes after sequence number `after`,
  // oldest first: what a derived index replays to catch up.
  virtual Result<std::vector<Change>> ChangesSince(int64_t after, int limit) = 0;

  // ChangeSequence grows with every committed write, from any process using
  // the same database; caches compare it to know they are stale.
  virtual Result<int64_t> ChangeSequence() = 0;

  // ListenForChanges opens a listener, or returns nullptr when the database
  // announces nothing (SQLite: one machine, whose readers poll
  // ChangeSequence).
  virtual std::unique_ptr<ChangeListener> ListenForChanges() = 0;

  // Ping is OK when the store answers a query.
  virtual Status Ping() = 0;

  // --- readers: accounts, sessions, one-time tokens (issue 6) -------------

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
  // PruneExpired removes sessions and one-time tokens that expired at or
  // before `now`, and log-in failures older than `failures_before`.
  virtual Status PruneExpired(TimePoint now, TimePoint failures_before) = 0;

  // --- readers: comments, reports, views (issue 6) -------------------------
  //
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
  // EditComment replaces a comment's text, status and hold reason, and sets
  // `edited_at`. NotFound when there is no comment `id`.
  virtual Status EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                             const std::string& hold_reason, TimePoint edited_at) = 0;
  // SetCommentStatus changes a comment's status (hide, restore, approve,
  // delete) and its reason; deleting also clears the text.
  virtual Status SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) = 0;
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

  // --- the daily mailing (issue 7) -------------------------------------------

  // SubscribePending records a request to subscribe `email`: a new address
  // is pending, an unsubscribed or bounced one pending again (with its
  // failures forgotten), a pending one takes the new edition and entities,
  // a confirmed one is left as it is. Returns the subscriber as stored.
  virtual Result<Subscriber> SubscribePending(const std::string& email, const std::string& edition,
                                              const std::vector<std::string>& entities, TimePoint now) = 0;
  virtual Result<Subscriber> GetSubscriber(int64_t id) = 0;
  // RecordConfirmationSent notes a confirmation mail (for the resend limit).
  virtual Status RecordConfirmationSent(int64_t id, TimePoint at) = 0;
  // SetSubscriberState confirms, unsubscribes (at once) or marks bounced.
  virtual Status SetSubscriberState(int64_t id, SubscriberState state) = 0;
  virtual Status SetSubscriberPreferences(int64_t id, const std::string& edition,
                                          const std::vector<std::string>& entities) = 0;
  virtual Result<int64_t> CountSubscribers(SubscriberState state) = 0;

  // DigestArticles lists the articles published in [from, to), with views,
  // visible comments and mentions, newest first, at most `limit`.
  virtual Result<std::vector<DigestItem>> DigestArticles(const std::string& edition, TimePoint from, TimePoint to,
                                                         int limit) = 0;

  // StartDigestRun begins the run of `day`, queueing one delivery per
  // confirmed subscriber, in one transaction; if the day's run exists it is
  // returned as it is (a restart resumes it, never queues anyone twice).
  virtual Result<DigestRun> StartDigestRun(const std::string& day, TimePoint now) = 0;
  virtual Result<std::optional<DigestRun>> FindDigestRun(const std::string& day) = 0;
  // LeaseDigestRun makes `holder` the run's only sender until `until`; it
  // fails (Unavailable, naming the holder) while another holder's lease
  // lasts, unless `holder_gone` says that holder is known dead.
  virtual Status LeaseDigestRun(int64_t run_id, const std::string& holder, TimePoint now, TimePoint until,
                                const std::function<bool(const std::string&)>& holder_gone) = 0;
  virtual Status ReleaseDigestRun(int64_t run_id, const std::string& holder) = 0;
  // RequeueInterrupted puts back in the queue the deliveries a sender left
  // "sending" when it died: the new holder of the run's lease calls it
  // first, so they are sent again, never skipped.
  virtual Status RequeueInterrupted(int64_t run_id) = 0;
  // ClaimDeliveries marks up to `limit` queued deliveries due at `now` as
  // sending and returns them, each with its subscriber.
  virtual Result<std::vector<Delivery>> ClaimDeliveries(int64_t run_id, int limit, TimePoint now) = 0;
  // FinishDelivery records the outcome: sent; retry at `retry_at` (a 4xx,
  // or the server down); or failed for good (a 5xx), which counts a hard
  // failure on the subscriber and after `max_hard_failures` in a row marks
  // the address bounced. A sent delivery clears the count.
  enum class DeliveryOutcome { kSent, kRetry, kFailed };
  virtual Status FinishDelivery(int64_t run_id, int64_t subscriber_id, DeliveryOutcome outcome,
                                const std::string& error, TimePoint retry_at, int max_hard_failures) = 0;
  virtual Result<DigestProgress> GetDigestProgress(int64_t run_id) = 0;
  // NextDeliveryAt is the earliest retry time of the run's queued deliveries.
  virtual Result<std::optional<TimePoint>> NextDeliveryAt(int64_t run_id) = 0;
  virtual Status FinishDigestRun(int64_t run_id, TimePoint at) = 0;

  // --- machine translation (issue 9) -----------------------------------------

  // ArticlesNeedingTranslation lists, by id, up to `limit` articles after
  // `after_id` written in `from_language` that lack a translation into
  // `to_language`: none at all, or a machine one older than the article's
  // last write. Human translations count as done for good. Articles whose
  // last attempt failed wait until the failure's `retry_at` (after `now`).
  virtual Result<std::vector<int64_t>> ArticlesNeedingTranslation(const std::string& from_language,
                                                                  const std::string& to_language, TimePoint now,
                                                                  int64_t after_id, int limit) = 0;
  // PutTranslation stores `translation` of article `article_id` (its
  // `language` names the edition) in one transaction, records an "article"
  // change and forgets any recorded failure. A machine translation never
  // replaces a human one: it is then dropped and the call is still OK.
  // NotFound when there is no such article; InvalidArgument without a
  // language, headline or body.
  virtual Status PutTranslation(int64_t article_id, const Translation& translation) = 0;
  // RecordTranslationFailure keeps why translating `article_id` into
  // `language` failed, counting attempts; it is tried again from `retry_at`.
  virtual Status RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                          TimePoint now, TimePoint retry_at) = 0;
  // CountTranslationFailures counts the articles waiting to be retried.
  virtual Result<int64_t> CountTranslationFailures() = 0;
  // CachedTranslations looks up the cache of machine translations of one
  // pair ("en-es", plus the format): one entry per key of `text_hashes`,
  // empty when not cached.
  virtual Result<std::vector<std::optional<std::string>>> CachedTranslations(
      const std::string& pair, const std::vector<std::string>& text_hashes) = 0;
  // PutCachedTranslations stores (text hash, translated text) pairs of `pair`.
  virtual Status PutCachedTranslations(const std::string& pair,
                                       const std::vector<std::pair<std::string, std::string>>& entries) = 0;

  // --- jobs (issue 8) ---------------------------------------------------------

  // EnqueueJob queues `job` and returns its id, or nullopt when its key was
  // queued already (by this node or another).
  virtual Result<std::optional<int64_t>> EnqueueJob(const JobRequest& job, TimePoint now) = 0;
  // ClaimJob gives `holder` the oldest job of one of `kinds` that is due at
  // `now`, or whose holder's lease ran out, leased until `lease_until`; one
  // statement with FOR UPDATE SKIP LOCKED on PostgreSQL, so no two nodes
  // get the same job. nullopt when there is none.
  virtual Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                              TimePoint now, TimePoint lease_until) = 0;
  // ExtendJobLease keeps a long job's lease; NotFound when `holder` has lost it.
  virtual Status ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) = 0;
  // FinishJob records the outcome of `holder`'s run: done, or failed with
  // `error`, when the job goes back to the queue for `retry_at` until it
  // has had max_attempts, then stays failed. NotFound when `holder` no
  // longer holds it (its lease ran out and another node took it).
  virtual Status FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error,
                           TimePoint now, TimePoint retry_at) = 0;
  // ListJobs lists jobs in `states` (all when empty), newest first.
  virtual Result<std::vector<Job>> ListJobs(const std::vector<JobState>& states, int limit) = 0;
  virtual Result<Job> GetJob(int64_t id) = 0;
  // RetryJob puts a failed job back in the queue with its attempts reset.
  // InvalidArgument when it has not failed.
  virtual Status RetryJob(int64_t id, TimePoint now) = 0;
  virtual Result<JobCounts> CountJobs() = 0;
  // PruneJobs forgets jobs done before `before`.
  virtual Result<int64_t> PruneJobs(TimePoint before) = 0;

  // --- site-wide settings every node shares -------------------------------------

  virtual Result<std::optional<std::string>> GetSetting(const std::string& name) = 0;
  // PutSettingIfAbsent stores `value` unless `name` has one already, and
  // returns the stored one: whoever writes first wins, on every node.
  virtual Result<std::string> PutSettingIfAbsent(const std::string& name, const std::string& value) = 0;
};

// OpenStore opens (creating and migrating when needed) the store the config
// names (`config.database`, see OpenStoreAt), by default the SQLite database
// `newsdesk.db` in `config.data_dir`. A data directory that can't be created
// or written is an IOError naming it; an unreachable PostgreSQL is Unavailable.
Result<std::unique_ptr<Store>> OpenStore(const Config& config);

// OpenStoreAt opens the store `database` names: "sqlite:PATH" (a file),
// "postgresql://…" or "postgres://…" (libpq URL; at most `max_connections`
// at once). Anything else is InvalidArgument.
Result<std::unique_ptr<Store>> OpenStoreAt(const std::string& database, size_t max_connections = 16);

// OpenSqliteStore opens `data_dir`/newsdesk.db, creating the directory and
// the database, and applying pending migrations.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& data_dir);

// OpenSqliteStoreAt opens the database file at `path` (":memory:" is not
// supported: connections of the pool must share one database).
Result<std::unique_ptr<Store>> OpenSqliteStoreAt(const std::string& path);

// TableCopy: how one table of a store went over to another.
struct TableCopy {
  std::string table;
  int64_t rows = 0;
  uint64_t checksum = 0;  // order-free sum of the rows' hashes, the same on both sides
  bool verified = false;
};

// CopyStore moves a whole site: every row of every table of the store
// `from` into the store `to` (both named as OpenStoreAt takes them, and
// both migrated to this version first), in one transaction on `to` that
// commits only when each table's count and checksum match the source's.
// `to` must be empty (InvalidArgument otherwise); on any error nothing is
// kept. `progress` hears of each table (and every 10,000 rows).
Result<std::vector<TableCopy>> CopyStore(const std::string& from, const std::string& to,
                                         const std::function<void(const TableCopy&)>& progress);

// IsPostgresUrl tells whether `database` names a PostgreSQL server.
bool IsPostgresUrl(const std::string& database);

}  // namespace newsdesk
