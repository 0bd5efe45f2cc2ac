// The desk's records: people and their roles, the job queue, the audit log.
#include "web/desk_impl.h"

#include <algorithm>

namespace newsdesk {

namespace {

// The kinds of action the audit log can be filtered by (action prefixes).
const char* const kAuditKinds[] = {"source", "feed", "user", "job", "entity", "translation", "comment", "article"};

// DayOf reads "YYYY-MM-DD" as the start of that UTC day.
std::optional<TimePoint> DayOf(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  auto t = ParseIso8601(text + "T00:00:00Z");
  if (!t.ok()) return std::nullopt;
  return *t;
}

}  // namespace

Response Desk::Impl::People(const DeskRequest& r) {
  UserQuery q;
  q.search = r.Query("q").substr(0, 200);
  if (auto role = ParseRole(r.Query("role"))) q.role = *role;
  if (auto after = ParsePositiveId(r.Query("after"))) q.after_id = *after;
  q.limit = kPageSize + 1;
  auto users = store_.ListUsers(q);
  if (!users.ok()) return StoreFailed(r, users.status());
  const bool more = static_cast<int>(users->size()) > kPageSize;
  if (more) users->resize(kPageSize);
  json rows = json::array();
  for (const auto& o : *users) {
    const User& u = o.user;
    const std::string state = u.deleted ? "deleted" : u.banned ? "banned" : u.email_confirmed ? "active" : "unconfirmed";
    json roles = json::array();
    for (Role role : {Role::kReader, Role::kModerator, Role::kEditor, Role::kAdmin})
      roles.push_back({{"value", RoleName(role)}, {"text", r.cat.Get(std::string("desk_role_") + RoleName(role))},
                       {"selected", role == u.role}});
    rows.push_back({{"id", u.id},
                    {"name", u.deleted ? r.cat.Get("desk_deleted_account") : u.display_name},
                    {"email", u.email},
                    {"role", r.cat.Get(std::string("desk_role_") + RoleName(u.role))},
                    {"roles", roles},
                    {"state", state},
                    {"state_text", r.cat.Get("desk_user_" + state)},
                    {"last_login", When(r, o.last_login)},
                    {"comments", o.comments},
                    {"self", u.id == r.user.id},
                    {"editable", !u.deleted && u.id != r.user.id},
                    {"banned", u.banned},
                    {"csrf", r.csrf()},
                    {"role_action", fmt::format("/desk/people/{}/role", u.id)},
                    {"ban_action", fmt::format("/desk/people/{}/ban", u.id)},
                    {"reset_action", fmt::format("/desk/people/{}/reset", u.id)},
                    {"history_href", fmt::format("/desk/comments/user/{}", u.id)}});
  }
  json role_filter = json::array();
  for (Role role : {Role::kReader, Role::kModerator, Role::kEditor, Role::kAdmin})
    role_filter.push_back({{"value", RoleName(role)}, {"text", r.cat.Get(std::string("desk_role_") + RoleName(role))},
                           {"selected", q.role && *q.role == role}});
  json view = {{"rows", rows}, {"empty", rows.empty()}, {"q", q.search}, {"roles", role_filter},
               {"notice", DoneNotice(r, {"role", "banned", "unbanned", "reset"})}};
  if (more) {
    std::string next = fmt::format("/desk/people?after={}", users->back().user.id);
    if (!q.search.empty()) next += "&q=" + PercentEncode(q.search);
    if (q.role) next += std::string("&role=") + RoleName(*q.role);
    view["next_href"] = next;
  }
  return Render(r, 200, r.cat.Get("desk_nav_people"), "desk_people", view, "people");
}

Response Desk::Impl::PostRole(const DeskRequest& r) {
  auto role = ParseRole(r.Field("role"));
  if (!role) return Invalid(r, r.cat.Get("desk_unknown_role"));
  if (r.id == r.user.id) return Invalid(r, r.cat.Get("desk_own_role"));
  auto user = store_.GetUser(r.id);
  if (!user.ok()) return Failure(r, user.status());
  if (user->deleted) return Invalid(r, r.cat.Get("desk_deleted_account"));
  UserChanges change;
  change.role = *role;
  Status s = store_.UpdateUser(r.id, change);
  if (!s.ok()) return Failure(r, s);
  Audit(r, "user.role", fmt::format("user:{}", r.id), user->display_name, RoleName(user->role), RoleName(*role));
  return SeeOther("/desk/people?done=role");
}

Response Desk::Impl::PostBan(const DeskRequest& r) {
  const std::string banned_field = r.Field("banned");
  if (banned_field != "1" && banned_field != "0") return Invalid(r, r.cat.Get("desk_form_incomplete"));
  if (r.id == r.user.id) return Invalid(r, r.cat.Get("desk_own_role"));
  auto user = store_.GetUser(r.id);
  if (!user.ok()) return Failure(r, user.status());
  const bool ban = banned_field == "1";
  Status s = Ban(r, *user, ban, r.Field("hide") == "1");
  if (s.code() == Code::kInvalidArgument) return Invalid(r, r.cat.Reason(s));
  if (!s.ok()) return Failure(r, s);
  return SeeOther(ban ? "/desk/people?done=banned" : "/desk/people?done=unbanned");
}

Status Desk::Impl::Ban(const DeskRequest& r, const User& target, bool ban, bool hide) {
  ND_RETURN_IF_ERROR(MayBan(r.user, target));
  UserChanges change;
  change.banned = ban;
  ND_RETURN_IF_ERROR(store_.UpdateUser(target.id, change));
  // A banned reader is logged out everywhere at once, and on request their
  // earlier comments are hidden with them (a spammer's).
  std::string after = ban ? "banned" : "active";
  if (ban) {
    ND_RETURN_IF_ERROR(store_.DeleteUserSessions(target.id));
    if (hide) {
      auto hidden = store_.HideUserComments(target.id, "the author was banned");
      if (!hidden.ok()) return hidden.status();
      after += fmt::format("; {} comments hidden", *hidden);
    }
  }
  Audit(r, ban ? "user.ban" : "user.unban", fmt::format("user:{}", target.id), target.display_name,
        target.banned ? "banned" : "active", after);
  return Status::Ok();
}

Response Desk::Impl::PostPasswordReset(const DeskRequest& r) {
  auto user = store_.GetUser(r.id);
  if (!user.ok()) return Failure(r, user.status());
  if (user->deleted) return Invalid(r, r.cat.Get("desk_deleted_account"));
  if (!services_.send_password_reset) return StoreFailed(r, Status::Unavailable("the desk was given no mail"));
  // The mail speaks the desk's language when the site has that edition.
  const auto& eds = config_.editions;
  const std::string lang = std::find(eds.begin(), eds.end(), r.lang) != eds.end() ? r.lang : eds.front();
  Status s = services_.send_password_reset(user->id, lang);
  if (s.code() == Code::kUnavailable)
    return Message(r.ctx, &r.user, r.lang, 503, r.cat.Get("error_503_title"), r.cat.Get("desk_people_reset_no_mail"));
  if (!s.ok()) return Failure(r, s);
  Audit(r, "user.password_reset", fmt::format("user:{}", user->id), user->display_name, "", "reset link mailed");
  return SeeOther("/desk/people?done=reset");
}

Response Desk::Impl::Jobs(const DeskRequest& r) {
  auto counts = store_.CountJobs();
  if (!counts.ok()) return StoreFailed(r, counts.status());
  auto jobs = store_.ListJobs({JobState::kRunning, JobState::kFailed, JobState::kQueued}, 200);
  if (!jobs.ok()) return StoreFailed(r, jobs.status());
  json rows = json::array();
  for (const auto& j : *jobs) {
    rows.push_back({{"id", j.id},
                    {"kind", j.kind},
                    {"key", j.key},
                    {"state", JobStateName(j.state)},
                    {"state_text", r.cat.Get(std::string("desk_job_") + JobStateName(j.state))},
                    {"attempts", fmt::format("{}/{}", j.attempts, j.max_attempts)},
                    {"run_at", When(r, j.run_at)},
                    {"holder", j.holder},
                    {"error", j.last_error.empty() ? json(false) : json(j.last_error)},
                    {"failed", j.state == JobState::kFailed},
                    {"csrf", r.csrf()},
                    {"retry_action", fmt::format("/desk/jobs/{}/retry", j.id)}});
  }
  json view = {{"rows", rows},
               {"empty", rows.empty()},
               {"counts", {{"queued", counts->queued}, {"running", counts->running}, {"done", counts->done},
                           {"failed", counts->failed}}},
               {"notice", DoneNotice(r, {"retried"})}};
  return Render(r, 200, r.cat.Get("desk_nav_jobs"), "desk_jobs", view, "jobs");
}

Response Desk::Impl::PostRetryJob(const DeskRequest& r) {
  auto job = store_.GetJob(r.id);
  if (!job.ok()) return Failure(r, job.status());
  Status s = store_.RetryJob(r.id, Now());
  if (s.code() == Code::kInvalidArgument) return Invalid(r, r.cat.Get("desk_job_not_failed"));
  if (!s.ok()) return Failure(r, s);
  Audit(r, "job.retry", fmt::format("job:{}", r.id), job->kind + (job->key.empty() ? "" : " " + job->key),
        job->last_error, "queued");
  return SeeOther("/desk/jobs?done=retried");
}

Response Desk::Impl::AuditLogPage(const DeskRequest& r) {
  AuditQuery q;
  q.actor = r.Query("actor").substr(0, 200);
  const std::string kind = r.Query("kind");
  for (const char* k : kAuditKinds)
    if (kind == k) q.action_prefix = kind + ".";
  const std::string since_text = r.Query("since"), until_text = r.Query("until");
  std::vector<std::string> problems;
  if (!since_text.empty()) {
    if (auto t = DayOf(since_text)) q.since = *t;
    else problems.push_back(r.cat.Format("desk_bad_date", {{"date", since_text}}));
  }
  if (!until_text.empty()) {
    if (auto t = DayOf(until_text)) q.until = *t + std::chrono::days(1);  // the whole day named
    else problems.push_back(r.cat.Format("desk_bad_date", {{"date", until_text}}));
  }
  if (auto before = ParsePositiveId(r.Query("before"))) q.before_id = *before;
  q.limit = kPageSize;
  auto page = store_.ListAudit(q);
  if (!page.ok()) return StoreFailed(r, page.status());
  auto actors = store_.ListAuditActors();
  if (!actors.ok()) return StoreFailed(r, actors.status());
  json rows = json::array();
  for (const auto& e : page->entries) {
    rows.push_back({{"id", e.id},
                    {"when", When(r, e.at)},
                    {"actor", e.actor_name.empty() ? e.actor : e.actor_name},
                    {"actor_id", e.actor},
                    {"action", e.action},
                    {"target", e.target},
                    {"summary", e.summary},
                    {"before", e.before.empty() ? json(false) : json(e.before)},
                    {"after", e.after.empty() ? json(false) : json(e.after)}});
  }
  json actor_options = json::array();
  for (const auto& [actor, name] : *actors)
    actor_options.push_back({{"value", actor}, {"text", name.empty() ? actor : name + " (" + actor + ")"},
                             {"selected", actor == q.actor}});
  json kinds = json::array();
  for (const char* k : kAuditKinds)
    kinds.push_back({{"value", k}, {"text", r.cat.Get(std::string("desk_kind_") + k)}, {"selected", kind == k}});
  json view = {{"rows", rows},
               {"empty", rows.empty()},
               {"actors", actor_options},
               {"kinds", kinds},
               {"since", since_text},
               {"until", until_text},
               {"problems", problems}};
  if (page->next_before_id) {
    std::string next = fmt::format("/desk/audit?before={}", *page->next_before_id);
    if (!q.actor.empty()) next += "&actor=" + PercentEncode(q.actor);
    if (!q.action_prefix.empty()) next += "&kind=" + PercentEncode(kind);
    if (q.since) next += "&since=" + PercentEncode(since_text);
    if (q.until) next += "&until=" + PercentEncode(until_text);
    view["next_href"] = next;
  }
  return Render(r, 200, r.cat.Get("desk_nav_audit"), "desk_audit", view, "audit");
}

}  // namespace newsdesk
