// File: cli/commands.h
//
// The `newsdesk` subcommands. Each is a function from its options to a
// Status; main() maps a failed Status to a one-line reason on stderr and a
// non-zero exit. Nothing here calls exit().
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "store/audit_log.h"

namespace newsdesk {

struct ServeFlags {
  std::string listen;  // empty = from config
  unsigned threads = 0;
};

// RunServe serves the site until SIGINT/SIGTERM, then shuts down gracefully.
Status RunServe(Config config, const ServeFlags& flags);

struct SourceAddFlags {
  std::string url;  // a feed, or a page naming its feed
  std::string name, country, language;
  int interval_seconds = 0;  // 0 = the configured default
  std::string body_selector;
  std::vector<std::string> drop_selectors;
};

// Sources: follow, list, stop following, exchange as OPML.
Status RunSourceAdd(const Config& config, const SourceAddFlags& flags);
Status RunSourceList(const Config& config, bool as_json);
Status RunSourceRemove(const Config& config, const std::string& id_or_slug);
Status RunOpmlImport(const Config& config, const std::string& path);
Status RunOpmlExport(const Config& config, const std::string& path);

// RunFetch fetches due sources (or one, due or not) in the foreground.
Status RunFetch(const Config& config, const std::string& only_source);

// RunArticleDelete deletes an article for good (a tombstone keeps it out).
Status RunArticleDelete(const Config& config, int64_t id);

// RunMentions tags the text in `path` and prints its entities; `lang`
// chooses the language of the names in the plain listing.
Status RunMentions(const std::string& path, const std::string& lang, bool as_json);

// The knowledge base editors grow (`newsdesk entities …`); their changes are
// kept in the store, over the built-in gazetteer.
struct EntitiesCandidatesFlags {
  int min_articles = 3;
  int limit = 50;
  bool json = false;
};
// RunEntitiesCandidates lists names the gazetteer does not know, used by
// several articles.
Status RunEntitiesCandidates(const Config& config, const EntitiesCandidatesFlags& flags);
// RunEntitiesDismiss keeps a candidate off the list for good.
Status RunEntitiesDismiss(const Config& config, const std::string& key);

struct EntitiesAddFlags {
  std::string id, type, name_en, name_ru, country, role;
  std::vector<std::string> aliases;  // language by script
  std::vector<std::string> exact;    // matched as written
};
// RunEntitiesAdd adds an entity; refused when another entity has one of its forms.
Status RunEntitiesAdd(const Config& config, const EntitiesAddFlags& flags);
// RunEntitiesAlias adds a form to an entity (`lang` empty: by script).
Status RunEntitiesAlias(const Config& config, const std::string& id, const std::string& form, const std::string& lang,
                        bool exact);
// RunEntitiesMerge folds entity `from` into `into`: mentions, forms and page.
Status RunEntitiesMerge(const Config& config, const std::string& from, const std::string& into);
// RunEntitiesRetag tags every stored article again (after the knowledge base
// changed); `full` rewrites unchanged articles' unknown names too.
Status RunEntitiesRetag(const Config& config, bool full);

// SearchIndexPath is where the search index lives: DATA/search.
std::string SearchIndexPath(const Config& config);
// RunReindex rebuilds the search index from the store, with a progress bar.
// A running server holds the index: Unavailable, saying so.
Status RunReindex(const Config& config);

// The daily mailing by hand (serve sends it on schedule).
struct DigestPreviewFlags {
  std::string date;                   // YYYY-MM-DD; empty: yesterday in the digest's time zone
  std::string edition;                // empty: the first edition
  std::vector<std::string> entities;  // the sample subscriber follows these
  std::string html_path;              // also write the HTML part here
};
// RunDigestPreview prints the digest as it would be sent to a sample subscriber.
Status RunDigestPreview(const Config& config, const DigestPreviewFlags& flags);
// RunDigestSend sends (or resumes) a day's digest now, with a progress bar.
Status RunDigestSend(const Config& config, const std::string& date);

// Accounts (issue 6): `newsdesk user add` makes a confirmed account with a
// role (the first admin); the password is asked for, echo off, when not
// given, and weak ones are refused. `newsdesk user role` changes a role.
struct UserAddFlags {
  std::string email;
  std::string role = "reader";
  std::string password;  // empty: prompt
  std::string name;      // empty: the e-mail's local part
};
Status RunUserAdd(const Config& config, const UserAddFlags& flags);
Status RunUserRole(const Config& config, const std::string& email, const std::string& role);

// RunImport imports a JSON/JSON Lines file or a directory of them, all or
// nothing, and prints what it did.
Status RunImport(const Config& config, const std::string& path);

// RunDemo makes the demo site in an empty data directory: the corpus in
// `demo_dir` with its dates moved to today, its readers' comments, and a demo
// editor whose fresh password it prints once. A data directory that holds
// articles already is left alone (so `make run` can run it every time).
Status RunDemo(const Config& config, const std::string& demo_dir);
// The store setting naming the demo editor's e-mail, so that serve can say
// how to log in.
inline constexpr const char* kDemoEditorSetting = "demo_editor";

struct ExtractFlags {
  std::vector<std::string> files;  // saved article pages
  std::string url;                 // where the page came from: the base for absolute URLs
  std::string out_dir;             // many pages: DIR/<name>.json each
  bool json = false;               // one page: print JSON instead of text
};

// RunExtract extracts the article from saved pages. One page prints to
// stdout (text, or JSON with --json); with `out_dir`, each page gets
// DIR/<file name without .html>.json, a failing page {"error": "…"} while the
// others go on, and the run fails if any page did.
Status RunExtract(const ExtractFlags& flags);

// Machine translation (issue 9). RunTranslate runs one translation pass
// over the store with a progress bar and prints a summary (serve runs passes
// by itself). RunTranslationEdit opens the translation of article `id` into
// `language` (or the original, when there is none) in $EDITOR as text and
// stores what comes back as a human translation; refused when unchanged or
// empty.
Status RunTranslate(const Config& config);
Status RunTranslationEdit(const Config& config, int64_t id, const std::string& language);

// `newsdesk jobs …`: the queue of background work every node shares.
struct JobsListFlags {
  std::vector<std::string> states;  // queued, running, done, failed, all; empty = all but done
  int limit = 50;
  bool json = false;
};
Status RunJobsList(const Config& config, const JobsListFlags& flags);
// RunJobsRetry puts a failed job back in the queue.
Status RunJobsRetry(const Config& config, int64_t id);
struct JobsEnqueueFlags {
  std::string kind;
  std::string payload;
  std::string key;
  int count = 1;
};
// RunJobsEnqueue queues probe jobs (to check that nodes share the work).
Status RunJobsEnqueue(const Config& config, const JobsEnqueueFlags& flags);
struct JobsWorkFlags {
  int workers = 2;
  int lease_seconds = 30;
  bool until_empty = false;
};
// RunJobsWork runs queued jobs without serving pages, until SIGINT/SIGTERM
// or, with until_empty, until the queue is empty.
Status RunJobsWork(const Config& config, const JobsWorkFlags& flags);

class JobRunner;
// AddProbeHandler lets `runner` run probe jobs.
void AddProbeHandler(JobRunner& runner);

// The audit log (issue 16). Each command that changes content (source add,
// remove and import-opml, article delete, entities add, alias, merge and
// dismiss, user add and role, translation edit, jobs retry, import) appends
// an entry after its change with AppendCliAudit: the actor is
// "cli:<command>" ("cli:source add"), its name the command's words, the rest
// from `entry` ("source.add", "source:12", the source's name, …). A failed
// append is a warning on stderr; the change stays and the command succeeds.
void AppendCliAudit(AuditLog& log, const std::string& command, AuditEntry entry);
struct AuditFlags {
  int limit = 50;             // 1..500
  std::string actor;          // exactly this actor
  std::string action_prefix;  // actions starting with this
};
// RunAudit prints the newest entries, one a line: time (ISO 8601, UTC),
// actor, action, target and summary.
Status RunAudit(const Config& config, const AuditFlags& flags);

// RunMigrateStore copies a whole site from one store to an empty other
// (e.g. sqlite:data/newsdesk.db to postgresql://…), checking each table's
// rows and checksum; prints the table of counts.
Status RunMigrateStore(const std::string& from, const std::string& to);

// --- issue 18, backups that restore (cli/backup_command.cc) ---
// RunBackup writes the site `config` names (its database, the site secret
// of its data directory, and `config_file` when given) to a new archive at
// `archive`, while the site serves; prints each table's rows and checksum.
Status RunBackup(const Config& config, const std::string& config_file, const std::string& archive);
// RunRestore restores `archive` into the empty data directory and (for a
// PostgreSQL backup) the empty database `config` names, then rebuilds the
// search index there as `newsdesk reindex` does; all or nothing.
Status RunRestore(const Config& config, const std::string& archive);
// RebuildSearchIndex is `newsdesk reindex` without its report: how many
// articles went into SearchIndexPath(config), in how many shards.
struct Reindexed {
  int64_t articles = 0;
  int shards = 0;
};
Result<Reindexed> RebuildSearchIndex(const Config& config);

}  // namespace newsdesk
