// File: import/importer.h
//
// Front door of the import stage: reads articles from JSON files (one record,
// an array of records, or JSON Lines) and writes them to the store in one
// transaction. The record format is documented in docs/import.md.
//
//   auto records = ReadImportPath("demo/");        // validates everything
//   if (!records.ok()) { print records.status(); } // "demo/a.jsonl:12: headline: is required"
//   auto summary = store.UpsertArticles(*records);
//
// Nothing is written unless every record of every file is valid.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "model/article.h"
#include "store/store.h"

namespace newsdesk {

// ParseArticleRecord validates one JSON record. Errors name the field.
Result<ArticleRecord> ParseArticleRecord(const nlohmann::json& j);

// ParseImportText parses the content of one file named `name` (used in error
// messages; its extension picks JSON Lines for .jsonl/.ndjson).
Result<std::vector<ArticleRecord>> ParseImportText(const std::string& name, const std::string& text);

// ReadImportPath reads a file, or every .json/.jsonl/.ndjson file under a
// directory (sorted by path). Errors are "file:line: reason" or
// "file: record N: reason".
Result<std::vector<ArticleRecord>> ReadImportPath(const std::string& path);

// ImportPath reads `path`, prepares every record as ingest does (tagged with
// the site's gazetteer, fingerprinted: mentions/tagger.h PrepareArticle),
// and writes them all to `store` at once.
Result<UpsertSummary> ImportPath(Store& store, const std::string& path);

}  // namespace newsdesk
