// The desk's articles: the incoming queue and the other publication states,
// moving an article between them (publish, schedule, hold, reject,
// unpublish, delete), the editor with its public correction note, and the
// revisions with their diff and restore.
#include "web/desk_impl.h"

#include <algorithm>

#include "common/text.h"
#include "model/content_diff.h"

namespace newsdesk {

namespace {

constexpr size_t kMaxHeadlineChars = 500;
constexpr size_t kMaxLineChars = 2000;     // dateline, captions, credits, rights
constexpr size_t kMaxBlockChars = 100'000;
constexpr size_t kMaxNoteChars = 2000;
constexpr size_t kMaxBlocks = 1000;

constexpr Publication kTabs[] = {Publication::kHeld,        Publication::kScheduled, Publication::kPublished,
                                 Publication::kUnpublished, Publication::kRejected,  Publication::kDeleted};

// ParseCursor reads "<published_at seconds>.<id>", the list's keyset.
std::optional<ArticleCursor> ParseCursor(const std::string& text) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos) return std::nullopt;
  auto seconds = ParsePositiveId(text.substr(0, dot));
  auto id = ParsePositiveId(text.substr(dot + 1));
  if (!seconds || !id) return std::nullopt;
  return ArticleCursor{TimePoint(std::chrono::seconds(*seconds)), *id};
}

// ParseUtcMinute reads a datetime-local field ("2026-12-07T10:30"), which
// the desk states in UTC.
std::optional<TimePoint> ParseUtcMinute(std::string text) {
  if (text.size() == 16) text += ":00";
  if (text.size() != 19) return std::nullopt;
  auto t = ParseIso8601(text + "Z");
  if (!t.ok()) return std::nullopt;
  return *t;
}

bool WebAddress(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

// LanguageCode: two or three lowercase letters ("en", "ru", "fil").
bool LanguageCode(const std::string& s) {
  if (s.size() < 2 || s.size() > 3) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// EditedContent reads the editor's form over `current`: the headline,
// dateline, lead image's caption and credit, rights, and the body's blocks
// in order (each `block_kind` starts one; an emptied block is dropped), the
// language, and the lead image's address (empty: no lead image). Only
// http(s) image addresses are taken. An error names the field ("headline",
// "block 3", …) and why.
Result<ArticleContent> EditedContent(const FormFields& form, const ArticleContent& current) {
  ArticleContent c = current;
  c.body.clear();
  auto too_long = [](const std::string& what, size_t limit) {
    return Status::InvalidArgument(fmt::format("{} is longer than {} characters", what, limit));
  };
  bool has_block = false;
  for (const auto& [name, raw] : form) {
    if (name == "headline") {
      c.headline = Trim(raw);
      if (c.headline.size() > kMaxHeadlineChars) return too_long("the headline", kMaxHeadlineChars);
    } else if (name == "language") {
      c.language = Trim(raw);
      if (!LanguageCode(c.language))
        return Status::InvalidArgument("the language is a two- or three-letter code, such as en or ru");
    } else if (name == "image_url") {
      const std::string url = Trim(raw);
      if (url.empty()) {
        c.image.reset();
      } else {
        if (!WebAddress(url) || url.size() > kMaxLineChars)
          return Status::InvalidArgument("the lead image's address starts with http:// or https://");
        if (!c.image) c.image = Image{};
        c.image->url = url;
      }
    } else if (name == "dateline" || name == "rights" || name == "image_caption" || name == "image_credit") {
      std::string value = Trim(raw);
      if (value.size() > kMaxLineChars) return too_long(name, kMaxLineChars);
      if (name == "dateline") c.dateline = value;
      else if (name == "rights") c.rights = value;
      else if (c.image && name == "image_caption") c.image->caption = value;
      else if (c.image) c.image->credit = value;
    } else if (name == "block_kind") {
      auto type = ParseBlockType(raw);
      if (!type) return Status::InvalidArgument(fmt::format("block {}: unknown kind", c.body.size() + 1));
      if (c.body.size() >= kMaxBlocks) return Status::InvalidArgument(fmt::format("more than {} blocks", kMaxBlocks));
      c.body.push_back(Block{*type});
      has_block = true;
    } else if (name.rfind("block_", 0) == 0) {
      if (!has_block) return Status::InvalidArgument(fmt::format("{} comes before any block", name));
      Block& b = c.body.back();
      if (raw.size() > kMaxBlockChars) return too_long(fmt::format("block {}", c.body.size()), kMaxBlockChars);
      if (name == "block_text" && b.type == BlockType::kList) b.items = NonEmptyLines(raw);
      else if (name == "block_text" && b.type == BlockType::kImage) b.caption = Trim(raw);
      else if (name == "block_text") b.text = Trim(raw);
      else if (name == "block_credit") b.credit = Trim(raw);
      else if (name == "block_url") b.url = Trim(raw);
    }
  }
  if (c.headline.empty()) return Status::InvalidArgument("an article needs a headline");
  for (size_t i = 0; i < c.body.size(); ++i) {
    Block& b = c.body[i];
    // A block keeps only its kind's fields (the new block's form has them all).
    if (b.type == BlockType::kImage) {
      b.text.clear();
      b.items.clear();
      if (!b.url.empty() && !WebAddress(b.url))
        return Status::InvalidArgument(fmt::format("block {}: an image's address starts with http:// or https://", i + 1));
    } else {
      b.url.clear();
      b.caption.clear();
      b.credit.clear();
      if (b.type != BlockType::kList) b.items.clear();
    }
  }
  c.body.erase(std::remove_if(c.body.begin(), c.body.end(),
                              [](const Block& b) {
                                return b.type == BlockType::kList ? b.items.empty()
                                       : b.type == BlockType::kImage ? b.url.empty()
                                                                     : b.text.empty();
                              }),
               c.body.end());
  // The store refuses an article without a block; refused here, the editor
  // is told why instead of getting the desk's 503 (found by fuzz/http_fuzz.cc).
  if (c.body.empty()) return Status::InvalidArgument("an article needs at least one block of text");
  return c;
}

json BlockFormView(const Block& b, size_t index) {
  std::string text;
  if (b.type == BlockType::kList) {
    for (const auto& item : b.items) text += (text.empty() ? "" : "\n") + item;
  } else {
    text = b.type == BlockType::kImage ? b.caption : b.text;
  }
  return {{"n", index + 1},
          {"kind", BlockTypeName(b.type)},
          {"text", text},
          {"is_image", b.type == BlockType::kImage},
          {"is_list", b.type == BlockType::kList},
          {"is_heading", b.type == BlockType::kHeading},
          {"is_quote", b.type == BlockType::kQuote},
          {"is_paragraph", b.type == BlockType::kParagraph},
          {"url", b.url},
          {"credit", b.credit}};
}

std::string ArticleTarget(int64_t id) { return fmt::format("article:{}", id); }

}  // namespace

std::string Desk::Impl::PublicationText(const DeskRequest& r, Publication p) const {
  return r.cat.Get(std::string("desk_pub_") + PublicationName(p));
}

Response Desk::Impl::Articles(const DeskRequest& r) {
  const std::string state_name = r.Query("state").empty() ? "held" : r.Query("state");
  auto state = ParsePublication(state_name);
  if (!state) return Invalid(r, r.cat.Get("desk_unknown_state"));
  ArticleQuery q;
  q.publication = *state;
  q.limit = kPageSize;
  if (!r.Query("after").empty()) {
    q.after = ParseCursor(r.Query("after"));
    if (!q.after) return Invalid(r, r.cat.Get("desk_bad_cursor"));
  }
  auto page = store_.ListArticles(q);
  if (!page.ok()) return StoreFailed(r, page.status());
  auto counts = store_.CountUnpublished();
  if (!counts.ok()) return StoreFailed(r, counts.status());

  json tabs = json::array();
  for (Publication p : kTabs) {
    json tab = {{"href", fmt::format("/desk/articles?state={}", PublicationName(p))},
                {"text", PublicationText(r, p)},
                {"current", p == *state},
                {"count", false}};
    for (const auto& c : *counts)
      if (c.publication == p) tab["count"] = c.count;
    tabs.push_back(std::move(tab));
  }
  const std::string back = r.ctx.request.target;
  json rows = json::array();
  for (const auto& a : page->items) {
    rows.push_back({{"id", a.id},
                    {"href", fmt::format("/desk/articles/{}", a.id)},
                    {"headline", a.headline},
                    {"source", a.source.name},
                    {"language", a.language},
                    {"published", When(r, a.published_at)},
                    {"publish_at", a.publish_at ? json(When(r, *a.publish_at)) : json(false)},
                    {"action", fmt::format("/desk/articles/{}/state", a.id)},
                    {"can_publish", a.publication != Publication::kPublished},
                    {"can_reject", a.publication == Publication::kHeld}});
  }
  json view = {{"tabs", tabs},
               {"rows", rows},
               {"empty", rows.empty()},
               {"state_text", PublicationText(r, *state)},
               {"back", back},
               {"notice", DoneNotice(r, {"state"})}};
  if (page->next)
    view["next_href"] = fmt::format("/desk/articles?state={}&after={}.{}", PublicationName(*state),
                                    page->next->published_at.time_since_epoch().count(), page->next->id);
  return Render(r, 200, r.cat.Get("desk_nav_articles"), "desk_articles", view, "articles");
}

Response Desk::Impl::ArticleDesk(const DeskRequest& r) {
  auto article = store_.GetArticleInAnyState(r.id);
  if (!article.ok()) return Failure(r, article.status());
  auto revisions = store_.ListRevisions(r.id);
  if (!revisions.ok()) return StoreFailed(r, revisions.status());
  const Article& a = *article;
  const std::string action = fmt::format("/desk/articles/{}/state", a.id);
  // Its own language's edition when the site has one, else the first.
  const auto& eds = config_.editions;
  const std::string edition = std::find(eds.begin(), eds.end(), a.language) != eds.end() ? a.language : eds.front();
  json moves = json::array();
  for (Publication p : {Publication::kPublished, Publication::kHeld, Publication::kUnpublished,
                        Publication::kRejected, Publication::kDeleted}) {
    if (p == a.publication) continue;
    moves.push_back({{"to", PublicationName(p)}, {"text", r.cat.Get(std::string("desk_move_") + PublicationName(p))},
                     {"danger", p == Publication::kDeleted}});
  }
  json blocks = json::array();
  for (size_t i = 0; i < a.body.size(); ++i) {
    blocks.push_back(BlockFormView(a.body[i], i));
    if (a.body[i].type == BlockType::kImage) blocks.back()["src"] = ImageSrc(a.body[i].url);
  }
  blocks.push_back(BlockFormView(Block{}, a.body.size()));  // a new paragraph at the end
  blocks.back()["is_new"] = true;
  json revs = json::array();
  for (const auto& v : *revisions) {
    revs.push_back({{"href", fmt::format("/desk/revisions/{}", v.id)},
                    {"at", When(r, v.at)},
                    {"who", v.actor == "ingest" ? r.cat.Get("desk_as_arrived") : v.actor_name},
                    {"correction", v.correction.empty() ? json(false) : json(v.correction)}});
  }
  json view = {{"id", a.id},
               {"headline", a.headline},
               {"dateline", a.dateline},
               {"rights", a.rights},
               {"source", a.source.name},
               {"source_href", fmt::format("/desk/sources/{}", a.source.id)},
               {"language", a.language},
               {"published", When(r, a.published_at)},
               {"state", PublicationName(a.publication)},
               {"state_text", PublicationText(r, a.publication)},
               {"publish_at", a.publish_at ? json(When(r, *a.publish_at)) : json(false)},
               {"public_href", a.publication == Publication::kPublished ? json(ArticleHref(edition, a.id, a.slug))
                                                                          : json(false)},
               {"original_url", a.url},
               {"state_action", action},
               {"moves", moves},
               {"back", fmt::format("/desk/articles/{}", a.id)},
               {"edit_action", fmt::format("/desk/articles/{}/edit", a.id)},
               {"image", a.image ? json{{"url", a.image->url}, {"src", ImageSrc(a.image->url)},
                                        {"caption", a.image->caption}, {"credit", a.image->credit}}
                                 : json(false)},
               {"blocks", blocks},
               {"revisions", revs},
               {"has_revisions", !revs.empty()},
               {"notice", DoneNotice(r, {"state", "saved", "unchanged", "restored"})}};
  return Render(r, 200, a.headline, "desk_article", view, "articles");
}

Response Desk::Impl::PostPublication(const DeskRequest& r) {
  auto to = ParsePublication(r.Field("to"));
  if (!to) return Invalid(r, r.cat.Get("desk_unknown_state"));
  std::optional<TimePoint> at;
  if (*to == Publication::kScheduled) {
    at = ParseUtcMinute(r.Field("at"));
    if (!at) return Invalid(r, r.cat.Get("desk_bad_schedule"));
    if (*at <= Now()) return Invalid(r, r.cat.Get("desk_schedule_passed"));
  }
  auto article = store_.GetArticleInAnyState(r.id);
  if (!article.ok()) return Failure(r, article.status());
  if (Status s = store_.SetPublication(r.id, *to, at); !s.ok()) return Failure(r, s);
  std::string after = PublicationName(*to);
  if (at) after += " " + FormatIso8601(*at);
  Audit(r, "article.publication", ArticleTarget(r.id), article->headline, PublicationName(article->publication), after);
  std::string back = ReturnPath(r.Field("back"), "/desk/articles", fmt::format("/desk/articles/{}", r.id));
  back += back.find('?') == std::string::npos ? "?done=state" : "&done=state";
  return SeeOther(back);
}

Response Desk::Impl::PostArticleEdit(const DeskRequest& r) {
  auto article = store_.GetArticleInAnyState(r.id);
  if (!article.ok()) return Failure(r, article.status());
  const ArticleContent before = ContentOf(*article);
  auto content = EditedContent(*r.form, before);
  if (!content.ok()) return Invalid(r, content.status().message());
  const std::string note = Trim(r.Field("correction"));
  if (note.size() > kMaxNoteChars) return Invalid(r, r.cat.Get("desk_note_too_long"));
  if (*content == before && note.empty()) return SeeOther(fmt::format("/desk/articles/{}?done=unchanged", r.id));
  ArticleEdit edit{r.id, *content, fmt::format("user:{}", r.user.id), r.user.display_name, note, Now()};
  auto revision = store_.SaveArticleEdit(edit);
  if (!revision.ok()) return Failure(r, revision.status());
  const bool retitled = content->headline != before.headline;
  Audit(r, note.empty() ? "article.edit" : "article.correct", ArticleTarget(r.id), content->headline,
        retitled ? before.headline : "", retitled ? content->headline : note);
  return SeeOther(fmt::format("/desk/articles/{}?done=saved", r.id));
}

Response Desk::Impl::RevisionPage(const DeskRequest& r) {
  auto revision = store_.GetRevision(r.id);
  if (!revision.ok()) return Failure(r, revision.status());
  auto article = store_.GetArticleInAnyState(revision->article_id);
  if (!article.ok()) return Failure(r, article.status());
  json lines = json::array();
  for (const DiffLine& l : ContentDiff(revision->content, ContentOf(*article))) {
    const char* change = l.change == DiffLine::Change::kSame      ? "same"
                         : l.change == DiffLine::Change::kRemoved ? "removed"
                                                                  : "added";
    lines.push_back({{"change", change}, {"label", l.label}, {"text", l.text},
                     {"mark", l.change == DiffLine::Change::kSame ? "" : l.change == DiffLine::Change::kRemoved ? "−" : "+"}});
  }
  json view = {{"article_href", fmt::format("/desk/articles/{}", article->id)},
               {"headline", article->headline},
               {"at", When(r, revision->at)},
               {"who", revision->actor == "ingest" ? r.cat.Get("desk_as_arrived") : revision->actor_name},
               {"correction", revision->correction.empty() ? json(false) : json(revision->correction)},
               {"lines", lines},
               {"same", revision->content == ContentOf(*article)},
               {"restore_action", fmt::format("/desk/revisions/{}/restore", revision->id)}};
  return Render(r, 200, r.cat.Get("desk_revision"), "desk_revision", view, "articles");
}

Response Desk::Impl::PostRestoreRevision(const DeskRequest& r) {
  auto revision = store_.GetRevision(r.id);
  if (!revision.ok()) return Failure(r, revision.status());
  auto article = store_.GetArticleInAnyState(revision->article_id);
  if (!article.ok()) return Failure(r, article.status());
  const std::string back = fmt::format("/desk/articles/{}", article->id);
  if (revision->content == ContentOf(*article)) return SeeOther(back + "?done=unchanged");
  ArticleEdit edit{article->id, revision->content, fmt::format("user:{}", r.user.id), r.user.display_name, "", Now()};
  auto saved = store_.SaveArticleEdit(edit);
  if (!saved.ok()) return Failure(r, saved.status());
  Audit(r, "article.restore", ArticleTarget(article->id), revision->content.headline, article->headline,
        fmt::format("revision {}", revision->id));
  return SeeOther(back + "?done=restored");
}

Response Desk::Impl::PostHoldPolicy(const DeskRequest& r) {
  const std::string hold = r.Field("hold");
  if (hold != "1" && hold != "0") return Invalid(r, r.cat.Get("desk_unknown_state"));
  auto source = store_.GetSourceStatus(r.id);
  if (!source.ok()) return Failure(r, source.status());
  if (Status s = store_.SetHoldForReview(r.id, hold == "1"); !s.ok()) return Failure(r, s);
  Audit(r, "source.hold", fmt::format("source:{}", r.id), source->source.name,
        source->source.hold_for_review ? "hold" : "publish", hold == "1" ? "hold" : "publish");
  return SeeOther(fmt::format("/desk/sources/{}?done=hold", r.id));
}

}  // namespace newsdesk
