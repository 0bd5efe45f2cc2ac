#include "common/reason.h"

namespace newsdesk {
namespace {

constexpr ReasonInfo kReasons[] = {
#define ND_REASON_INFO(code, key, params) {ReasonCode::code, key, params},
    ND_REASON_CODES(ND_REASON_INFO)
#undef ND_REASON_INFO
};

}  // namespace

std::span<const ReasonInfo> AllReasons() { return kReasons; }

const char* ReasonKey(ReasonCode code) {
  if (code == ReasonCode::kNone) return "";
  return kReasons[static_cast<size_t>(code) - 1].key;
}

}  // namespace newsdesk
