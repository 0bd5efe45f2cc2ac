// File: common/minhash.h
//
// MinHash fingerprints of article texts, for grouping near-duplicates (the
// same story from several outlets, or re-published with small edits) into
// one story. Words are case-folded (ICU, ё→е) and joined into 3-word
// shingles; the fingerprint keeps the minimum of 32 independent hashes over
// the shingle set, so the share of equal slots estimates the Jaccard
// similarity of two texts' shingle sets. Two texts whose estimate reaches
// `kSameStorySimilarity` are the same story; the threshold is tuned in
// minhash_test.cc on the fixture pages (edited copies in, other pages out).
// (SimHash was tried first: with unweighted shingles an edit of 5-10% of a
// text flips as many bits as an unrelated text does.)
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace newsdesk {

inline constexpr size_t kMinHashSlots = 32;
inline constexpr double kSameStorySimilarity = 0.4;

using Fingerprint = std::array<uint32_t, kMinHashSlots>;

// MinHash of `text`; nullopt-like all-zero fingerprint for texts under 3 words.
Fingerprint MinHash(std::string_view text);
bool IsEmpty(const Fingerprint& f);

// Similarity estimates the Jaccard similarity of the two texts' shingles (0..1).
double Similarity(const Fingerprint& a, const Fingerprint& b);

inline bool SameStory(const Fingerprint& a, const Fingerprint& b) {
  return !IsEmpty(a) && !IsEmpty(b) && Similarity(a, b) >= kSameStorySimilarity;
}

// Encoding for storage: 32 slots as 256 hex digits; "" for an empty fingerprint.
std::string EncodeFingerprint(const Fingerprint& f);
Fingerprint DecodeFingerprint(std::string_view hex);

}  // namespace newsdesk
