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
//   settings_sql.cc       Settings           audit_sql.cc        AuditLog
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
#include <map>
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

// ReadColumns reads a row's columns from `first` on into `out…`, one column
// each in order, converting by the field's type (whole numbers, flags,
// text, times as Unix seconds, times that may be NULL), and returns the
// index of the column after them. Row readers list their fields in the
// order of the SELECT instead of numbering each column by hand.
inline void ReadColumn(const Stmt& st, int col, int64_t& v) { v = st.Int(col); }
inline void ReadColumn(const Stmt& st, int col, int& v) { v = static_cast<int>(st.Int(col)); }
inline void ReadColumn(const Stmt& st, int col, bool& v) { v = st.Int(col) != 0; }
inline void ReadColumn(const Stmt& st, int col, std::string& v) { v = st.Text(col); }
inline void ReadColumn(const Stmt& st, int col, TimePoint& v) { v = FromSeconds(st.Int(col)); }
inline void ReadColumn(const Stmt& st, int col, std::optional<TimePoint>& v) {
  if (st.IsNull(col)) v.reset();
  else v = FromSeconds(st.Int(col));
}
template <typename... Fields>
int ReadColumns(const Stmt& st, int first, Fields&... out) {
  int col = first;
  (ReadColumn(st, col++, out), ...);
  return col;
}

// --- rows several concerns read -----------------------------------------------

// SourceFromRow reads id, slug, name, home_url, country, language from
// columns `first`.. of `st` (source_sql.cc).
Source SourceFromRow(const Stmt& st, int first);

// SummaryFromRow reads a.id, a.slug, a.language, a.headline,
// a.published_at, a.lead and the six source columns (12 in all) (article_sql.cc).
ArticleSummary SummaryFromRow(const Stmt& st);

// kEditionSummaryColumns: an article's summary (the 12 columns
// SummaryFromRow reads), then its translation `t` into an edition and its
// story, and whether an editor reviewed the translation: 18 columns, which
// EditionSummaryFromRow reads.
inline constexpr const char* kEditionSummaryColumns =
    "SELECT a.id, a.slug, a.language, a.headline, a.published_at, a.lead, "
    "s.id, s.slug, s.name, s.home_url, s.country, s.language, "
    "t.headline, t.dateline, t.lead, t.produced_by, a.story_id, "
    "CASE WHEN t.reviewed_at IS NULL THEN 0 ELSE 1 END ";
ArticleSummary EditionSummaryFromRow(const Stmt& st, const std::string& edition);
// StoredBody is `body` as the JSON text the articles and translations keep,
// when it reads back (BlocksFromJsonText): a body that would not — a
// control character, an empty block — is InvalidArgument, and nothing is
// written, rather than a row no page could show again.
Result<std::string> StoredBody(const std::vector<Block>& body);

const char* TranslatedByName(TranslatedBy by);

// --- writes several concerns make, inside their transaction ---------------------

// RecordChange appends to the change sequence (article_sql.cc): `entity`
// ("article", "source", "comment", "gazetteer") number `id` changed at `now`.
Status RecordChange(Connection& c, const char* entity, int64_t id, int64_t now);

// RequireRow is NotFound(`not_found`) unless `sql`, with `id` as ?1, returns a row.
Status RequireRow(Connection& c, const std::string& sql, int64_t id, const std::string& not_found);

// UpsertSource returns the id of the source with `s.home_url`, updating its
// name, country and language, or creates it with a unique slug (source_sql.cc).
Result<int64_t> UpsertSource(Connection& c, const Source& s);

// UpsertTranslation writes an article's translation, never a machine one
// over a human or reviewed one (translation_sql.cc).
Status UpsertTranslation(Connection& c, int64_t article_id, const Translation& t, int64_t now);

// SqlStore is the Store on either database: the SQL is written once, and
// `open` makes a connection of the chosen kind (see store/sql/connection.h).
class SqlStore final : public Store {
 public:
  using Opener = Pool::Opener;
  using ListenerOpener = std::function<Result<std::unique_ptr<Listener>>()>;

  SqlStore(Opener open, ListenerOpener listen, std::string where, size_t max_connections)
      : pool_(std::move(open), max_connections), listen_(std::move(listen)), where_(std::move(where)) {}

  // Init opens the first connection, migrates the database and keeps it (sql_store.cc).
  Status Init();
  std::unique_ptr<ChangeListener> ListenForChanges() override;

  // ArticleStore (article_sql.cc)
  Result<UpsertSummary> UpsertArticles(const std::vector<ArticleRecord>& records) override;
  Result<Article> GetArticle(int64_t id) override;
  Result<Article> GetArticleInAnyState(int64_t id) override;
  Status SetPublication(int64_t id, Publication state, std::optional<TimePoint> publish_at) override;
  Result<int64_t> PublishDueArticles(TimePoint now) override;
  Result<std::vector<PublicationCount>> CountUnpublished() override;
  Result<int64_t> SaveArticleEdit(const ArticleEdit& edit) override;
  Result<std::vector<Revision>> ListRevisions(int64_t article_id) override;
  Result<Revision> GetRevision(int64_t id) override;
  Result<std::vector<Correction>> Corrections(const std::vector<int64_t>& article_ids) override;
  Result<Translation> GetTranslation(int64_t id, const std::string& language) override;
  Result<ArticlePage> ListArticles(const ArticleQuery& q) override;
  // sitemaps (issue 17, part 1)
  Result<PublishedSpan> SummarizePublished(const SitemapScope& scope, TimePoint from, TimePoint to) override;
  Result<std::vector<SitemapEntry>> ListSitemapEntries(const SitemapScope& scope, TimePoint from, TimePoint to,
                                                       std::optional<ArticleCursor> after, int limit) override;
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

  // SourceStore (source_sql.cc)
  Result<Source> GetSourceBySlug(const std::string& slug) override;
  Result<std::vector<Source>> ListSources() override;
  Result<FeedStatus> AddFeedSource(const Source& s) override;
  Result<SourceStatus> GetSourceStatus(int64_t id) override;
  Result<FeedStatus> GetFeedStatus(int64_t id) override;
  Result<std::vector<SourceStatus>> ListSourceStatuses() override;
  Result<std::vector<FeedStatus>> DueFeeds(TimePoint now, int limit) override;
  Status RemoveSource(int64_t id) override;
  Status RemoveFeed(int64_t id) override;
  Status SetFeedPaused(int64_t id, bool paused, TimePoint now) override;
  Status SetFeedInterval(int64_t id, int seconds, TimePoint now) override;
  Status SetHoldForReview(int64_t source_id, bool hold) override;
  Status SetExtractionRule(int64_t source_id, const std::string& body_selector,
                           const std::vector<std::string>& drop_selectors) override;
  Result<std::map<int64_t, std::vector<int>>> DailyArticleCounts(const std::vector<int64_t>& sources, TimePoint from,
                                                                 int days) override;
  Status RecordFetch(int64_t feed_id, const FetchOutcome& o) override;

  // KnowledgeStore (knowledge_sql.cc)
  Result<CandidatePage> FindCandidates(const CandidateQuery& query) override;
  Result<std::vector<CandidateUse>> CandidateArticles(const std::string& key, const std::optional<ArticleCursor>& after,
                                                      int limit) override;
  Status DismissCandidate(const std::string& key) override;
  Status PutEntityEdit(const EntityEdit& edit) override;
  Result<std::vector<EntityEdit>> ListEntityEdits() override;
  Status MergeEntities(const std::string& from, const EntityEdit& into) override;
  Result<std::vector<std::pair<std::string, std::string>>> EntityRedirects() override;
  Result<int64_t> KnowledgeVersion() override;

  // AccountStore (account_sql.cc)
  Result<User> CreateUser(const User& u) override;
  Result<User> GetUser(int64_t id) override;
  Result<User> GetUserByEmail(const std::string& email) override;
  Status UpdateUser(int64_t id, const UserChanges& ch) override;
  Status DeleteUser(int64_t id) override;
  Result<std::vector<UserOverview>> ListUsers(const UserQuery& query) override;
  Result<std::vector<User>> DeskMailRecipients(const std::string& day) override;
  Status RecordDeskMailSent(const std::string& day, int64_t user_id, TimePoint at) override;
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
  Result<bool> ClaimAccountMail(int64_t user_id, const std::string& kind, TimePoint now, std::chrono::seconds gap,
                                int per_day) override;

  // CommentStore (comment_sql.cc)
  Result<Comment> AddComment(const Comment& m) override;
  Result<Comment> GetComment(int64_t id) override;
  Result<std::vector<Comment>> ListArticleComments(int64_t article_id,
                                                   const std::vector<CommentStatus>& statuses) override;
  Result<std::vector<Comment>> ListCommentsByStatus(CommentStatus status, int limit) override;
  Result<std::vector<Comment>> ListCommentsByNewAccounts(TimePoint since, int limit) override;
  Status EditComment(int64_t id, const std::string& body, const std::string& html, CommentStatus status,
                     const std::string& hold_reason, TimePoint edited_at) override;
  Result<int64_t> HideUserComments(int64_t user_id, const std::string& reason) override;
  Status SetCommentStatus(int64_t id, CommentStatus status, const std::string& reason) override;
  Status MarkCommentSpam(int64_t id, const std::string& reason) override;
  Result<std::vector<QueuedComment>> ListCommentQueue(CommentQueue queue, int64_t after_id, int limit) override;
  Result<int64_t> CountCommentQueue(CommentQueue queue) override;
  Result<std::vector<QueuedComment>> ListUserComments(int64_t user_id, int64_t before_id, int limit) override;
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

  // MailingStore (mailing_sql.cc)
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

  // TranslationStore (translation_sql.cc)
  Result<std::vector<int64_t>> ArticlesNeedingTranslation(const std::string& from_language,
                                                          const std::string& to_language, TimePoint now,
                                                          int64_t after_id, int limit) override;
  Status PutTranslation(int64_t article_id, const Translation& translation) override;
  Status RecordTranslationFailure(int64_t article_id, const std::string& language, const std::string& error,
                                  TimePoint now, TimePoint retry_at) override;
  Result<int64_t> CountTranslationFailures() override;
  Result<std::vector<TranslationListing>> ListUnreviewedTranslations(const std::string& language,
                                                                     std::optional<TranslationCursor> before,
                                                                     int limit) override;
  Result<TranslationListing> GetTranslationListing(int64_t article_id, const std::string& language) override;
  Status MarkTranslationReviewed(int64_t article_id, const std::string& language, TimePoint seen,
                                 TimePoint now) override;
  Result<std::vector<TranslationFailure>> ListTranslationFailures(const std::string& language,
                                                                  std::optional<TranslationCursor> before,
                                                                  int limit) override;
  Result<TranslationFailure> RetryTranslationFailure(int64_t article_id, const std::string& language,
                                                     TimePoint now) override;
  Result<std::vector<std::optional<std::string>>> CachedTranslations(
      const std::string& pair, const std::vector<std::string>& text_hashes) override;
  Status PutCachedTranslations(const std::string& pair,
                               const std::vector<std::pair<std::string, std::string>>& entries) override;

  // JobQueue (job_sql.cc)
  Result<std::optional<int64_t>> EnqueueJob(const JobRequest& job, TimePoint now) override;
  Result<std::optional<Job>> ClaimJob(const std::vector<std::string>& kinds, const std::string& holder,
                                      TimePoint now, TimePoint lease_until) override;
  Status ExtendJobLease(int64_t id, const std::string& holder, TimePoint lease_until) override;
  Status FinishJob(int64_t id, const std::string& holder, bool ok, const std::string& error, TimePoint now,
                   TimePoint retry_at) override;
  Result<std::vector<Job>> ListJobs(const std::vector<JobState>& states, int limit) override;
  Result<Job> GetJob(int64_t id) override;
  Status RetryJob(int64_t id, TimePoint now) override;
  Result<JobCounts> CountJobs() override;
  Result<int64_t> PruneJobs(TimePoint before) override;

  // Settings (settings_sql.cc)
  Result<std::optional<std::string>> GetSetting(const std::string& name) override;
  Result<std::string> PutSettingIfAbsent(const std::string& name, const std::string& value) override;
  Result<int64_t> RaiseSetting(const std::string& name, int64_t value) override;

  // AuditLog (audit_sql.cc)
  Result<int64_t> AppendAudit(const AuditEntry& entry) override;
  Result<AuditPage> ListAudit(const AuditQuery& query) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListAuditActors() override;

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
  // ExecBound runs one statement whose parameters `bind` sets, as a write.
  Status ExecBound(const char* sql, const std::function<void(Stmt&)>& bind) {
    return Write([&](Connection& c) { return Exec(c, sql, bind); });
  }

  Status Migrate(Connection& c);          // sql_store.cc
  Status ApplyMigrations(Connection& c);
  // EntityCounts reads (entity, count) rows (article_sql.cc).
  Result<std::vector<EntityCount>> EntityCounts(const char* sql, const std::function<void(Stmt&)>& bind);
  // FindUser reads the user `where` picks, or NotFound(`not_found`) (account_sql.cc).
  Result<User> FindUser(const std::string& where, const std::function<void(Stmt&)>& bind, const std::string& not_found);
  // ListComments reads the comments `where` picks, with their authors (comment_sql.cc).
  Result<std::vector<Comment>> ListComments(const std::string& where, const std::function<void(Stmt&)>& bind);
  // UpdateComment runs `sql` on comment `id` and marks its article changed.
  Status UpdateComment(int64_t id, const std::string& sql, const std::function<void(Stmt&)>& bind);
  // ReadSubscriber reads the subscriber `where` picks (mailing_sql.cc).
  Result<Subscriber> ReadSubscriber(const char* where, const std::function<void(Stmt&)>& bind);
  // UpdateSubscriber runs `sql` with ?1 = `id`; NotFound when no row changed.
  Status UpdateSubscriber(const char* sql, int64_t id, const std::function<void(Stmt&)>& bind);

  Pool pool_;
  const ListenerOpener listen_;  // empty on SQLite
  const std::string where_;      // for messages: a path, or a URL without its password
  Dialect dialect_ = Dialect::kSqlite;
};

}  // namespace newsdesk::sql
