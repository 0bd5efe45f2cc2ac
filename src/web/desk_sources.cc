// The sources board: every outlet with how its feeds are fetched, and the
// editor's actions on them (pause, resume, fetch now, interval, remove).
#include "web/desk_impl.h"

#include <algorithm>
#include <set>

#include "common/text.h"

namespace newsdesk {

namespace {

constexpr int kChartDays = 30;
constexpr int kDefaultIdleDays = 7;
constexpr int kMinIntervalMinutes = 1;
constexpr int kMaxIntervalMinutes = 7 * 24 * 60;


// LooksLikeLanguage: "", or a primary language subtag ("en", "ru", "fil").
bool LooksLikeLanguage(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() < 2 || s.size() > 3) return false;
  for (char c : s)
    if (c < 'a' || c > 'z') return false;
  return true;
}


// SparkView is a month of daily counts as the templates draw it: bars of
// an inline SVG (no script), with `label` as its accessible name.
json SparkView(const std::vector<int>& days, const std::string& label) {
  int most = 1;
  for (int n : days) most = std::max(most, n);
  json bars = json::array();
  for (size_t i = 0; i < days.size(); ++i) {
    if (days[i] == 0) continue;
    const int h = std::max(1, days[i] * 20 / most);
    bars.push_back({{"x", i * 4}, {"y", 20 - h}, {"h", h}, {"n", days[i]}});
  }
  return {{"width", days.size() * 4}, {"label", label}, {"bars", bars}};
}

}  // namespace

Result<std::map<int64_t, std::vector<int>>> Desk::Impl::MonthsOf(const std::vector<int64_t>& sources, TimePoint now) {
  const TimePoint today = std::chrono::floor<std::chrono::days>(now);
  return store_.DailyArticleCounts(sources, today - std::chrono::days(kChartDays - 1), kChartDays);
}

json Desk::Impl::MonthView(const DeskRequest& r, std::vector<int> days) {
  days.resize(kChartDays);  // a source with no article this month has no counts
  int month = 0;
  for (int n : days) month += n;
  const std::string per_day = fmt::format("{:.1f}", month / static_cast<double>(kChartDays));
  return {{"per_day", per_day}, {"chart", SparkView(days, r.cat.Format("desk_per_day_chart", {{"n", per_day}}))}};
}

json Desk::Impl::FeedView(const DeskRequest& r, const FeedStatus& f, const std::string& csrf) {
  const bool failing = !f.paused && f.consecutive_failures > 0;
  const std::string state = f.paused ? "paused" : failing ? "failing" : "ok";
  return {{"id", f.id},
          {"url", f.feed_url},
          {"language", f.language},
          {"state", state},
          {"state_text", r.cat.Get("desk_state_" + state)},
          {"interval_minutes", f.fetch_interval_seconds / 60},
          {"last_fetch", When(r, f.last_fetch_at)},
          {"last_status", f.last_status.empty() ? json(false) : json(f.last_status)},
          {"last_error", f.last_error.empty() ? json(false) : json(f.last_error)},
          {"failures", f.consecutive_failures},
          {"next_fetch", f.paused ? r.cat.Get("desk_state_paused") : When(r, f.next_fetch_at)},
          {"paused", f.paused},
          {"csrf", csrf},
          {"pause_action", fmt::format("/desk/feeds/{}/pause", f.id)},
          {"resume_action", fmt::format("/desk/feeds/{}/resume", f.id)},
          {"fetch_action", fmt::format("/desk/feeds/{}/fetch", f.id)},
          {"interval_action", fmt::format("/desk/feeds/{}/interval", f.id)}};
}

Response Desk::Impl::SourcesBoard(const DeskRequest& r) {
  auto sources = store_.ListSourceStatuses();
  if (!sources.ok()) return StoreFailed(r, sources.status());
  const TimePoint now = Now();
  const std::string filter = r.Query("filter");
  const std::string language = r.Query("lang");
  int idle_days = kDefaultIdleDays;
  if (auto d = ParsePositiveId(r.Query("days")); d && *d <= 3650) idle_days = static_cast<int>(*d);
  const TimePoint idle_since = now - std::chrono::days(idle_days);
  auto after = ParsePositiveId(r.Query("after"));

  // The page: the sources the filters keep, after the last one shown
  // (keyset over the board's order, by name); the counts cover them all.
  std::vector<const SourceStatus*> shown;
  std::set<std::string> languages;
  bool skipping = after.has_value(), more = false;
  int failing_count = 0;
  for (const auto& s : *sources) {
    const SourceState state = StateOf(s);
    if (!s.source.language.empty()) languages.insert(s.source.language);
    failing_count += state == SourceState::kFailing;
    if (filter == "failing" && state != SourceState::kFailing) continue;
    if (filter == "paused" && state != SourceState::kPaused) continue;
    if (filter == "idle" && s.last_article_at && *s.last_article_at >= idle_since) continue;
    if (!language.empty() && s.source.language != language) continue;
    if (skipping) {
      if (s.source.id == *after) skipping = false;
      continue;
    }
    if (static_cast<int>(shown.size()) == kPageSize) {
      more = true;
      continue;
    }
    shown.push_back(&s);
  }
  std::vector<int64_t> ids;
  for (const SourceStatus* s : shown) ids.push_back(s->source.id);
  auto months = MonthsOf(ids, now);
  if (!months.ok()) return StoreFailed(r, months.status());
  json rows = json::array();
  for (const SourceStatus* s : shown) {
    const SourceState state = StateOf(*s);
    json feeds = json::array();
    for (const auto& f : s->feeds) feeds.push_back(FeedView(r, f, ""));
    json row = MonthView(r, (*months)[s->source.id]);
    row.update({{"id", s->source.id},
                {"name", s->source.name},
                {"href", fmt::format("/desk/sources/{}", s->source.id)},
                {"language", s->source.language},
                {"state", SourceStateName(state)},
                {"state_text", r.cat.Get(std::string("desk_state_") + SourceStateName(state))},
                {"feeds", feeds},
                {"last_article", When(r, s->last_article_at)},
                {"rule", s->source.body_selector.empty() ? r.cat.Get("desk_rule_generic") : s->source.body_selector}});
    rows.push_back(std::move(row));
  }
  json filters = json::array();
  for (const char* f : {"", "failing", "idle", "paused"}) {
    filters.push_back({{"href", std::string("/desk/sources") + (*f ? std::string("?filter=") + f : "")},
                       {"text", r.cat.Get(std::string("desk_filter_") + (*f ? f : "all"))},
                       {"current", filter == f}});
  }
  json langs = json::array();
  for (const auto& l : languages)
    langs.push_back({{"code", l}, {"name", r.cat.LanguageName(l)}, {"selected", l == language}});
  json view = {{"rows", rows},
               {"empty", rows.empty()},
               {"filters", filters},
               {"filter", filter},
               {"languages", langs},
               {"idle_days", idle_days},
               {"failing_count", failing_count},
               {"notice", DoneNotice(r, {"removed"})}};
  if (more && !rows.empty()) {
    std::string next = "/desk/sources?after=" + std::to_string(rows.back()["id"].get<int64_t>());
    if (!filter.empty()) next += "&filter=" + PercentEncode(filter);
    if (!language.empty()) next += "&lang=" + PercentEncode(language);
    if (filter == "idle") next += "&days=" + std::to_string(idle_days);
    view["next_href"] = next;
  }
  return Render(r, 200, r.cat.Get("desk_nav_sources"), "desk_sources", view, "sources");
}

Response Desk::Impl::SourcePage(const DeskRequest& r) {
  auto s = store_.GetSourceStatus(r.id);
  if (!s.ok()) return Failure(r, s.status());
  auto months = MonthsOf({s->source.id}, Now());
  if (!months.ok()) return StoreFailed(r, months.status());
  json feeds = json::array();
  for (const auto& f : s->feeds) feeds.push_back(FeedView(r, f, r.csrf()));
  json drops = json::array();
  for (const auto& d : s->source.drop_selectors) drops.push_back(d);
  json view = {{"id", s->source.id},
               {"name", s->source.name},
               {"home_url", s->source.home_url},
               {"public_href", fmt::format("/{}/sources/{}", config_.editions.front(), s->source.slug)},
               {"language", s->source.language},
               {"country", s->source.country},
               {"state_text", r.cat.Get(std::string("desk_state_") + SourceStateName(StateOf(*s)))},
               {"feeds", feeds},
               {"has_feeds", !feeds.empty()},
               {"articles", s->article_count},
               {"last_article", When(r, s->last_article_at)},
               {"rule", s->source.body_selector.empty() ? json(false) : json(s->source.body_selector)},
               {"drops", drops},
               {"has_drops", !drops.empty()},
               {"remove_action", fmt::format("/desk/sources/{}/remove", s->source.id)},
               {"hold_action", fmt::format("/desk/sources/{}/hold", s->source.id)},
               {"holds", s->source.hold_for_review},
               {"rule_href", fmt::format("/desk/sources/{}/rule", s->source.id)},
               {"notice", DoneNotice(r, {"paused", "resumed", "interval", "added", "hold", "rule", "unchanged"})}};
  view.update(MonthView(r, (*months)[s->source.id]));
  if (r.Query("done") == "fetched") {
    // The fetch's own counts; its error, if any, is on the feed it was recorded on.
    // Numbers only: the notice never repeats text a link could carry.
    auto count = [&](const char* name) {
      auto n = ParsePositiveId(r.Query(name));
      return std::to_string(n && *n < 1000000 ? *n : 0);
    };
    view["notice"] = r.cat.Format("desk_fetched", {{"new", count("new")}, {"failed", count("failed")}});
  }
  return Render(r, 200, s->source.name, "desk_source", view, "sources");
}

Response Desk::Impl::FeedAction(const DeskRequest& r, const std::string& what) {
  auto feed = store_.GetFeedStatus(r.id);
  if (!feed.ok()) return Failure(r, feed.status());
  auto source = store_.GetSourceStatus(feed->source_id);
  if (!source.ok()) return StoreFailed(r, source.status());
  const std::string target = fmt::format("feed:{}", feed->id);
  const std::string summary = source->source.name + " — " + feed->feed_url;
  const std::string back = fmt::format("/desk/sources/{}", feed->source_id);
  const TimePoint now = Now();
  if (what == "pause" || what == "resume") {
    const bool pause = what == "pause";
    Status s = store_.SetFeedPaused(feed->id, pause, now);
    if (!s.ok()) return Failure(r, s);
    Audit(r, pause ? "feed.pause" : "feed.resume", target, summary, feed->paused ? "paused" : "active",
          pause ? "paused" : "active");
    return SeeOther(back + (pause ? "?done=paused" : "?done=resumed"));
  }
  if (what == "interval") {
    auto minutes = ParsePositiveId(r.Field("minutes"));
    if (!minutes || *minutes < kMinIntervalMinutes || *minutes > kMaxIntervalMinutes)
      return Invalid(r, r.cat.Format("desk_interval_invalid", {{"min", std::to_string(kMinIntervalMinutes)},
                                                                {"max", std::to_string(kMaxIntervalMinutes)}}));
    Status s = store_.SetFeedInterval(feed->id, static_cast<int>(*minutes * 60), now);
    if (!s.ok()) return Failure(r, s);
    Audit(r, "feed.interval", target, summary, fmt::format("{} min", feed->fetch_interval_seconds / 60),
          fmt::format("{} min", *minutes));
    return SeeOther(back + "?done=interval");
  }
  // what == "fetch"
  FeedTools tools = services_.tools ? services_.tools() : FeedTools{};
  FeedFetch result;
  if (tools.fetch_now) result = tools.fetch_now(*feed);
  else result.attempted = false;
  if (!result.attempted)
    return Message(r.ctx, &r.user, r.lang, 503, r.cat.Get("error_503_title"), r.cat.Get("desk_fetch_unavailable"));
  const std::string outcome =
      result.status.ok() ? fmt::format("{} new, {} updated, {} failed{}", result.new_articles, result.updated, result.failed,
                                       result.not_modified ? ", not modified" : "")
                         : result.status.message();
  Audit(r, "feed.fetch", target, summary, "", outcome);
  return SeeOther(fmt::format("{}?done=fetched&new={}&failed={}", back, result.new_articles,
                              result.status.ok() ? result.failed : result.failed + 1));
}

Response Desk::Impl::DiscoverSource(const DeskRequest& r) {
  const std::string url = Trim(r.Field("url"));
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return Invalid(r, r.cat.Get("desk_url_invalid"));
  FeedTools tools = services_.tools ? services_.tools() : FeedTools{};
  if (!tools.discover)
    return Message(r.ctx, &r.user, r.lang, 503, r.cat.Get("error_503_title"), r.cat.Get("desk_fetch_unavailable"));
  auto found = tools.discover(url.substr(0, 2000));
  json view = {{"url", url}, {"found", false}, {"error", false}};
  if (!found.ok()) {
    view["error"] = found.status().message();
    return Render(r, 422, r.cat.Get("desk_add_source"), "desk_discover", view, "sources");
  }
  const Source& s = found->proposed;
  view["found"] = {{"feed_url", s.feed_url},
                   {"name", s.name},
                   {"home_url", s.home_url},
                   {"language", s.language},
                   {"items", found->items},
                   {"headlines", found->headlines},
                   {"minutes", config_.default_interval_seconds / 60}};
  return Render(r, 200, r.cat.Get("desk_add_source"), "desk_discover", view, "sources");
}

Response Desk::Impl::FollowSource(const DeskRequest& r) {
  Source s;
  s.feed_url = Trim(r.Field("feed_url"));
  s.name = Trim(r.Field("name"));
  s.home_url = Trim(r.Field("home_url"));
  s.language = AsciiLower(Trim(r.Field("language")));
  s.country = AsciiUpper(Trim(r.Field("country")));
  auto minutes = ParsePositiveId(r.Field("minutes"));
  const bool web_url = s.feed_url.rfind("http://", 0) == 0 || s.feed_url.rfind("https://", 0) == 0;
  const bool web_home = s.home_url.empty() || s.home_url.rfind("http://", 0) == 0 || s.home_url.rfind("https://", 0) == 0;
  if (!web_url || !web_home || s.feed_url.size() > 2000 || s.home_url.size() > 2000)
    return Invalid(r, r.cat.Get("desk_url_invalid"));
  if (s.name.empty() || s.name.size() > 200) return Invalid(r, r.cat.Get("desk_name_invalid"));
  if (!LooksLikeLanguage(s.language) || (!s.country.empty() && s.country.size() != 2))
    return Invalid(r, r.cat.Get("desk_language_invalid"));
  if (!minutes || *minutes < kMinIntervalMinutes || *minutes > kMaxIntervalMinutes)
    return Invalid(r, r.cat.Format("desk_interval_invalid", {{"min", std::to_string(kMinIntervalMinutes)},
                                                              {"max", std::to_string(kMaxIntervalMinutes)}}));
  if (s.home_url.empty()) s.home_url = s.feed_url;
  s.fetch_interval_seconds = static_cast<int>(*minutes * 60);
  auto added = store_.AddFeedSource(s);
  if (!added.ok()) {
    if (added.status().code() == Code::kAlreadyExists) {
      return Message(r.ctx, &r.user, r.lang, 409, r.cat.Get("error_400_title"), r.cat.Get("desk_already_followed"));
    }
    if (added.status().code() == Code::kInvalidArgument) return Invalid(r, added.status().message());
    return StoreFailed(r, added.status());
  }
  Audit(r, "source.add", fmt::format("feed:{}", added->id), s.name, "", s.feed_url);
  const std::string page = fmt::format("/desk/sources/{}", added->source_id);
  // The first fetch at once, so the editor sees what following it brings.
  FeedTools tools = services_.tools ? services_.tools() : FeedTools{};
  if (!tools.fetch_now) return SeeOther(page + "?done=added");
  FeedFetch first = tools.fetch_now(*added);
  if (!first.attempted) return SeeOther(page + "?done=added");
  Audit(r, "feed.fetch", fmt::format("feed:{}", added->id), s.name, "",
        first.status.ok() ? fmt::format("{} new, {} updated, {} failed", first.new_articles, first.updated, first.failed)
                          : first.status.message());
  return SeeOther(fmt::format("{}?done=fetched&new={}&failed={}", page, first.new_articles,
                              first.status.ok() ? first.failed : first.failed + 1));
}

Response Desk::Impl::RemoveSource(const DeskRequest& r) {
  auto s = store_.GetSourceStatus(r.id);
  if (!s.ok()) return Failure(r, s.status());
  Status removed = store_.RemoveSource(r.id);
  if (!removed.ok()) return Failure(r, removed);
  std::string feeds;
  for (const auto& f : s->feeds) feeds += (feeds.empty() ? "" : "\n") + f.feed_url;
  Audit(r, "source.remove", fmt::format("source:{}", r.id), s->source.name, feeds, "");
  return SeeOther("/desk/sources?done=removed");
}

// --- extraction rules, with a preview ----------------------------------------

namespace {

constexpr size_t kMaxSelectorChars = 500;
constexpr size_t kMaxDropSelectors = 20;

// BlocksView is an extraction's body as the preview shows it: the block's
// kind and text (a list's items joined), at most `limit` blocks.
json BlocksView(const std::vector<Block>& blocks, size_t limit = 60) {
  json out = json::array();
  for (size_t i = 0; i < blocks.size() && i < limit; ++i) {
    const Block& b = blocks[i];
    std::string text = b.type == BlockType::kImage ? b.caption.empty() ? b.url : b.caption : b.text;
    for (const auto& item : b.items) text += (text.empty() ? "" : " · ") + item;
    out.push_back({{"kind", BlockTypeName(b.type)}, {"text", text}});
  }
  return out;
}

}  // namespace

// RuleForm reads the draft rule off the form (a selector, and the parts to
// drop one a line); an error names what is wrong.
Result<ExtractionRule> Desk::Impl::RuleForm(const DeskRequest& r) {
  ExtractionRule rule;
  rule.body_selector = Trim(r.Field("body_selector"));
  if (rule.body_selector.size() > kMaxSelectorChars) return Status::InvalidArgument(r.cat.Get("desk_rule_too_long"));
  for (std::string& line : NonEmptyLines(r.Field("drop_selectors"))) {
    if (line.size() > kMaxSelectorChars || rule.drop_selectors.size() >= kMaxDropSelectors)
      return Status::InvalidArgument(r.cat.Get("desk_rule_too_long"));
    rule.drop_selectors.push_back(std::move(line));
  }
  FeedTools tools = services_.tools ? services_.tools() : FeedTools{};
  if (tools.check_rule) ND_RETURN_IF_ERROR(tools.check_rule(rule));
  return rule;
}

Response Desk::Impl::RulePage(const DeskRequest& r, const SourceStatus& s, const ExtractionRule& draft,
                              const std::string& page_url, json preview, int status) {
  std::string drops;
  for (const auto& d : draft.drop_selectors) drops += (drops.empty() ? "" : "\n") + d;
  json view = {{"id", s.source.id},
               {"name", s.source.name},
               {"source_href", fmt::format("/desk/sources/{}", s.source.id)},
               {"current", s.source.body_selector.empty() ? json(false) : json(s.source.body_selector)},
               {"body_selector", draft.body_selector},
               {"drop_selectors", drops},
               {"url", page_url},
               {"preview_action", fmt::format("/desk/sources/{}/rule/preview", s.source.id)},
               {"save_action", fmt::format("/desk/sources/{}/rule", s.source.id)},
               {"preview", preview}};
  return Render(r, status, r.cat.Format("desk_rule_title", {{"name", s.source.name}}), "desk_rule", view, "sources");
}

Response Desk::Impl::RuleEditor(const DeskRequest& r) {
  auto s = store_.GetSourceStatus(r.id);
  if (!s.ok()) return Failure(r, s.status());
  // The page to try the rule on: the source's newest article, as it was
  // last fetched from its address.
  std::string page_url;
  ArticleQuery q;
  q.source_id = r.id;
  q.limit = 1;
  auto newest = store_.ListArticles(q);
  if (!newest.ok()) return StoreFailed(r, newest.status());
  if (!newest->items.empty()) {
    auto a = store_.GetArticleInAnyState(newest->items.front().id);
    if (a.ok()) page_url = a->url;
  }
  return RulePage(r, *s, {s->source.body_selector, s->source.drop_selectors}, page_url, false, 200);
}

Response Desk::Impl::PreviewRule(const DeskRequest& r) {
  auto s = store_.GetSourceStatus(r.id);
  if (!s.ok()) return Failure(r, s.status());
  const std::string url = Trim(r.Field("url"));
  ExtractionRule typed{Trim(r.Field("body_selector")), {}};
  auto draft = RuleForm(r);
  if (!draft.ok()) return RulePage(r, *s, typed, url, {{"error", draft.status().message()}}, 400);
  if ((url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) || url.size() > 2000)
    return RulePage(r, *s, *draft, url, {{"error", r.cat.Get("desk_url_invalid")}}, 400);
  FeedTools tools = services_.tools ? services_.tools() : FeedTools{};
  if (!tools.preview_rule)
    return Message(r.ctx, &r.user, r.lang, 503, r.cat.Get("error_503_title"), r.cat.Get("desk_fetch_unavailable"));
  auto preview = tools.preview_rule(url, {s->source.body_selector, s->source.drop_selectors}, *draft);
  if (!preview.ok()) return RulePage(r, *s, *draft, url, {{"error", preview.status().message()}}, 422);
  auto side = [&](const RuleOutcome& o) -> json {
    return {{"ok", o.status.ok()},
            {"error", o.status.ok() ? json(false) : json(o.status.message())},
            {"title", o.title},
            {"blocks", BlocksView(o.blocks)},
            {"count", o.blocks.size()}};
  };
  json view = {{"error", false}, {"fetched", preview->url}, {"current", side(preview->current)},
               {"draft", side(preview->draft)}, {"savable", preview->draft.status.ok()}};
  return RulePage(r, *s, *draft, url, view, 200);
}

Response Desk::Impl::SaveRule(const DeskRequest& r) {
  auto s = store_.GetSourceStatus(r.id);
  if (!s.ok()) return Failure(r, s.status());
  auto rule = RuleForm(r);
  if (!rule.ok()) return Invalid(r, rule.status().message());
  const ExtractionRule before{s->source.body_selector, s->source.drop_selectors};
  if (*rule == before) return SeeOther(fmt::format("/desk/sources/{}?done=unchanged", r.id));
  if (Status st = store_.SetExtractionRule(r.id, rule->body_selector, rule->drop_selectors); !st.ok())
    return Failure(r, st);
  auto describe = [](const ExtractionRule& x) {
    std::string out = x.body_selector.empty() ? "(generic)" : x.body_selector;
    for (const auto& d : x.drop_selectors) out += " − " + d;
    return out;
  };
  Audit(r, "source.rule", fmt::format("source:{}", r.id), s->source.name, describe(before), describe(*rule));
  return SeeOther(fmt::format("/desk/sources/{}?done=rule", r.id));
}

}  // namespace newsdesk
