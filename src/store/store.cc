#include "store/store.h"

#include "store/sqlite/sqlite_store.h"

namespace newsdesk {

Result<std::unique_ptr<Store>> OpenStore(const Config& config) {
  return OpenSqliteStore(config.data_dir);
}

}  // namespace newsdesk
