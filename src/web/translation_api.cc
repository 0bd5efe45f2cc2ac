#include "web/translation_api.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "model/block_json.h"

namespace newsdesk {

using nlohmann::json;

namespace {

constexpr size_t kMaxLineChars = 1000;  // headline, dateline

Response Json(int status, const json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.cacheable = false;
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response Error(int status, const std::string& code, const std::string& message) {
  return Json(status, {{"error", message}, {"code", code}});
}

json TranslationJson(int64_t id, const Translation& t) {
  return {{"article_id", id},
          {"language", t.language},
          {"headline", t.headline},
          {"dateline", t.dateline},
          {"body", BlocksToJson(t.body)},
          {"by", t.by == TranslatedBy::kHuman ? "human" : "machine"}};
}

// ReadLine reads the one-line text field `name`; "" when absent and not
// `required`.
Status ReadLine(const json& body, const char* name, bool required, std::string& out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return Status::InvalidArgument(fmt::format("\"{}\" is required", name));
    return Status::Ok();
  }
  if (!it->is_string()) return Status::InvalidArgument(fmt::format("\"{}\" must be a string", name));
  out = Trim(it->get<std::string>());
  if (required && out.empty()) return Status::InvalidArgument(fmt::format("\"{}\" is empty", name));
  if (Utf8Length(out) > kMaxLineChars)
    return Status::InvalidArgument(fmt::format("\"{}\" is longer than {} characters", name, kMaxLineChars));
  for (unsigned char c : out)
    if (c < 0x20) return Status::InvalidArgument(fmt::format("\"{}\" may not contain line breaks or control characters", name));
  return Status::Ok();
}

}  // namespace

TranslationApi::TranslationApi(Store& store, const Config& config) : store_(store), config_(config) {}

Response TranslationApi::Handle(const Request& req, const std::string& id_text, const std::string& language,
                                const User* user, bool csrf_ok) {
  // Who may: editors and admins, logged in.
  if (!user) return Error(401, "not_logged_in", "log in first: the session cookie is missing or expired");
  if (user->role != Role::kEditor && user->role != Role::kAdmin)
    return Error(403, "forbidden", "only editors and admins may read or correct translations here");
  const bool write = req.method == "PUT";
  if (write && !csrf_ok) return Error(403, "csrf", "the X-CSRF-Token header is missing or wrong");
  // What: a known article and an edition's language.
  auto id = ParsePositiveId(id_text);
  if (!id) return Error(404, "not_found", "no such article");
  if (std::find(config_.editions.begin(), config_.editions.end(), language) == config_.editions.end())
    return Error(404, "unknown_language",
                 fmt::format("'{}' is not an edition of this site (editions: {})", language.substr(0, 16),
                             fmt::join(config_.editions, ", ")));
  return write ? Put(req, *id, language) : Get(*id, language);
}

Status TranslationApi::StoreHuman(TranslationStore& store, const Article& article, const std::string& language,
                                  const json& body) {
  if (!body.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  Translation t;
  t.language = language;
  t.by = TranslatedBy::kHuman;
  for (const auto& [name, required, out] :
       {std::tuple<const char*, bool, std::string*>{"headline", true, &t.headline}, {"dateline", false, &t.dateline}})
    ND_RETURN_IF_ERROR(ReadLine(body, name, required, *out));
  if (!body.contains("body")) return Status::InvalidArgument("\"body\" is required: an array of blocks");
  auto blocks = BlocksFromJson(body["body"], "body");
  if (!blocks.ok()) return blocks.status();
  // Images keep the article's own pictures: a translation may recaption
  // them, never bring in another picture.
  bool has_text = false;
  for (size_t i = 0; i < blocks->size(); ++i) {
    const Block& b = (*blocks)[i];
    if (b.type != BlockType::kImage) {
      has_text = true;
      continue;
    }
    const bool known = std::any_of(article.body.begin(), article.body.end(), [&](const Block& o) {
      return o.type == BlockType::kImage && o.url == b.url;
    });
    if (!known)
      return Status::InvalidArgument(fmt::format("body[{}]: an image block must keep a URL of the article's own images", i));
  }
  if (!has_text) return Status::InvalidArgument("\"body\" has no text block: the translation has no body");
  t.body = std::move(*blocks);
  return store.PutTranslation(article.id, t);
}

std::variant<Article, Response> TranslationApi::FindArticle(int64_t id) {
  auto article = store_.GetArticleInAnyState(id);
  if (article.ok()) return std::move(*article);
  if (article.status().is_not_found()) return Error(404, "not_found", "no such article");
  spdlog::error("translation API: {}", article.status().ToString());
  return Error(503, "unavailable", "store unavailable");
}

Response TranslationApi::Get(int64_t id, const std::string& language) {
  auto found = FindArticle(id);
  if (auto* answer = std::get_if<Response>(&found)) return std::move(*answer);
  const Article* article = &std::get<Article>(found);
  if (article->language == language)
    return Error(404, "original", fmt::format("article {} is written in {}: it is the original, not a translation",
                                              id, language));
  auto t = store_.GetTranslation(id, language);
  if (!t.ok()) {
    if (t.status().is_not_found())
      return Error(404, "no_translation", fmt::format("article {} has no translation into {} yet", id, language));
    spdlog::error("translation API: {}", t.status().ToString());
    return Error(503, "unavailable", "store unavailable");
  }
  return Json(200, TranslationJson(id, *t));
}

Response TranslationApi::Put(const Request& req, int64_t id, const std::string& language) {
  if (!IsJsonContentType(req.Header("content-type")))
    return Error(415, "content_type",
                 "send application/json: {\"headline\": \"…\", \"dateline\": \"…\", \"body\": [{\"type\": "
                 "\"paragraph\", \"text\": \"…\"}]}");
  if (req.body.size() > kMaxTranslationBytes)
    return Error(413, "too_large", fmt::format("the request body is larger than {} bytes", kMaxTranslationBytes));
  auto found = FindArticle(id);
  if (auto* answer = std::get_if<Response>(&found)) return std::move(*answer);
  const Article* article = &std::get<Article>(found);
  if (article->language == language)
    return Error(400, "original",
                 fmt::format("article {} is written in {}: edit the article, not a translation into its own language",
                             id, language));
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return Error(400, "malformed", "the body is not valid JSON (or not UTF-8)");
  Status stored = StoreHuman(store_, *article, language, body);
  if (!stored.ok()) {
    if (stored.code() == Code::kInvalidArgument) return Error(400, "malformed", stored.message());
    if (stored.code() == Code::kNotFound) return Error(404, "not_found", "no such article");
    spdlog::error("translation API: storing article {} into {}: {}", id, language, stored.ToString());
    return Error(503, "unavailable", "store unavailable");
  }
  spdlog::info("translation API: a human translation of article {} into {} stored", id, language);
  auto now = store_.GetTranslation(id, language);
  if (!now.ok()) return Error(503, "unavailable", "store unavailable");
  return Json(200, TranslationJson(id, *now));
}

}  // namespace newsdesk
