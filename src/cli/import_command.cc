#include <fmt/format.h>

#include "cli/commands.h"
#include "import/importer.h"
#include "mentions/tagger.h"
#include "store/store.h"

namespace newsdesk {

Status RunImport(const Config& config, const std::string& path) {
  auto records = ReadImportPath(path);
  if (!records.ok()) return records.status().WithContext("nothing imported");
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto gazetteer = LoadSiteGazetteer(**store);
  if (!gazetteer.ok()) return gazetteer.status();
  Tagger tagger(*gazetteer);
  for (auto& r : *records) TagRecord(tagger, r);
  auto summary = (*store)->UpsertArticles(*records);
  if (!summary.ok()) return summary.status().WithContext("nothing imported");
  fmt::print("imported {} articles from {}: {} new, {} updated\n", records->size(), path, summary->inserted,
             summary->updated);
  return Status::Ok();
}

}  // namespace newsdesk
