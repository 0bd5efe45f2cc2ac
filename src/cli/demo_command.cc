// newsdesk demo: the demo site in an empty data directory (what `make run`
// serves). The corpus is import/demo.h's, its dates moved to today; the
// readers' comments are posted at their moved times; a demo editor is made
// with a fresh password, printed once. A directory that holds a site already
// is left as it is, so running it again changes nothing.
#include <fmt/format.h>

#include <map>

#include "cli/commands.h"
#include "import/demo.h"
#include "mentions/tagger.h"
#include "readers/readers.h"
#include "store/store.h"

namespace newsdesk {

namespace {

constexpr const char* kDemoEditorEmail = "editor@demo.example";

std::string Age(std::chrono::seconds s) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(s).count();
  if (minutes < 60) return fmt::format("{} min", minutes);
  if (minutes < 48 * 60) return fmt::format("{} h {} min", minutes / 60, minutes % 60);
  return fmt::format("{} days", minutes / (24 * 60));
}

// DemoAccount makes a demo account, or finds the one an interrupted run
// made and gives it `password` and `role` again.
Result<User> DemoAccount(Accounts& accounts, Store& store, const std::string& email, const std::string& name,
                         const std::string& password, Role role) {
  auto made = accounts.AddUser(email, name, password, role);
  if (made.ok() || made.status().code() != Code::kAlreadyExists) return made;
  auto found = store.GetUserByEmail(email);
  if (!found.ok()) return found.status();
  ND_RETURN_IF_ERROR(accounts.SetPassword(found->id, password));
  ND_RETURN_IF_ERROR(accounts.SetRole(found->id, role));
  return found;
}

}  // namespace

Status RunDemo(const Config& config, const std::string& demo_dir) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto existing = (*store)->ListArticles(ArticleQuery{.limit = 1});
  if (!existing.ok()) return existing.status();
  if (!existing->items.empty()) {
    fmt::print("{} holds a site already: the demo is imported only into an empty data directory\n", config.data_dir);
    return Status::Ok();
  }

  // Everything is read and checked before anything is written.
  const TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto corpus = ReadDemoCorpus(demo_dir, now);
  if (!corpus.ok()) return corpus.status().WithContext("nothing imported");
  auto gazetteer = LoadSiteGazetteer(**store);
  if (!gazetteer.ok()) return gazetteer.status();
  auto secret = LoadSharedSiteSecret(**store, config.data_dir);
  if (!secret.ok()) return secret.status();
  Accounts accounts(**store, config, *secret);

  // The accounts come first and the articles, one transaction, after them:
  // a run stopped half way left no articles, so the next run goes through
  // again, finding the accounts it made (the editor gets a new password).
  auto password = Accounts::GeneratePassword();
  if (!password.ok()) return password.status();
  auto editor = DemoAccount(accounts, **store, kDemoEditorEmail, "Demo editor", *password, Role::kEditor);
  if (!editor.ok()) return editor.status().WithContext("the demo editor");
  ND_RETURN_IF_ERROR((*store)->PutSettingIfAbsent(kDemoEditorSetting, kDemoEditorEmail).status());
  fmt::print(
      "demo editor: {}\n"
      "password:    {}\n"
      "(shown this once; to set another, use \"Forgot your password?\" on the site: its mail lands in {}/outbox/)\n",
      kDemoEditorEmail, *password, config.data_dir);
  std::fflush(stdout);
  // The readers never log in: each gets a password nobody is told.
  std::vector<int64_t> reader_ids;
  for (const DemoReader& r : corpus->discussion.readers) {
    auto unknown = Accounts::GeneratePassword();
    if (!unknown.ok()) return unknown.status();
    auto user = DemoAccount(accounts, **store, r.email, r.display_name, *unknown, Role::kReader);
    if (!user.ok()) return user.status().WithContext("demo reader " + r.email);
    reader_ids.push_back(user->id);
  }

  Tagger tagger(*gazetteer);
  for (auto& r : corpus->articles) PrepareArticle(tagger, r);
  auto summary = (*store)->UpsertArticles(corpus->articles);
  if (!summary.ok()) return summary.status().WithContext("nothing imported");

  std::map<std::string, int64_t> article_ids;  // UpsertSummary::ids are in the records' order
  for (size_t i = 0; i < corpus->articles.size() && i < summary->ids.size(); ++i)
    article_ids[corpus->articles[i].url] = summary->ids[i];
  std::vector<int64_t> comment_ids;
  for (const DemoComment& c : corpus->discussion.comments) {
    Comment comment;
    comment.article_id = article_ids[c.article_url];
    comment.user_id = reader_ids.at(c.reader);
    comment.parent_id = c.reply_to >= 0 ? comment_ids.at(c.reply_to) : 0;
    comment.body = c.text;
    comment.html = RenderCommentMarkdown(c.text).html;
    comment.address = "192.0.2.1";  // TEST-NET-1: an address no reader has
    comment.created_at = c.posted_at;
    auto stored = (*store)->AddComment(comment);
    if (!stored.ok()) return stored.status().WithContext("a demo comment");
    comment_ids.push_back(stored->id);
  }

  fmt::print("imported the demo into {}: {} articles (dates moved by {}: the newest is {} old), {} readers' comments\n",
             config.data_dir, summary->inserted, Age(corpus->moved_by),
             Age(now - std::max_element(corpus->articles.begin(), corpus->articles.end(),
                                        [](const ArticleRecord& a, const ArticleRecord& b) {
                                          return a.published_at < b.published_at;
                                        })->published_at),
             comment_ids.size());
  return Status::Ok();
}

}  // namespace newsdesk
