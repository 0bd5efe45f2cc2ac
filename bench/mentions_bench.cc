// Tagging speed: loads the built-in gazetteer (timed), then tags the given
// text files over and over on one core for a few seconds and prints MB/s.
// Usage: mentions_bench FILE... (bench/mentions passes the fixture texts)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mentions/tagger.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
    bytes += texts.back().size();
  }
  if (texts.empty() || bytes == 0) {
    std::fprintf(stderr, "usage: mentions_bench FILE...\n");
    return 2;
  }
  auto t0 = Clock::now();
  auto gazetteer = newsdesk::Gazetteer::LoadBuiltIn();
  if (!gazetteer.ok()) {
    std::fprintf(stderr, "%s\n", gazetteer.status().ToString().c_str());
    return 1;
  }
  newsdesk::Tagger tagger(*gazetteer);
  const double load_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  size_t mentions = 0, tagged = 0;
  auto start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(3)) {
    for (const auto& t : texts) {
      for (const auto& m : tagger.Tag(t)) mentions += static_cast<size_t>(m.count);
      tagged += t.size();
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("gazetteer: %zu entities, %zu surface forms, loaded in %.1f ms (target < 200 ms)\n",
              (*gazetteer)->entities().size(), tagger.aliases(), load_ms);
  std::printf("tagging: %.1f MB/s on one core over %zu texts (%.1f KB), %zu mentions per pass (target >= 20 MB/s)\n",
              static_cast<double>(tagged) / seconds / 1e6, texts.size(), static_cast<double>(bytes) / 1024.0,
              mentions * bytes / std::max<size_t>(tagged, 1));
  // What import and ingest run: tagging plus the collection of unknown names.
  size_t names = 0;
  tagged = 0;
  start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(3)) {
    for (const auto& t : texts) {
      auto found = tagger.Tag(t);
      names += newsdesk::FindNameCandidates(t, found).size();
      tagged += t.size();
    }
  }
  const double both = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("tagging + unknown names: %.1f MB/s on one core, %zu names per pass\n",
              static_cast<double>(tagged) / both / 1e6, names * bytes / std::max<size_t>(tagged, 1));
  return 0;
}
