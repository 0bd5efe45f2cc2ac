#include "model/story.h"

#include "common/minhash.h"

namespace newsdesk {

std::optional<int64_t> ChooseStory(std::string_view fingerprint, TimePoint published,
                                   const std::vector<StoryCandidate>& candidates) {
  const Fingerprint print = DecodeFingerprint(fingerprint);
  if (IsEmpty(print)) return std::nullopt;
  const StoryCandidate* earliest = nullptr;
  for (const auto& c : candidates) {
    const auto distance = c.published_at > published ? c.published_at - published : published - c.published_at;
    if (distance > kStoryWindow) continue;
    if (earliest && (c.published_at > earliest->published_at ||
                     (c.published_at == earliest->published_at && c.article_id > earliest->article_id)))
      continue;
    if (SameStory(print, DecodeFingerprint(c.fingerprint))) earliest = &c;
  }
  if (!earliest) return std::nullopt;
  return earliest->story_id;
}

}  // namespace newsdesk
