// readers/internal/minutes.h: a waiting time as readers are told it ("a
// minute", "15 minutes"), in English for the log and as a reason code for
// the pages. Private to src/readers/.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>

#include "common/reason.h"

namespace newsdesk::readers_internal {

// MinutesText is `seconds` rounded up to whole minutes, at least one.
inline std::string MinutesText(unsigned seconds) {
  const unsigned minutes = std::max(1u, (seconds + 59) / 60);
  return minutes == 1 ? "a minute" : fmt::format("{} minutes", minutes);
}

// MinutesReason is the reason saying MinutesText(`seconds`): `one` for "a
// minute", else `many` with the minutes as {minutes}.
inline Reason MinutesReason(unsigned seconds, ReasonCode one, ReasonCode many, Reason::Args args = {}) {
  const unsigned minutes = std::max(1u, (seconds + 59) / 60);
  if (minutes != 1) args.emplace_back("minutes", std::to_string(minutes));
  return Reason{minutes == 1 ? one : many, std::move(args)};
}

}  // namespace newsdesk::readers_internal
