// newsdesk: one binary for the whole site. See `newsdesk --help`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.h"
#include "common/config.h"

namespace {

int Fail(const newsdesk::Status& s) {
  std::string msg = s.message();
  for (auto& c : msg)
    if (c == '\n') c = ' ';
  std::cerr << "newsdesk: error: " << msg << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace newsdesk;
  CLI::App app{"newsdesk: a bilingual news site engine (articles, editions, feeds) in one binary"};
  app.require_subcommand(1);
  app.footer("Run `newsdesk COMMAND --help` for a command's options.");

  // The common options are accepted before or after the command, and each
  // command's --help lists them.
  std::string data_dir, config_file, log_level, database;
  auto add_common = [&](CLI::App* a) {
    a->add_option("--data", data_dir, "data directory (database and everything newsdesk writes) [default: ./data]");
    a->add_option("--db", database,
                  "the store: postgresql://user@host:port/db or sqlite:PATH [default: SQLite in the data directory]");
    a->add_option("--config", config_file, "TOML config file; flags override it (see config/newsdesk.example.toml)")
        ->check(CLI::ExistingFile);
    a->add_option("--log-level", log_level, "trace, debug, info, warn, error or off [default: info]");
  };
  add_common(&app);

  ServeFlags serve_flags;
  auto* serve = app.add_subcommand("serve", "serve the site and its API over HTTP");
  serve->add_option("--listen", serve_flags.listen, "address to listen on, host:port; port 0 picks a free one [default: 127.0.0.1:8080]");
  serve->add_option("--threads", serve_flags.threads, "worker threads [default: one per core]")
      ->check(CLI::Range(1, 256));
  add_common(serve);

  std::string import_path;
  auto* import = app.add_subcommand("import", "import articles from a JSON or JSON Lines file, or a directory of them (all or nothing; see docs/import.md)");
  import->add_option("PATH", import_path, "file or directory to import")->required();
  add_common(import);

  std::string demo_dir = "demo";
  auto* demo = app.add_subcommand("demo", "make the demo site in an empty data directory: the demo articles dated up to a few hours ago, readers' comments, and a demo editor whose password is printed once (does nothing where a site exists)");
  demo->add_option("DIR", demo_dir, "the demo corpus (articles.jsonl, discussion.toml)")->capture_default_str();
  add_common(demo);

  ExtractFlags extract_flags;
  auto* extract = app.add_subcommand("extract", "extract the article from saved pages: one to stdout (--json), or many into --out DIR");
  extract->add_option("FILE", extract_flags.files, "saved article page(s), HTML in any charset")->required()->check(CLI::ExistingFile);
  extract->add_option("--url", extract_flags.url, "where the page came from (the base for absolute URLs)");
  extract->add_option("--out", extract_flags.out_dir, "write DIR/<name>.json per page; a failing page gets {\"error\"} and the rest go on");
  extract->add_flag("--json", extract_flags.json, "print one JSON object (title, published, author, canonical_url, image, image_credit, language, rights, text, blocks)");
  add_common(extract);

  SourceAddFlags add_flags;
  bool list_json = false;
  std::string source_ref, opml_path;
  auto* source = app.add_subcommand("source", "follow outlets' feeds: add, list, remove, OPML import and export");
  source->require_subcommand(1);
  auto* source_add = source->add_subcommand("add", "follow a feed (RSS, RDF, Atom, JSON Feed) or the feed a home page names");
  source_add->add_option("URL", add_flags.url, "the feed, or a page with <link rel=\"alternate\"> to it")->required();
  source_add->add_option("--name", add_flags.name, "the outlet's name [default: the feed's title]");
  source_add->add_option("--country", add_flags.country, "ISO 3166-1 alpha-2 country code, e.g. RU");
  source_add->add_option("--lang", add_flags.language, "the outlet's language, e.g. ru [default: the feed's]");
  source_add->add_option("--interval", add_flags.interval_seconds, "seconds between fetches [default: from config]")
      ->check(CLI::Range(60, 86400 * 7));
  source_add->add_option("--body-selector", add_flags.body_selector, "extraction rule: the article body, e.g. div.article-text");
  source_add->add_option("--drop", add_flags.drop_selectors, "extraction rule: parts to leave out (repeatable)");
  add_common(source_add);
  auto* source_list = source->add_subcommand("list", "each source with its last fetch, status, failures in a row, articles per day and last error");
  source_list->add_flag("--json", list_json, "print JSON");
  add_common(source_list);
  auto* source_remove =
      source->add_subcommand("remove", "stop following a source, or one of its feeds (articles stay)");
  source_remove->add_option("SOURCE", source_ref, "source id or slug (every feed), or feed:ID or a feed URL (that feed)")
      ->required();
  add_common(source_remove);
  auto* opml_import = source->add_subcommand("import-opml", "follow every feed of an OPML file");
  opml_import->add_option("FILE", opml_path, "OPML file")->required()->check(CLI::ExistingFile);
  add_common(opml_import);
  auto* opml_export = source->add_subcommand("export-opml", "write the followed feeds as OPML");
  opml_export->add_option("FILE", opml_path, "output file [default: stdout]");
  add_common(opml_export);

  std::string fetch_source;
  auto* fetch = app.add_subcommand("fetch", "fetch due sources now, in the foreground, with a summary");
  fetch->add_option("--source", fetch_source, "only this source (id or slug), due or not");
  add_common(fetch);

  std::string mentions_path, mentions_lang;
  bool mentions_json = false;
  auto* mentions = app.add_subcommand("mentions", "tag a text file with the entities it names (people, organisations, places)");
  mentions->add_option("FILE", mentions_path, "UTF-8 text")->required()->check(CLI::ExistingFile);
  mentions->add_option("--lang", mentions_lang, "language of the names listed: en or ru [default: en]");
  mentions->add_flag("--json", mentions_json, "print {\"entities\": [{\"id\", \"name\", \"type\", \"count\", \"spans\"}]} with byte offsets");
  add_common(mentions);

  auto* entities = app.add_subcommand("entities", "the entities articles mention");
  entities->require_subcommand(1);
  bool retag_full = false;
  auto* entities_retag = entities->add_subcommand("retag", "tag every stored article again, with a progress bar");
  entities_retag->add_flag("--full", retag_full, "rewrite every article's unknown names too (after an upgrade)");
  add_common(entities_retag);
  EntitiesCandidatesFlags candidates_flags;
  auto* entities_candidates = entities->add_subcommand("candidates", "names articles use that no entity has, most used first");
  entities_candidates->add_option("--min", candidates_flags.min_articles, "used by at least this many articles")
      ->check(CLI::Range(1, 1000000))->capture_default_str();
  entities_candidates->add_option("--limit", candidates_flags.limit, "at most this many")
      ->check(CLI::Range(1, 10000))->capture_default_str();
  entities_candidates->add_flag("--json", candidates_flags.json, "print {\"candidates\": [{\"key\", \"form\", \"language\", \"articles\", \"mentions\", \"last_seen\"}]}");
  add_common(entities_candidates);
  std::string dismiss_key;
  auto* entities_dismiss = entities->add_subcommand("dismiss", "never offer a candidate again");
  entities_dismiss->add_option("KEY", dismiss_key, "the candidate's key, as `entities candidates` prints it")->required();
  add_common(entities_dismiss);
  EntitiesAddFlags add_entity;
  auto* entities_add = entities->add_subcommand("add", "add an entity to the knowledge base");
  entities_add->add_option("ID", add_entity.id, "a new id: lower-case ASCII words joined by '-' (naval-group)")->required();
  entities_add->add_option("--type", add_entity.type, "person, organisation, country, place, facility or event")->required();
  entities_add->add_option("--en", add_entity.name_en, "its name in the English edition");
  entities_add->add_option("--ru", add_entity.name_ru, "its name in the Russian edition");
  entities_add->add_option("--alias", add_entity.aliases, "another form, Russian in the nominative (repeatable)");
  entities_add->add_option("--exact", add_entity.exact, "a form matched only as written, for acronyms (repeatable)");
  entities_add->add_option("--country", add_entity.country, "ISO 3166-1 code, for people and places");
  entities_add->add_option("--role", add_entity.role, "people: office and period");
  add_common(entities_add);
  std::string alias_id, alias_form, alias_lang;
  bool alias_exact = false;
  auto* entities_alias = entities->add_subcommand("alias", "add a form (abbreviation, spelling, misspelling) to an entity");
  entities_alias->add_option("ID", alias_id, "the entity's id")->required();
  entities_alias->add_option("FORM", alias_form, "the form, Russian in the nominative")->required();
  entities_alias->add_option("--lang", alias_lang, "en or ru [default: by its letters]");
  entities_alias->add_flag("--exact", alias_exact, "match only as written (acronyms that are also words)");
  add_common(entities_alias);
  std::string merge_from, merge_into;
  auto* entities_merge = entities->add_subcommand("merge", "fold one entity into another: mentions, forms and page");
  entities_merge->add_option("FROM", merge_from, "the entity that goes away (its page redirects)")->required();
  entities_merge->add_option("INTO", merge_into, "the entity that stays")->required();
  add_common(entities_merge);

  DigestPreviewFlags preview_flags;
  std::string send_date;
  auto* digest = app.add_subcommand("digest", "the daily news mailing");
  digest->require_subcommand(1);
  auto* digest_preview = digest->add_subcommand("preview", "print a day's digest (RFC 5322, as sent) for a sample subscriber");
  digest_preview->add_option("--date", preview_flags.date, "the day, YYYY-MM-DD [default: yesterday]");
  digest_preview->add_option("--ed", preview_flags.edition, "the edition [default: the first]");
  digest_preview->add_option("--follow", preview_flags.entities, "entity ids the sample subscriber follows");
  digest_preview->add_option("--html", preview_flags.html_path, "also write the HTML part to this file");
  add_common(digest_preview);
  auto* digest_send = digest->add_subcommand("send", "send a day's digest now (resumes a stopped run), with a progress bar");
  digest_send->add_option("--date", send_date, "the day, YYYY-MM-DD [default: yesterday]");
  add_common(digest_send);

  UserAddFlags user_flags;
  std::string role_email, role_name;
  auto* user = app.add_subcommand("user", "readers' accounts: add one with a role, change a role");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a confirmed account with a role (e.g. the first admin)");
  user_add->add_option("EMAIL", user_flags.email, "the account's e-mail address")->required();
  user_add->add_option("--role", user_flags.role, "reader, moderator, editor or admin")->capture_default_str();
  user_add->add_option("--password", user_flags.password, "the password [default: asked for, not echoed]");
  user_add->add_option("--name", user_flags.name, "the display name [default: the e-mail's part before @]");
  add_common(user_add);
  auto* user_role = user->add_subcommand("role", "change an account's role");
  user_role->add_option("EMAIL", role_email, "the account's e-mail address")->required();
  user_role->add_option("ROLE", role_name, "reader, moderator, editor or admin")->required();
  add_common(user_role);

  auto* reindex = app.add_subcommand("reindex", "rebuild the search index from the store, with a progress bar (serve keeps it up to date by itself)");
  add_common(reindex);

  int64_t article_id = 0;
  auto* article = app.add_subcommand("article", "manage stored articles");
  article->require_subcommand(1);
  auto* article_delete = article->add_subcommand("delete", "delete an article for good: fetching its source again will not bring it back");
  article_delete->add_option("ID", article_id, "article id")->required()->check(CLI::PositiveNumber);
  add_common(article_delete);

  auto* translate = app.add_subcommand("translate", "machine translation of articles into the other editions");
  translate->require_subcommand(1);
  auto* translate_run = translate->add_subcommand("run", "translate every article that lacks a translation into an edition, now, with a progress bar and a summary");
  add_common(translate_run);
  int64_t translation_id = 0;
  std::string translation_lang;
  auto* translation = app.add_subcommand("translation", "editors' translations of articles");
  translation->require_subcommand(1);
  auto* translation_edit = translation->add_subcommand("edit", "edit an article's translation in $EDITOR; stored as a human translation, which machines never replace");
  translation_edit->add_option("ID", translation_id, "article id")->required()->check(CLI::PositiveNumber);
  translation_edit->add_option("--lang", translation_lang, "the edition's language, e.g. en")->required();
  add_common(translation_edit);

  std::string migrate_from, migrate_to;
  auto* migrate_store = app.add_subcommand("migrate-store", "copy a whole site into a new, empty database (e.g. SQLite to PostgreSQL), checking counts and checksums per table");
  migrate_store->add_option("--from", migrate_from, "sqlite:PATH or postgresql://…")->required();
  migrate_store->add_option("--to", migrate_to, "postgresql://… or sqlite:PATH (empty; created and migrated)")->required();
  add_common(migrate_store);

  // issue 18, backups that restore: backup and restore (cli/backup_command.cc)
  std::string backup_to, restore_from;
  auto* backup = app.add_subcommand("backup", "write the whole site (a consistent snapshot of its database while it serves, the site secret, the config file) to one archive with a manifest and checksums");
  backup->add_option("--to", backup_to, "the new archive, e.g. newsdesk-2026-12-08.tar (.tar.gz, .tar.xz compress)")->required();
  add_common(backup);
  auto* restore = app.add_subcommand("restore", "restore a backup into an empty data directory (--data) and, for a PostgreSQL site, an empty database (--db), verifying every checksum first and rebuilding the search index; all or nothing");
  restore->add_option("FILE", restore_from, "the archive `newsdesk backup` wrote")->required()->check(CLI::ExistingFile);
  add_common(restore);

  auto* jobs = app.add_subcommand("jobs", "the queue of background work all nodes share: list (default), retry, enqueue, work");
  JobsListFlags jobs_list_flags;
  jobs->add_option("--state", jobs_list_flags.states, "queued, running, done, failed or all (repeatable) [default: all but done]");
  jobs->add_option("--limit", jobs_list_flags.limit, "jobs listed [default: 50]")->check(CLI::Range(1, 100000));
  jobs->add_flag("--json", jobs_list_flags.json, "print JSON: {counts, jobs}");
  add_common(jobs);
  int64_t jobs_retry_id = 0;
  auto* jobs_retry = jobs->add_subcommand("retry", "put a failed job back in the queue");
  jobs_retry->add_option("ID", jobs_retry_id, "job id")->required()->check(CLI::PositiveNumber);
  add_common(jobs_retry);
  JobsEnqueueFlags jobs_enqueue_flags;
  auto* jobs_enqueue = jobs->add_subcommand("enqueue", "queue probe jobs, to see every node take its share");
  jobs_enqueue->add_option("KIND", jobs_enqueue_flags.kind, "probe")->required();
  jobs_enqueue->add_option("--payload", jobs_enqueue_flags.payload, "a probe's payload: milliseconds to wait");
  jobs_enqueue->add_option("--key", jobs_enqueue_flags.key, "queue once per key (with --count, KEY#0, KEY#1, …)");
  jobs_enqueue->add_option("--count", jobs_enqueue_flags.count, "how many [default: 1]");
  add_common(jobs_enqueue);
  JobsWorkFlags jobs_work_flags;
  auto* jobs_work = jobs->add_subcommand("work", "run queued probe jobs without serving pages, until Ctrl-C");
  jobs_work->add_option("--workers", jobs_work_flags.workers, "jobs at once [default: 2]")->check(CLI::Range(1, 64));
  jobs_work->add_option("--lease", jobs_work_flags.lease_seconds, "lease in seconds [default: 30]")->check(CLI::Range(3, 3600));
  jobs_work->add_flag("--until-empty", jobs_work_flags.until_empty, "stop when nothing is queued or running");
  add_common(jobs_work);

  AuditFlags audit_flags;
  auto* audit = app.add_subcommand("audit", "who changed what: the audit log, newest first (time, actor, action, target, summary)");
  audit->add_option("--limit", audit_flags.limit, "entries listed [default: 50]")->check(CLI::Range(1, 500));
  audit->add_option("--actor", audit_flags.actor, "only this actor, e.g. user:3 or \"cli:source add\"");
  audit->add_option("--action", audit_flags.action_prefix, "only actions starting with this, e.g. source. or user.role");
  add_common(audit);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  auto logger = spdlog::stderr_color_mt("newsdesk");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  Config config;
  if (!config_file.empty()) {
    if (Status s = LoadConfigFile(config_file, config); !s.ok()) return Fail(s);
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!database.empty()) config.database = database;
  if (!log_level.empty()) config.log_level = log_level;
  auto level = spdlog::level::from_str(config.log_level);
  if (level == spdlog::level::off && config.log_level != "off")
    return Fail(Status::InvalidArgument(fmt::format("unknown log level '{}'", config.log_level)));
  spdlog::set_level(level);

  Status status;
  try {
    if (*serve) status = RunServe(config, serve_flags);
    else if (*import) status = RunImport(config, import_path);
    else if (*demo) status = RunDemo(config, demo_dir);
    else if (*extract) status = RunExtract(extract_flags);
    else if (*source_add) status = RunSourceAdd(config, add_flags);
    else if (*source_list) status = RunSourceList(config, list_json);
    else if (*source_remove) status = RunSourceRemove(config, source_ref);
    else if (*opml_import) status = RunOpmlImport(config, opml_path);
    else if (*opml_export) status = RunOpmlExport(config, opml_path);
    else if (*fetch) status = RunFetch(config, fetch_source);
    else if (*mentions) status = RunMentions(mentions_path, mentions_lang, mentions_json);
    else if (*entities_retag) status = RunEntitiesRetag(config, retag_full);
    else if (*entities_candidates) status = RunEntitiesCandidates(config, candidates_flags);
    else if (*entities_dismiss) status = RunEntitiesDismiss(config, dismiss_key);
    else if (*entities_add) status = RunEntitiesAdd(config, add_entity);
    else if (*entities_alias) status = RunEntitiesAlias(config, alias_id, alias_form, alias_lang, alias_exact);
    else if (*entities_merge) status = RunEntitiesMerge(config, merge_from, merge_into);
    else if (*article_delete) status = RunArticleDelete(config, article_id);
    else if (*reindex) status = RunReindex(config);
    else if (*user_add) status = RunUserAdd(config, user_flags);
    else if (*user_role) status = RunUserRole(config, role_email, role_name);
    else if (*digest_preview) status = RunDigestPreview(config, preview_flags);
    else if (*digest_send) status = RunDigestSend(config, send_date);
    else if (*translate_run) status = RunTranslate(config);
    else if (*translation_edit) status = RunTranslationEdit(config, translation_id, translation_lang);
    else if (*migrate_store) status = RunMigrateStore(migrate_from, migrate_to);
    else if (*backup) status = RunBackup(config, config_file, backup_to);  // issue 18, backups
    else if (*restore) status = RunRestore(config, restore_from);
    else if (*jobs_retry) status = RunJobsRetry(config, jobs_retry_id);
    else if (*jobs_enqueue) status = RunJobsEnqueue(config, jobs_enqueue_flags);
    else if (*jobs_work) status = RunJobsWork(config, jobs_work_flags);
    else if (*jobs) status = RunJobsList(config, jobs_list_flags);
    else if (*audit) status = RunAudit(config, audit_flags);
  } catch (const std::exception& e) {
    status = Status::Internal(e.what());
  }
  if (!status.ok()) return Fail(status);
  return 0;
}
