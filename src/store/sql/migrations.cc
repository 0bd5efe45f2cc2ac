#include "store/sql/migrations.h"

#include <regex>

namespace newsdesk::sql {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE sources (
  id         INTEGER PRIMARY KEY,
  slug       TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  home_url   TEXT NOT NULL UNIQUE CHECK (home_url <> ''),
  country    TEXT NOT NULL DEFAULT '',
  language   TEXT NOT NULL
);
CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,
  slug          TEXT NOT NULL,
  source_id     INTEGER NOT NULL REFERENCES sources(id),
  url           TEXT NOT NULL UNIQUE CHECK (url <> ''),
  canonical_url TEXT NOT NULL,
  language      TEXT NOT NULL,
  headline      TEXT NOT NULL CHECK (headline <> ''),
  dateline      TEXT NOT NULL DEFAULT '',
  published_at  INTEGER NOT NULL,
  image_url     TEXT,
  image_credit  TEXT NOT NULL DEFAULT '',
  image_caption TEXT NOT NULL DEFAULT '',
  rights        TEXT NOT NULL DEFAULT '',
  body          TEXT NOT NULL,
  lead          TEXT NOT NULL DEFAULT '',
  view_count    INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX articles_by_time ON articles (published_at DESC, id DESC);
CREATE INDEX articles_by_source_time ON articles (source_id, published_at DESC, id DESC);
CREATE INDEX articles_by_language_time ON articles (language, published_at DESC, id DESC);
CREATE TABLE article_translations (
  article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  language    TEXT NOT NULL,
  headline    TEXT NOT NULL,
  dateline    TEXT NOT NULL DEFAULT '',
  body        TEXT NOT NULL,
  lead        TEXT NOT NULL DEFAULT '',
  produced_by TEXT NOT NULL CHECK (produced_by IN ('human', 'machine')),
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (article_id, language)
);
-- One row per committed change to an article; caches and the search index
-- compare their last seen seq with the newest.
CREATE TABLE changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  entity     TEXT NOT NULL,
  entity_id  INTEGER NOT NULL,
  changed_at INTEGER NOT NULL
);
)sql"},
      {2, R"sql(
-- Followed sources: the feed, its schedule, how fetching goes, extraction rules.
ALTER TABLE sources ADD COLUMN feed_url TEXT;
ALTER TABLE sources ADD COLUMN fetch_interval_seconds INTEGER NOT NULL DEFAULT 900;
ALTER TABLE sources ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_fetch_at INTEGER;
ALTER TABLE sources ADD COLUMN last_status TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN next_fetch_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN body_selector TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN drop_selectors TEXT NOT NULL DEFAULT '[]';
CREATE UNIQUE INDEX sources_by_feed ON sources (feed_url) WHERE feed_url IS NOT NULL;
-- Articles from feeds: the feed's guid, author, how sure the language is,
-- and the story (near-duplicates share the id of the story's first article).
ALTER TABLE articles ADD COLUMN guid TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN language_confidence INTEGER NOT NULL DEFAULT 100;
ALTER TABLE articles ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN story_id INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET story_id = id;
CREATE INDEX articles_by_guid ON articles (source_id, guid) WHERE guid <> '';
CREATE INDEX articles_by_story ON articles (story_id, published_at DESC, id DESC);
-- Articles an editor deleted: the next fetch must not bring them back.
CREATE TABLE tombstones (
  url        TEXT PRIMARY KEY,
  source_id  INTEGER NOT NULL,
  guid       TEXT NOT NULL DEFAULT '',
  deleted_at INTEGER NOT NULL
);
CREATE INDEX tombstones_by_guid ON tombstones (source_id, guid) WHERE guid <> '';
)sql"},
      {3, R"sql(
-- The entities each article names (gazetteer ids), with how often and where
-- first: salience is (count desc, first_offset asc).
CREATE TABLE article_mentions (
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  entity       TEXT NOT NULL,
  count        INTEGER NOT NULL CHECK (count > 0),
  first_offset INTEGER NOT NULL,
  PRIMARY KEY (article_id, entity)
);
CREATE INDEX mentions_by_entity ON article_mentions (entity, article_id);
)sql"},
      {4, R"sql(
-- Names articles use that the gazetteer does not know, per article; the
-- ones many articles share are offered to editors as new entities.
CREATE TABLE article_candidates (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  form       TEXT NOT NULL,
  language   TEXT NOT NULL DEFAULT '',
  count      INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (article_id, key)
);
CREATE INDEX candidates_by_key ON article_candidates (key);
CREATE TABLE dismissed_candidates (
  key          TEXT PRIMARY KEY,
  dismissed_at INTEGER NOT NULL
);
-- Editors' entities: a gazetteer line each, adding to or replacing the
-- built-in entity with the same id.
CREATE TABLE entity_edits (
  id         TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Entities merged into another: their pages and mentions redirect.
CREATE TABLE entity_redirects (
  from_id   TEXT PRIMARY KEY,
  to_id     TEXT NOT NULL CHECK (to_id <> from_id),
  merged_at INTEGER NOT NULL
);
CREATE INDEX changes_by_entity ON changes (entity, seq);
)sql"},
      {5, R"sql(
-- Readers (issue 6). Users: a deleted account keeps its row (its comments
-- point at it) with the e-mail cleared, so the address can register again.
CREATE TABLE users (
  id              INTEGER PRIMARY KEY,
  email           TEXT UNIQUE,
  display_name    TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  role            TEXT NOT NULL DEFAULT 'reader' CHECK (role IN ('reader', 'moderator', 'editor', 'admin')),
  email_confirmed INTEGER NOT NULL DEFAULT 0,
  banned          INTEGER NOT NULL DEFAULT 0,
  deleted         INTEGER NOT NULL DEFAULT 0,
  notify_replies  INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL
);
-- Sessions and one-time tokens are kept only as hashes of the secret.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE user_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('confirm', 'reset')),
  expires_at INTEGER NOT NULL
);
CREATE INDEX user_tokens_by_user ON user_tokens (user_id, purpose);
-- Failed log-ins, for the throttle; rows older than its window are pruned.
CREATE TABLE login_failures (
  email   TEXT NOT NULL,
  address TEXT NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX login_failures_by_email ON login_failures (email, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);
-- Comments: replies are one level deep (parent_id is a top-level comment or 0).
CREATE TABLE comments (
  id          INTEGER PRIMARY KEY,
  article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  parent_id   INTEGER NOT NULL DEFAULT 0,
  body        TEXT NOT NULL,
  html        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('visible', 'held', 'hidden', 'deleted')),
  hold_reason TEXT NOT NULL DEFAULT '',
  address     TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  edited_at   INTEGER
);
CREATE INDEX comments_by_article ON comments (article_id, status, created_at);
CREATE INDEX comments_by_user ON comments (user_id, created_at);
CREATE INDEX comments_by_address ON comments (address, created_at);
CREATE INDEX comments_by_status ON comments (status, created_at);
CREATE TABLE comment_reports (
  comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id),
  reason      TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  resolved    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (comment_id, user_id)
);
CREATE INDEX comment_reports_open ON comment_reports (resolved, created_at);
-- Words and phrases that send a comment to the moderation queue.
CREATE TABLE hold_words (
  word TEXT PRIMARY KEY
);
)sql"},
      {6, R"sql(
-- The daily mailing: subscribers (double opt-in), one run per day, and one
-- delivery per (run, subscriber), written before and after each send so a
-- restart resumes the run without skipping or repeating anyone.
CREATE TABLE subscribers (
  id                   INTEGER PRIMARY KEY,
  email                TEXT NOT NULL UNIQUE,
  edition              TEXT NOT NULL,
  entities             TEXT NOT NULL DEFAULT '[]',
  state                TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'unsubscribed', 'bounced')),
  created_at           INTEGER NOT NULL,
  confirmation_sent_at INTEGER,
  confirmations_sent   INTEGER NOT NULL DEFAULT 0,
  hard_failures        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subscribers_by_state ON subscribers (state, id);
CREATE TABLE digest_runs (
  id           INTEGER PRIMARY KEY,
  day          TEXT NOT NULL UNIQUE,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  holder       TEXT NOT NULL DEFAULT '',
  lease_until  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE digest_deliveries (
  run_id          INTEGER NOT NULL REFERENCES digest_runs(id),
  subscriber_id   INTEGER NOT NULL REFERENCES subscribers(id),
  state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (run_id, subscriber_id)
);
CREATE INDEX deliveries_by_state ON digest_deliveries (run_id, state, next_attempt_at, subscriber_id);
)sql"},
      {8, R"sql(
-- Machine translation (issue 9): what a translation server made of a text,
-- by (pair, hash of the text), so unchanged text is never sent twice; and why
-- an article's last translation failed, so it is retried later, not lost.
CREATE TABLE translation_cache (
  pair        TEXT NOT NULL,
  text_hash   TEXT NOT NULL,
  translated  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (pair, text_hash)
) WITHOUT ROWID;
CREATE TABLE translation_failures (
  article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  language    TEXT NOT NULL,
  error       TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 1,
  failed_at   INTEGER NOT NULL,
  retry_at    INTEGER NOT NULL,
  PRIMARY KEY (article_id, language)
);
)sql"},
      {9, R"sql(
-- Background work as jobs (issue 8): claimed under a lease so several nodes
-- share the work, none runs twice, and a dead node's jobs are taken over
-- when its lease runs out. A job with a key is enqueued once per key (a
-- schedule's slot, e.g. "source:12@1764400000"), whichever node asks first.
CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  key          TEXT NOT NULL DEFAULT '',
  payload      TEXT NOT NULL DEFAULT '',
  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  run_at       INTEGER NOT NULL,
  holder       TEXT NOT NULL DEFAULT '',
  lease_until  INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  finished_at  INTEGER
);
CREATE UNIQUE INDEX jobs_once ON jobs (kind, key) WHERE key <> '';
CREATE INDEX jobs_ready ON jobs (state, run_at, id);
-- Site-wide values every node must share (the key that signs links).
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
      {10, R"sql(
-- An outlet followed through several feeds (its "defence" and "world" feeds,
-- its Russian and English ones): one row per feed, with the fetch state that
-- was on `sources`. This table is the truth for fetching; the feed columns
-- of `sources` (migration 2) are no longer read or written.
CREATE TABLE source_feeds (
  id                     INTEGER PRIMARY KEY,
  source_id              INTEGER NOT NULL REFERENCES sources(id),
  feed_url               TEXT NOT NULL UNIQUE CHECK (feed_url <> ''),
  language               TEXT NOT NULL DEFAULT '',
  fetch_interval_seconds INTEGER NOT NULL DEFAULT 900,
  etag                   TEXT NOT NULL DEFAULT '',
  last_modified          TEXT NOT NULL DEFAULT '',
  last_fetch_at          INTEGER,
  last_status            TEXT NOT NULL DEFAULT '',
  last_error             TEXT NOT NULL DEFAULT '',
  consecutive_failures   INTEGER NOT NULL DEFAULT 0,
  next_fetch_at          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX source_feeds_by_source ON source_feeds (source_id, id);
CREATE INDEX source_feeds_due ON source_feeds (next_fetch_at, id);
INSERT INTO source_feeds (source_id, feed_url, fetch_interval_seconds, etag, last_modified, last_fetch_at,
                          last_status, last_error, consecutive_failures, next_fetch_at)
  SELECT id, feed_url, fetch_interval_seconds, etag, last_modified, last_fetch_at,
         last_status, last_error, consecutive_failures, next_fetch_at
  FROM sources WHERE feed_url IS NOT NULL AND feed_url <> '' ORDER BY id;
)sql"},
      {11, R"sql(
-- The editors' desk (issue 16). Who changed what, append-only: the desk and
-- the commands that change content add rows, nothing updates or deletes
-- them. Pages are newest first by id (keyset), so each filter that can
-- narrow them has an index ending in id: one actor's entries, or a span of
-- time. An action filter is a prefix ("source." for every source action)
-- that spans several actions, so it walks the id order and filters instead.
-- "before" and "after" are non-reserved words in both SQLite and PostgreSQL.
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL CHECK (actor <> ''),
  actor_name TEXT NOT NULL DEFAULT '',
  action     TEXT NOT NULL CHECK (action <> ''),
  target     TEXT NOT NULL DEFAULT '',
  summary    TEXT NOT NULL DEFAULT '',
  before     TEXT NOT NULL DEFAULT '',
  after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_time ON audit_log (at, id);
-- An editor pauses a feed that misbehaves: it is not due until resumed.
-- Every feed followed before stays unpaused.
ALTER TABLE source_feeds ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
-- The desk's people list shows each account's last log-in. Sessions cannot
-- tell it (they end, and are pruned), so CreateSession writes it here.
ALTER TABLE users ADD COLUMN last_login_at INTEGER;
)sql"},
      {12, R"sql(
-- The desk's publication (issue 16). An article is on the public site only
-- while its state is 'published'; 'held' waits in the desk's Incoming
-- queue (its source holds new articles for review), 'scheduled' goes out
-- at publish_at, 'rejected', 'unpublished' and 'deleted' stay in the desk
-- (a deleted article answers 410 and keeps its tombstone). Every article
-- stored before stays published. The public lists walk the existing
-- indexes and skip the few rows not published; the desk's lists of the
-- others have an index of their own, which holds only them.
ALTER TABLE sources ADD COLUMN hold_for_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
ALTER TABLE articles ADD COLUMN publish_at INTEGER;
-- Set when an editor saves the article: fetching it again then leaves the
-- editor's text alone.
ALTER TABLE articles ADD COLUMN edited_at INTEGER;
CREATE INDEX articles_unpublished ON articles (state, published_at DESC, id DESC) WHERE state <> 'published';
CREATE INDEX articles_due ON articles (publish_at, id) WHERE state = 'scheduled';
-- Every save of an article in the desk: the content as saved (JSON, see
-- model/block_json.h), who saved it, and the public note when the save is
-- a correction. The first save also keeps the text as it arrived.
CREATE TABLE article_revisions (
  id          INTEGER PRIMARY KEY,
  article_id  INTEGER NOT NULL REFERENCES articles(id),
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  actor_name  TEXT NOT NULL DEFAULT '',
  correction  TEXT NOT NULL DEFAULT '',
  content     TEXT NOT NULL
);
CREATE INDEX article_revisions_by_article ON article_revisions (article_id, id);
-- The daily desk mail to editors: whether each wants it (they can switch it
-- off), and who has had which day's, so a retried send skips them.
ALTER TABLE users ADD COLUMN desk_mail INTEGER NOT NULL DEFAULT 1;
CREATE TABLE desk_mail_deliveries (
  day      TEXT NOT NULL,
  user_id  INTEGER NOT NULL,
  sent_at  INTEGER NOT NULL,
  PRIMARY KEY (day, user_id)
);
)sql"},
      {13, R"sql(
-- The desk's translations room (issue 16): an editor approves a machine
-- translation as it is, and machine passes then leave it alone, as they
-- leave human ones. NULL: not reviewed. The room lists each edition's
-- unreviewed machine translations and its failures newest first, in keyset
-- pages, hence an index for each ending in the article id.
ALTER TABLE article_translations ADD COLUMN reviewed_at INTEGER;
CREATE INDEX article_translations_unreviewed ON article_translations (language, updated_at, article_id)
  WHERE produced_by = 'machine' AND reviewed_at IS NULL;
CREATE INDEX translation_failures_by_time ON translation_failures (language, failed_at, article_id);
)sql"},
      {14, R"sql(
-- The desk's comments room (issue 16). A moderator can hide a comment as
-- spam: still hidden everywhere, but kept apart from hidden comments on the
-- desk. The desk's tabs and a reader's history are keyset pages by id, so
-- each has an index ending in id: a status (and the spam mark), one
-- author's comments, the open reports by comment.
ALTER TABLE comments ADD COLUMN spam INTEGER NOT NULL DEFAULT 0;
CREATE INDEX comments_by_queue ON comments (status, spam, id);
CREATE INDEX comments_by_user_id ON comments (user_id, id);
CREATE INDEX comment_reports_open_by_comment ON comment_reports (resolved, comment_id);
)sql"},
      {15, R"sql(
-- Mail to an account that anyone may set off by typing its address (a
-- password reset, "this address has an account"): kept a day, so the forms
-- can send at most a few a day and none in a burst (issue 18).
CREATE TABLE account_mails (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind    TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX account_mails_by_user ON account_mails (user_id, kind, sent_at);
)sql"},
      {16, R"sql(
-- One-time log-in links, mailed to the owner as a way past a locked
-- account (issue 18): a third purpose of mailed tokens. A CHECK cannot be
-- altered in SQLite, so the table is made again with its rows.
CREATE TABLE user_tokens_new (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose    TEXT NOT NULL CHECK (purpose IN ('confirm', 'reset', 'login')),
  expires_at INTEGER NOT NULL
);
INSERT INTO user_tokens_new (token_hash, user_id, purpose, expires_at)
  SELECT token_hash, user_id, purpose, expires_at FROM user_tokens;
DROP TABLE user_tokens;
ALTER TABLE user_tokens_new RENAME TO user_tokens;
CREATE INDEX user_tokens_by_user ON user_tokens (user_id, purpose);
)sql"},
  };
  return kMigrations;
}

std::string MigrationSql(const std::string& sql, Dialect dialect) {
  if (dialect == Dialect::kSqlite) return sql;
  // SQLite's INTEGER is 64 bits and an INTEGER PRIMARY KEY numbers itself.
  static const std::regex kKey(R"(INTEGER PRIMARY KEY( AUTOINCREMENT)?)");
  static const std::regex kInteger(R"(\bINTEGER\b)");
  static const std::regex kWithoutRowid(R"(\)\s*WITHOUT ROWID)");
  std::string out = std::regex_replace(sql, kKey, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  out = std::regex_replace(out, kInteger, "BIGINT");
  out = std::regex_replace(out, kWithoutRowid, ")");
  return out;
}

}  // namespace newsdesk::sql
