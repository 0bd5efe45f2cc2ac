#include "publish/pings.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "common/url.h"
#include "model/feed_address.h"
#include "model/offered_editions.h"

namespace newsdesk {

namespace {

// Changes read and pinged per round: a round's requests stay small, and a
// long backlog moves the watermark as it goes.
constexpr int kChangesPerRound = 500;

// A hub or IndexNow answers in a few words; a page of them is plenty.
constexpr size_t kMaxAnswerBytes = 1 << 20;

// HostOf is the host of an absolute URL, without user or port: IndexNow's "host".
std::string HostOf(const std::string& url) {
  std::string_view host = SplitUrl(url).authority.value_or("");
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (!host.empty() && host.front() == '[') return std::string(host.substr(0, host.find(']') + 1));
  return std::string(host.substr(0, host.find(':')));
}

// Chunks splits `items` into runs of at most `size`.
std::vector<std::vector<std::string>> Chunks(const std::vector<std::string>& items, size_t size) {
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < items.size(); i += size)
    out.emplace_back(items.begin() + i, items.begin() + std::min(items.size(), i + size));
  return out;
}

}  // namespace

FetchOptions PingFetchOptions(FetchOptions base) {
  base.honour_robots = false;
  base.connect_timeout = std::min(base.connect_timeout, std::chrono::milliseconds(5000));
  base.total_timeout = std::min(base.total_timeout, std::chrono::milliseconds(15000));
  base.max_bytes = std::min(base.max_bytes, kMaxAnswerBytes);
  base.max_attempts = 1;
  return base;
}

std::vector<std::string> PingTopics(const Article& a, const Config& config) {
  std::vector<std::string> topics;
  for (const auto& ed : OfferedEditions(a.language, OfferedTranslations(a, config), config)) {
    std::vector<FeedScope> scopes = {{FeedScope::Kind::kEdition, ed, ""}};
    if (!a.source.slug.empty()) scopes.push_back({FeedScope::Kind::kSource, ed, a.source.slug});
    for (size_t i = 0; i < a.mentions.size() && i < kPingedMentions; ++i)
      scopes.push_back({FeedScope::Kind::kEntity, ed, a.mentions[i].entity});
    for (const auto& scope : scopes)
      for (FeedType type : kFeedTypes) topics.push_back(config.base_url + FeedPath(scope, type));
  }
  return topics;
}

std::vector<std::string> PingArticleUrls(const Article& a, const Config& config) {
  std::vector<std::string> urls;
  for (const auto& ed : OfferedEditions(a.language, OfferedTranslations(a, config), config))
    urls.push_back(config.base_url + ArticleHref(ed, a.id, a.slug));
  return urls;
}

std::string WebSubPingBody(const std::vector<std::string>& topics) {
  std::string body = "hub.mode=publish";
  for (const auto& topic : topics) body += "&hub.url=" + PercentEncode(topic);
  return body;
}

std::string IndexNowBody(const Config& config, const std::vector<std::string>& urls) {
  nlohmann::json body = {{"host", HostOf(config.base_url)},
                         {"key", config.indexnow_key},
                         {"keyLocation", config.base_url + "/" + config.indexnow_key + ".txt"},
                         {"urlList", urls}};
  return body.dump();
}

PublishPings::PublishPings(ArticleStore& articles, Settings& settings, const Config& config, Fetcher& fetcher)
    : articles_(articles), settings_(settings), config_(config), fetcher_(fetcher) {}

bool PublishPings::enabled() const { return !config_.websub_hubs.empty() || !config_.indexnow_key.empty(); }

Result<int64_t> PublishPings::Start() {
  auto seq = articles_.ChangeSequence();
  if (!seq.ok()) return seq.status();
  auto stored = settings_.PutSettingIfAbsent(kPingWatermarkSetting, std::to_string(*seq));
  if (!stored.ok()) return stored.status();
  return Watermark();
}

Result<int64_t> PublishPings::Watermark() {
  auto stored = settings_.GetSetting(kPingWatermarkSetting);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return int64_t{0};
  try {
    return static_cast<int64_t>(std::stoll(**stored));
  } catch (const std::exception&) {
    return Status::Internal(fmt::format("setting {} holds '{}', not a number", kPingWatermarkSetting,
                                        stored->value().substr(0, 40)));
  }
}

Result<PingReport> PublishPings::Run(int64_t through) {
  auto mark = Watermark();
  if (!mark.ok()) return mark.status();
  PingReport report;
  int64_t after = *mark;
  while (after < through) {
    auto changes = articles_.ChangesSince(after, kChangesPerRound);
    if (!changes.ok()) return changes.status();
    int64_t round_end = after;
    std::set<int64_t> ids;
    for (const Change& c : *changes) {
      if (c.seq > through) break;
      round_end = c.seq;
      if (c.entity == "article") ids.insert(c.entity_id);
    }
    if (round_end == after) break;  // nothing listed up to `through`
    std::set<std::string> topics;
    std::vector<std::string> urls;
    for (int64_t id : ids) {
      // Only what readers can see now is announced: held, scheduled and
      // deleted articles are not found here.
      auto a = articles_.GetArticle(id);
      if (a.status().is_not_found()) continue;
      if (!a.ok()) return a.status();
      ++report.articles;
      for (auto& t : PingTopics(*a, config_)) topics.insert(std::move(t));
      for (auto& u : PingArticleUrls(*a, config_)) urls.push_back(std::move(u));
    }
    ND_RETURN_IF_ERROR(Send({topics.begin(), topics.end()}, urls));
    report.topics += static_cast<int64_t>(topics.size());
    report.urls += static_cast<int64_t>(urls.size());
    auto raised = settings_.RaiseSetting(kPingWatermarkSetting, round_end);
    if (!raised.ok()) return raised.status();
    after = round_end;
  }
  // Sequence numbers commit in order (store/article_store.h), so none up to
  // `through` can appear after the rounds listed them all.
  auto raised = settings_.RaiseSetting(kPingWatermarkSetting, std::max(after, through));
  if (!raised.ok()) return raised.status();
  report.pinged_through = *raised;
  return report;
}

Result<PingReport> PublishPings::RunJob(const Job& job) {
  int64_t through = 0;
  try {
    through = std::stoll(job.payload);
  } catch (const std::exception&) {
    return Status::InvalidArgument(
        fmt::format("a publish-ping job's payload is a change sequence number, not '{}'", job.payload.substr(0, 40)));
  }
  return Run(through);
}

Status PublishPings::Send(const std::vector<std::string>& topics, const std::vector<std::string>& urls) {
  // Every hub and IndexNow get their ping even when one fails, so one
  // refusing party does not hold the others back; the retry sends to all.
  std::vector<std::string> failures;
  auto post = [&](const std::string& what, const std::string& url, std::string body, const char* content_type) {
    FetchRequest request;
    request.url = url;
    request.body = std::move(body);
    request.content_type = content_type;
    auto r = fetcher_.Fetch(request);
    if (!r.ok()) failures.push_back(fmt::format("{} {}: {}", what, url, r.status().message()));
  };
  if (!topics.empty())
    for (const auto& hub : config_.websub_hubs)
      for (const auto& chunk : Chunks(topics, kTopicsPerHubRequest))
        post("WebSub hub", hub, WebSubPingBody(chunk), "application/x-www-form-urlencoded");
  if (!config_.indexnow_key.empty() && !urls.empty())
    for (const auto& chunk : Chunks(urls, kUrlsPerIndexNowRequest))
      post("IndexNow", config_.indexnow_endpoint, IndexNowBody(config_, chunk), "application/json; charset=utf-8");
  if (failures.empty()) return Status::Ok();
  std::string message = "publish pings failed: ";
  for (size_t i = 0; i < failures.size(); ++i) message += (i ? "; " : "") + failures[i];
  return Status::Unavailable(message);
}

// --- the schedule --------------------------------------------------------

PingSchedule::PingSchedule(int64_t queued_through, std::chrono::seconds every, std::chrono::seconds settle)
    : queued_through_(queued_through), every_(every), settle_(settle) {}

std::optional<JobRequest> PingSchedule::Next(int64_t sequence, TimePoint now) {
  if (sequence <= queued_through_) return std::nullopt;
  if (!first_seen_) first_seen_ = now;
  if (now < *first_seen_ + settle_) return std::nullopt;
  if (last_queued_ && now < *last_queued_ + every_) return std::nullopt;
  return JobRequest{.kind = kPublishPingJob,
                    .key = fmt::format("{}@{}", kPublishPingJob, sequence),
                    .payload = std::to_string(sequence),
                    .run_at = now,
                    .max_attempts = 8};
}

void PingSchedule::Queued(const JobRequest& job, TimePoint now) {
  queued_through_ = std::max(queued_through_, static_cast<int64_t>(std::stoll(job.payload)));
  last_queued_ = now;
  first_seen_.reset();
}

}  // namespace newsdesk
