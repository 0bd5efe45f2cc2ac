// File: web/translation_api.h
//
// The editors' API for translation corrections (issue 9):
//
//   GET /api/v1/articles/{id}/translations/{lang}
//     → 200 {"article_id", "language", "headline", "dateline", "body": [blocks],
//            "by": "machine"|"human"}
//   PUT /api/v1/articles/{id}/translations/{lang}
//     Content-Type: application/json, X-CSRF-Token: <the session's token>
//     {"headline": "…", "dateline": "…", "body": [{"type": "paragraph", "text": "…"}, …]}
//     → 200 with the stored translation, now "by": "human"
//
// A PUT stores a **human** translation with `Store::PutTranslation`, the
// method `newsdesk translation edit` uses; no machine pass replaces it
// afterwards. Both methods are for logged-in editors and admins only.
// Errors are JSON {"error": "…", "code": "…"}: 401 not logged in, 403 not an
// editor or a wrong CSRF token, 404 unknown article, language or
// translation, 400 malformed JSON or a translation into the article's own
// language, 413 a body over `kMaxTranslationBytes`, 415 not JSON, 503 the
// store failed. Nothing HTTP-library specific: it sees our Request/Response.
//
// Thread-safety: Handle may be called from any number of threads.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include <nlohmann/json_fwd.hpp>

#include "common/config.h"
#include "store/store.h"
#include "web/http.h"

namespace newsdesk {

class TranslationApi {
 public:
  // kMaxTranslationBytes caps a PUT's body (the server's own cap,
  // `max_body_bytes`, is applied before this).
  static constexpr size_t kMaxTranslationBytes = 512 * 1024;

  // StoreHuman is the one path an editor's translation is stored by, here
  // and in the desk: `body` is what a PUT carries ({"headline", "dateline",
  // "body": [blocks]}), checked against `article` (one-line headline and
  // dateline, known block types, the article's own images only, some text)
  // and stored into `language` as a human translation, which no machine
  // pass replaces. InvalidArgument says what is wrong, and nothing is
  // written; NotFound when the article is gone.
  static Status StoreHuman(TranslationStore& store, const Article& article, const std::string& language,
                           const nlohmann::json& body);

  // `store` must outlive the object.
  TranslationApi(Store& store, const Config& config);

  // Handle answers GET, HEAD and PUT of the path above. `user` is the
  // logged-in user (nullptr for guests); `csrf_ok` says whether the
  // request's X-CSRF-Token header matches the session (checked by the caller,
  // which owns sessions). The response is never cacheable.
  Response Handle(const Request& request, const std::string& id, const std::string& language, const User* user,
                  bool csrf_ok);

 private:
  Response Get(int64_t id, const std::string& language);
  Response Put(const Request& request, int64_t id, const std::string& language);
  // FindArticle gives the article, or the answer when the store has none
  // (404) or cannot say (503).
  std::variant<Article, Response> FindArticle(int64_t id);

  Store& store_;
  const Config config_;
};

}  // namespace newsdesk
