// Double opt-in: a pending address gets one confirmation mail, with limits,
// and no other mail until it is confirmed.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "digest/digest.h"
#include "render/catalog.h"

namespace newsdesk {

namespace {

constexpr auto kResendGap = std::chrono::minutes(10);
constexpr size_t kMaxFollowed = 20;

Status CheckChoice(const Config& config, const std::string& edition, const std::vector<std::string>& entities) {
  if (std::find(config.editions.begin(), config.editions.end(), edition) == config.editions.end())
    return Status::InvalidArgument(fmt::format("there is no '{}' edition", edition.substr(0, 20)))
        .With(ReasonCode::kNoSuchEdition, {{"edition", edition.substr(0, 20)}});
  if (entities.size() > kMaxFollowed)
    return Status::InvalidArgument(fmt::format("follow at most {} names", kMaxFollowed))
        .With(ReasonCode::kFollowTooMany, {{"max", std::to_string(kMaxFollowed)}});
  for (const auto& e : entities)
    if (!IsEntityId(e)) return Status::InvalidArgument("unknown name to follow").With(ReasonCode::kFollowUnknown);
  return Status::Ok();
}

}  // namespace

Subscriptions::Subscriptions(MailingStore& store, const Config& config, Mailer& mailer, SiteSecret secret, Clock clock)
    : store_(store),
      config_(config),
      base_url_(SiteBaseUrl(config)),
      mailer_(mailer),
      signer_(std::move(secret)),
      clock_(std::move(clock)) {}

TimePoint Subscriptions::Now() const {
  return clock_ ? clock_() : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string Subscriptions::ManageUrl(const Subscriber& s) const {
  return fmt::format("{}/{}/subscriptions/manage?token={}", base_url_, s.edition,
                     signer_.Sign(LinkSigner::Purpose::kManage, s.id, std::nullopt));
}

std::string Subscriptions::UnsubscribeUrl(const Subscriber& s) const {
  return fmt::format("{}/{}/subscriptions/unsubscribe?token={}", base_url_, s.edition,
                     signer_.Sign(LinkSigner::Purpose::kManage, s.id, std::nullopt));
}

Status Subscriptions::Subscribe(const std::string& email, const std::string& edition,
                                const std::vector<std::string>& entities) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok())
    return Status::InvalidArgument("that does not look like an e-mail address").With(ReasonCode::kSubscribeBadEmail);
  ND_RETURN_IF_ERROR(CheckChoice(config_, edition, entities));
  const TimePoint now = Now();
  auto s = store_.SubscribePending(*normalized, edition, entities, now);
  if (!s.ok()) return s.status();
  if (s->state == SubscriberState::kConfirmed) return Status::Ok();  // nothing to confirm; say nothing more
  const auto last = s->confirmation_sent_at;
  const bool allowed = !last || now - *last >= std::chrono::hours(24) ||
                       (now - *last >= kResendGap &&
                        s->confirmations_sent < static_cast<int>(config_.digest_confirmations_per_day));
  if (!allowed) {
    spdlog::info("subscription: confirmation for subscriber {} not sent again yet", s->id);
    return Status::Ok();
  }
  ND_RETURN_IF_ERROR(SendConfirmation(*s));
  return store_.RecordConfirmationSent(s->id, now);
}

Status Subscriptions::SendConfirmation(const Subscriber& s) {
  auto catalog = Catalog::Load(s.edition);
  if (!catalog.ok()) return catalog.status();
  auto from = ParseAddress(config_.mail_from);
  if (!from.ok()) return from.status();
  const std::string url =
      fmt::format("{}/{}/subscriptions/confirm?token={}", base_url_, s.edition,
                  signer_.Sign(LinkSigner::Purpose::kConfirm, s.id,
                               Now() + std::chrono::hours(config_.digest_confirm_hours)));
  const std::map<std::string, std::string> args = {
      {"site", config_.site_name}, {"url", url}, {"hours", std::to_string(config_.digest_confirm_hours)}};
  Message m;
  m.from = *from;
  if (!config_.mail_reply_to.empty())
    if (auto r = ParseAddress(config_.mail_reply_to); r.ok()) m.reply_to = *r;
  m.to = {Address{"", s.email}};
  m.subject = catalog->Format("digest_confirm_subject", args);
  m.text = catalog->Format("digest_confirm_text", args);
  Status sent = mailer_.Send(m);
  if (!sent.ok()) {
    spdlog::warn("subscription: confirmation mail to subscriber {} failed: {}", s.id, sent.message());
    if (sent.code() == Code::kInvalidArgument)
      return Status::InvalidArgument("the mail server refused this address").With(ReasonCode::kSubscribeAddressRefused);
    return Status::Unavailable("the confirmation mail could not be sent now; please try again later");
  }
  return Status::Ok();
}

Result<Subscriber> Subscriptions::SubscriberOfLink(LinkSigner::Purpose purpose, const std::string& token) {
  auto id = signer_.Verify(purpose, token, Now());
  if (!id.ok()) return id.status();
  auto s = store_.GetSubscriber(*id);
  if (!s.ok())
    return s.status().is_not_found()
               ? Status::InvalidArgument("this link is not valid").With(ReasonCode::kSubscriptionLinkInvalid)
               : s.status();
  return s;
}

Result<Subscriber> Subscriptions::Confirm(const std::string& token) {
  auto s = SubscriberOfLink(LinkSigner::Purpose::kConfirm, token);
  if (!s.ok()) return s.status();
  if (s->state == SubscriberState::kPending) {
    ND_RETURN_IF_ERROR(store_.SetSubscriberState(s->id, SubscriberState::kConfirmed));
    s->state = SubscriberState::kConfirmed;
  } else if (s->state != SubscriberState::kConfirmed) {
    return Status::InvalidArgument("this subscription was cancelled: subscribe again to get a new link")
        .With(ReasonCode::kSubscriptionCancelled);
  }
  return s;
}

Result<Subscriber> Subscriptions::Manage(const std::string& token) {
  return SubscriberOfLink(LinkSigner::Purpose::kManage, token);
}

Result<Subscriber> Subscriptions::Unsubscribe(const std::string& token) {
  auto s = Manage(token);
  if (!s.ok()) return s.status();
  if (s->state != SubscriberState::kUnsubscribed) {
    ND_RETURN_IF_ERROR(store_.SetSubscriberState(s->id, SubscriberState::kUnsubscribed));
    s->state = SubscriberState::kUnsubscribed;
  }
  return s;
}

Status Subscriptions::UpdatePreferences(const std::string& token, const std::string& edition,
                                        const std::vector<std::string>& entities) {
  auto s = Manage(token);
  if (!s.ok()) return s.status();
  ND_RETURN_IF_ERROR(CheckChoice(config_, edition, entities));
  return store_.SetSubscriberPreferences(s->id, edition, entities);
}

}  // namespace newsdesk
