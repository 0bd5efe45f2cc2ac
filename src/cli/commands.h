// File: cli/commands.h
//
// The `newsdesk` subcommands. Each is a function from its options to a
// Status; main() maps a failed Status to a one-line reason on stderr and a
// non-zero exit. Nothing here calls exit().
#pragma once

#include <string>

#include "common/config.h"
#include "common/status.h"

namespace newsdesk {

struct ServeFlags {
  std::string listen;  // empty = from config
  unsigned threads = 0;
};

// RunServe serves the site until SIGINT/SIGTERM, then shuts down gracefully.
Status RunServe(Config config, const ServeFlags& flags);

// RunImport imports a JSON/JSON Lines file or a directory of them, all or
// nothing, and prints what it did.
Status RunImport(const Config& config, const std::string& path);

}  // namespace newsdesk
