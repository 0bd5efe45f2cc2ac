// File: store/article_store.h
//
// ArticleStore: articles as imported and fetched (one transaction a batch,
// never duplicated), read back by id, page and story; their mentions and
// the statistics entity pages show; and the change sequence every cache and
// search index follows.
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
  // Only articles in this state: the public site asks for the published
  // (the default), the desk for the others.
  Publication publication = Publication::kPublished;
};

// ArticleEdit: an editor's save of an article (the desk).
struct ArticleEdit {
  int64_t article_id = 0;
  ArticleContent content;
  std::string actor;          // "user:12"
  std::string actor_name;
  std::string correction;     // the public note, when the save corrects the article
  TimePoint at{};
};

// PublicationCount: how many articles are in a state.
struct PublicationCount {
  Publication publication = Publication::kPublished;
  int64_t count = 0;
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



// --- sitemaps (issue 17, part 1) ----------------------------------------
// SitemapEntry: a published article as an edition's sitemap lists it.
struct SitemapEntry {
  int64_t id = 0;
  std::string slug;
  std::string language;     // the original's
  TimePoint published_at{};
  // modified_at: the last write to the article's text or to its translation
  // into the edition, whichever is later (the sitemap's `lastmod`).
  TimePoint modified_at{};
  // offered_translations: the languages of its translations that the
  // sitemaps offer (its hreflang alternates besides its own language).
  std::vector<std::string> offered_translations;
};

// SitemapScope: what an edition's sitemaps offer search engines — the
// published articles the edition carries (written in its language, or
// translated into it), without unreviewed machine translations unless
// `with_unreviewed_machine` (their pages say noindex otherwise).
struct SitemapScope {
  std::string edition;
  bool with_unreviewed_machine = false;
};

// PublishedSpan: the published articles of a span of time, as an edition's
// sitemap index describes them.
struct PublishedSpan {
  int64_t count = 0;
  TimePoint first_published{};  // these three only when count > 0
  TimePoint last_published{};
  TimePoint last_modified{};    // the latest SitemapEntry::modified_at
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

// ChangeListener wakes a node when any node commits a change (PostgreSQL's
// LISTEN/NOTIFY), so caches follow within milliseconds instead of a poll.
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Wait returns true when a change was announced within `timeout`.
  virtual bool Wait(std::chrono::milliseconds timeout) = 0;
  // Connected: whether the link that carries the notices was up after the
  // last Wait (it is reconnected by the next one).
  virtual bool Connected() const = 0;
};

class ArticleStore {
 public:
  virtual ~ArticleStore() = default;

  // UpsertArticles writes every record in one transaction: an article whose
  // `url` is already stored is updated (never duplicated), its source is
  // matched by home URL and created when new. A human translation is never
  // replaced by a machine one. On any error nothing is written.
  virtual Result<UpsertSummary> UpsertArticles(const std::vector<ArticleRecord>& records) = 0;

  // GetArticle returns a published article: NotFound when there is no
  // article `id` or it is not published (held, scheduled, deleted, …), so
  // whatever the public site shows goes through it.
  virtual Result<Article> GetArticle(int64_t id) = 0;
  // GetArticleInAnyState returns article `id` whatever its publication
  // (`publication` says which): for the desk, translation and commands.
  virtual Result<Article> GetArticleInAnyState(int64_t id) = 0;

  // GetTranslation returns NotFound when `id` has no translation into `language`.
  virtual Result<Translation> GetTranslation(int64_t id, const std::string& language) = 0;

  virtual Result<ArticlePage> ListArticles(const ArticleQuery& query) = 0;

  // --- sitemaps (issue 17, part 1) --------------------------------------
  // SummarizePublished describes the articles `scope` offers whose
  // published_at is in [from, to), their modification times as seen in the
  // edition: one ranged aggregate, whatever the span.
  virtual Result<PublishedSpan> SummarizePublished(const SitemapScope& scope, TimePoint from, TimePoint to) = 0;
  // ListSitemapEntries lists up to `limit` (1..50,000) articles `scope`
  // offers whose published_at is in [from, to), oldest first (published_at,
  // id), starting after `after` in that order when given (keyset, never
  // OFFSET), each with the translations the same scope offers.
  // InvalidArgument for a limit out of range.
  virtual Result<std::vector<SitemapEntry>> ListSitemapEntries(const SitemapScope& scope, TimePoint from,
                                                               TimePoint to, std::optional<ArticleCursor> after,
                                                               int limit) = 0;

  // LookupArticle tells whether an article of `source_id` with `url` or
  // (when non-empty) `guid` is stored, deleted by an editor, or new.
  virtual Result<ArticleKey> LookupArticle(int64_t source_id, const std::string& url, const std::string& guid) = 0;

  // DeleteArticle removes an article and leaves a tombstone, so fetching its
  // source again never brings it back. NotFound when there is no such article.
  virtual Status DeleteArticle(int64_t id) = 0;

  // --- publication and editing (the desk, issue 16) ---------------------
  // SetPublication moves article `id` to `state` (a time for kScheduled,
  // none otherwise; InvalidArgument when they do not match). Deleting
  // leaves a tombstone, so fetching the source again never brings it back;
  // moving a deleted article to any other state lifts the tombstone.
  // NotFound when there is no article `id`.
  virtual Status SetPublication(int64_t id, Publication state, std::optional<TimePoint> publish_at) = 0;
  // PublishDueArticles publishes every scheduled article whose time is at
  // or before `now`; how many. Any node may call it at any time.
  virtual Result<int64_t> PublishDueArticles(TimePoint now) = 0;
  // CountUnpublished counts the articles in each state but kPublished
  // (states with none are left out): the desk's overview.
  virtual Result<std::vector<PublicationCount>> CountUnpublished() = 0;
  // SaveArticleEdit writes an editor's content and keeps it as a revision
  // (the first save keeps the text as it arrived first); the revision's id.
  // Fetching the article again then leaves its text alone. A non-empty
  // `correction` is published with the article as a dated note.
  // NotFound when there is no article; InvalidArgument for an empty headline.
  virtual Result<int64_t> SaveArticleEdit(const ArticleEdit& edit) = 0;
  // ListRevisions lists an article's revisions, newest first (at most 200).
  virtual Result<std::vector<Revision>> ListRevisions(int64_t article_id) = 0;
  // GetRevision returns revision `id`; NotFound when there is none.
  virtual Result<Revision> GetRevision(int64_t id) = 0;
  // Corrections lists the corrections of each of `article_ids`, oldest first.
  virtual Result<std::vector<Correction>> Corrections(const std::vector<int64_t>& article_ids) = 0;

  // StoryArticles lists the articles of a story, newest first.
  virtual Result<std::vector<ArticleSummary>> StoryArticles(int64_t story_id) = 0;


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
};

}  // namespace newsdesk
