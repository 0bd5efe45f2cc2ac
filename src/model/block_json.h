// File: model/block_json.h
//
// The JSON form of body blocks, shared by the importer (which validates what
// arrives) and the store (which keeps bodies as JSON text):
//   [{"type": "paragraph", "text": "…"}, {"type": "list", "items": ["…"]},
//    {"type": "image", "url": "…", "caption": "…", "credit": "…"}]
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"
#include "model/article.h"

namespace newsdesk {

// BlocksFromJson validates and converts a JSON array of blocks. Errors name
// the block ("body[3]: a list block needs 'items'").
Result<std::vector<Block>> BlocksFromJson(const nlohmann::json& j, const std::string& where = "body");

nlohmann::json BlocksToJson(const std::vector<Block>& blocks);

// BlocksToJsonText / BlocksFromJsonText: the same as compact text.
std::string BlocksToJsonText(const std::vector<Block>& blocks);
Result<std::vector<Block>> BlocksFromJsonText(const std::string& text);

// ContentToJsonText / ContentFromJsonText: an article's editable content
// as one JSON object, as a revision keeps it.
std::string ContentToJsonText(const ArticleContent& content);
Result<ArticleContent> ContentFromJsonText(const std::string& text);

// PlainText joins every block's text (list items one per line) with blank
// lines between blocks: what search, fingerprints and `extract --json` use.
std::string PlainText(const std::vector<Block>& blocks);

// LeadOf returns the first paragraph's text (or the first block with text).
std::string LeadOf(const std::vector<Block>& blocks);

// ArticleFingerprint is the MinHash of an article's headline and text
// (common/minhash.h), encoded: near-copies of one report have fingerprints
// close enough for the store to put them in one story.
std::string ArticleFingerprint(const std::string& headline, const std::vector<Block>& body);

}  // namespace newsdesk
