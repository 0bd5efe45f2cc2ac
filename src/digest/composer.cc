// A subscriber's digest: the day's stories of their edition, most
// interesting first, what they follow on top.
#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "digest/digest.h"
#include "common/text.h"
#include "render/catalog.h"
#include "render/templates.h"

namespace newsdesk {

using json = nlohmann::json;

namespace {

constexpr size_t kStoriesKept = 500;

// Interest: a comment says more than a view.
int64_t Interest(const DigestItem& item) { return item.comments * 20 + item.views; }

}  // namespace

// Story: near-duplicates of one day, the most interesting one leading.
struct DigestComposer::Story {
  DigestItem lead;
  std::vector<std::string> also;  // the other articles' source names
  std::set<std::string> entities;
  int64_t interest = 0;
};

// Edition: what every subscriber of an edition shares on a day.
struct DigestComposer::Edition {
  std::string code;
  std::vector<Story> stories;  // most interesting first
  json story_views;            // the stories rendered for templates, in order
};

DigestComposer::DigestComposer(MailingStore& store, const Config& config, SiteSecret secret,
                               std::shared_ptr<const Gazetteer> gazetteer)
    : store_(store),
      config_(config),
      base_url_(SiteBaseUrl(config)),
      signer_(std::move(secret)),
      gazetteer_(std::move(gazetteer)) {}

DigestComposer::~DigestComposer() = default;

Result<std::shared_ptr<const DigestComposer::Edition>> DigestComposer::EditionOf(const DigestDay& day,
                                                                                   const std::string& code) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!templates_) {
    auto t = Templates::Load();
    if (!t.ok()) return t.status();
    templates_ = std::move(*t);
  }
  if (!catalogs_.count(code)) {
    auto c = Catalog::Load(code);
    if (!c.ok()) return c.status();
    catalogs_.emplace(code, std::make_unique<Catalog>(std::move(*c)));
  }
  const std::string key = day.day + "/" + code;
  if (auto it = editions_.find(key); it != editions_.end()) return it->second;

  auto items = store_.DigestArticles(code, day.from, day.to, 2000);
  if (!items.ok()) return items.status();
  std::map<int64_t, Story> by_story;
  for (auto& item : *items) {
    const int64_t story_id = item.summary.story_id ? item.summary.story_id : item.summary.id;
    auto [it, fresh] = by_story.try_emplace(story_id);
    Story& story = it->second;
    story.interest += Interest(item);
    story.entities.insert(item.entities.begin(), item.entities.end());
    if (fresh) {
      story.lead = std::move(item);
    } else if (Interest(item) > Interest(story.lead)) {
      story.also.push_back(story.lead.summary.source.name);
      story.lead = std::move(item);
    } else {
      story.also.push_back(item.summary.source.name);
    }
  }
  auto edition = std::make_shared<Edition>();
  edition->code = code;
  for (auto& [id, story] : by_story) edition->stories.push_back(std::move(story));
  std::sort(edition->stories.begin(), edition->stories.end(), [](const Story& a, const Story& b) {
    if (a.interest != b.interest) return a.interest > b.interest;
    return a.lead.summary.published_at > b.lead.summary.published_at;
  });
  // Each subscriber sees at most digest_max_stories, but which depends on
  // what they follow: the edition keeps a generous number to choose from.
  if (edition->stories.size() > kStoriesKept) edition->stories.resize(kStoriesKept);

  const Catalog& cat = *catalogs_.at(code);
  const date::time_zone* zone = date::locate_zone(config_.digest_time_zone);
  edition->story_views = json::array();
  for (const Story& story : edition->stories) {
    const ArticleSummary& s = story.lead.summary;
    const auto info = zone->get_info(s.published_at);
    const int offset = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(info.offset).count());
    json v = {{"href", base_url_ + ArticleHref(code, s.id, s.slug)},
              {"source", s.source.name},
              {"time", cat.ShortDate(s.published_at, offset)},
              {"content_lang", false},
              {"label", false},
              {"label_title", ""},
              {"machine", false},
              {"machine_title", ""},
              {"lead", false},
              {"also", false},
              {"also_label", cat.Get("also_reported_by")},
              {"comments_text", story.lead.comments > 0
                                    ? json(cat.Format("digest_comments", {{"count", std::to_string(story.lead.comments)}}))
                                    : json(false)}};
    auto text_or_false = [](const std::string& t) { return t.empty() ? json(false) : json(t); };
    if (s.language == code) {
      v["headline"] = s.headline;
      v["lead"] = text_or_false(s.lead);
    } else if (s.translation) {
      v["headline"] = s.translation->headline;
      v["lead"] = text_or_false(s.translation->body.empty() ? "" : s.translation->body.front().text);
      if (s.translation->by == TranslatedBy::kMachine) {
        v["machine"] = cat.Get("machine_short");
        v["machine_title"] = cat.Format("machine_translation_notice", {{"language", cat.LanguageName(s.language)}});
      }
    } else {  // never silently mixed: the original, marked
      v["headline"] = s.headline;
      v["lead"] = text_or_false(s.lead);
      v["content_lang"] = s.language;
      v["label"] = AsciiUpper(s.language);
      v["label_title"] = cat.Format("untranslated_short_title", {{"language", cat.LanguageName(s.language)}});
    }
    std::string also;
    std::set<std::string> seen;
    for (const auto& name : story.also)
      if (seen.insert(name).second && name != s.source.name) also += (also.empty() ? "" : ", ") + name;
    if (!also.empty()) v["also"] = also;
    edition->story_views.push_back(std::move(v));
  }
  // A run covers one day: older days' editions are dropped as a new one comes.
  for (auto it = editions_.begin(); it != editions_.end();)
    it = it->first.compare(0, day.day.size(), day.day) == 0 ? std::next(it) : editions_.erase(it);
  editions_.emplace(key, edition);
  return std::shared_ptr<const Edition>(edition);
}

Result<int> DigestComposer::StoryCount(const DigestDay& day, const std::string& edition) {
  auto e = EditionOf(day, edition);
  if (!e.ok()) return e.status();
  return static_cast<int>((*e)->stories.size());
}

Result<Message> DigestComposer::Compose(const DigestDay& day, const Subscriber& subscriber) {
  auto edition = EditionOf(day, subscriber.edition);
  if (!edition.ok()) return edition.status();
  const Edition& e = **edition;
  const Catalog& cat = *catalogs_.at(subscriber.edition);  // set by EditionOf, never erased

  // What they follow first, then the rest of the day.
  const std::set<std::string> followed(subscriber.entities.begin(), subscriber.entities.end());
  json followed_stories = json::array(), other_stories = json::array();
  std::vector<size_t> others;
  const size_t cap = config_.digest_max_stories;
  for (size_t i = 0; i < e.stories.size(); ++i) {
    const bool follows = std::any_of(e.stories[i].entities.begin(), e.stories[i].entities.end(),
                                     [&](const std::string& id) { return followed.count(id) > 0; });
    if (follows && followed_stories.size() < cap) {
      followed_stories.push_back(e.story_views[i]);
    } else if (!follows) {
      others.push_back(i);
    }
  }
  for (size_t i : others) {
    if (followed_stories.size() + other_stories.size() >= cap) break;
    other_stories.push_back(e.story_views[i]);
  }
  const size_t more = e.stories.size() - followed_stories.size() - other_stories.size();
  json sections = json::array();
  if (!followed_stories.empty()) {
    std::string names;
    for (const auto& id : subscriber.entities) {
      const Entity* entity = gazetteer_ ? gazetteer_->Find(id) : nullptr;
      names += (names.empty() ? "" : ", ") + (entity ? entity->Name(subscriber.edition) : id);
    }
    sections.push_back({{"heading", cat.Format("digest_following", {{"names", names}})}, {"stories", followed_stories}});
  }
  if (!other_stories.empty())
    sections.push_back({{"heading", cat.Get(followed_stories.empty() ? "digest_stories" : "digest_other_stories")},
                        {"stories", other_stories}});

  int y = 0;
  unsigned mo = 0, d = 0;
  std::sscanf(day.day.c_str(), "%d-%u-%u", &y, &mo, &d);
  const std::string date_text = cat.Format("digest_date", {{"day", std::to_string(d)},
                                                           {"month", cat.MonthName(static_cast<int>(mo))},
                                                           {"year", std::to_string(y)}});
  const std::string manage_token = signer_.Sign(LinkSigner::Purpose::kManage, subscriber.id, std::nullopt);
  const std::string manage_url =
      fmt::format("{}/{}/subscriptions/manage?token={}", base_url_, subscriber.edition, manage_token);
  const std::string unsubscribe_url =
      fmt::format("{}/{}/subscriptions/unsubscribe?token={}", base_url_, subscriber.edition, manage_token);
  const std::string subject = cat.Format("digest_subject", {{"site", config_.site_name}, {"date", date_text}});
  json view = {{"lang", subscriber.edition},
               {"subject", subject},
               {"site", config_.site_name},
               {"title", cat.Format("digest_title", {{"date", date_text}})},
               {"home", fmt::format("{}/{}/", base_url_, subscriber.edition)},
               {"sections", sections},
               {"more", more ? json(cat.Format("digest_more", {{"count", std::to_string(more)}})) : json(false)},
               {"why", cat.Format("digest_why", {{"site", config_.site_name}, {"email", subscriber.email}})},
               {"manage", cat.Get("digest_manage")},
               {"manage_url", manage_url},
               {"unsubscribe", cat.Get("digest_unsubscribe")},
               {"unsubscribe_url", unsubscribe_url}};

  auto from = ParseAddress(config_.mail_from);
  if (!from.ok()) return from.status();
  Message m;
  m.from = *from;
  if (!config_.mail_reply_to.empty())
    if (auto r = ParseAddress(config_.mail_reply_to); r.ok()) m.reply_to = *r;
  m.to = {Address{"", subscriber.email}};
  m.subject = subject;
  m.html = templates_->Render("digest_html", view);
  m.text = templates_->Render("digest_text", view);
  // RFC 8058: an https link a mail client may POST to at once, and a mailto.
  m.headers = {{"List-Unsubscribe", fmt::format("<{}>, <mailto:{}?subject=unsubscribe%20{}>", unsubscribe_url,
                                                 m.from.email, subscriber.id)},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
               {"List-Id", fmt::format("<digest.{}>", m.from.email.substr(m.from.email.find('@') + 1))}};
  m.message_id = fmt::format("digest.{}.{}.{}", day.day, subscriber.edition, subscriber.id);
  return m;
}

}  // namespace newsdesk
