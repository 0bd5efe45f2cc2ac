// The desk's Entities room: the names articles use that no entity has
// (candidates), with the articles that use them, and what an editor does
// with one — a new entity, a form of an existing one, or dismissed; the
// gazetteer's search; each entity's page with its mentions over the year,
// its forms (add, remove) and a merge into another entity.
//
// Every change goes through mentions/knowledge.h, the code `newsdesk
// entities` runs, so both check, store and log alike. After a change this
// node's site switches to the new gazetteer at once (other nodes reload
// within seconds, as after the command), and the articles the change
// concerns are tagged again, up to kRetagLimit of them, newest first: those
// that use the candidate or the added forms, or that mention the entity a
// form was taken from. The rest follow with `newsdesk entities retag`.
#include "web/desk_impl.h"

#include <algorithm>

#include "common/text.h"
#include "mentions/knowledge.h"

namespace newsdesk {

namespace {

constexpr int kUsesShown = 3;       // articles shown under each candidate
constexpr int kWeeksCharted = 52;   // the entity page's chart
constexpr size_t kMaxQuery = 200;   // characters of a gazetteer search

const int kWindows[] = {7, 30, 365, 0};  // candidates counted over these days (0: all)

// ParseCount reads a small non-negative number from a query, or `fallback`.
int64_t ParseCount(const std::string& text, int64_t fallback) {
  if (text.empty() || text.size() > 12 || !std::all_of(text.begin(), text.end(), IsAsciiDigit)) return fallback;
  return std::stoll(text);
}

// FirstChars is `text` up to its `max`-th character, and up to its first
// byte that is not UTF-8: a query is echoed back into the page.
std::string FirstChars(std::string_view text, size_t max) {
  size_t end = 0;
  for (size_t n = 0; end < text.size() && n < max; ++n) {
    const size_t len = Utf8SequenceAt(text, end);
    if (len == 0) break;
    end += len;
  }
  return std::string(text.substr(0, end));
}

// Lines splits a textarea into its non-blank lines, trimmed.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = Trim(std::string_view(text).substr(start, end - start));
    if (!line.empty()) out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

// Matches tells whether `e` has `needle` (already normalised) in its id,
// names or forms.
bool Matches(const Entity& e, const std::string& needle) {
  if (e.id.find(needle) != std::string::npos) return true;
  auto has = [&](const std::string& text) { return NormalizeWord(text).find(needle) != std::string::npos; };
  for (const auto& [lang, name] : e.names)
    if (has(name)) return true;
  for (const auto& [lang, forms] : e.aliases)
    for (const auto& f : forms)
      if (has(f)) return true;
  return std::any_of(e.exact.begin(), e.exact.end(), has);
}

// WeeksView is a year of weekly counts as the template draws it: bars of a
// fixed-height chart, tallest week full height, empty weeks left out.
json WeeksView(const std::vector<int64_t>& weeks, const std::string& label) {
  int64_t most = 1;
  for (int64_t n : weeks) most = std::max(most, n);
  json bars = json::array();
  for (size_t i = 0; i < weeks.size(); ++i) {
    if (weeks[i] == 0) continue;
    const int64_t h = std::max<int64_t>(1, weeks[i] * 40 / most);
    bars.push_back({{"x", i * 6}, {"y", 40 - h}, {"h", h}, {"n", weeks[i]}});
  }
  return {{"width", weeks.size() * 6}, {"label", label}, {"bars", bars}};
}

}  // namespace

std::shared_ptr<const Gazetteer> Desk::Impl::GazetteerFor(const DeskRequest& r) {
  if (const Gazetteer* pinned = r.ctx.gazetteer) {
    // The request's pin: the site's own shared pointer keeps it alive for the
    // request; aliasing it avoids reloading on every page.
    return std::shared_ptr<const Gazetteer>(std::shared_ptr<const Gazetteer>(), pinned);
  }
  auto loaded = LoadSiteGazetteer(store_);  // a site started without one
  return loaded.ok() ? *loaded : nullptr;
}

Response Desk::Impl::Refusal(const DeskRequest& r, const Status& s) {
  if (s.reason().empty()) return StoreFailed(r, s);
  const int status = s.is_not_found() ? 404 : s.code() == Code::kAlreadyExists ? 409 : 400;
  return Message(r.ctx, &r.user, r.lang, status, r.cat.Get("error_400_title"), r.cat.Reason(s));
}

size_t Desk::Impl::AfterKnowledgeChange(const DeskRequest& r, const KnowledgeChange& change,
                                        const std::vector<std::string>& keys, const std::string& mentioning) {
  AuditEntry e = change.audit;
  Audit(r, e.action, e.target, e.summary, e.before, e.after);
  if (services_.knowledge_changed) services_.knowledge_changed(change.gazetteer);
  std::vector<int64_t> ids;
  auto add = [&ids](int64_t id) {
    if (ids.size() < kRetagLimit && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  };
  for (const auto& key : keys) {
    auto uses = store_.CandidateArticles(key, std::nullopt, kRetagLimit);
    if (!uses.ok()) {
      spdlog::error("desk: articles using '{}': {}", key, uses.status().ToString());
      continue;
    }
    for (const auto& u : *uses) add(u.article_id);
  }
  if (!mentioning.empty()) {
    ArticleQuery q;
    q.entity = mentioning;
    q.limit = 200;
    while (ids.size() < kRetagLimit) {
      auto page = store_.ListArticles(q);
      if (!page.ok()) {
        spdlog::error("desk: articles mentioning '{}': {}", mentioning, page.status().ToString());
        break;
      }
      for (const auto& a : page->items) add(a.id);
      if (!page->next) break;
      q.after = page->next;
    }
  }
  if (ids.empty()) return 0;
  Tagger tagger(change.gazetteer);
  auto count = RetagArticles(store_, tagger, ids, false);
  if (!count.ok()) {
    // The change stands; the articles follow with `newsdesk entities retag`.
    spdlog::error("desk: re-tagging after {}: {}", e.action, count.status().ToString());
    return 0;
  }
  return count->changed;
}

std::vector<std::string> Desk::Impl::KeysOf(const std::vector<std::string>& forms) {
  std::vector<std::string> keys;
  for (const auto& form : forms)
    for (const auto& c : FindNameCandidates(form, {}))
      if (std::find(keys.begin(), keys.end(), c.key) == keys.end()) keys.push_back(c.key);
  return keys;
}

json Desk::Impl::EntityNotice(const DeskRequest& r) {
  json notice = DoneNotice(r, {"entity_added", "entity_alias", "entity_unalias", "entity_merged", "entity_dismissed"});
  if (notice.is_string() && !r.Query("retagged").empty())
    notice = notice.get<std::string>() + " " +
             r.cat.Format("desk_entities_retagged", {{"n", std::to_string(ParseCount(r.Query("retagged"), 0))}});
  return notice;
}

Response Desk::Impl::EntitiesPage(const DeskRequest& r) {
  CandidateQuery q;
  const int64_t days = ParseCount(r.Query("days"), 30);
  const bool known_window = std::find(std::begin(kWindows), std::end(kWindows), days) != std::end(kWindows);
  const int window = known_window ? static_cast<int>(days) : 30;
  if (window > 0) q.since = std::chrono::floor<std::chrono::days>(Now()) - std::chrono::days(window);
  q.min_articles = static_cast<int>(std::clamp<int64_t>(ParseCount(r.Query("min"), 2), 1, 1000000));
  q.limit = kPageSize;
  q.newest_uses = kUsesShown;
  if (r.ctx.request.QueryParam("after_key"))
    q.after = CandidateCursor{ParseCount(r.Query("after_articles"), 0), ParseCount(r.Query("after_mentions"), 0),
                              r.Query("after_key")};
  auto page = store_.FindCandidates(q);
  if (!page.ok()) return StoreFailed(r, page.status());
  const std::string ed = config_.editions.front();
  json rows = json::array();
  for (const auto& c : page->candidates) {
    json articles = json::array();
    for (const auto& u : c.newest)
      articles.push_back({{"headline", u.headline}, {"href", fmt::format("/{}/articles/{}", ed, u.article_id)},
                          {"published", When(r, u.published_at)}, {"language", u.language}});
    rows.push_back({{"key", c.key},
                    {"form", c.form},
                    {"language", c.language},
                    {"articles", c.articles},
                    {"mentions", c.mentions},
                    {"last_seen", When(r, c.last_seen)},
                    {"uses", articles},
                    {"more_uses", c.articles > kUsesShown},
                    {"uses_href", "/desk/entities/candidate?key=" + PercentEncode(c.key)},
                    {"suggested_id", Slugify(c.form)},
                    {"name_en", c.language == "ru" ? "" : c.form},
                    {"name_ru", c.language == "ru" ? c.form : ""}});
  }
  json windows = json::array();
  for (int w : kWindows)
    windows.push_back({{"href", fmt::format("/desk/entities?days={}&min={}", w, q.min_articles)},
                       {"text", w ? r.cat.Format("desk_entities_window_days", {{"n", std::to_string(w)}})
                                  : r.cat.Get("desk_entities_window_all")},
                       {"current", w == window}});
  json types = json::array();
  for (EntityType t : {EntityType::kPerson, EntityType::kOrganisation, EntityType::kCountry, EntityType::kPlace,
                       EntityType::kFacility, EntityType::kEvent})
    types.push_back({{"value", EntityTypeName(t)}, {"text", r.cat.Get(std::string("desk_entities_type_") + EntityTypeName(t))},
                     {"selected", t == EntityType::kOrganisation}});
  json view = {{"rows", rows}, {"empty", rows.empty()}, {"windows", windows}, {"types", types},
               {"min", q.min_articles}, {"days", window}, {"notice", EntityNotice(r)}};
  if (page->next)
    view["next_href"] = fmt::format("/desk/entities?days={}&min={}&after_articles={}&after_mentions={}&after_key={}",
                                    window, q.min_articles, page->next->articles, page->next->mentions,
                                    PercentEncode(page->next->key));
  return Render(r, 200, r.cat.Get("desk_nav_entities"), "desk_entities", view, "entities");
}

Response Desk::Impl::CandidatePage(const DeskRequest& r) {
  const std::string key = r.Query("key");
  if (key.empty() || key.size() > 1000) return NotFound(r);
  std::optional<ArticleCursor> after;
  if (auto id = ParsePositiveId(r.Query("after_id")))
    after = ArticleCursor{TimePoint{std::chrono::seconds(ParseCount(r.Query("after_at"), 0))}, *id};
  auto uses = store_.CandidateArticles(key, after, kPageSize + 1);
  if (!uses.ok()) return StoreFailed(r, uses.status());
  const bool more = static_cast<int>(uses->size()) > kPageSize;
  if (more) uses->resize(kPageSize);
  const std::string ed = config_.editions.front();
  json rows = json::array();
  for (const auto& u : *uses)
    rows.push_back({{"headline", u.headline}, {"href", fmt::format("/{}/articles/{}", ed, u.article_id)},
                    {"published", When(r, u.published_at)}, {"language", u.language}, {"form", u.form},
                    {"count", u.count}});
  json view = {{"key", key}, {"rows", rows}, {"empty", rows.empty()}};
  if (more)
    view["next_href"] = fmt::format("/desk/entities/candidate?key={}&after_at={}&after_id={}", PercentEncode(key),
                                    uses->back().published_at.time_since_epoch().count(), uses->back().article_id);
  return Render(r, 200, r.cat.Format("desk_entities_candidate_title", {{"name", key}}), "desk_candidate", view,
                "entities");
}

Response Desk::Impl::EntitySearch(const DeskRequest& r) {
  const std::string q = FirstChars(Trim(r.Query("q")), kMaxQuery);
  auto gazetteer = GazetteerFor(r);
  if (!gazetteer) return StoreFailed(r, Status::Unavailable("no gazetteer"));
  const std::string needle = NormalizeWord(q);
  const std::string after = r.Query("after");
  // By id, so pages follow by the last id shown.
  std::vector<const Entity*> found;
  if (!needle.empty())
    for (const auto& e : gazetteer->entities())
      if (e.id > after && Matches(e, needle)) found.push_back(&e);
  std::sort(found.begin(), found.end(), [](const Entity* a, const Entity* b) { return a->id < b->id; });
  const bool more = found.size() > static_cast<size_t>(kPageSize);
  if (more) found.resize(kPageSize);
  json rows = json::array();
  for (const Entity* e : found)
    rows.push_back({{"id", e->id}, {"href", "/desk/entities/" + e->id},
                    {"type", r.cat.Get(std::string("desk_entities_type_") + EntityTypeName(e->type))},
                    {"name_en", e->Name("en")}, {"name_ru", e->Name("ru")}});
  json view = {{"q", q}, {"rows", rows}, {"searched", !needle.empty()}, {"empty", rows.empty()}};
  if (more) view["next_href"] = "/desk/entities/search?q=" + PercentEncode(q) + "&after=" + found.back()->id;
  return Render(r, 200, r.cat.Get("desk_entities_search"), "desk_entity_search", view, "entities");
}

Response Desk::Impl::EntityPage(const DeskRequest& r) {
  const std::string id = r.ctx.Param("entity");
  if (!IsEntityId(id)) return NotFound(r);
  auto gazetteer = GazetteerFor(r);
  if (!gazetteer) return StoreFailed(r, Status::Unavailable("no gazetteer"));
  const Entity* e = gazetteer->Find(id);
  if (!e) {
    if (const Entity* merged = gazetteer->Resolve(id)) return SeeOther("/desk/entities/" + merged->id);
    return NotFound(r);
  }
  // A year of mentions, by week, the current week last.
  const TimePoint today = std::chrono::floor<std::chrono::days>(Now());
  const TimePoint end = today + std::chrono::days(1);
  const TimePoint start = end - std::chrono::days(7 * kWeeksCharted);
  auto days = store_.MentionsPerDay(id, start, end);
  if (!days.ok()) return StoreFailed(r, days.status());
  std::vector<int64_t> weeks(kWeeksCharted);
  int64_t year = 0, month = 0;
  for (const auto& d : *days) {
    const auto week = std::chrono::duration_cast<std::chrono::days>(d.day - start).count() / 7;
    if (week >= 0 && week < kWeeksCharted) weeks[week] += d.count;
    year += d.count;
    if (d.day >= end - std::chrono::days(30)) month += d.count;
  }
  json forms = json::array();
  const std::string csrf = r.csrf();
  auto form_row = [&](const std::string& form, const std::string& kind) {
    forms.push_back({{"form", form}, {"kind", kind}, {"csrf", csrf}});
  };
  for (const auto& [lang, list] : e->aliases)
    for (const auto& f : list) form_row(f, lang);
  for (const auto& f : e->exact) form_row(f, r.cat.Get("desk_entities_exact"));
  json view = {{"id", id},
               {"type", r.cat.Get(std::string("desk_entities_type_") + EntityTypeName(e->type))},
               {"name_en", e->names.count("en") ? json(e->names.at("en")) : json(false)},
               {"name_ru", e->names.count("ru") ? json(e->names.at("ru")) : json(false)},
               {"public_href", fmt::format("/{}/mentions/{}", config_.editions.front(), id)},
               {"forms", forms},
               {"has_forms", !forms.empty()},
               {"year", year},
               {"month", month},
               {"chart", WeeksView(weeks, r.cat.Format("desk_entities_chart", {{"n", std::to_string(year)}}))},
               {"notice", EntityNotice(r)}};
  // An entity named in one language only is called by that name, not its id.
  const std::string& title = e->names.count(r.lang) || e->names.count("en") || e->names.empty()
                                 ? e->Name(r.lang)
                                 : e->names.begin()->second;
  return Render(r, 200, title, "desk_entity", view, "entities");
}

Response Desk::Impl::PostEntityAdd(const DeskRequest& r) {
  NewEntity n{.id = Trim(r.Field("id")), .type = r.Field("type"), .name_en = Trim(r.Field("name_en")),
              .name_ru = Trim(r.Field("name_ru")), .aliases = Lines(r.Field("aliases"))};
  auto added = AddEntity(store_, n);
  if (!added.ok()) return Refusal(r, added.status());
  std::vector<std::string> forms = n.aliases;
  for (const auto* name : {&n.name_en, &n.name_ru})
    if (!name->empty()) forms.push_back(*name);
  std::vector<std::string> keys = KeysOf(forms);
  if (const std::string key = r.Field("key"); !key.empty()) keys.insert(keys.begin(), key);
  const size_t retagged = AfterKnowledgeChange(r, *added, keys, "");
  return SeeOther(fmt::format("/desk/entities/{}?done=entity_added&retagged={}", n.id, retagged));
}

Response Desk::Impl::PostEntityAlias(const DeskRequest& r) {
  const std::string id = Trim(r.Field("entity"));
  const std::string form = Trim(r.Field("form"));
  const std::string lang = r.Field("lang");
  const bool exact = lang == "exact";
  auto added = AddEntityForm(store_, id, form, exact ? "" : lang, exact);
  if (!added.ok()) return Refusal(r, added.status());
  std::vector<std::string> keys = KeysOf({form});
  if (const std::string key = r.Field("key"); !key.empty()) keys.insert(keys.begin(), key);
  const size_t retagged = AfterKnowledgeChange(r, *added, keys, "");
  return SeeOther(fmt::format("/desk/entities/{}?done=entity_alias&retagged={}", id, retagged));
}

Response Desk::Impl::PostEntityUnalias(const DeskRequest& r) {
  const std::string id = r.Field("entity");
  auto removed = RemoveEntityForm(store_, id, r.Field("form"));
  if (!removed.ok()) return Refusal(r, removed.status());
  const size_t retagged = AfterKnowledgeChange(r, *removed, {}, id);
  return SeeOther(fmt::format("/desk/entities/{}?done=entity_unalias&retagged={}", id, retagged));
}

Response Desk::Impl::PostEntityMerge(const DeskRequest& r) {
  const std::string into = Trim(r.Field("into"));
  auto merged = MergeEntityInto(store_, r.Field("from"), into);
  if (!merged.ok()) return Refusal(r, merged.status());
  AfterKnowledgeChange(r, *merged, {}, "");
  return SeeOther(fmt::format("/desk/entities/{}?done=entity_merged", into));
}

Response Desk::Impl::PostCandidateDismiss(const DeskRequest& r) {
  auto audit = DismissNameCandidate(store_, r.Field("key"));
  if (!audit.ok()) return Refusal(r, audit.status());
  Audit(r, audit->action, audit->target, audit->summary);
  return SeeOther("/desk/entities?done=entity_dismissed");
}

}  // namespace newsdesk
