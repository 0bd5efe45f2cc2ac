// File: model/article.h
//
// The domain model every stage shares: a source (an outlet we republish),
// an article as it arrives (`ArticleRecord`) and as it is stored (`Article`),
// its body as structured blocks, and its translations.
//
// Plain values with no behaviour beyond small helpers; no stage's framework
// (SQL, HTTP, JSON) appears here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace newsdesk {

struct Source {
  int64_t id = 0;
  std::string slug;      // ASCII, unique; from the name
  std::string name;      // "TSAMTO"
  std::string home_url;  // "https://agency.example/"
  std::string country;   // ISO 3166-1 alpha-2, may be empty
  std::string language;  // primary language of the outlet ("ru")

  // Followed sources only (empty feed_url: articles arrive by import).
  std::string feed_url;
  int fetch_interval_seconds = 900;
  std::string body_selector;                // editor's extraction rule, overrides the generic extractor
  std::vector<std::string> drop_selectors;  // parts of the page to leave out
  bool hold_for_review = false;             // new articles wait in the desk's Incoming queue
};

// FeedStatus: one followed feed of a source (an outlet may have several, e.g.
// its "defence" and "world" feeds, or its Russian and English ones) and how
// its fetching goes. Articles of every feed belong to the one source.
struct FeedStatus {
  int64_t id = 0;
  int64_t source_id = 0;
  std::string feed_url;
  std::string language;  // the feed's own language when it differs from the source's, else ""
  int fetch_interval_seconds = 900;
  std::optional<TimePoint> last_fetch_at;
  std::string last_status;
  std::string last_error;
  int consecutive_failures = 0;
  TimePoint next_fetch_at{};
  std::string etag, last_modified;  // validators for the next conditional GET
  bool paused = false;              // an editor paused it: not fetched until resumed
};

// SourceStatus: a source with how its fetching goes. `feeds` lists every
// feed it is followed through (empty: not followed); `source.feed_url`,
// `source.fetch_interval_seconds` and the fetch fields below describe its
// first feed (the one followed longest), for a one-line summary.
struct SourceStatus {
  Source source;
  std::vector<FeedStatus> feeds;
  std::optional<TimePoint> last_fetch_at;
  std::string last_status;    // "ok", "not modified", "HTTP 404", "error"
  std::string last_error;     // the message of the last failure, "" after a success
  int consecutive_failures = 0;
  TimePoint next_fetch_at{};
  std::string etag, last_modified;  // validators for the next conditional GET
  int64_t article_count = 0;
  double articles_per_day = 0;      // published over the last 7 days
  std::optional<TimePoint> last_article_at;  // the newest article's publication time
};

// SourceState: a source as the desk, its overview and its daily mail count
// it: failing when an active feed's last fetch failed, paused when every
// feed is, not followed when it has no feed (its articles came by import).
enum class SourceState { kOk, kFailing, kPaused, kNotFollowed };
SourceState StateOf(const SourceStatus& s);
// SourceStateName: "ok", "failing", "paused", "imported".
const char* SourceStateName(SourceState s);

// FetchOutcome: what one fetch of a feed came to.
struct FetchOutcome {
  TimePoint at{};
  bool ok = false;
  std::string status;   // "ok", "not modified", "HTTP 503", "parse error", …
  std::string error;    // message when !ok (or when some items failed)
  std::string etag, last_modified;
  TimePoint next_fetch_at{};
};

enum class BlockType { kParagraph, kHeading, kQuote, kList, kImage };

const char* BlockTypeName(BlockType t);
std::optional<BlockType> ParseBlockType(const std::string& name);

// Block: one unit of an article's body. Which fields are used depends on type:
// paragraph/heading/quote use `text`; list uses `items`; image uses `url`,
// `caption`, `credit`.
struct Block {
  BlockType type = BlockType::kParagraph;
  std::string text;
  std::vector<std::string> items;
  std::string url;
  std::string caption;
  std::string credit;
  bool operator==(const Block&) const = default;
};

struct Image {
  std::string url;
  std::string credit;   // "© Sputnik / …"
  std::string caption;
  bool operator==(const Image&) const = default;
};

enum class TranslatedBy { kHuman, kMachine };

struct Translation {
  std::string language;
  std::string headline;
  std::string dateline;
  std::vector<Block> body;
  TranslatedBy by = TranslatedBy::kMachine;
  bool reviewed = false;  // a machine translation an editor approved as it is
};

// MentionRecord: an entity an article names (see mentions/tagger.h).
struct MentionRecord {
  std::string entity;      // the gazetteer id, e.g. "united-states"
  int count = 0;
  int first_offset = 0;    // byte offset of the first mention in the tagged text
};

// NameCandidate: a name an article uses that the gazetteer does not know
// (a run of capitalised words, a quoted name, an acronym); names seen in
// several articles are offered to editors as new entities.
struct NameCandidate {
  std::string key;       // its words case-folded and stemmed: what groups its forms
  std::string form;      // as the text wrote it: "Рособоронэкспорта"
  std::string language;  // "ru" or "en", by script
  int count = 0;         // times in the article
};

// ArticleRecord: an article as it arrives, before it has an id.
struct ArticleRecord {
  std::string url;            // original URL; unique key for re-imports
  std::string guid;           // the feed's id for it, if any: also a key
  std::string canonical_url;  // defaults to url
  Source source;              // id ignored; matched by home_url
  std::string language;
  std::string headline;
  std::string dateline;       // "TSAMTO, April 26th"
  TimePoint published_at{};
  std::optional<Image> image;
  std::string rights;         // rights/licence line
  std::vector<Block> body;
  std::vector<Translation> translations;
  std::string author;
  int language_confidence = 100;  // percent; 100 when declared by an editor
  std::string fingerprint;        // EncodeFingerprint(MinHash(body)) for grouping stories; "" = none
  std::vector<MentionRecord> mentions;  // replaces the stored ones, most salient first
  std::vector<NameCandidate> candidates;  // replaces the stored ones
};

// RemoveControlChars drops C0 controls (but tab and line breaks) and DEL
// from every text of `r`: the store refuses text that holds them, and an
// outlet's stray control byte must not cost the whole article.
void RemoveControlChars(ArticleRecord& r);

// Publication: where an article stands for readers. Only kPublished is on
// the public site (pages, lists, feeds, search, the digest, the API); the
// others are the desk's (issue 16). A source that holds its articles for
// review stores new ones as kHeld; kScheduled waits for its publish_at;
// kDeleted leaves a tombstone that answers 410 and keeps the article
// reviewable.
enum class Publication { kPublished, kHeld, kScheduled, kRejected, kUnpublished, kDeleted };
// PublicationName is the state's stored name ("published", "held", …);
// ParsePublication reads one back (nullopt for any other text).
const char* PublicationName(Publication p);
std::optional<Publication> ParsePublication(std::string_view name);

// Correction: a public, dated note that an article was corrected.
struct Correction {
  int64_t article_id = 0;
  TimePoint at{};
  std::string note;
};

// Article: a stored article.
struct Article {
  int64_t id = 0;
  std::string slug;
  Source source;
  std::string url;
  std::string canonical_url;
  std::string language;
  std::string headline;
  std::string dateline;
  TimePoint published_at{};
  std::optional<Image> image;
  std::string rights;
  std::vector<Block> body;
  int64_t view_count = 0;
  std::vector<std::string> translation_languages;  // editions it is translated into
  // unreviewed_machine_translations: those of translation_languages made by
  // machine and not yet reviewed by an editor (their pages may ask not to be
  // indexed: [site] noindex_machine_translations).
  std::vector<std::string> unreviewed_machine_translations;
  std::string author;
  int language_confidence = 100;
  int64_t story_id = 0;  // articles telling the same story share it
  std::vector<MentionRecord> mentions;  // most salient first
  Publication publication = Publication::kPublished;
  std::optional<TimePoint> publish_at;  // kScheduled: when it goes out
  std::vector<Correction> corrections;  // public notes, oldest first
  TimePoint updated_at{};               // its last change: a new fetch or an editor's save
};

// ArticleContent: what an editor may change in an article, as one value a
// revision keeps.
struct ArticleContent {
  std::string headline;
  std::string dateline;
  std::string language;
  std::optional<Image> image;
  std::string rights;
  std::vector<Block> body;
  bool operator==(const ArticleContent&) const = default;
};
ArticleContent ContentOf(const Article& a);

// Revision: one save of an article in the desk (or, first, the text as it
// arrived). A non-empty `correction` is the public note of a correction.
struct Revision {
  int64_t id = 0;
  int64_t article_id = 0;
  TimePoint at{};
  std::string actor;       // "user:12", "cli:…", "ingest" for the text as it arrived
  std::string actor_name;
  std::string correction;
  ArticleContent content;
};

// ArticleSummary: what lists and feeds need, without the body.
struct ArticleSummary {
  int64_t id = 0;
  std::string slug;
  Source source;
  std::string language;
  std::string headline;
  TimePoint published_at{};
  std::string lead;  // first paragraph, for feeds and API
  int64_t story_id = 0;
  Publication publication = Publication::kPublished;
  std::optional<TimePoint> publish_at;  // kScheduled: when it goes out
  // Present when the summary was asked for in an edition and a translation
  // into that edition exists.
  std::optional<Translation> translation;
};

// ArticleHref is the site's path of an article in an edition:
// "/en/articles/12-slug" (pages, feeds and mail link to it).
std::string ArticleHref(const std::string& edition, int64_t id, const std::string& slug);

}  // namespace newsdesk
