// The desk's comments room (issue 16, part 3): the moderation queue's tabs
// (pending, reported, hidden, spam) in keyset pages, bulk actions on the
// comments ticked, a ban from a comment (hiding the author's earlier
// comments on request), the hold-word list, and one reader's history.
// The rules are readers/' (Comments: who may hide, restore, change the hold
// list; MayBan: who may ban whom); this file is their desk.
#include <set>

#include "common/text.h"
#include "web/desk_impl.h"

namespace newsdesk {

namespace {

struct Tab {
  const char* name;
  CommentQueue queue;
};
constexpr Tab kTabs[] = {{"pending", CommentQueue::kPending},
                         {"reported", CommentQueue::kReported},
                         {"hidden", CommentQueue::kHidden},
                         {"spam", CommentQueue::kSpam}};

const Tab& TabNamed(const std::string& name) {
  for (const Tab& t : kTabs)
    if (name == t.name) return t;
  return kTabs[0];
}

// The bulk actions, by the form's `action`; each is audited as "comment.<name>".
constexpr const char* kBulkActions[] = {"approve", "hide", "spam", "resolve"};

// A bulk form acts on at most one page of comments.
constexpr size_t kMaxBulkIds = kPageSize;
// The hold list is read on every comment posted: keep it a list, not a dictionary.
constexpr size_t kMaxHoldWords = 500;

// StateName is a comment's state as the desk names it ("spam" is hidden as spam).
std::string StateName(const Comment& c) {
  switch (c.status) {
    case CommentStatus::kVisible: return "visible";
    case CommentStatus::kHeld: return "held";
    case CommentStatus::kHidden: return c.spam ? "spam" : "hidden";
    case CommentStatus::kDeleted: break;
  }
  return "deleted";
}

// ReturnTo is where a bulk action or a ban sends the moderator back: the
// reader's history it came from, or the room's tab.
std::string ReturnTo(const DeskRequest& r, const std::string& done) {
  const std::string back = r.Field("back");
  constexpr std::string_view kHistory = "/desk/comments/user/";
  if (back.rfind(kHistory, 0) == 0 && ParsePositiveId(std::string_view(back).substr(kHistory.size())))
    return back + "?done=" + done;
  return fmt::format("/desk/comments?tab={}&done={}", TabNamed(r.Field("tab")).name, done);
}

// CommentsNotice is what a room page says after a change, by its `done`
// and `n` (how many comments it took).
json CommentsNotice(const DeskRequest& r) {
  const std::string done = r.Query("done");
  for (const char* key : {"approve", "hide", "spam", "resolve", "banned", "hold_words"})
    if (done == key)
      return r.cat.Format(std::string("desk_comments_done_") + key,
                          {{"n", std::to_string(ParsePositiveId(r.Query("n")).value_or(0))}});
  return false;
}

json BulkActionsView(const DeskRequest& r) {
  json actions = json::array();
  for (const char* a : kBulkActions)
    actions.push_back({{"value", a}, {"text", r.cat.Get(std::string("desk_comments_action_") + a)}});
  return actions;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

json Desk::Impl::CommentRow(const DeskRequest& r, const QueuedComment& q) {
  const Comment& c = q.comment;
  const std::string state = StateName(c);
  const std::string& ed = config_.editions.front();
  return {{"id", c.id},
          {"author", c.author_deleted ? r.cat.Get("desk_deleted_account") : c.author_name},
          {"history_href", fmt::format("/desk/comments/user/{}", c.user_id)},
          {"when", When(r, c.created_at)},
          {"body", c.body},
          {"state", state},
          {"state_text", r.cat.Get("desk_comments_state_" + state)},
          {"reason", c.hold_reason.empty() ? json(false) : json(r.cat.Reason(c.hold_reason))},
          {"reports", q.open_reports},
          {"report_reason", q.open_reports == 0 ? json(false)
                            : q.report_reason.empty() ? json(r.cat.Get("desk_comments_no_reason"))
                                                      : json(q.report_reason)},
          {"article", q.article_headline},
          {"article_href", fmt::format("/{}/articles/{}-{}#c{}", ed, c.article_id, q.article_slug, c.id)},
          {"address", c.address},
          {"csrf", r.csrf()},
          {"ban_action", c.author_deleted || c.user_id == r.user.id ? json(false)
                                                                    : json(fmt::format("/desk/comments/{}/ban", c.id))}};
}

Response Desk::Impl::CommentsRoom(const DeskRequest& r) {
  const Tab& tab = TabNamed(r.Query("tab"));
  const int64_t after = ParsePositiveId(r.Query("after")).value_or(0);
  json tabs = json::array();
  for (const Tab& t : kTabs) {
    auto n = store_.CountCommentQueue(t.queue);
    if (!n.ok()) return StoreFailed(r, n.status());
    tabs.push_back({{"href", std::string("/desk/comments?tab=") + t.name},
                    {"text", r.cat.Get(std::string("desk_comments_tab_") + t.name)},
                    {"count", *n},
                    {"current", &t == &tab}});
  }
  auto page = store_.ListCommentQueue(tab.queue, after, kPageSize + 1);
  if (!page.ok()) return StoreFailed(r, page.status());
  const bool more = static_cast<int>(page->size()) > kPageSize;
  if (more) page->resize(kPageSize);
  json rows = json::array();
  for (const auto& q : *page) rows.push_back(CommentRow(r, q));
  json actions = BulkActionsView(r);
  json view = {{"room", true},
               {"tabs", tabs},
               {"tab", tab.name},
               {"back", ""},
               {"tab_text", r.cat.Get(std::string("desk_comments_tab_") + tab.name)},
               {"after", after ? json(std::to_string(after)) : json("")},
               {"rows", rows},
               {"empty", rows.empty()},
               {"actions", actions},
               {"notice", CommentsNotice(r)},
               {"hold_words", false}};
  if (more) view["next_href"] = fmt::format("/desk/comments?tab={}&after={}", tab.name, page->back().comment.id);
  auto words = comments_.HoldWords();
  if (!words.ok()) return StoreFailed(r, words.status());
  view["hold_words"] = {{"editable", AtLeast(r.user.role, Role::kEditor)},
                        {"text", JoinLines(*words) + (words->empty() ? "" : "\n")},
                        {"words", *words},
                        {"empty", words->empty()},
                        {"max", kMaxHoldWords}};
  return Render(r, 200, r.cat.Get("desk_nav_comments"), "desk_comments", view, "comments");
}

Response Desk::Impl::PostCommentsBulk(const DeskRequest& r) {
  const std::string action = r.Field("action");
  bool known = false;
  for (const char* a : kBulkActions) known = known || action == a;
  if (!known) return Invalid(r, r.cat.Get("desk_comments_unknown_action"));
  // Every id is checked before anything changes: a form with one bad id
  // changes nothing.
  std::vector<int64_t> ids;
  std::set<int64_t> seen;
  for (const auto& [name, value] : *r.form) {
    if (name != "id") continue;
    auto id = ParsePositiveId(value);
    if (!id) return Invalid(r, r.cat.Get("desk_comments_bad_id"));
    if (seen.insert(*id).second) ids.push_back(*id);
  }
  if (ids.empty()) return Invalid(r, r.cat.Get("desk_comments_no_ids"));
  if (ids.size() > kMaxBulkIds)
    return Invalid(r, r.cat.Format("desk_comments_too_many", {{"max", std::to_string(kMaxBulkIds)}}));
  std::vector<Comment> comments;
  for (int64_t id : ids) {
    auto c = store_.GetComment(id);
    if (c.status().is_not_found())
      return Invalid(r, r.cat.Format("desk_comments_unknown_comment", {{"id", std::to_string(id)}}));
    if (!c.ok()) return StoreFailed(r, c.status());
    // A deleted comment has no text left to act on (readers/ refuses it too).
    if (c->status == CommentStatus::kDeleted)
      return Invalid(r, r.cat.Format("desk_comments_deleted", {{"id", std::to_string(id)}}));
    comments.push_back(std::move(*c));
  }
  for (const Comment& c : comments) {
    Status s = action == "approve" ? comments_.Restore(r.user, c.id)
               : action == "hide"  ? comments_.Hide(r.user, c.id, "")
               : action == "spam"  ? comments_.MarkSpam(r.user, c.id)
                                   : comments_.Dismiss(r.user, c.id);
    if (!s.ok()) return StoreFailed(r, s);
    auto now = store_.GetComment(c.id);
    const std::string after = now.ok() ? StateName(*now) : "?";
    Audit(r, "comment." + action, fmt::format("comment:{}", c.id),
          (c.author_deleted ? "" : c.author_name + ": ") + CutWithEllipsis(c.body, 120), StateName(c),
          action == "resolve" ? after + "; reports resolved" : after);
    if (action == "approve" && c.status != CommentStatus::kVisible && now.ok() && services_.comment_approved)
      services_.comment_approved(*now);
  }
  return SeeOther(ReturnTo(r, action) + fmt::format("&n={}", comments.size()));
}

Response Desk::Impl::PostCommentBan(const DeskRequest& r) {
  auto c = store_.GetComment(r.id);
  if (!c.ok()) return Failure(r, c.status());
  if (c->author_deleted) return Invalid(r, r.cat.Get("desk_deleted_account"));
  auto author = store_.GetUser(c->user_id);
  if (!author.ok()) return Failure(r, author.status());
  Status s = Ban(r, *author, true, r.Field("hide") == "1");
  if (s.code() == Code::kInvalidArgument) return Invalid(r, r.cat.Reason(s));
  if (!s.ok()) return Failure(r, s);
  return SeeOther(ReturnTo(r, "banned"));
}

Response Desk::Impl::PostHoldWords(const DeskRequest& r) {
  const std::vector<std::string> words = NonEmptyLines(r.Field("words"));
  if (words.size() > kMaxHoldWords)
    return Invalid(r, r.cat.Format("desk_comments_too_many_words", {{"max", std::to_string(kMaxHoldWords)}}));
  auto before = comments_.HoldWords();
  if (!before.ok()) return StoreFailed(r, before.status());
  Status s = comments_.SetHoldWords(r.user, words);
  if (s.code() == Code::kInvalidArgument) return Invalid(r, r.cat.Reason(s));
  if (!s.ok()) return StoreFailed(r, s);
  auto after = comments_.HoldWords();
  if (!after.ok()) return StoreFailed(r, after.status());
  Audit(r, "comment.hold_words", "hold_words", fmt::format("{} words and phrases", after->size()), JoinLines(*before),
        JoinLines(*after));
  return SeeOther(fmt::format("/desk/comments?done=hold_words&n={}", after->size()));
}

Response Desk::Impl::CommentHistory(const DeskRequest& r) {
  auto user = store_.GetUser(r.id);
  if (!user.ok()) return Failure(r, user.status());
  const int64_t before = ParsePositiveId(r.Query("before")).value_or(0);
  auto page = store_.ListUserComments(r.id, before, kPageSize + 1);
  if (!page.ok()) return StoreFailed(r, page.status());
  const bool more = static_cast<int>(page->size()) > kPageSize;
  if (more) page->resize(kPageSize);
  json rows = json::array();
  for (const auto& q : *page) rows.push_back(CommentRow(r, q));
  const std::string name = user->deleted ? r.cat.Get("desk_deleted_account") : user->display_name;
  const std::string state = user->deleted ? "deleted" : user->banned ? "banned" : "active";
  json view = {{"history", true},
               {"back", fmt::format("/desk/comments/user/{}", r.id)},
               {"tab", "pending"},
               {"actions", BulkActionsView(r)},
               {"notice", CommentsNotice(r)},
               {"name", name},
               {"role", r.cat.Get(std::string("desk_role_") + RoleName(user->role))},
               {"state_text", r.cat.Get("desk_user_" + state)},
               {"rows", rows},
               {"empty", rows.empty()}};
  if (more) view["next_href"] = fmt::format("/desk/comments/user/{}?before={}", r.id, page->back().comment.id);
  return Render(r, 200, r.cat.Format("desk_comments_history_title", {{"name", name}}), "desk_comments", view,
                "comments");
}

}  // namespace newsdesk
