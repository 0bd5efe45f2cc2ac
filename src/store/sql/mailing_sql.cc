// mailing_sql.cc: MailingStore (store/mailing_store.h), the daily mailing's
// subscribers, runs and deliveries (issue 7).
#include <fmt/format.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

namespace {

std::vector<std::string> ParseEntityList(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

SubscriberState ParseSubscriberState(const std::string& s) {
  if (s == "confirmed") return SubscriberState::kConfirmed;
  if (s == "unsubscribed") return SubscriberState::kUnsubscribed;
  if (s == "bounced") return SubscriberState::kBounced;
  return SubscriberState::kPending;
}

Subscriber SubscriberFromRow(const Stmt& st) {
  Subscriber s;
  s.id = st.Int(0);
  s.email = st.Text(1);
  s.edition = st.Text(2);
  s.entities = ParseEntityList(st.Text(3));
  s.state = ParseSubscriberState(st.Text(4));
  s.created_at = FromSeconds(st.Int(5));
  if (!st.IsNull(6)) s.confirmation_sent_at = FromSeconds(st.Int(6));
  s.confirmations_sent = static_cast<int>(st.Int(7));
  s.hard_failures = static_cast<int>(st.Int(8));
  return s;
}

// DeliveryFromRow reads a queued delivery of run `run_id` and its
// subscriber, as ClaimDeliveries selects them, as it is once claimed.
Delivery ClaimedDeliveryFromRow(const Stmt& st, int64_t run_id) {
  Delivery d;
  d.run_id = run_id;
  d.subscriber.id = st.Int(0);
  d.state = DeliveryState::kSending;
  d.attempts = static_cast<int>(st.Int(2)) + 1;
  d.last_error = st.Text(3);
  d.subscriber.email = st.Text(4);
  d.subscriber.edition = st.Text(5);
  d.subscriber.entities = ParseEntityList(st.Text(6));
  d.subscriber.state = ParseSubscriberState(st.Text(7));
  d.subscriber.created_at = FromSeconds(st.Int(8));
  d.subscriber.hard_failures = static_cast<int>(st.Int(9));
  return d;
}

}  // namespace

Result<Subscriber> SqlStore::ReadSubscriber(const char* where, const std::function<void(Stmt&)>& bind) {
  return WithConnection<Subscriber>([&](Connection& c) {
    return QueryFound<Subscriber>(c,
        std::string("SELECT id, email, edition, entities, state, created_at, confirmation_sent_at, "
                    "confirmations_sent, hard_failures FROM subscribers WHERE ") + where,
        bind, SubscriberFromRow, "no such subscriber");
  });
}

Status SqlStore::UpdateSubscriber(const char* sql, int64_t id, const std::function<void(Stmt&)>& bind) {
  return Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c, sql, [&](Stmt& st) {
      st.Bind(1, id);
      bind(st);
    }));
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no subscriber {}", id));
    return Status::Ok();
  });
}

Result<Subscriber> SqlStore::SubscribePending(const std::string& email, const std::string& edition,
                                              const std::vector<std::string>& entities, TimePoint now) {
  ND_RETURN_IF_ERROR(ExecBound(
      "INSERT INTO subscribers (email, edition, entities, state, created_at) VALUES (?1, ?2, ?3, 'pending', ?4) "
      "ON CONFLICT (email) DO UPDATE SET "
      "edition = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.edition ELSE excluded.edition END, "
      "entities = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.entities ELSE excluded.entities END, "
      "hard_failures = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.hard_failures ELSE 0 END, "
      "state = CASE WHEN subscribers.state = 'confirmed' THEN 'confirmed' ELSE 'pending' END",
      [&](Stmt& st) {
        st.Bind(1, email).Bind(2, edition).Bind(3, nlohmann::json(entities).dump()).Bind(4, Seconds(now));
      }));
  return ReadSubscriber("email = ?1", [&](Stmt& st) { st.Bind(1, email); });
}

Result<Subscriber> SqlStore::GetSubscriber(int64_t id) {
  return ReadSubscriber("id = ?1", [&](Stmt& st) { st.Bind(1, id); });
}

Status SqlStore::RecordConfirmationSent(int64_t id, TimePoint at) {
  return UpdateSubscriber(
      "UPDATE subscribers SET confirmation_sent_at = ?2, confirmations_sent = confirmations_sent + 1 WHERE id = ?1",
      id, [&](Stmt& st) { st.Bind(2, Seconds(at)); });
}

Status SqlStore::SetSubscriberState(int64_t id, SubscriberState state) {
  return UpdateSubscriber("UPDATE subscribers SET state = ?2 WHERE id = ?1", id,
                          [&](Stmt& st) { st.Bind(2, std::string(SubscriberStateName(state))); });
}

Status SqlStore::SetSubscriberPreferences(int64_t id, const std::string& edition,
                                          const std::vector<std::string>& entities) {
  return UpdateSubscriber("UPDATE subscribers SET edition = ?2, entities = ?3 WHERE id = ?1", id, [&](Stmt& st) {
    st.Bind(2, edition).Bind(3, nlohmann::json(entities).dump());
  });
}

Result<int64_t> SqlStore::CountSubscribers(SubscriberState state) {
  return WithConnection<int64_t>([&](Connection& c) {
    return QueryInt(c, "SELECT COUNT(*) FROM subscribers WHERE state = ?",
                    [&](Stmt& st) { st.Bind(1, std::string(SubscriberStateName(state))); });
  });
}

Result<std::vector<DigestItem>> SqlStore::DigestArticles(const std::string& edition, TimePoint from, TimePoint to,
                                                         int limit) {
  return WithConnection<std::vector<DigestItem>>([&](Connection& c) -> Result<std::vector<DigestItem>> {
    std::vector<DigestItem> out;
    std::unordered_map<int64_t, size_t> by_id;
    ND_RETURN_IF_ERROR(QueryEach(c,
        std::string(kEditionSummaryColumns) + ", a.view_count, "
            "(SELECT COUNT(*) FROM comments m WHERE m.article_id = a.id AND m.status = 'visible') "
            "FROM articles a JOIN sources s ON s.id = a.source_id "
            "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 "
            "WHERE a.published_at >= ?2 AND a.published_at < ?3 AND a.state = 'published' "
            "ORDER BY a.published_at DESC, a.id DESC LIMIT ?4",
        [&](Stmt& st) { st.Bind(1, edition).Bind(2, Seconds(from)).Bind(3, Seconds(to)).Bind(4, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) {
          DigestItem item;
          item.summary = EditionSummaryFromRow(st, edition);
          item.views = st.Int(18);
          item.comments = st.Int(19);
          by_id.emplace(item.summary.id, out.size());
          out.push_back(std::move(item));
        }));
    ND_RETURN_IF_ERROR(QueryEach(c,
        "SELECT m.article_id, m.entity FROM article_mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE a.published_at >= ?1 AND a.published_at < ?2 ORDER BY m.article_id, m.count DESC, m.first_offset",
        [&](Stmt& st) { st.Bind(1, Seconds(from)).Bind(2, Seconds(to)); },
        [&](const Stmt& st) {
          if (auto it = by_id.find(st.Int(0)); it != by_id.end()) out[it->second].entities.push_back(st.Text(1));
        }));
    return out;
  });
}

Result<DigestRun> SqlStore::StartDigestRun(const std::string& day, TimePoint now) {
  ND_RETURN_IF_ERROR(Write([&](Connection& c) -> Status {
    ND_RETURN_IF_ERROR(Exec(c, "INSERT INTO digest_runs (day, started_at) VALUES (?1, ?2) ON CONFLICT (day) DO NOTHING",
                            [&](Stmt& st) { st.Bind(1, day).Bind(2, Seconds(now)); }));
    if (c.Changes() == 0) return Status::Ok();  // resumed: its deliveries exist
    auto run_id = c.LastInsertId();
    if (!run_id.ok()) return run_id.status();
    return Exec(c,
        "INSERT INTO digest_deliveries (run_id, subscriber_id, state, updated_at) "
        "SELECT ?1, id, 'queued', ?2 FROM subscribers WHERE state = 'confirmed'",
        [&](Stmt& st) { st.Bind(1, *run_id).Bind(2, Seconds(now)); });
  }));
  auto run = FindDigestRun(day);
  if (!run.ok()) return run.status();
  if (!*run) return Status::Internal("digest run vanished: " + day);
  return **run;
}

Result<std::optional<DigestRun>> SqlStore::FindDigestRun(const std::string& day) {
  return WithConnection<std::optional<DigestRun>>([&](Connection& c) {
    return QueryOne<DigestRun>(c, "SELECT id, day, started_at, finished_at FROM digest_runs WHERE day = ?",
        [&](Stmt& st) { st.Bind(1, day); },
        [](const Stmt& st) {
          DigestRun run{st.Int(0), st.Text(1), FromSeconds(st.Int(2)), std::nullopt};
          if (!st.IsNull(3)) run.finished_at = FromSeconds(st.Int(3));
          return run;
        });
  });
}

Status SqlStore::LeaseDigestRun(int64_t run_id, const std::string& holder, TimePoint now, TimePoint until,
                                const std::function<bool(const std::string&)>& holder_gone) {
  struct Lease {
    std::string holder;
    int64_t until = 0;
  };
  return Write([&](Connection& c) -> Status {
    auto lease = QueryFound<Lease>(c, "SELECT holder, lease_until FROM digest_runs WHERE id = ?",
                                   [&](Stmt& st) { st.Bind(1, run_id); },
                                   [](const Stmt& st) { return Lease{st.Text(0), st.Int(1)}; },
                                   fmt::format("no digest run {}", run_id));
    if (!lease.ok()) return lease.status();
    const bool held = !lease->holder.empty() && lease->holder != holder && lease->until > Seconds(now);
    if (held && !(holder_gone && holder_gone(lease->holder)))
      return Status::Unavailable(fmt::format("the digest is being sent by {} (lease until {})", lease->holder,
                                             FormatIso8601(FromSeconds(lease->until))));
    return Exec(c, "UPDATE digest_runs SET holder = ?2, lease_until = ?3 WHERE id = ?1",
                [&](Stmt& st) { st.Bind(1, run_id).Bind(2, holder).Bind(3, Seconds(until)); });
  });
}

Status SqlStore::ReleaseDigestRun(int64_t run_id, const std::string& holder) {
  return ExecBound("UPDATE digest_runs SET holder = '', lease_until = 0 WHERE id = ?1 AND holder = ?2",
                   [&](Stmt& st) { st.Bind(1, run_id).Bind(2, holder); });
}

Status SqlStore::RequeueInterrupted(int64_t run_id) {
  return ExecBound(
      "UPDATE digest_deliveries SET state = 'queued', next_attempt_at = 0 WHERE run_id = ? AND state = 'sending'",
      [&](Stmt& st) { st.Bind(1, run_id); });
}

Result<std::vector<Delivery>> SqlStore::ClaimDeliveries(int64_t run_id, int limit, TimePoint now) {
  return pool_.WriteReturning<std::vector<Delivery>>([&](Connection& c) -> Result<std::vector<Delivery>> {
    auto claimed = QueryAll<Delivery>(c,
        "SELECT d.subscriber_id, d.state, d.attempts, d.last_error, s.email, s.edition, s.entities, s.state, "
        "s.created_at, s.hard_failures FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
        "WHERE d.run_id = ?1 AND d.state = 'queued' AND d.next_attempt_at <= ?2 "
        "ORDER BY d.next_attempt_at, d.subscriber_id LIMIT ?3",
        [&](Stmt& st) { st.Bind(1, run_id).Bind(2, Seconds(now)).Bind(3, static_cast<int64_t>(limit)); },
        [&](const Stmt& st) { return ClaimedDeliveryFromRow(st, run_id); });
    if (!claimed.ok()) return claimed.status();
    for (const auto& d : *claimed) {
      ND_RETURN_IF_ERROR(Exec(c,
          "UPDATE digest_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ?3 "
          "WHERE run_id = ?1 AND subscriber_id = ?2",
          [&](Stmt& st) { st.Bind(1, run_id).Bind(2, d.subscriber.id).Bind(3, Seconds(now)); }));
    }
    return claimed;
  });
}

Status SqlStore::FinishDelivery(int64_t run_id, int64_t subscriber_id, DeliveryOutcome outcome,
                                const std::string& error, TimePoint retry_at, int max_hard_failures) {
  return Write([&](Connection& c) -> Status {
    const char* state =
        outcome == DeliveryOutcome::kSent ? "sent" : outcome == DeliveryOutcome::kRetry ? "queued" : "failed";
    ND_RETURN_IF_ERROR(Exec(c,
        "UPDATE digest_deliveries SET state = ?3, last_error = ?4, next_attempt_at = ?5, updated_at = ?6 "
        "WHERE run_id = ?1 AND subscriber_id = ?2",
        [&](Stmt& st) {
          st.Bind(1, run_id).Bind(2, subscriber_id).Bind(3, std::string(state)).Bind(4, error.substr(0, 1000))
              .Bind(5, Seconds(retry_at)).Bind(6, NowSeconds());
        }));
    if (outcome == DeliveryOutcome::kSent)
      return Exec(c, "UPDATE subscribers SET hard_failures = 0 WHERE id = ?1 AND hard_failures <> 0",
                  [&](Stmt& st) { st.Bind(1, subscriber_id); });
    if (outcome == DeliveryOutcome::kFailed)
      return Exec(c,
          "UPDATE subscribers SET hard_failures = hard_failures + 1, "
          "state = CASE WHEN hard_failures + 1 >= ?2 AND state = 'confirmed' THEN 'bounced' ELSE state END WHERE id = ?1",
          [&](Stmt& st) { st.Bind(1, subscriber_id).Bind(2, static_cast<int64_t>(max_hard_failures)); });
    return Status::Ok();
  });
}

Result<DigestProgress> SqlStore::GetDigestProgress(int64_t run_id) {
  return WithConnection<DigestProgress>([&](Connection& c) -> Result<DigestProgress> {
    DigestProgress out;
    ND_RETURN_IF_ERROR(QueryEach(c, "SELECT state, COUNT(*) FROM digest_deliveries WHERE run_id = ? GROUP BY state",
        [&](Stmt& st) { st.Bind(1, run_id); },
        [&](const Stmt& st) {
          const std::string state = st.Text(0);
          (state == "queued" ? out.queued : state == "sending" ? out.sending : state == "sent" ? out.sent : out.failed) =
              st.Int(1);
        }));
    return out;
  });
}

Result<std::optional<TimePoint>> SqlStore::NextDeliveryAt(int64_t run_id) {
  return WithConnection<std::optional<TimePoint>>([&](Connection& c) {
    return QueryRow<std::optional<TimePoint>>(c,
        "SELECT MIN(next_attempt_at) FROM digest_deliveries WHERE run_id = ? AND state = 'queued'",
        [&](Stmt& st) { st.Bind(1, run_id); },
        [](const Stmt& st) { return st.IsNull(0) ? std::optional<TimePoint>() : FromSeconds(st.Int(0)); });
  });
}

Status SqlStore::FinishDigestRun(int64_t run_id, TimePoint at) {
  return ExecBound("UPDATE digest_runs SET finished_at = ?2, holder = '', lease_until = 0 WHERE id = ?1",
                   [&](Stmt& st) { st.Bind(1, run_id).Bind(2, Seconds(at)); });
}

}  // namespace newsdesk::sql
