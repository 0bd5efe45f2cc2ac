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
  std::string data_dir, config_file, log_level;
  auto add_common = [&](CLI::App* a) {
    a->add_option("--data", data_dir, "data directory (database and everything newsdesk writes) [default: ./data]");
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
  if (!log_level.empty()) config.log_level = log_level;
  auto level = spdlog::level::from_str(config.log_level);
  if (level == spdlog::level::off && config.log_level != "off")
    return Fail(Status::InvalidArgument(fmt::format("unknown log level '{}'", config.log_level)));
  spdlog::set_level(level);

  Status status;
  try {
    if (*serve) status = RunServe(config, serve_flags);
    else if (*import) status = RunImport(config, import_path);
  } catch (const std::exception& e) {
    status = Status::Internal(e.what());
  }
  if (!status.ok()) return Fail(status);
  return 0;
}
