// File: model/story.h
//
// Which story an article joins. Articles telling the same story (one report
// from several outlets, or re-published with small edits) share a story: a
// new article joins the story of the earliest near-duplicate published
// within `kStoryWindow` of it (`SameStory` on their fingerprints,
// common/minhash.h), or starts a story of its own.
//
// The decision is plain C++ over a list of candidates, so it is tested
// without a database (story_test.cc). The store reads the candidates with
// one narrow query and calls `ChooseStory` inside the transaction that writes
// the article: near-copies in one batch, or written at once by several
// nodes, still meet (on PostgreSQL the SERIALIZABLE transaction reruns when
// another node's article lands among the candidates meanwhile).
//
//   std::vector<StoryCandidate> nearby = …;  // published within kStoryWindow of `published`
//   std::optional<int64_t> story = ChooseStory(record.fingerprint, published, nearby);
//   // nullopt: the article starts a story of its own
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace newsdesk {

// kStoryWindow: near-duplicates are looked for among articles published
// this close in time, before or after.
inline constexpr std::chrono::seconds kStoryWindow{3 * 24 * 3600};

// StoryCandidate: a stored article a new one may join the story of.
struct StoryCandidate {
  int64_t article_id = 0;
  int64_t story_id = 0;
  TimePoint published_at{};
  std::string fingerprint;  // EncodeFingerprint form; "" = none
};

// ChooseStory returns the story of the earliest candidate (by publication,
// then id) published within `kStoryWindow` of `published` whose fingerprint
// is a near-duplicate of `fingerprint`; nullopt when there is none, and
// always when `fingerprint` is empty (too short a text to compare).
std::optional<int64_t> ChooseStory(std::string_view fingerprint, TimePoint published,
                                   const std::vector<StoryCandidate>& candidates);

}  // namespace newsdesk
