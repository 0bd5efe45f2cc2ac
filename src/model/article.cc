#include "model/article.h"

#include <utility>

#include "common/text.h"

namespace newsdesk {

const char* BlockTypeName(BlockType t) {
  switch (t) {
    case BlockType::kParagraph: return "paragraph";
    case BlockType::kHeading: return "heading";
    case BlockType::kQuote: return "quote";
    case BlockType::kList: return "list";
    case BlockType::kImage: return "image";
  }
  return "paragraph";
}

std::optional<BlockType> ParseBlockType(const std::string& name) {
  if (name == "paragraph") return BlockType::kParagraph;
  if (name == "heading") return BlockType::kHeading;
  if (name == "quote") return BlockType::kQuote;
  if (name == "list") return BlockType::kList;
  if (name == "image") return BlockType::kImage;
  return std::nullopt;
}

std::string ArticleHref(const std::string& edition, int64_t id, const std::string& slug) {
  return "/" + edition + "/articles/" + std::to_string(id) + "-" + slug;
}

ArticleContent ContentOf(const Article& a) {
  return ArticleContent{a.headline, a.dateline, a.language, a.image, a.rights, a.body};
}

namespace {
constexpr std::pair<Publication, const char*> kPublicationNames[] = {
    {Publication::kPublished, "published"}, {Publication::kHeld, "held"},
    {Publication::kScheduled, "scheduled"}, {Publication::kRejected, "rejected"},
    {Publication::kUnpublished, "unpublished"}, {Publication::kDeleted, "deleted"},
};
}  // namespace

const char* PublicationName(Publication p) {
  for (const auto& [state, name] : kPublicationNames)
    if (state == p) return name;
  return "published";
}

std::optional<Publication> ParsePublication(std::string_view name) {
  for (const auto& [state, n] : kPublicationNames)
    if (name == n) return state;
  return std::nullopt;
}

SourceState StateOf(const SourceStatus& s) {
  if (s.feeds.empty()) return SourceState::kNotFollowed;
  bool all_paused = true, failing = false;
  for (const auto& f : s.feeds) {
    all_paused &= f.paused;
    failing |= !f.paused && f.consecutive_failures > 0;
  }
  if (failing) return SourceState::kFailing;
  return all_paused ? SourceState::kPaused : SourceState::kOk;
}

const char* SourceStateName(SourceState s) {
  switch (s) {
    case SourceState::kOk: return "ok";
    case SourceState::kFailing: return "failing";
    case SourceState::kPaused: return "paused";
    case SourceState::kNotFollowed: return "imported";
  }
  return "ok";
}

namespace {

void Clean(std::string& s) {
  if (HasControlChars(s)) s = WithoutControlChars(s);
}

void Clean(std::vector<Block>& blocks) {
  for (Block& b : blocks) {
    Clean(b.text);
    for (std::string& item : b.items) Clean(item);
    Clean(b.caption);
    Clean(b.credit);
  }
}

}  // namespace

void RemoveControlChars(ArticleRecord& r) {
  Clean(r.headline);
  Clean(r.dateline);
  Clean(r.rights);
  Clean(r.author);
  if (r.image) {
    Clean(r.image->caption);
    Clean(r.image->credit);
  }
  Clean(r.body);
  for (Translation& t : r.translations) {
    Clean(t.headline);
    Clean(t.dateline);
    Clean(t.body);
  }
}

}  // namespace newsdesk
