// `newsdesk audit`: the audit log, newest first; and how the commands that
// change content append to it (AppendCliAudit).
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "common/time.h"
#include "store/store.h"

namespace newsdesk {

void AppendCliAudit(AuditLog& log, const std::string& command, AuditEntry entry) {
  entry.at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  entry.actor = "cli:" + command;
  entry.actor_name = command;
  auto appended = log.AppendAudit(entry);
  // The command's change is committed already and stays: undoing it because
  // the log could not be written would lose what the user asked for, and
  // failing the command would make them run it again. So the gap in the log
  // is reported, and the command succeeds.
  if (!appended.ok())
    std::cerr << fmt::format("newsdesk: warning: {} was done, but the audit log did not record it: {}\n", entry.action,
                             appended.status().message());
}

Status RunAudit(const Config& config, const AuditFlags& flags) {
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto page = (*store)->ListAudit({.actor = flags.actor, .action_prefix = flags.action_prefix, .limit = flags.limit});
  if (!page.ok()) return page.status();
  if (page->entries.empty()) {
    std::cout << "no audit entries" << (flags.actor.empty() && flags.action_prefix.empty() ? "" : " match") << "\n";
    return Status::Ok();
  }
  for (const auto& e : page->entries)
    std::cout << fmt::format("{}  {:<24} {:<18} {:<14} {}\n", FormatIso8601(e.at), e.actor, e.action, e.target,
                             e.summary);
  return Status::Ok();
}

}  // namespace newsdesk
