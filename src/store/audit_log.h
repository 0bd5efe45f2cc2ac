// File: store/audit_log.h
//
// AuditLog: what the people and the commands who run the site changed, one
// entry per action — who (a user, or a `newsdesk` command), when, what kind
// of action, on what, and the value before and after where it is small. The
// desk (/desk/audit) and the commands that change content append to it.
//
// The log is append-only by contract: this interface has no way to change
// or remove an entry, and no desk page or API route offers one.
//
//   auto id = log.AppendAudit({.actor = "user:3", .actor_name = "Anna", .action = "source.pause",
//                              .target = "source:12", .summary = "TASS"});
//   auto page = log.ListAudit({.action_prefix = "source.", .limit = 50});
//
// One of the store's narrow interfaces: `Store` (store/store.h) is all of
// them, opened by OpenStore; a stage takes only the ones it uses.
// Thread-safety: safe to use from many threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace newsdesk {

struct AuditEntry {
  int64_t id = 0;          // set by the log; ids grow with time
  TimePoint at{};          // set by the caller (the desk's clock)
  std::string actor;       // "user:<id>" or "cli:<command>", e.g. "cli:source add"
  std::string actor_name;  // the user's display name at the time, or the command line's summary
  std::string action;      // "<kind>.<verb>": "source.pause", "user.role", "comment.hide", …
  std::string target;      // "<kind>:<id>": "source:12", "feed:40", "user:7", "article:88"
  std::string summary;     // one human line: the target's name or title
  std::string before;      // the changed value before, "" when none or too large
  std::string after;       // and after
};

// AuditQuery: a page of the log, newest first. Empty filters match all.
struct AuditQuery {
  std::string actor;                 // exactly this actor
  std::string action_prefix;         // actions starting with this ("source." for every source action)
  std::optional<TimePoint> since;    // at or after
  std::optional<TimePoint> until;    // before
  std::optional<int64_t> before_id;  // keyset cursor: entries older than this id
  int limit = 50;                    // clamped to 1..500
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::optional<int64_t> next_before_id;  // set when more entries follow
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  // kMaxValueBytes caps `before` and `after`: a longer value is stored cut
  // at a UTF-8 boundary with "…" appended, kMaxValueBytes in all.
  static constexpr size_t kMaxValueBytes = 2000;

  // AppendAudit appends `entry` (its id is ignored) and returns the new id.
  // InvalidArgument when actor or action is empty.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  // ListAudit returns a page of entries, newest first (keyset by id, never
  // OFFSET): pass a page's next_before_id as the next query's before_id.
  // The action prefix matches exactly (case and all).
  virtual Result<AuditPage> ListAudit(const AuditQuery& query) = 0;
  // ListAuditActors lists each actor that has an entry, with its latest
  // name, for the log's filter: pairs of (actor, actor_name), by actor.
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListAuditActors() = 0;
};

}  // namespace newsdesk
