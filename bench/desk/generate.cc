// desk_gen: fills a data directory for bench/desk/run.sh with a site of
// the size the desk must stay fast at — S sources each followed through a
// feed (one in ten failing, one in twenty paused), N articles spread over
// them and the last two years (a specialist site's pace, ~140 a day), M comments by 2,000 readers (a few held, hidden, spam or reported), and
// A audit entries — then logs in an admin and prints "TOKEN" on stdout.
// Writes through the Store and readers APIs, as the site does.
//
// Usage: desk_gen DATA_DIR [SOURCES] [ARTICLES] [COMMENTS] [AUDIT]
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <random>

#include "common/text.h"
#include "readers/readers.h"
#include "store/store.h"

using namespace newsdesk;

namespace {

// Word makes a pronounceable word of two or three syllables: some 400,000
// of them, so that articles share words about as rarely as real ones do.
std::string Word(std::mt19937& rng) {
  static const char kConsonants[] = "bdfgklmnprstvzh";
  static const char kVowels[] = "aeiou";
  std::string w;
  const int syllables = 2 + static_cast<int>(rng() % 2);
  for (int i = 0; i < syllables; ++i) {
    w += kConsonants[rng() % (sizeof(kConsonants) - 1)];
    w += kVowels[rng() % (sizeof(kVowels) - 1)];
  }
  return w;
}

int Fail(const Status& s) {
  std::cerr << s.ToString() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: desk_gen DATA_DIR [SOURCES] [ARTICLES] [COMMENTS] [AUDIT]\n";
    return 2;
  }
  Config config;
  config.data_dir = argv[1];
  const int sources = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int articles = argc > 3 ? std::atoi(argv[3]) : 100000;
  const int comments = argc > 4 ? std::atoi(argv[4]) : 100000;
  const int audit = argc > 5 ? std::atoi(argv[5]) : 20000;
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  Store& db = **store;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const TimePoint now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

  // Sources, each followed through one feed.
  std::vector<Source> outlets;
  std::vector<int64_t> feeds;
  for (int i = 0; i < sources; ++i) {
    Source s;
    s.name = fmt::format("Outlet {:04d}", i);
    s.home_url = fmt::format("https://outlet{}.example/", i);
    s.feed_url = fmt::format("https://outlet{}.example/rss", i);
    s.language = i % 3 == 0 ? "ru" : "en";
    s.country = i % 3 == 0 ? "RU" : "GB";
    auto added = db.AddFeedSource(s);
    if (!added.ok()) return Fail(added.status());
    feeds.push_back(added->id);
    FetchOutcome o;
    o.at = now - std::chrono::minutes(i % 60);
    o.ok = i % 10 != 0;
    o.status = o.ok ? "ok" : "HTTP 503";
    o.error = o.ok ? "" : "HTTP 503: Service Unavailable";
    o.next_fetch_at = now + std::chrono::minutes(15);
    if (Status st = db.RecordFetch(added->id, o); !st.ok()) return Fail(st);
    if (i % 20 == 1) {
      if (Status st = db.SetFeedPaused(added->id, true, now); !st.ok()) return Fail(st);
    }
    outlets.push_back(s);
  }
  std::cerr << fmt::format("{} sources in {:.1f} s\n", sources, elapsed());

  // Articles, in batches of 500, over the last two years.
  std::vector<int64_t> ids;
  std::mt19937 rng(7);
  for (int i = 0; i < articles; i += 500) {
    std::vector<ArticleRecord> batch;
    for (int j = i; j < std::min(articles, i + 500); ++j) {
      const Source& s = outlets[rng() % outlets.size()];
      ArticleRecord r;
      r.url = fmt::format("{}news/{}", s.home_url, j);
      r.source = s;
      r.source.feed_url.clear();
      r.language = s.language;
      // Words drawn at random, so that articles are not near-copies of each
      // other (which story grouping would rightly put in one huge story).
      r.headline = fmt::format("{} {} {} {} {} {}", Word(rng), Word(rng), Word(rng), Word(rng), Word(rng), j);
      r.published_at = now - std::chrono::seconds(static_cast<int64_t>(rng() % (730 * 86400)));
      std::string text;
      for (int w = 0; w < 60; ++w) text += std::string(w ? " " : "") + Word(rng);
      r.body = {Block{BlockType::kParagraph, text + ".", {}, {}, {}, {}}};
      // Unknown names for the entities room: 300 of them, each in about 17
      // of every 20th article, and one in every 200th (a name in the news).
      if (j % 20 == 0) {
        const std::string name = j % 200 == 0 ? std::string("Bench Name Popular") : fmt::format("Bench Name {}", (j / 20) % 300);
        r.candidates = {NameCandidate{AsciiLower(name), name, "en", 2}};
      }
      batch.push_back(std::move(r));
    }
    auto up = db.UpsertArticles(batch);
    if (!up.ok()) return Fail(up.status());
    ids.insert(ids.end(), up->ids.begin(), up->ids.end());
    if ((i + 500) % 20000 == 0) std::cerr << fmt::format("{} articles in {:.1f} s\n", i + 500, elapsed());
  }

  // The articles room: one in 100 waits in Incoming, one in 1,000 is
  // scheduled, one in 500 was corrected (two revisions each).
  for (size_t k = 0; k < ids.size(); ++k) {
    const int64_t id = ids[k];
    if (k % 100 == 7) {
      if (Status s = db.SetPublication(id, Publication::kHeld, std::nullopt); !s.ok()) return Fail(s);
    } else if (k % 1000 == 9) {
      if (Status s = db.SetPublication(id, Publication::kScheduled, now + std::chrono::days(1 + k % 30)); !s.ok())
        return Fail(s);
    } else if (k % 500 == 11) {
      auto a = db.GetArticleInAnyState(id);
      if (!a.ok()) return Fail(a.status());
      ArticleContent c = ContentOf(*a);
      c.headline += " (corrected)";
      auto saved = db.SaveArticleEdit({id, c, "user:1", "Bench Editor", "The headline named the wrong yard.", now});
      if (!saved.ok()) return Fail(saved.status());
    }
  }
  std::cerr << fmt::format("publication states and corrections in {:.1f} s\n", elapsed());

  // Readers and their comments.
  std::vector<int64_t> writers;
  for (int i = 0; i < 2000; ++i) {
    User u;
    u.email = fmt::format("reader{}@bench.example", i);
    u.display_name = fmt::format("Reader {}", i);
    u.password_hash = "-";
    u.email_confirmed = true;
    u.created_at = now - std::chrono::days(90);
    auto created = db.CreateUser(u);
    if (!created.ok()) return Fail(created.status());
    writers.push_back(created->id);
  }
  const RenderedComment text = RenderCommentMarkdown("I read this with interest; the figures differ from last year's.");
  for (int i = 0; i < comments; ++i) {
    Comment c;
    c.article_id = ids[rng() % ids.size()];
    c.user_id = writers[rng() % writers.size()];
    c.body = "I read this with interest; the figures differ from last year's.";
    c.html = text.html;
    c.address = fmt::format("10.1.{}.{}", (i / 250) % 250, i % 250);
    c.status = i % 500 == 0 ? CommentStatus::kHeld : i % 400 == 1 ? CommentStatus::kHidden : CommentStatus::kVisible;
    c.created_at = now - std::chrono::seconds(static_cast<int64_t>(rng() % (60 * 86400)));
    auto added = db.AddComment(c);
    if (!added.ok()) return Fail(added.status());
    // The desk's other tabs: some spam, some reported.
    if (i % 700 == 2)
      if (Status s = db.MarkCommentSpam(added->id, "spam"); !s.ok()) return Fail(s);
    if (i % 300 == 3)
      if (Status s = db.AddReport(added->id, writers[(i + 1) % writers.size()], "off topic", now); !s.ok()) return Fail(s);
    if ((i + 1) % 20000 == 0) std::cerr << fmt::format("{} comments in {:.1f} s\n", i + 1, elapsed());
  }

  // The audit log of a busy desk.
  for (int i = 0; i < audit; ++i) {
    AuditEntry e;
    e.at = now - std::chrono::seconds(audit - i);
    e.actor = fmt::format("user:{}", writers[i % 5]);
    e.actor_name = fmt::format("Editor {}", i % 5);
    e.action = i % 2 ? "feed.pause" : "feed.interval";
    e.target = fmt::format("feed:{}", feeds[i % feeds.size()]);
    e.summary = outlets[i % outlets.size()].name;
    e.before = "15 min";
    e.after = "30 min";
    auto id = db.AppendAudit(e);
    if (!id.ok()) return Fail(id.status());
  }

  // The admin at the desk.
  auto secret = LoadOrCreateSiteSecret(config.data_dir);
  if (!secret.ok()) return Fail(secret.status());
  Accounts accounts(db, config, *secret);
  auto admin = accounts.AddUser("admin@bench.example", "Bench Admin", "bench admin password", Role::kAdmin);
  if (!admin.ok()) return Fail(admin.status());
  auto login = accounts.Login("admin@bench.example", "bench admin password", "127.0.0.1");
  if (!login.ok()) return Fail(login.status());
  std::cerr << fmt::format("{} sources, {} articles, {} comments, {} audit entries in {:.1f} s\n", sources, ids.size(),
                           comments, audit, elapsed());
  std::cout << login->session_token << " " << outlets.size() << "\n";
  return 0;
}
