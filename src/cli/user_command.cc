// newsdesk user add / user role: accounts from the command line (the first
// admin, moderators, editors), each change in the audit log.
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <set>

#include "cli/commands.h"
#include "readers/readers.h"
#include "store/store.h"

namespace newsdesk {

namespace {

// ReadPassword prompts on stderr and reads a line from stdin, with echo off
// when stdin is a terminal.
Result<std::string> ReadPassword(const std::string& prompt) {
  const bool tty = ::isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << prompt << std::flush;
    if (::tcgetattr(STDIN_FILENO, &old) == 0) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::cerr << "\n";
  }
  if (!got) return Status::InvalidArgument("no password given (use --password or type it when asked)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// CheckStrength adds to the readers' rules (10 characters, not the e-mail)
// what an administrator's password needs besides: some variety.
Status CheckStrength(const std::string& password) {
  std::set<char> distinct(password.begin(), password.end());
  if (distinct.size() < 5)
    return Status::InvalidArgument("the password is too weak: use at least 5 different characters");
  static const std::set<std::string> common = {"1234567890", "0123456789", "qwertyuiop", "password12",
                                               "password123", "administrator", "letmein1234"};
  if (common.count(password)) return Status::InvalidArgument("the password is too weak: it is a well-known one");
  return Status::Ok();
}

}  // namespace

Status RunUserAdd(const Config& config, const UserAddFlags& flags) {
  auto role = ParseRole(flags.role);
  if (!role) return Status::InvalidArgument(fmt::format("unknown role '{}': reader, moderator, editor or admin", flags.role));
  auto email = NormalizeEmail(flags.email);
  if (!email.ok()) return email.status();
  std::string password = flags.password;
  if (password.empty()) {
    auto typed = ReadPassword(fmt::format("Password for {}: ", *email));
    if (!typed.ok()) return typed.status();
    password = *typed;
    if (::isatty(STDIN_FILENO)) {
      auto again = ReadPassword("The same password again: ");
      if (!again.ok()) return again.status();
      if (*again != password) return Status::InvalidArgument("the two passwords differ");
    }
  }
  ND_RETURN_IF_ERROR(CheckStrength(password));
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto secret = LoadSharedSiteSecret(**store, config.data_dir);
  if (!secret.ok()) return secret.status();
  Accounts accounts(**store, config, *secret);
  const std::string name = flags.name.empty() ? email->substr(0, email->find('@')) : flags.name;
  auto user = accounts.AddUser(*email, name, password, *role);
  if (!user.ok()) {
    if (user.status().code() == Code::kAlreadyExists)
      return Status::AlreadyExists(fmt::format("{} has an account already; change its role with `newsdesk user role`", *email));
    return user.status();
  }
  AppendCliAudit(**store, "user add",
                 {.action = "user.add", .target = fmt::format("user:{}", user->id), .summary = user->display_name,
                  .after = RoleName(user->role)});
  std::cout << fmt::format("added {} ({}) as {}, id {}\n", user->email, user->display_name, RoleName(user->role), user->id);
  return Status::Ok();
}

Status RunUserRole(const Config& config, const std::string& email_text, const std::string& role_name) {
  auto role = ParseRole(role_name);
  if (!role) return Status::InvalidArgument(fmt::format("unknown role '{}': reader, moderator, editor or admin", role_name));
  auto email = NormalizeEmail(email_text);
  if (!email.ok()) return email.status();
  auto store = OpenStore(config);
  if (!store.ok()) return store.status();
  auto user = (*store)->GetUserByEmail(*email);
  if (!user.ok()) {
    if (user.status().is_not_found()) return Status::NotFound(fmt::format("no account has the address {}", *email));
    return user.status();
  }
  auto secret = LoadSharedSiteSecret(**store, config.data_dir);
  if (!secret.ok()) return secret.status();
  Accounts accounts(**store, config, *secret);
  ND_RETURN_IF_ERROR(accounts.SetRole(user->id, *role));
  AppendCliAudit(**store, "user role",
                 {.action = "user.role", .target = fmt::format("user:{}", user->id), .summary = user->display_name,
                  .before = RoleName(user->role), .after = RoleName(*role)});
  std::cout << fmt::format("{} is now {}\n", *email, RoleName(*role));
  return Status::Ok();
}

}  // namespace newsdesk
