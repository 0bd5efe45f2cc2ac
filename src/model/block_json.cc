#include "model/block_json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/minhash.h"
#include "common/text.h"

namespace newsdesk {

namespace {

constexpr size_t kMaxBlockText = 64 * 1024;
constexpr size_t kMaxBlocks = 2000;

Status ReadText(const nlohmann::json& b, const char* key, const std::string& where, bool required,
                std::string& out) {
  auto it = b.find(key);
  if (it == b.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(fmt::format("{}: '{}' is required", where, key));
    return Status::Ok();
  }
  if (!it->is_string()) return Status::InvalidArgument(fmt::format("{}: '{}' must be a string", where, key));
  std::string v = Trim(it->get_ref<const std::string&>());
  if (required && v.empty()) return Status::InvalidArgument(fmt::format("{}: '{}' is empty", where, key));
  if (v.size() > kMaxBlockText)
    return Status::InvalidArgument(fmt::format("{}: '{}' is longer than {} bytes", where, key, kMaxBlockText));
  if (HasControlChars(v))
    return Status::InvalidArgument(fmt::format("{}: '{}' contains control characters", where, key));
  out = std::move(v);
  return Status::Ok();
}

}  // namespace

Result<std::vector<Block>> BlocksFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_array()) return Status::InvalidArgument(where + ": must be an array of blocks");
  if (j.empty()) return Status::InvalidArgument(where + ": must hold at least one block");
  if (j.size() > kMaxBlocks) return Status::InvalidArgument(fmt::format("{}: more than {} blocks", where, kMaxBlocks));
  std::vector<Block> blocks;
  blocks.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string w = fmt::format("{}[{}]", where, i);
    const auto& b = j[i];
    if (!b.is_object()) return Status::InvalidArgument(w + ": a block must be an object");
    auto t = b.find("type");
    if (t == b.end() || !t->is_string()) return Status::InvalidArgument(w + ": 'type' is required");
    auto type = ParseBlockType(t->get<std::string>());
    if (!type)
      return Status::InvalidArgument(fmt::format(
          "{}: unknown type '{}' (expected paragraph, heading, quote, list or image)", w, t->get<std::string>()));
    Block block;
    block.type = *type;
    switch (*type) {
      case BlockType::kParagraph:
      case BlockType::kHeading:
      case BlockType::kQuote:
        ND_RETURN_IF_ERROR(ReadText(b, "text", w, true, block.text));
        break;
      case BlockType::kList: {
        auto items = b.find("items");
        if (items == b.end() || !items->is_array() || items->empty())
          return Status::InvalidArgument(w + ": a list block needs a non-empty 'items' array");
        for (size_t k = 0; k < items->size(); ++k) {
          const auto& item = (*items)[k];
          if (!item.is_string()) return Status::InvalidArgument(fmt::format("{}.items[{}]: must be a string", w, k));
          nlohmann::json wrap = {{"text", item}};
          std::string text;
          ND_RETURN_IF_ERROR(ReadText(wrap, "text", fmt::format("{}.items[{}]", w, k), true, text));
          block.items.push_back(std::move(text));
        }
        break;
      }
      case BlockType::kImage:
        ND_RETURN_IF_ERROR(ReadText(b, "url", w, true, block.url));
        ND_RETURN_IF_ERROR(ReadText(b, "caption", w, false, block.caption));
        ND_RETURN_IF_ERROR(ReadText(b, "credit", w, false, block.credit));
        break;
    }
    blocks.push_back(std::move(block));
  }
  return blocks;
}

nlohmann::json BlocksToJson(const std::vector<Block>& blocks) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& b : blocks) {
    nlohmann::json o = {{"type", BlockTypeName(b.type)}};
    switch (b.type) {
      case BlockType::kParagraph:
      case BlockType::kHeading:
      case BlockType::kQuote:
        o["text"] = b.text;
        break;
      case BlockType::kList:
        o["items"] = b.items;
        break;
      case BlockType::kImage:
        o["url"] = b.url;
        if (!b.caption.empty()) o["caption"] = b.caption;
        if (!b.credit.empty()) o["credit"] = b.credit;
        break;
    }
    arr.push_back(std::move(o));
  }
  return arr;
}

std::string BlocksToJsonText(const std::vector<Block>& blocks) { return BlocksToJson(blocks).dump(); }

Result<std::vector<Block>> BlocksFromJsonText(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Internal("stored body is not valid JSON");
  return BlocksFromJson(j);
}

std::string ContentToJsonText(const ArticleContent& c) {
  nlohmann::json j = {{"headline", c.headline}, {"dateline", c.dateline}, {"language", c.language},
                      {"rights", c.rights}, {"body", BlocksToJson(c.body)}};
  if (c.image) j["image"] = {{"url", c.image->url}, {"credit", c.image->credit}, {"caption", c.image->caption}};
  return j.dump();
}

Result<ArticleContent> ContentFromJsonText(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Internal("stored revision is not a JSON object");
  auto str = [&](const nlohmann::json& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ArticleContent c;
  c.headline = str(j, "headline");
  c.dateline = str(j, "dateline");
  c.language = str(j, "language");
  c.rights = str(j, "rights");
  if (auto image = j.find("image"); image != j.end() && image->is_object())
    c.image = Image{str(*image, "url"), str(*image, "credit"), str(*image, "caption")};
  auto body = j.find("body");
  if (body == j.end()) return Status::Internal("stored revision has no body");
  auto blocks = BlocksFromJson(*body);
  if (!blocks.ok()) return blocks.status();
  c.body = std::move(*blocks);
  return c;
}

std::string PlainText(const std::vector<Block>& blocks) {
  std::string out;
  for (const auto& b : blocks) {
    std::string text;
    if (b.type == BlockType::kList) {
      for (const auto& item : b.items) text += (text.empty() ? "" : "\n") + item;
    } else if (b.type == BlockType::kImage) {
      text = b.caption;
    } else {
      text = b.text;
    }
    if (text.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += text;
  }
  return out;
}

std::string LeadOf(const std::vector<Block>& blocks) {
  for (const auto& b : blocks)
    if (b.type == BlockType::kParagraph) return b.text;
  for (const auto& b : blocks)
    if (!b.text.empty()) return b.text;
  return {};
}

std::string ArticleFingerprint(const std::string& headline, const std::vector<Block>& body) {
  return EncodeFingerprint(MinHash(headline + "\n\n" + PlainText(body)));
}

}  // namespace newsdesk
