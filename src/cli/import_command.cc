#include <fmt/format.h>

#include "cli/commands.h"
#include "import/importer.h"
#include "store/store.h"

namespace newsdesk {

Status RunImport(const Config& config, const std::string& path) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto summary = ImportPath(**store, path);
  if (!summary.ok()) return summary.status().WithContext("nothing imported");
  AppendCliAudit(**store, "import",
                 {.action = "article.import",
                  .summary = fmt::format("{} new, {} updated from {}", summary->inserted, summary->updated, path)});
  fmt::print("imported {} articles from {}: {} new, {} updated\n",
             summary->inserted + summary->updated + summary->skipped, path, summary->inserted, summary->updated);
  return Status::Ok();
}

}  // namespace newsdesk
