#include "model/article.h"

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

}  // namespace newsdesk
