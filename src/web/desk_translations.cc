// The desk's translations room: each edition's machine translations waiting
// for review, newest first, and its translation failures with a retry; one
// translation side by side with its original, block by block, to approve as
// it is (reviewed) or to correct (stored as human, through the translation
// API's own path). Machine passes replace neither.
#include <algorithm>

#include "common/text.h"
#include "model/block_json.h"
#include "web/desk_impl.h"
#include "web/translation_api.h"

namespace newsdesk {

namespace {

const char* StateName(TranslationState s) {
  switch (s) {
    case TranslationState::kUnreviewed: return "unreviewed";
    case TranslationState::kReviewed: return "reviewed";
    case TranslationState::kHuman: return "human";
  }
  return "unreviewed";
}

// A page's cursor travels as "<unix seconds>-<article id>".
std::string CursorText(TimePoint at, int64_t article_id) {
  return fmt::format("{}-{}", at.time_since_epoch().count(), article_id);
}

std::optional<TranslationCursor> ParseCursor(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return std::nullopt;
  auto seconds = ParsePositiveId(text.substr(0, dash));
  auto id = ParsePositiveId(text.substr(dash + 1));
  if (!seconds || !id) return std::nullopt;
  return TranslationCursor{TimePoint{std::chrono::seconds{*seconds}}, *id};
}

std::string TranslationTarget(int64_t id) { return fmt::format("article:{}", id); }

// OneLine joins a textarea's lines: a paragraph, heading, quote or caption
// is one run of text, and the form's line breaks are only wrapping.
std::string OneLine(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF: one break
    out += (text[i] == '\r' || text[i] == '\n') ? ' ' : text[i];
  }
  return out;
}

// TextOf is what an editor edits of a block: its text, its items one a
// line, or an image's caption.
std::string TextOf(const Block& b) {
  switch (b.type) {
    case BlockType::kList: return fmt::format("{}", fmt::join(b.items, "\n"));
    case BlockType::kImage: return b.caption;
    default: return b.text;
  }
}

// AsText is a translation as the audit log keeps it: headline, dateline, text.
std::string AsText(const std::string& headline, const std::string& dateline, const std::vector<Block>& body) {
  return fmt::format("{}\n{}\n\n{}", headline, dateline, PlainText(body));
}

// SeenAt reads the form's `seen` (when the translation the editor read was
// written); a translation written since is not theirs to approve or replace.
std::optional<TimePoint> SeenAt(const DeskRequest& r) {
  auto seen = ParsePositiveId(r.Field("seen"));
  if (!seen) return std::nullopt;
  return TimePoint{std::chrono::seconds{*seen}};
}

}  // namespace

std::optional<std::string> Desk::Impl::TranslationEditionOf(const DeskRequest& r) const {
  const std::string lang = r.ctx.Param("lang");
  if (std::find(config_.editions.begin(), config_.editions.end(), lang) == config_.editions.end()) return std::nullopt;
  return lang;
}

Response Desk::Impl::Translations(const DeskRequest& r) {
  std::string edition = r.Query("lang");
  if (std::find(config_.editions.begin(), config_.editions.end(), edition) == config_.editions.end()) {
    // Unnamed: the first edition with something to review, else the first.
    edition = config_.editions.front();
    for (const auto& ed : config_.editions) {
      auto one = store_.ListUnreviewedTranslations(ed, std::nullopt, 1);
      if (!one.ok()) return StoreFailed(r, one.status());
      if (!one->empty()) {
        edition = ed;
        break;
      }
    }
  }
  const std::optional<TranslationCursor> before = ParseCursor(r.Query("before"));
  const std::optional<TranslationCursor> failed_before = ParseCursor(r.Query("failed_before"));
  auto unreviewed = store_.ListUnreviewedTranslations(edition, before, kPageSize + 1);
  if (!unreviewed.ok()) return StoreFailed(r, unreviewed.status());
  auto failures = store_.ListTranslationFailures(edition, failed_before, kPageSize + 1);
  if (!failures.ok()) return StoreFailed(r, failures.status());
  const TimePoint now = Now();
  const std::string base = "/desk/translations?lang=" + PercentEncode(edition);

  json editions = json::array();
  for (const auto& ed : config_.editions)
    editions.push_back({{"href", "/desk/translations?lang=" + PercentEncode(ed)}, {"name", r.cat.LanguageName(ed)},
                        {"current", ed == edition}});
  json rows = json::array();
  const bool more = static_cast<int>(unreviewed->size()) > kPageSize;
  if (more) unreviewed->resize(kPageSize);
  for (const auto& t : *unreviewed)
    rows.push_back({{"original_headline", t.original_headline},
                    {"original_language", t.original_language},
                    {"original_language_name", r.cat.LanguageName(t.original_language)},
                    {"headline", t.headline},
                    {"language", t.language},
                    {"written", When(r, t.updated_at)},
                    {"href", fmt::format("/desk/translations/{}/{}", t.article_id, PercentEncode(t.language))}});
  json failed = json::array();
  const bool more_failed = static_cast<int>(failures->size()) > kPageSize;
  if (more_failed) failures->resize(kPageSize);
  for (const auto& f : *failures)
    failed.push_back({{"original_headline", f.original_headline},
                      {"original_language", f.original_language},
                      {"error", f.error},
                      {"attempts", f.attempts},
                      {"failed", When(r, f.failed_at)},
                      {"queued", f.retry_at <= now},
                      {"retry_at", When(r, f.retry_at)},
                      {"csrf", r.csrf()},
                      {"retry_action", fmt::format("/desk/translations/{}/{}/retry", f.article_id,
                                                   PercentEncode(f.language))}});
  json view = {{"editions", editions},
               {"edition_name", r.cat.LanguageName(edition)},
               {"rows", rows},
               {"empty", rows.empty()},
               {"failures", failed},
               {"no_failures", failed.empty()},
               {"notice", DoneNotice(r, {"translation_reviewed", "translation_retried"})}};
  if (more) view["next_href"] = base + "&before=" + CursorText(unreviewed->back().updated_at, unreviewed->back().article_id);
  if (more_failed)
    view["next_failed_href"] =
        base + "&failed_before=" + CursorText(failures->back().failed_at, failures->back().article_id) + "#failures";
  return Render(r, 200, r.cat.Get("desk_nav_translations"), "desk_translations", view, "translations");
}

Result<Desk::Impl::TranslationParts> Desk::Impl::LoadTranslation(const DeskRequest& r) {
  auto edition = TranslationEditionOf(r);
  if (!edition) return Status::NotFound("no such edition");
  auto listing = store_.GetTranslationListing(r.id, *edition);
  if (!listing.ok()) return listing.status();
  auto article = store_.GetArticleInAnyState(r.id);
  if (!article.ok()) return article.status();
  auto translation = store_.GetTranslation(r.id, *edition);
  if (!translation.ok()) return translation.status();
  return TranslationParts{*edition, std::move(*listing), std::move(*article), std::move(*translation)};
}

Response Desk::Impl::TranslationPage(const DeskRequest& r) {
  auto parts = LoadTranslation(r);
  if (!parts.ok()) return Failure(r, parts.status());
  const auto& [edition, listing, article, translation] = *parts;

  // One row per block, the original's beside the translation's; they match
  // one to one unless a person gave the translation another shape.
  json blocks = json::array();
  const size_t n = std::max(article.body.size(), translation.body.size());
  for (size_t i = 0; i < n; ++i) {
    json row = {{"original", false}, {"field", false}};
    if (i < article.body.size()) {
      const Block& b = article.body[i];
      json lines = json::array();
      if (b.type == BlockType::kList) lines = b.items;
      row["original"] = {{"type_text", r.cat.Get(std::string("desk_translations_block_") + BlockTypeName(b.type))},
                         {"text", b.type == BlockType::kImage ? b.caption : b.text},
                         {"items", lines},
                         {"is_list", b.type == BlockType::kList},
                         {"credit", b.credit}};
    }
    if (i < translation.body.size()) {
      const Block& b = translation.body[i];
      const std::string value = TextOf(b);
      row["field"] = {{"index", i},
                      {"number", i + 1},
                      {"type_text", r.cat.Get(std::string("desk_translations_block_") + BlockTypeName(b.type))},
                      {"value", value},
                      {"multi", b.type != BlockType::kImage},
                      {"rows", std::clamp<size_t>(value.size() / 60 + 1, 2, 12)}};
    }
    blocks.push_back(std::move(row));
  }
  const std::string state = StateName(listing.state);
  const std::string action = fmt::format("/desk/translations/{}/{}", r.id, PercentEncode(edition));
  json view = {{"state", state},
               {"state_text", r.cat.Get("desk_translations_state_" + state)},
               {"unreviewed", listing.state == TranslationState::kUnreviewed},
               {"original_language", article.language},
               {"original_language_name", r.cat.LanguageName(article.language)},
               {"language", edition},
               {"language_name", r.cat.LanguageName(edition)},
               {"original_headline", article.headline},
               {"original_dateline", article.dateline},
               {"headline", translation.headline},
               {"dateline", translation.dateline},
               {"blocks", blocks},
               {"seen", listing.updated_at.time_since_epoch().count()},
               {"written", When(r, listing.updated_at)},
               {"public_href", ArticleHref(edition, r.id, article.slug)},
               {"back_href", "/desk/translations?lang=" + PercentEncode(edition)},
               {"save_action", action + "/save"},
               {"review_action", action + "/review"},
               {"notice", DoneNotice(r, {"translation_saved"})}};
  return Render(r, 200, article.headline, "desk_translation", view, "translations");
}

Response Desk::Impl::SaveTranslation(const DeskRequest& r) {
  auto parts = LoadTranslation(r);
  if (!parts.ok()) return Failure(r, parts.status());
  const auto& [edition, listing, article, current] = *parts;
  auto seen = SeenAt(r);
  if (!seen) return Invalid(r, r.cat.Get("desk_form_incomplete"));
  if (*seen != listing.updated_at) return TranslationChanged(r);

  // The form keeps the translation's shape: one field per block, in order.
  std::vector<std::string> fields;
  for (const auto& [name, value] : *r.form)
    if (name == "block") fields.push_back(value);
  if (fields.size() != current.body.size())
    return Invalid(r, r.cat.Format("desk_translations_block_count", {{"expected", std::to_string(current.body.size())},
                                                                     {"got", std::to_string(fields.size())}}));
  json body = json::array();
  for (size_t i = 0; i < fields.size(); ++i) {
    const Block& shape = current.body[i];
    json b = {{"type", BlockTypeName(shape.type)}};
    switch (shape.type) {
      case BlockType::kList:
        b["items"] = NonEmptyLines(fields[i]);
        break;
      case BlockType::kImage:
        b["url"] = shape.url;
        b["caption"] = OneLine(fields[i]);
        if (!shape.credit.empty()) b["credit"] = shape.credit;
        break;
      default:
        b["text"] = OneLine(fields[i]);
        break;
    }
    body.push_back(std::move(b));
  }
  const json translation = {{"headline", r.Field("headline")}, {"dateline", r.Field("dateline")}, {"body", body}};
  Status stored = TranslationApi::StoreHuman(store_, article, edition, translation);
  if (stored.code() == Code::kInvalidArgument)
    return Invalid(r, r.cat.Format("desk_translations_invalid", {{"reason", stored.message()}}));
  if (!stored.ok()) return Failure(r, stored);
  auto now = store_.GetTranslation(r.id, edition);
  Audit(r, "translation.edit", TranslationTarget(r.id), fmt::format("{}: {}", edition, article.headline),
        AsText(current.headline, current.dateline, current.body),
        now.ok() ? AsText(now->headline, now->dateline, now->body) : "");
  return SeeOther(fmt::format("/desk/translations/{}/{}?done=translation_saved", r.id, PercentEncode(edition)));
}

Response Desk::Impl::ReviewTranslation(const DeskRequest& r) {
  auto edition = TranslationEditionOf(r);
  if (!edition) return NotFound(r);
  auto seen = SeenAt(r);
  if (!seen) return Invalid(r, r.cat.Get("desk_form_incomplete"));
  auto listing = store_.GetTranslationListing(r.id, *edition);
  if (!listing.ok()) return Failure(r, listing.status());
  Status s = store_.MarkTranslationReviewed(r.id, *edition, *seen, Now());
  if (s.code() == Code::kInvalidArgument) return TranslationChanged(r);
  if (!s.ok()) return Failure(r, s);
  Audit(r, "translation.review", TranslationTarget(r.id), fmt::format("{}: {}", *edition, listing->original_headline),
        "unreviewed", "reviewed");
  return SeeOther("/desk/translations?lang=" + PercentEncode(*edition) + "&done=translation_reviewed");
}

Response Desk::Impl::RetryTranslation(const DeskRequest& r) {
  auto edition = TranslationEditionOf(r);
  if (!edition) return NotFound(r);
  const TimePoint now = Now();
  auto failure = store_.RetryTranslationFailure(r.id, *edition, now);
  if (!failure.ok()) return Failure(r, failure.status());
  // The article is due again from now, for whichever pass comes next; a
  // pass queued at once spares it the wait for the schedule's next slot.
  if (config_.translate_enabled) {
    auto job = store_.EnqueueJob({.kind = "translate",
                                  .key = fmt::format("translate@retry:{}:{}:{}", r.id, *edition,
                                                     now.time_since_epoch().count()),
                                  .run_at = now,
                                  .max_attempts = 1},
                                 now);
    if (!job.ok()) return StoreFailed(r, job.status());
  }
  Audit(r, "translation.retry", TranslationTarget(r.id), fmt::format("{}: {}", *edition, failure->original_headline),
        failure->error, "queued");
  return SeeOther("/desk/translations?lang=" + PercentEncode(*edition) + "&done=translation_retried#failures");
}

Response Desk::Impl::TranslationChanged(const DeskRequest& r) {
  return Message(r.ctx, &r.user, r.lang, 409, r.cat.Get("desk_translations_changed_title"),
                 r.cat.Get("desk_translations_changed"));
}

}  // namespace newsdesk
