#include "store/store.h"

#include "store/sqlite/sqlite_store.h"

namespace newsdesk {

const char* SubscriberStateName(SubscriberState s) {
  switch (s) {
    case SubscriberState::kPending: return "pending";
    case SubscriberState::kConfirmed: return "confirmed";
    case SubscriberState::kUnsubscribed: return "unsubscribed";
    case SubscriberState::kBounced: return "bounced";
  }
  return "pending";
}

Result<std::unique_ptr<Store>> OpenStore(const Config& config) {
  return OpenSqliteStore(config.data_dir);
}

}  // namespace newsdesk
