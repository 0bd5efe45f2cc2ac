// mailing_sql.cc: MailingStore (store/mailing_store.h): subscribers, digest runs and deliveries.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/minhash.h"
#include "common/text.h"
#include "common/time.h"
#include "model/block_json.h"
#include "store/sql/sql_internal.h"

namespace newsdesk::sql {

// --- the daily mailing (issue 7) ---------------------------------------------

Result<Subscriber> SqlStore::SubscribePending(const std::string& email, const std::string& edition,
                                    const std::vector<std::string>& entities, TimePoint now) {
  auto written = Write([&](Connection& c) -> Status {
    return sql::Exec(c,
        "INSERT INTO subscribers (email, edition, entities, state, created_at) VALUES (?1, ?2, ?3, 'pending', ?4) "
        "ON CONFLICT (email) DO UPDATE SET "
        "edition = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.edition ELSE excluded.edition END, "
        "entities = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.entities ELSE excluded.entities END, "
        "hard_failures = CASE WHEN subscribers.state = 'confirmed' THEN subscribers.hard_failures ELSE 0 END, "
        "state = CASE WHEN subscribers.state = 'confirmed' THEN 'confirmed' ELSE 'pending' END",
            [&](Stmt& st) { st.Bind(1, email).Bind(2, edition).Bind(3, nlohmann::json(entities).dump()).Bind(4, Seconds(now)); });
  });
  ND_RETURN_IF_ERROR(written);
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
  return WithConnection<int64_t>([&](Connection& c) -> Result<int64_t> {
    auto p = c.Prepare("SELECT COUNT(*) FROM subscribers WHERE state = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, std::string(SubscriberStateName(state)));
    if (st.Step() != kRow) return Status::IOError(c.LastError());
    return st.Int(0);
  });
}

Result<std::vector<DigestItem>> SqlStore::DigestArticles(const std::string& edition, TimePoint from, TimePoint to,
                                               int limit) {
  return WithConnection<std::vector<DigestItem>>([&](Connection& c) -> Result<std::vector<DigestItem>> {
    auto p = c.Prepare(
        "SELECT a.id, a.slug, a.language, a.headline, a.published_at, a.lead, "
        "s.id, s.slug, s.name, s.home_url, s.country, s.language, "
        "t.headline, t.dateline, t.lead, t.produced_by, a.story_id, a.view_count, "
        "(SELECT COUNT(*) FROM comments m WHERE m.article_id = a.id AND m.status = 'visible') "
        "FROM articles a JOIN sources s ON s.id = a.source_id "
        "LEFT JOIN article_translations t ON t.article_id = a.id AND t.language = ?1 "
        "WHERE a.published_at >= ?2 AND a.published_at < ?3 ORDER BY a.published_at DESC, a.id DESC LIMIT ?4");
    if (!p.ok()) return p.status();
    std::vector<DigestItem> out;
    std::unordered_map<int64_t, size_t> by_id;
    {
      Stmt st(*p);
      st.Bind(1, edition).Bind(2, Seconds(from)).Bind(3, Seconds(to)).Bind(4, static_cast<int64_t>(limit));
      int rc;
      while ((rc = st.Step()) == kRow) {
        DigestItem item;
        item.summary = SummaryFromRow(st);
        item.summary.story_id = st.Int(16);
        if (!st.IsNull(12)) {
          Translation t;
          t.language = edition;
          t.headline = st.Text(12);
          t.dateline = st.Text(13);
          t.body = {Block{BlockType::kParagraph, st.Text(14), {}, {}, {}, {}}};
          t.by = st.Text(15) == "human" ? TranslatedBy::kHuman : TranslatedBy::kMachine;
          item.summary.translation = std::move(t);
        }
        item.views = st.Int(17);
        item.comments = st.Int(18);
        by_id.emplace(item.summary.id, out.size());
        out.push_back(std::move(item));
      }
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    auto m = c.Prepare(
        "SELECT m.article_id, m.entity FROM article_mentions m JOIN articles a ON a.id = m.article_id "
        "WHERE a.published_at >= ?1 AND a.published_at < ?2 ORDER BY m.article_id, m.count DESC, m.first_offset");
    if (!m.ok()) return m.status();
    Stmt st(*m);
    st.Bind(1, Seconds(from)).Bind(2, Seconds(to));
    int rc;
    while ((rc = st.Step()) == kRow)
      if (auto it = by_id.find(st.Int(0)); it != by_id.end()) out[it->second].entities.push_back(st.Text(1));
    if (rc != kDone) return Status::IOError(c.LastError());
    return out;
  });
}

Result<DigestRun> SqlStore::StartDigestRun(const std::string& day, TimePoint now) {
  auto written = Write([&](Connection& c) -> Status {
    auto run = c.Prepare("INSERT INTO digest_runs (day, started_at) VALUES (?1, ?2) ON CONFLICT (day) DO NOTHING");
    if (!run.ok()) return run.status();
    {
      Stmt st(*run);
      st.Bind(1, day).Bind(2, Seconds(now));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    if (c.Changes() == 0) return Status::Ok();  // resumed: its deliveries exist
    auto queue = c.Prepare(
        "INSERT INTO digest_deliveries (run_id, subscriber_id, state, updated_at) "
        "SELECT ?1, id, 'queued', ?2 FROM subscribers WHERE state = 'confirmed'");
    if (!queue.ok()) return queue.status();
    auto run_id = c.LastInsertId();
    if (!run_id.ok()) return run_id.status();
    Stmt st(*queue);
    st.Bind(1, *run_id).Bind(2, Seconds(now));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    return Status::Ok();
  });
  ND_RETURN_IF_ERROR(written);
  auto run = FindDigestRun(day);
  if (!run.ok()) return run.status();
  if (!*run) return Status::Internal("digest run vanished: " + day);
  return **run;
}

Result<std::optional<DigestRun>> SqlStore::FindDigestRun(const std::string& day) {
  return WithConnection<std::optional<DigestRun>>([&](Connection& c) -> Result<std::optional<DigestRun>> {
    auto p = c.Prepare("SELECT id, day, started_at, finished_at FROM digest_runs WHERE day = ?");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, day);
    const int rc = st.Step();
    if (rc == kDone) return std::optional<DigestRun>();
    if (rc != kRow) return Status::IOError(c.LastError());
    DigestRun run{st.Int(0), st.Text(1), TimePoint{std::chrono::seconds{st.Int(2)}}, std::nullopt};
    if (!st.IsNull(3)) run.finished_at = TimePoint{std::chrono::seconds{st.Int(3)}};
    return std::optional<DigestRun>(run);
  });
}

Status SqlStore::LeaseDigestRun(int64_t run_id, const std::string& holder, TimePoint now, TimePoint until,
                      const std::function<bool(const std::string&)>& holder_gone) {
  return Write([&](Connection& c) -> Status {
    auto p = c.Prepare("SELECT holder, lease_until FROM digest_runs WHERE id = ?");
    if (!p.ok()) return p.status();
    {
      Stmt st(*p);
      st.Bind(1, run_id);
      if (st.Step() != kRow) return Status::NotFound(fmt::format("no digest run {}", run_id));
      const std::string current = st.Text(0);
      const bool held = !current.empty() && current != holder && st.Int(1) > Seconds(now);
      if (held && !(holder_gone && holder_gone(current)))
        return Status::Unavailable(fmt::format("the digest is being sent by {} (lease until {})", current,
                                               FormatIso8601(TimePoint{std::chrono::seconds{st.Int(1)}})));
    }
    auto set = c.Prepare("UPDATE digest_runs SET holder = ?2, lease_until = ?3 WHERE id = ?1");
    if (!set.ok()) return set.status();
    Stmt st(*set);
    st.Bind(1, run_id).Bind(2, holder).Bind(3, Seconds(until));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    return Status::Ok();
  });
}

Status SqlStore::ReleaseDigestRun(int64_t run_id, const std::string& holder) {
  return Write([&](Connection& c) -> Status {
    return sql::Exec(c, "UPDATE digest_runs SET holder = '', lease_until = 0 WHERE id = ?1 AND holder = ?2",
        [&](Stmt& st) { st.Bind(1, run_id).Bind(2, holder); });
  });
}

Status SqlStore::RequeueInterrupted(int64_t run_id) {
  return Write([&](Connection& c) -> Status {
    return sql::Exec(c,
        "UPDATE digest_deliveries SET state = 'queued', next_attempt_at = 0 WHERE run_id = ? AND state = 'sending'",
            [&](Stmt& st) { st.Bind(1, run_id); });
  });
}

Result<std::vector<Delivery>> SqlStore::ClaimDeliveries(int64_t run_id, int limit, TimePoint now) {
  std::vector<Delivery> claimed;
  auto written = Write([&](Connection& c) -> Status {
    claimed.clear();  // a transaction PostgreSQL asked to run again starts afresh
    auto p = c.Prepare(
        "SELECT d.subscriber_id, d.state, d.attempts, d.last_error, s.email, s.edition, s.entities, s.state, "
        "s.created_at, s.hard_failures FROM digest_deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
        "WHERE d.run_id = ?1 AND d.state = 'queued' AND d.next_attempt_at <= ?2 "
        "ORDER BY d.next_attempt_at, d.subscriber_id LIMIT ?3");
    if (!p.ok()) return p.status();
    {
      Stmt st(*p);
      st.Bind(1, run_id).Bind(2, Seconds(now)).Bind(3, static_cast<int64_t>(limit));
      int rc;
      while ((rc = st.Step()) == kRow) {
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
        d.subscriber.created_at = TimePoint{std::chrono::seconds{st.Int(8)}};
        d.subscriber.hard_failures = static_cast<int>(st.Int(9));
        claimed.push_back(std::move(d));
      }
      if (rc != kDone) return Status::IOError(c.LastError());
    }
    auto mark = c.Prepare(
        "UPDATE digest_deliveries SET state = 'sending', attempts = attempts + 1, updated_at = ?3 "
        "WHERE run_id = ?1 AND subscriber_id = ?2");
    if (!mark.ok()) return mark.status();
    for (const auto& d : claimed) {
      Stmt st(*mark);
      st.Bind(1, run_id).Bind(2, d.subscriber.id).Bind(3, Seconds(now));
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    return Status::Ok();
  });
  ND_RETURN_IF_ERROR(written);
  return claimed;
}

Status SqlStore::FinishDelivery(int64_t run_id, int64_t subscriber_id, DeliveryOutcome outcome, const std::string& error,
                      TimePoint retry_at, int max_hard_failures) {
  return Write([&](Connection& c) -> Status {
    const char* state = outcome == DeliveryOutcome::kSent ? "sent" : outcome == DeliveryOutcome::kRetry ? "queued" : "failed";
    auto p = c.Prepare(
        "UPDATE digest_deliveries SET state = ?3, last_error = ?4, next_attempt_at = ?5, updated_at = ?6 "
        "WHERE run_id = ?1 AND subscriber_id = ?2");
    if (!p.ok()) return p.status();
    {
      Stmt st(*p);
      st.Bind(1, run_id).Bind(2, subscriber_id).Bind(3, std::string(state)).Bind(4, error.substr(0, 1000))
          .Bind(5, Seconds(retry_at)).Bind(6, NowSeconds());
      if (st.Step() != kDone) return Status::IOError(c.LastError());
    }
    const char* sql = nullptr;
    if (outcome == DeliveryOutcome::kSent) sql = "UPDATE subscribers SET hard_failures = 0 WHERE id = ?1 AND hard_failures <> 0";
    if (outcome == DeliveryOutcome::kFailed)
      sql = "UPDATE subscribers SET hard_failures = hard_failures + 1, "
            "state = CASE WHEN hard_failures + 1 >= ?2 AND state = 'confirmed' THEN 'bounced' ELSE state END WHERE id = ?1";
    if (!sql) return Status::Ok();
    auto q = c.Prepare(sql);
    if (!q.ok()) return q.status();
    Stmt st(*q);
    st.Bind(1, subscriber_id);
    if (outcome == DeliveryOutcome::kFailed) st.Bind(2, static_cast<int64_t>(max_hard_failures));
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    return Status::Ok();
  });
}

Result<DigestProgress> SqlStore::GetDigestProgress(int64_t run_id) {
  return WithConnection<DigestProgress>([&](Connection& c) -> Result<DigestProgress> {
    auto p = c.Prepare("SELECT state, COUNT(*) FROM digest_deliveries WHERE run_id = ? GROUP BY state");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, run_id);
    DigestProgress out;
    int rc;
    while ((rc = st.Step()) == kRow) {
      const std::string state = st.Text(0);
      (state == "queued" ? out.queued : state == "sending" ? out.sending : state == "sent" ? out.sent : out.failed) =
          st.Int(1);
    }
    if (rc != kDone) return Status::IOError(c.LastError());
    return out;
  });
}

Result<std::optional<TimePoint>> SqlStore::NextDeliveryAt(int64_t run_id) {
  return WithConnection<std::optional<TimePoint>>([&](Connection& c) -> Result<std::optional<TimePoint>> {
    auto p = c.Prepare(
        "SELECT MIN(next_attempt_at) FROM digest_deliveries WHERE run_id = ? AND state = 'queued'");
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, run_id);
    if (st.Step() != kRow) return Status::IOError(c.LastError());
    if (st.IsNull(0)) return std::optional<TimePoint>();
    return std::optional<TimePoint>(TimePoint{std::chrono::seconds{st.Int(0)}});
  });
}

Status SqlStore::FinishDigestRun(int64_t run_id, TimePoint at) {
  return Write([&](Connection& c) -> Status {
    return sql::Exec(c, "UPDATE digest_runs SET finished_at = ?2, holder = '', lease_until = 0 WHERE id = ?1",
        [&](Stmt& st) { st.Bind(1, run_id).Bind(2, Seconds(at)); });
  });
}

std::vector<std::string> SqlStore::ParseEntityList(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

SubscriberState SqlStore::ParseSubscriberState(const std::string& s) {
  if (s == "confirmed") return SubscriberState::kConfirmed;
  if (s == "unsubscribed") return SubscriberState::kUnsubscribed;
  if (s == "bounced") return SubscriberState::kBounced;
  return SubscriberState::kPending;
}

template <typename BindFn>
Result<Subscriber> SqlStore::ReadSubscriber(const char* where, BindFn bind) {
  return WithConnection<Subscriber>([&](Connection& c) -> Result<Subscriber> {
    auto p = c.Prepare(std::string("SELECT id, email, edition, entities, state, created_at, confirmation_sent_at, "
                                   "confirmations_sent, hard_failures FROM subscribers WHERE ") + where);
    if (!p.ok()) return p.status();
    Stmt st(*p);
    bind(st);
    const int rc = st.Step();
    if (rc == kDone) return Status::NotFound("no such subscriber");
    if (rc != kRow) return Status::IOError(c.LastError());
    Subscriber s;
    s.id = st.Int(0);
    s.email = st.Text(1);
    s.edition = st.Text(2);
    s.entities = ParseEntityList(st.Text(3));
    s.state = ParseSubscriberState(st.Text(4));
    s.created_at = TimePoint{std::chrono::seconds{st.Int(5)}};
    if (!st.IsNull(6)) s.confirmation_sent_at = TimePoint{std::chrono::seconds{st.Int(6)}};
    s.confirmations_sent = static_cast<int>(st.Int(7));
    s.hard_failures = static_cast<int>(st.Int(8));
    return s;
  });
}

template <typename BindFn>
Status SqlStore::UpdateSubscriber(const char* sql, int64_t id, BindFn bind) {
  return Write([&](Connection& c) -> Status {
    auto p = c.Prepare(sql);
    if (!p.ok()) return p.status();
    Stmt st(*p);
    st.Bind(1, id);
    bind(st);
    if (st.Step() != kDone) return Status::IOError(c.LastError());
    if (c.Changes() == 0) return Status::NotFound(fmt::format("no subscriber {}", id));
    return Status::Ok();
  });
}

}  // namespace newsdesk::sql
