// comments_gen: fills a data directory for bench/comments/run.sh — N
// articles, M comments (one "hot" article gets H of them, half of them
// replies), readers to write them, and K logged-in bench clients whose
// session cookie and CSRF token it prints, one "TOKEN CSRF" per line, to
// SESSIONS_FILE. Writes through the Store and readers APIs, as the site
// does (every comment its own transaction).
//
// Usage: comments_gen DATA_DIR SESSIONS_FILE [ARTICLES] [COMMENTS] [HOT] [CLIENTS]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>

#include "readers/readers.h"
#include "store/store.h"

using namespace newsdesk;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: comments_gen DATA_DIR SESSIONS_FILE [ARTICLES] [COMMENTS] [HOT] [CLIENTS]\n";
    return 2;
  }
  Config config;
  config.data_dir = argv[1];
  const int articles = argc > 3 ? std::atoi(argv[3]) : 1000;
  const int comments = argc > 4 ? std::atoi(argv[4]) : 100000;
  const int hot = argc > 5 ? std::atoi(argv[5]) : 200;
  const int clients = argc > 6 ? std::atoi(argv[6]) : 50;
  auto store = OpenStore(config);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // Articles, in batches of 100.
  std::vector<int64_t> ids;
  const TimePoint base = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::days(30);
  for (int i = 0; i < articles; i += 100) {
    std::vector<ArticleRecord> batch;
    for (int j = i; j < std::min(articles, i + 100); ++j) {
      ArticleRecord r;
      r.url = fmt::format("https://bench.example/news/{}", j);
      r.source = Source{0, "", "Bench Outlet", "https://bench.example/", "GB", "en"};
      r.language = j % 3 == 0 ? "ru" : "en";
      r.headline = fmt::format("Bench article number {} about ships, radars and budgets", j);
      r.published_at = base + std::chrono::minutes(j * 37);
      r.body = {Block{BlockType::kParagraph, "A paragraph of text for the bench. It says little, at length.", {}, {}, {}, {}},
                Block{BlockType::kParagraph, "Another paragraph, so the page has a body of some size.", {}, {}, {}, {}}};
      batch.push_back(std::move(r));
    }
    auto up = (*store)->UpsertArticles(batch);
    if (!up.ok()) {
      std::cerr << up.status().ToString() << "\n";
      return 1;
    }
    ids.insert(ids.end(), up->ids.begin(), up->ids.end());
  }
  std::cerr << fmt::format("{} articles in {:.1f} s\n", ids.size(), elapsed());

  // Writers: 500 readers (no password: they never log in).
  std::vector<int64_t> writers;
  for (int i = 0; i < 500; ++i) {
    User u;
    u.email = fmt::format("writer{}@bench.example", i);
    u.display_name = fmt::format("Writer {}", i);
    u.password_hash = "-";
    u.email_confirmed = true;
    u.created_at = base;
    auto created = (*store)->CreateUser(u);
    if (!created.ok()) {
      std::cerr << created.status().ToString() << "\n";
      return 1;
    }
    writers.push_back(created->id);
  }

  // Comments: the hot article (the first) gets `hot`, the rest are spread.
  const RenderedComment top = RenderCommentMarkdown(
      "I read this with interest. The *second* paragraph says more than it seems; see https://bench.example/notes.");
  const RenderedComment answer = RenderCommentMarkdown("Thanks — a fair point, though the budget figures differ.");
  std::mt19937 rng(42);
  int64_t last_top = 0;
  for (int i = 0; i < comments; ++i) {
    Comment c;
    const bool on_hot = i < hot;
    c.article_id = on_hot ? ids.front() : ids[1 + rng() % (ids.size() - 1)];
    c.user_id = writers[rng() % writers.size()];
    const bool reply = on_hot && i % 2 == 1 && last_top;
    c.parent_id = reply ? last_top : 0;
    c.body = reply ? "Thanks — a fair point, though the budget figures differ." : "I read this with interest.";
    c.html = reply ? answer.html : top.html;
    c.address = fmt::format("10.0.{}.{}", (i / 250) % 250, i % 250);
    c.created_at = base + std::chrono::seconds(i * 20);
    auto added = (*store)->AddComment(c);
    if (!added.ok()) {
      std::cerr << added.status().ToString() << "\n";
      return 1;
    }
    if (on_hot && !reply) last_top = added->id;
    if ((i + 1) % 20000 == 0) std::cerr << fmt::format("{} comments in {:.1f} s\n", i + 1, elapsed());
  }

  // Bench clients: logged in, with their CSRF tokens.
  auto secret = LoadOrCreateSiteSecret(config.data_dir);
  if (!secret.ok()) {
    std::cerr << secret.status().ToString() << "\n";
    return 1;
  }
  Accounts accounts(**store, config, *secret);
  std::ofstream out(argv[2]);
  for (int i = 0; i < clients; ++i) {
    const std::string email = fmt::format("client{}@bench.example", i);
    auto u = accounts.AddUser(email, fmt::format("Client {}", i), "bench client password", Role::kReader);
    if (!u.ok()) {
      std::cerr << u.status().ToString() << "\n";
      return 1;
    }
    auto login = accounts.Login(email, "bench client password", "127.0.0.1");
    if (!login.ok()) {
      std::cerr << login.status().ToString() << "\n";
      return 1;
    }
    out << login->session_token << " " << login->csrf_token << "\n";
  }
  std::cerr << fmt::format("{} comments, {} clients in {:.1f} s; hot article {}\n", comments, clients, elapsed(),
                           ids.front());
  std::cout << ids.front() << "\n";
  return 0;
}
