#include "store/sqlite/migrations.h"

namespace newsdesk::sqlite {

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
  };
  return kMigrations;
}

}  // namespace newsdesk::sqlite
