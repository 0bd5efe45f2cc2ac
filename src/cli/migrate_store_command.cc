// `newsdesk migrate-store --from … --to …`: move a whole site between databases.
#include <fmt/format.h>

#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "store/store.h"

namespace newsdesk {

Status RunMigrateStore(const std::string& from, const std::string& to) {
  const bool tty = ::isatty(2);
  auto report = CopyStore(from, to, [&](const TableCopy& t) {
    if (tty) std::cerr << fmt::format("\r{:<24} {:>10} rows", t.table, t.rows) << std::flush;
  });
  if (tty) std::cerr << "\r" << std::string(40, ' ') << "\r";
  if (!report.ok()) return report.status().WithContext("nothing was copied");
  int64_t rows = 0;
  std::cout << fmt::format("{:<24} {:>10}  {:<16}  {}\n", "TABLE", "ROWS", "CHECKSUM", "");
  for (const auto& t : *report) {
    rows += t.rows;
    std::cout << fmt::format("{:<24} {:>10}  {:016x}  {}\n", t.table, t.rows, t.checksum,
                             t.verified ? "same on both sides" : "DIFFERENT");
  }
  std::cout << fmt::format("{} tables, {} rows copied and checked\n", report->size(), rows);
  return Status::Ok();
}

}  // namespace newsdesk
