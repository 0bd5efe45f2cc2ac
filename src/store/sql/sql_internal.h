// File: store/sql/sql_internal.h
//
// Internal to store/sql/: the one class, `SqlStore`, that implements every
// narrow store interface (store/store.h) in SQL written once for SQLite and
// PostgreSQL, and the row readers its files share. Its member definitions
// are spread one file a concern, named after the interface they implement:
//
//   sql_store.cc          opening, migrating, listening for changes, OpenSqlStore
//   article_sql.cc        ArticleStore       source_sql.cc       SourceStore
//   knowledge_sql.cc      KnowledgeStore     account_sql.cc      AccountStore
//   comment_sql.cc        CommentStore       mailing_sql.cc      MailingStore
//   translation_sql.cc    TranslationStore   job_sql.cc          JobQueue
//   settings_sql.cc       Settings
//
// Nothing outside store/sql/ includes this header; other stages open a store
// through store/store.h.
//
// Thread-safety: a SqlStore is safe to use from many threads at once; each
// call runs on a connection of its own from the pool (store/sql/pool.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/article.h"
#include "store/sql/connection.h"
#include "store/sql/pool.h"
#include "store/store.h"

namespace newsdesk::sql {

// NowSeconds is the wall clock in seconds since the epoch, as rows store it.
inline int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline TimePoint FromSeconds(int64_t s) { return TimePoint{std::chrono::seconds{s}}; }
inline int64_t Seconds(TimePoint t) { return t.time_since_epoch().count(); }

const char* TranslatedByName(TranslatedBy by);

// SourceFromRow reads id, slug, name, home_url, country, language from
// columns `first`.. of `st`.
Source SourceFromRow(const Stmt& st, int first);

// SummaryFromRow reads a.id, a.slug, a.language, a.headline,
// a.published_at, a.lead and the six source columns (12 in all).
ArticleSummary SummaryFromRow(const Stmt& st);

// SqlStore is the Store on either database: the SQL is written once, and
// `open_` makes a connection of the chosen kind (see store/sql/connection.h).
class SqlStore final : public Store {
 public:
  using Opener = Pool::Opener;
  using ListenerOpener = std::function<Result<std::unique_ptr<Listener>>()>;

  SqlStore(Opener open, ListenerOpener listen, std::string where, size_t max_connections)
      : pool_(std::move(open), max_connections), listen_(std::move(listen)), where_(std::move(where)) {}

  // --- the SqlStore itself: opening, migrating, listening for changes (sql_store.cc) ---

  std::unique_ptr<ChangeListener> ListenForChanges() override;
  Status Init();
  Status Migrate(Connection& c);
  Status ApplyMigrations(Connection& c);

  // --- ArticleStore (store/article_store.h): articles, mentions, stories, the change sequence (article_sql.cc) ---

  Result<UpsertSummary> UpsertArticles(const std::vector<ArticleRecord>& records) override;
  Result<Article> GetArticle(int64_t id) override;
  Result<Translation> GetTranslation(int64_t id, const std::string& language) override;
  Result<ArticlePage> ListArticles(const ArticleQuery& q) override;
  Result<ArticleKey> LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) override;
  Status DeleteArticle(int64_t id) override;
  Result<std::vector<ArticleSummary>> StoryArticles(int64_t story_id) override;
  Status ReplaceTags(int64_t article_id, const std::vector<MentionRecord>& mentions,
                     const std::vector<NameCandidate>& candidates) override;
  Result<std::vector<DayCount>> MentionsPerDay(const std::string& entity, TimePoint from, TimePoint to) override;
  Result<std::vector<EntityCount>> CoMentioned(const std::string& entity, int limit) override;
  Result<std::vector<EntityCount>> TopEntities(TimePoint since, int limit) override;
  Result<std::vector<int64_t>> ArticleIds() override;
  Result<std::vector<Change>> ChangesSince(int64_t after, int limit) override;
  Result<int64_t> ChangeSequence() override;
  Status Ping() override;
  template <typename BindFn>
  Result<std::vector<EntityCount>> EntityCounts(const char* sql, BindFn bind);
  Status WriteMentions(Connection& c, int64_t article_id, const std::vector<MentionRecord>& mentions);
  Status WriteCandidates(Connection& c, int64_t article_id, const std::vector<NameCandidate>& candidates);
  // FindKey looks an article up by URL, then by (source, guid).
  Result<ArticleKey> FindKey(Connection& c, int64_t source_id, const std::string& url, const std::string& guid);
  // StoryFor finds the story of a near-duplicate published close in time,
  // or 0 when the article starts a story of its own.
  Result<int64_t> StoryFor(Connection& c, const Fingerprint& print, int64_t published, int64_t self);
  // UpsertArticle returns the article's id, or 0 when an editor deleted it.
  Result<int64_t> UpsertArticle(Connection& c, const ArticleRecord& r, int64_t source_id, int64_t now,
                                UpsertSummary& summary);
  Status RecordChange(Connection& c, const char* entity, int64_t id, int64_t now);

  // --- SourceStore (store/source_store.h): outlets, feeds, fetch state (source_sql.cc) ---

  Result<Source> GetSourceBySlug(const std::string& slug) override;
  Result<std::vector<Source>> ListSources() override;
  Result<FeedStatus> AddFeedSource(const Source& s) override;
  Result<SourceStatus> GetSourceStatus(int64_t id) override;
  Result<FeedStatus> GetFeedStatus(int64_t id) override;
  Result<std::vector<SourceStatus>> ListSourceStatuses() override;
  Result<std::vector<FeedStatus>> DueFeeds(TimePoint now, int limit) override;
  Status RemoveSource(int64_t id) override;
  Status RemoveFeed(int64_t id) override;
  Status RecordFetch(int64_t feed_id, const FetchOutcome& o) override;
  Result<std::vector<SourceStatus>> ListStatuses(const std::string& sql);
  // AttachFeeds fills in every feed of each source in `list`, by feed id.
  Status AttachFeeds(Connection& c, std::vector<SourceStatus>& list);
  // StopFollowing removes every feed of source `id`: a source with articles
  // stays for their attribution, one without is forgotten with its tombstones.
  Status StopFollowing(Connection& c, int64_t id);
  Result<int64_t> UpsertSource(Connection& c, const Source& s);

  // --- KnowledgeStore (store/knowledge_store.h): editors' entities, candidates, merges (knowledge_sql.cc) ---

  Result<std::vector<CandidateSummary>> ListCandidates(int min_articles, int limit) override;
  Status DismissCandidate(const std::string& key) override;
  Status PutEntityEdit(const EntityEdit& edit) override;
  Result<std::vector<EntityEdit>> ListEntityEdits() override;
  Status MergeEntities(const std::string& from, const EntityEdit& into) override;
  Result<std::vector<std::pair<std::string, std::string>>> EntityRedirects() override;
  Result<int64_t> KnowledgeVersion() override;
  Status WriteEntityEdit(Connection& c, const EntityEdit& edit);

  // --- AccountStore (store/account_store.h): readers' accounts, sessions, tokens (account_sql.cc) ---

  static std::string TokenPurposeName(TokenPurpose p);
  static User UserFromRow(const Stmt& st);
  Result<User> FindUser(const std::string& where, const std::function<void(Stmt&)>& bind);
  Result<User> CreateUser(const User& u) override;
  Result<User> GetUser(int64_t id) override;
  Result<User> GetUserByEmail(const std::string& email) override;
  Status UpdateUser(int64_t id, const UserChanges& ch) override;
  Status DeleteUser(int64_t id) override;
  // RecordUserCommentsChanged marks the articles a user commented on as
  // changed, since their pages show the user's name.
  Status RecordUserCommentsChanged(Connection& c, int64_t user_id);
  Status CreateSession(const SessionRecord& s) override;
  Result<SessionRecord> GetSession(const std::string& token_hash) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status DeleteUserSessions(int64_t user_id) override;
  Status CreateToken(const TokenRecord& t) override;
  Result<TokenRecord> ConsumeToken(const std::string& token_hash, TokenPurpose purpose) override;
  Status RecordLoginFailure(const std::string& email, const std::string& address, TimePoint at,
                            TimePoint forget_before) override;
  Result<LoginFailureCounts> CountLoginFailures(const std::string& email, const std::string& address,
                                                TimePoint since) override;
  Status ClearLoginFailures(const std::string& email) override;
  Status PruneExpired(TimePoint now, TimePoint failures_before) override;

  // --- CommentStore (store/comment_store.h): comments, reports, views (comment_sql.cc) ---

  static const char* CommentStatusName(CommentStatus s);
  static CommentStatus ParseCommentStatus(const std::string& s);
  static Comment CommentFromRow(const Stmt& st);
  Result<std::vector<Comment>> ListComments(const std::string& sql, const std::function<void(Stmt&)>& bind);
  // ArticleOfComment returns the article a comment belongs to.
  Result<int64_t> ArticleOfComment(Connection& c, int64_t comment_id);
  Result<Comment> AddComment(const Comment& m) override;
  Result<Comment> GetComment(int64_t id) override;
  Result<std::vector<Comment>> ListArticleComments(int64_t article_id,
                                                   const std::vector<CommentStatus>& statuses) override;
  Result<std::vector<Comment>> ListCommentsByStatus(CommentStatus status, int limit) override;
  Status EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                     const std::string& hold_reason, TimePoint edited_at) override;
  Status SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) override;
  Result<CommentActivity> CountComments(int64_t user_id, const std::string& address, TimePoint since) override;
  Result<int64_t> CountVisibleUserComments(int64_t user_id) override;
  Result<std::vector<std::pair<int64_t, int64_t>>> CommentCounts(const std::vector<int64_t>& article_ids) override;
  Result<std::vector<DiscussedArticle>> RecentlyCommented(int limit) override;
  Status AddReport(int64_t comment_id, int64_t reporter_id, const std::string& reason, TimePoint at) override;
  Result<std::vector<CommentReport>> ListOpenReports(int limit) override;
  Status ResolveReports(int64_t comment_id) override;
  Result<std::vector<std::string>> HoldWords() override;
  Status ReplaceHoldWords(const std::vector<std::string>& words) override;
  Status AddViews(const std::vector<std::pair<int64_t, int64_t>>& views) override;

  // --- MailingStore (store/mailing_store.h): subscribers, digest runs and deliveries (mailing_sql.cc) ---


  Result<Subscriber> SubscribePending(const std::string& email, const std::string& edition,
                                      const std::vector<std::string>& entities, TimePoint now) override;
  Result<Subscriber> GetSubscriber(int64_t id) override;
  Status RecordConfirmationSent(int64_t id, TimePoint at) override;
  Status SetSubscriberState(int64_t id, SubscriberState state) override;
  Status SetSubscriberPreferences(int64_t id, const std::string& edition,
                                  const std::vector<std::string>& entities) override;
  Result<int64_t> CountSubscribers(SubscriberState state) override;
  Result<std::vector<DigestItem>> DigestArticles(const std::string& edition, TimePoint from, TimePoint to,
                                                 int limit) override;
  Result<DigestRun> StartDigestRun(const std::string& day, TimePoint now) override;
  Result<std::optional<DigestRun>> FindDigestRun(const std::string& day) override;
  Status LeaseDigestRun(int64_t run_id, const std::string& holder, TimePoint now, TimePoint until,
                        const std::function<bool(const std::string&)>& holder_gone) override;
  Status ReleaseDigestRun(int64_t run_id, const std::string& holder) override;
  Status RequeueInterrupted(int64_t run_id) override;
  Result<std::vector<Delivery>> ClaimDeliveries(int64_t run_id, int limit, TimePoint now) override;
  Status FinishDelivery(int64_t run_id, int64_t subscriber_id, DeliveryOutcome outcome, const std::string& error,
                        TimePoint retry_at, int max_hard_failures) override;
  Result<DigestProgress> GetDigestProgress(int64_t run_id) override;
  Result<std::optional<TimePoint>> NextDeliveryAt(int64_t run_id) override;
  Status FinishDigestRun(int64_t run_id, TimePoint at) override;
  static std::vector<std::string> ParseEntityList(const std::string& text);
  static SubscriberState ParseSubscriberState(const std::string& s);
  template <typename BindFn>
  Result<Subscriber> ReadSubscriber(const char* where, BindFn bind);
  template <typename BindFn>
  Status UpdateSubscriber(const char* sql, int64_t id, BindFn bind);

  // --- TranslationStore (store/translation_store.h): machine translation's queue and cache (translation_sql.cc) ---


  Result<std::vector<int64_t>> ArticlesNeedingTranslation(const std::string& from_language,
                                                          const std::string& to_language, TimePoint now,
                                                          int64_t after_id, int limit) override;
  Status PutTranslation(int64_t article_id, const Translation& translation) override;
  Status RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                  TimePoint now, TimePoint retry_at) override;
  Result<int64_t> CountTranslationFailures() override;
  Result<std::vector<std::optional<std::string>>> CachedTranslations(
      const std::string& pair, const std::vector<std::string>& text_hashes) override;
  Status PutCachedTranslations(const std::string& pair,
                               const std::vector<std::pair<std::string, std::string>>& entries) override;
  Status UpsertTranslation(Connection& c, int64_t article_id, const Translation& t, int64_t now);

  // --- JobQueue (store/job_queue.h): background jobs every node shares (job_sql.cc) ---

  static Job JobFromRow(const Stmt& st);
  Result<std::optional<int64_t>> EnqueueJob(const JobRequest& job, TimePoint now) override;
  Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                      TimePoint now, TimePoint lease_until) override;
  Status ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) override;
  Status FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error, TimePoint now,
                   TimePoint retry_at) override;
  Result<std::vector<Job>> ListJobs(const std::vector<JobState>& states, int limit) override;
  Result<Job> GetJob(int64_t id) override;
  Status RetryJob(int64_t id, TimePoint now) override;
  Result<Job> GetJobOn(Connection& c, int64_t id);
  Result<JobCounts> CountJobs() override;
  Result<int64_t> PruneJobs(TimePoint before) override;

  // --- Settings (store/settings.h): site-wide values (settings_sql.cc) ---

  Result<std::optional<std::string>> GetSetting(const std::string& name) override;
  Result<std::string> PutSettingIfAbsent(const std::string& name, const std::string& value) override;

  // ExecBound runs one statement whose parameters `bind` sets, as a write.
  Status ExecBound(const char* sql, const std::function<void(Stmt&)>& bind) {
    return Write([&](Connection& c) { return Exec(c, sql, bind); });
  }

 private:
  // WithConnection and Write run work on the pool (store/sql/pool.h): a
  // retried unit of work starts from scratch each time.
  template <typename T, typename F>
  Result<T> WithConnection(F&& f) {
    return pool_.WithConnection<T>(std::forward<F>(f));
  }
  template <typename F>
  Status Write(F&& f) {
    return pool_.Write(std::forward<F>(f));
  }

  Pool pool_;
  const ListenerOpener listen_;  // empty on SQLite
  const std::string where_;      // for messages: a path, or a URL without its password
  Dialect dialect_ = Dialect::kSqlite;
};

}  // namespace newsdesk::sql
