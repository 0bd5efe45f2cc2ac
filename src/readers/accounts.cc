// Accounts, sessions, CSRF tokens and the site secret.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sodium.h>
#include <unicode/unistr.h>
#include <unicode/uspoof.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/text.h"
#include "readers/internal/crypto.h"
#include "readers/internal/minutes.h"
#include "readers/readers.h"

namespace newsdesk {

namespace ri = readers_internal;

TimePoint SystemNow() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

namespace {

constexpr size_t kSecretBytes = 32;
constexpr size_t kMaxPasswordBytes = 1024;  // Argon2 cost does not grow with length, but a cap keeps bodies sane
constexpr size_t kMinPasswordChars = 10;
constexpr size_t kMaxDisplayNameChars = 60;
// Our tokens are 32 bytes in unpadded base64url; anything else is not ours.
constexpr size_t kTokenChars = 43;

Result<std::string> ReadSecret(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::string bytes(kSecretBytes + 1, '\0');
  ssize_t n = ::read(fd, bytes.data(), bytes.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kSecretBytes))
    return Status::IOError(fmt::format("{} must hold exactly {} bytes; delete it to make a new one (every "
                                       "session's forms then need reloading)",
                                       path, kSecretBytes));
  bytes.resize(kSecretBytes);
  return bytes;
}

Status ValidateDisplayName(const std::string& name) {
  if (!IsValidUtf8(name))
    return Status::InvalidArgument("the display name is not valid UTF-8 text").With(ReasonCode::kDisplayNameNotUtf8);
  for (unsigned char ch : name)
    if (ch < 0x20 || ch == 0x7f)
      return Status::InvalidArgument("the display name may not contain control characters")
          .With(ReasonCode::kDisplayNameControl);
  if (HasInvisibleChars(name))
    return Status::InvalidArgument("the display name may not contain invisible or direction-changing characters")
        .With(ReasonCode::kDisplayNameInvisible);
  const size_t length = Utf8Length(name);
  if (length == 0) return Status::InvalidArgument("the display name is empty").With(ReasonCode::kDisplayNameEmpty);
  if (length > kMaxDisplayNameChars)
    return Status::InvalidArgument(
               fmt::format("the display name is {} characters long; the limit is {}", length, kMaxDisplayNameChars))
        .With(ReasonCode::kDisplayNameTooLong,
              {{"length", std::to_string(length)}, {"max", std::to_string(kMaxDisplayNameChars)}});
  return Status::Ok();
}

// NameSkeleton is what a name looks like: ICU's confusable skeleton (UTS
// #39) of it as written, or (`folded`) of its case fold. Names with one
// skeleton either way ("Admin", "Аdmin" with a Cyrillic А; "ADMIN") are
// told apart by no reader. Both, since the fold loses look-alikes that
// differ in case (a Latin M and a Cyrillic М, but m and м).
std::string NameSkeleton(const std::string& name, bool folded) {
  static USpoofChecker* const checker = [] {
    UErrorCode status = U_ZERO_ERROR;
    return uspoof_open(&status);
  }();
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(name);
  if (folded) text.foldCase();
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString skeleton;
  if (checker) uspoof_getSkeletonUnicodeString(checker, 0, text, skeleton, &status);
  if (!checker || U_FAILURE(status)) skeleton = text;
  std::string out;
  skeleton.toUTF8String(out);
  return out;
}

// DummyHash is verified against when an e-mail is unknown, so a log-in takes
// as long for a missing account as for a wrong password.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = ri::HashPassword("not anyone's password");
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

Result<SiteSecret> LoadOrCreateSiteSecret(const std::string& data_dir) {
  ND_RETURN_IF_ERROR(ri::InitSodium());
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create data directory {}: {}", data_dir, ec.message()));
  const std::string path = (std::filesystem::path(data_dir) / "site_secret").string();
  if (::access(path.c_str(), F_OK) == 0) {
    auto bytes = ReadSecret(path);
    if (!bytes.ok()) return bytes.status();
    return SiteSecret{std::move(*bytes)};
  }
  // Written whole to a private file, then linked into place: link() fails
  // when another process got there first, and then its secret wins, so no
  // reader ever sees a half-written one.
  const std::string tmp = fmt::format("{}.{}.tmp", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  std::string bytes = ri::RandomBytes(kSecretBytes);
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Status::IOError(fmt::format("cannot write {}: {}", tmp, std::strerror(write_errno)));
  }
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0) {
    if (link_errno != EEXIST)
      return Status::IOError(fmt::format("cannot create {}: {}", path, std::strerror(link_errno)));
    auto existing = ReadSecret(path);
    if (!existing.ok()) return existing.status();
    return SiteSecret{std::move(*existing)};
  }
  return SiteSecret{std::move(bytes)};
}

std::string SiteSignature(const SiteSecret& secret, std::string_view purpose, std::string_view message) {
  std::string framed(purpose);
  framed += '\n';  // a purpose never holds a newline: no message of one purpose signs for another
  framed += message;
  return ri::KeyedHash(framed, secret.bytes);
}

bool SignatureMatches(const SiteSecret& secret, std::string_view purpose, std::string_view message,
                      std::string_view signature) {
  return ri::EqualConstantTime(SiteSignature(secret, purpose, message), signature);
}

Result<SiteSecret> LoadSharedSiteSecret(Settings& store, const std::string& data_dir) {
  constexpr const char* kName = "site_secret";
  auto decode = [](const std::string& hex) -> Result<SiteSecret> {
    std::string bytes(kSecretBytes, '\0');
    size_t len = 0;
    if (hex.size() != 2 * kSecretBytes ||
        sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(), hex.size(), nullptr,
                       &len, nullptr) != 0 ||
        len != kSecretBytes)
      return Status::IOError("the store's site secret is damaged (settings.site_secret is not 64 hex digits)");
    return SiteSecret{std::move(bytes)};
  };
  auto stored = store.GetSetting(kName);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) return decode(**stored);
  auto local = LoadOrCreateSiteSecret(data_dir);
  if (!local.ok()) return local.status();
  std::string hex(2 * kSecretBytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(local->bytes.data()),
                 local->bytes.size());
  hex.resize(2 * kSecretBytes);
  auto winner = store.PutSettingIfAbsent(kName, hex);
  if (!winner.ok()) return winner.status();
  return decode(*winner);
}

Result<std::string> NormalizeEmail(std::string_view raw) {
  const std::string email = AsciiLower(Trim(raw));
  if (email.empty()) return Status::InvalidArgument("the e-mail address is empty").With(ReasonCode::kEmailEmpty);
  if (email.size() > 254)
    return Status::InvalidArgument("the e-mail address is longer than 254 characters")
        .With(ReasonCode::kEmailTooLong, {{"max", "254"}});
  const size_t at = email.find('@');
  if (at == std::string::npos || email.find('@', at + 1) != std::string::npos)
    return Status::InvalidArgument(fmt::format("'{}' is not an e-mail address: it needs one @", email))
        .With(ReasonCode::kEmailNeedsOneAt, {{"email", email}});
  const std::string_view local = std::string_view(email).substr(0, at);
  const std::string_view domain = std::string_view(email).substr(at + 1);
  if (local.empty() || local.size() > 64)
    return Status::InvalidArgument(fmt::format("'{}' is not an e-mail address: the part before @ must be 1 to 64 "
                                               "characters",
                                               email))
        .With(ReasonCode::kEmailLocalLength, {{"email", email}, {"min", "1"}, {"max", "64"}});
  for (char ch : local) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                    std::strchr("!#$%&'*+-/=?^_`{|}~.", ch) != nullptr;
    if (!ok || ch == '\0')
      return Status::InvalidArgument(
                 fmt::format("'{}' is not an e-mail address: the part before @ may not contain '{}'", email, ch))
          .With(ReasonCode::kEmailLocalChar, {{"email", email}, {"char", std::string(1, ch)}});
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return Status::InvalidArgument(fmt::format("'{}' is not an e-mail address: misplaced dot before @", email))
        .With(ReasonCode::kEmailMisplacedDot, {{"email", email}});
  // The domain: dot-separated labels of letters, digits and inner hyphens, at
  // least two of them (no bare host names).
  size_t labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    bool ok = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-';
    for (char ch : label) ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-');
    if (!ok)
      return Status::InvalidArgument(fmt::format("'{}' is not an e-mail address: the domain is malformed", email))
          .With(ReasonCode::kEmailDomainMalformed, {{"email", email}});
    ++labels;
    start = end + 1;
  }
  if (labels < 2)
    return Status::InvalidArgument(fmt::format("'{}' is not an e-mail address: the domain needs a dot", email))
        .With(ReasonCode::kEmailDomainNeedsDot, {{"email", email}});
  return email;
}

Accounts::Accounts(AccountStore& store, const Config& config, SiteSecret secret, Clock clock)
    : store_(store), config_(config), secret_(std::move(secret)), clock_(std::move(clock)) {
  (void)ri::InitSodium();  // LoadOrCreateSiteSecret has reported a failure already
}

Status Accounts::CheckPassword(const std::string& password, const std::string& email) {
  if (password.size() > kMaxPasswordBytes)
    return Status::InvalidArgument(fmt::format("the password is longer than {} bytes", kMaxPasswordBytes))
        .With(ReasonCode::kPasswordTooLong, {{"max", std::to_string(kMaxPasswordBytes)}});
  const size_t length = IsValidUtf8(password) ? Utf8Length(password) : password.size();
  if (length < kMinPasswordChars)
    return Status::InvalidArgument(fmt::format("the password must be at least {} characters long", kMinPasswordChars))
        .With(ReasonCode::kPasswordTooShort, {{"min", std::to_string(kMinPasswordChars)}});
  if (!email.empty() && AsciiLower(Trim(password)) == email)
    return Status::InvalidArgument("the password may not be your e-mail address").With(ReasonCode::kPasswordIsEmail);
  return Status::Ok();
}

Result<std::string> Accounts::NewToken(int64_t user_id, TokenPurpose purpose, std::chrono::seconds lifetime) {
  std::string token = ri::RandomToken();
  ND_RETURN_IF_ERROR(store_.CreateToken(TokenRecord{ri::TokenHash(token), user_id, purpose, clock_() + lifetime}));
  return token;
}

Status Accounts::CheckNotLikeStaff(const std::string& name, int64_t self_id) {
  const std::string skeleton = NameSkeleton(name, false), folded = NameSkeleton(name, true);
  for (Role role : {Role::kModerator, Role::kEditor, Role::kAdmin}) {
    UserQuery q;
    q.role = role;
    q.limit = 500;
    for (;;) {
      auto page = store_.ListUsers(q);
      if (!page.ok()) return page.status();
      for (const auto& o : *page) {
        if (o.user.id == self_id || o.user.deleted) continue;
        if (NameSkeleton(o.user.display_name, false) == skeleton || NameSkeleton(o.user.display_name, true) == folded)
          return Status::InvalidArgument(fmt::format("the display name looks too much like the name of one of the "
                                                     "site's staff ({})",
                                                     o.user.display_name))
              .With(ReasonCode::kDisplayNameLikeStaff, {{"name", o.user.display_name}});
      }
      if (page->size() < static_cast<size_t>(q.limit)) break;
      q.after_id = page->back().user.id;
    }
  }
  return Status::Ok();
}

Result<Registration> Accounts::Register(const RegistrationForm& form) {
  if (!form.honeypot.empty())
    return Status::InvalidArgument("this form looks filled in by a robot: the last field must stay empty")
        .With(ReasonCode::kFormHoneypot);
  auto email = NormalizeEmail(form.email);
  if (!email.ok()) return email.status();
  const std::string name = Trim(form.display_name);
  ND_RETURN_IF_ERROR(ValidateDisplayName(name));
  ND_RETURN_IF_ERROR(CheckNotLikeStaff(name, 0));
  ND_RETURN_IF_ERROR(CheckPassword(form.password, *email));
  auto hash = ri::HashPassword(form.password);
  if (!hash.ok()) return hash.status();
  User u;
  u.email = *email;
  u.display_name = name;
  u.password_hash = std::move(*hash);
  u.created_at = clock_();
  auto user = store_.CreateUser(u);
  if (!user.ok()) return user.status();
  auto token = NewToken(user->id, TokenPurpose::kConfirmEmail, std::chrono::hours(config_.confirm_token_hours));
  if (!token.ok()) return token.status();
  return Registration{std::move(*user), std::move(*token)};
}

Result<std::string> Accounts::NewConfirmToken(const std::string& raw_email) {
  auto email = NormalizeEmail(raw_email);
  if (!email.ok()) return email.status();
  auto user = store_.GetUserByEmail(*email);
  if (!user.ok()) return user.status();
  if (user->email_confirmed)
    return Status::InvalidArgument("this e-mail address is confirmed already").With(ReasonCode::kEmailConfirmedAlready);
  return NewToken(user->id, TokenPurpose::kConfirmEmail, std::chrono::hours(config_.confirm_token_hours));
}

Result<TokenRecord> Accounts::ConsumeLinkToken(const std::string& token, TokenPurpose purpose,
                                               const LinkRefusals& refusals) {
  if (token.size() != kTokenChars)
    return Status::NotFound(fmt::format("this {} link is not valid", refusals.link)).With(refusals.invalid);
  auto record = store_.ConsumeToken(ri::TokenHash(token), purpose);
  if (!record.ok()) {
    if (record.status().is_not_found())
      return Status::NotFound(
                 fmt::format("this {} link is unknown or was used already{}", refusals.link, refusals.unknown_advice))
          .With(refusals.unknown);
    return record.status();
  }
  if (record->expires_at <= clock_())
    return Status::InvalidArgument(fmt::format("this {} link has expired; ask for a new one", refusals.link))
        .With(refusals.expired);
  return record;
}

Result<User> Accounts::ConfirmEmail(const std::string& token) {
  auto record = ConsumeLinkToken(token, TokenPurpose::kConfirmEmail,
                                 {"confirmation", "", ReasonCode::kConfirmLinkInvalid, ReasonCode::kConfirmLinkUnknown,
                                  ReasonCode::kConfirmLinkExpired});
  if (!record.ok()) return record.status();
  ND_RETURN_IF_ERROR(store_.UpdateUser(record->user_id, UserChanges{.email_confirmed = true}));
  return store_.GetUser(record->user_id);
}

std::string Accounts::DeviceToken(int64_t user_id) const {
  return ri::KeyedHash(fmt::format("device that logged in to {}", user_id), secret_.bytes);
}

Result<LoginResult> Accounts::Login(const std::string& raw_email, const std::string& password,
                                    const std::string& address, const std::string& device) {
  static const char* kWrong = "wrong e-mail address or password";
  // A malformed address is counted as a failure of the string as typed.
  auto normalized = NormalizeEmail(raw_email);
  const std::string email = normalized.ok() ? *normalized : AsciiLower(Trim(raw_email));
  const TimePoint now = clock_();
  const TimePoint since = now - std::chrono::seconds(config_.login_failure_window_seconds);
  auto failures = store_.CountLoginFailures(email, address, since);
  if (!failures.ok()) return failures.status();
  auto throttled = [&] {
    return Status::Unavailable(fmt::format("too many failed log-ins; try again in {}",
                                           ri::MinutesText(config_.login_failure_window_seconds)))
        .With(ri::MinutesReason(config_.login_failure_window_seconds, ReasonCode::kLoginThrottledMinute,
                                ReasonCode::kLoginThrottled));
  };
  if (failures->by_address >= config_.login_failures_per_address) return throttled();

  Result<User> user = normalized.ok() ? store_.GetUserByEmail(email) : Result<User>(Status::NotFound(""));
  if (!user.ok() && !user.status().is_not_found()) return user.status();
  const bool locked = failures->by_account >= config_.login_failures_per_account;
  // A locked account lets in only the right password from a device that
  // logged in to it before or from an address that has not failed: the
  // guesser's addresses have, its owner's usually not.
  const bool known_device = user.ok() && !device.empty() && ri::EqualConstantTime(DeviceToken(user->id), device);
  if (locked && !known_device && failures->by_address > 0) return throttled();
  const bool valid = user.ok() ? ri::VerifyPassword(user->password_hash, password)
                               : (ri::VerifyPassword(DummyHash(), password), false);
  if (!valid) {
    ND_RETURN_IF_ERROR(store_.RecordLoginFailure(email, address, now, since));
    if (locked) return throttled();
    return Status::InvalidArgument(kWrong).With(ReasonCode::kWrongLogin);
  }
  if (!user->email_confirmed)
    return Status::InvalidArgument(
               fmt::format("confirm your e-mail address first: follow the link we mailed to {}", user->email))
        .With(ReasonCode::kLoginUnconfirmed, {{"email", user->email}});
  ND_RETURN_IF_ERROR(store_.ClearLoginFailures(email));
  return StartSession(std::move(*user));
}

Result<LoginResult> Accounts::StartSession(User user) {
  const TimePoint now = clock_();
  LoginResult out;
  out.session_token = ri::RandomToken();
  const std::string hash = ri::TokenHash(out.session_token);
  out.expires_at = now + std::chrono::days(config_.session_days);
  ND_RETURN_IF_ERROR(store_.CreateSession(SessionRecord{hash, user.id, now, out.expires_at}));
  out.csrf_token = ri::KeyedHash(hash, secret_.bytes);
  out.user = std::move(user);
  return out;
}

Result<std::optional<std::string>> Accounts::RequestLogInLink(const std::string& raw_email) {
  return MailedLinkToken(raw_email, TokenPurpose::kLogIn);
}

Result<LoginResult> Accounts::LogInWithLink(const std::string& token) {
  auto record = ConsumeLinkToken(token, TokenPurpose::kLogIn,
                                 {"log-in", "; ask for a new one", ReasonCode::kLoginLinkInvalid,
                                  ReasonCode::kLoginLinkUnknown, ReasonCode::kLoginLinkExpired});
  if (!record.ok()) return record.status();
  auto user = store_.GetUser(record->user_id);
  if (!user.ok()) return user.status();
  if (user->deleted) return Status::NotFound("this account was deleted").With(ReasonCode::kAccountDeleted);
  if (!user->email_confirmed) {
    ND_RETURN_IF_ERROR(store_.UpdateUser(user->id, UserChanges{.email_confirmed = true}));
    user->email_confirmed = true;
  }
  ND_RETURN_IF_ERROR(store_.ClearLoginFailures(user->email));
  return StartSession(std::move(*user));
}

Result<Session> Accounts::Authenticate(const std::string& session_token) {
  if (session_token.size() != kTokenChars) return Status::NotFound("not logged in").With(ReasonCode::kNotLoggedIn);
  const std::string hash = ri::TokenHash(session_token);
  auto session = store_.GetSession(hash);
  if (!session.ok())
    return session.status().is_not_found() ? Status::NotFound("not logged in").With(ReasonCode::kNotLoggedIn)
                                           : session.status();
  if (session->expires_at <= clock_()) {
    (void)store_.DeleteSession(hash);  // best effort: it is refused either way
    return Status::NotFound("your session has expired; log in again").With(ReasonCode::kSessionExpired);
  }
  auto user = store_.GetUser(session->user_id);
  if (!user.ok()) return user.status();
  if (user->deleted) return Status::NotFound("not logged in").With(ReasonCode::kNotLoggedIn);
  return Session{std::move(*user), ri::KeyedHash(hash, secret_.bytes), session->expires_at};
}

Status Accounts::VerifyCsrf(const std::string& session_token, const std::string& csrf_token) {
  static const char* kStale = "this form has expired or came from elsewhere; reload the page and try again";
  if (session_token.empty() || csrf_token.empty()) return Status::InvalidArgument(kStale).With(ReasonCode::kFormStale);
  const std::string expected = ri::KeyedHash(ri::TokenHash(session_token), secret_.bytes);
  if (!ri::EqualConstantTime(expected, csrf_token)) return Status::InvalidArgument(kStale).With(ReasonCode::kFormStale);
  return Status::Ok();
}

Status Accounts::Logout(const std::string& session_token) {
  if (session_token.empty()) return Status::Ok();
  return store_.DeleteSession(ri::TokenHash(session_token));
}

Result<std::optional<std::string>> Accounts::RequestPasswordReset(const std::string& raw_email) {
  return MailedLinkToken(raw_email, TokenPurpose::kResetPassword);
}

Result<std::optional<std::string>> Accounts::MailedLinkToken(const std::string& raw_email, TokenPurpose purpose) {
  auto email = NormalizeEmail(raw_email);
  if (!email.ok()) return email.status();
  auto user = store_.GetUserByEmail(*email);
  if (!user.ok()) {
    if (user.status().is_not_found()) return std::optional<std::string>();
    return user.status();
  }
  if (user->deleted) return std::optional<std::string>();
  auto token = NewToken(user->id, purpose, std::chrono::minutes(config_.reset_token_minutes));
  if (!token.ok()) return token.status();
  return std::optional<std::string>(std::move(*token));
}

Result<bool> Accounts::MayMailAccount(int64_t user_id, const std::string& kind) {
  return store_.ClaimAccountMail(user_id, kind, clock_(), std::chrono::seconds(config_.account_mail_gap_seconds),
                                 static_cast<int>(config_.account_mails_per_day));
}

Status Accounts::ResetPassword(const std::string& token, const std::string& new_password) {
  // The shape of the password is checked before the token is used up, so a
  // too-short password can be corrected with the same link.
  ND_RETURN_IF_ERROR(CheckPassword(new_password, ""));
  auto record = ConsumeLinkToken(token, TokenPurpose::kResetPassword,
                                 {"password reset", "; ask for a new one", ReasonCode::kResetLinkInvalid,
                                  ReasonCode::kResetLinkUnknown, ReasonCode::kResetLinkExpired});
  if (!record.ok()) return record.status();
  auto user = store_.GetUser(record->user_id);
  if (!user.ok()) return user.status();
  if (Status s = CheckPassword(new_password, user->email); !s.ok()) {
    ND_RETURN_IF_ERROR(store_.CreateToken(*record));  // give the link back: the password was the problem
    return s;
  }
  auto hash = ri::HashPassword(new_password);
  if (!hash.ok()) return hash.status();
  ND_RETURN_IF_ERROR(store_.UpdateUser(user->id, UserChanges{.password_hash = *hash, .email_confirmed = true}));
  ND_RETURN_IF_ERROR(store_.ClearLoginFailures(user->email));
  return store_.DeleteUserSessions(user->id);
}

Result<User> Accounts::CheckCurrentPassword(int64_t user_id, const std::string& password) {
  auto user = store_.GetUser(user_id);
  if (!user.ok()) return user.status();
  if (user->deleted) return Status::NotFound("this account was deleted").With(ReasonCode::kAccountDeleted);
  if (!ri::VerifyPassword(user->password_hash, password))
    return Status::InvalidArgument("the current password is wrong").With(ReasonCode::kCurrentPasswordWrong);
  return user;
}

Status Accounts::ChangePassword(int64_t user_id, const std::string& current_password,
                                const std::string& new_password) {
  auto user = CheckCurrentPassword(user_id, current_password);
  if (!user.ok()) return user.status();
  ND_RETURN_IF_ERROR(CheckPassword(new_password, user->email));
  auto hash = ri::HashPassword(new_password);
  if (!hash.ok()) return hash.status();
  ND_RETURN_IF_ERROR(store_.UpdateUser(user_id, UserChanges{.password_hash = *hash}));
  return store_.DeleteUserSessions(user_id);
}

Status Accounts::ChangeDisplayName(int64_t user_id, const std::string& display_name) {
  const std::string name = Trim(display_name);
  ND_RETURN_IF_ERROR(ValidateDisplayName(name));
  ND_RETURN_IF_ERROR(CheckNotLikeStaff(name, user_id));
  return store_.UpdateUser(user_id, UserChanges{.display_name = name});
}

Status Accounts::SetNotifyReplies(int64_t user_id, bool notify) {
  return store_.UpdateUser(user_id, UserChanges{.notify_replies = notify});
}

Status Accounts::DeleteAccount(int64_t user_id, const std::string& password) {
  auto user = CheckCurrentPassword(user_id, password);
  if (!user.ok()) return user.status();
  return store_.DeleteUser(user_id);
}

Result<User> Accounts::AddUser(const std::string& raw_email, const std::string& display_name,
                               const std::string& password, Role role) {
  auto email = NormalizeEmail(raw_email);
  if (!email.ok()) return email.status();
  const std::string name = Trim(display_name);
  ND_RETURN_IF_ERROR(ValidateDisplayName(name));
  ND_RETURN_IF_ERROR(CheckPassword(password, *email));
  auto hash = ri::HashPassword(password);
  if (!hash.ok()) return hash.status();
  User u;
  u.email = *email;
  u.display_name = name;
  u.password_hash = std::move(*hash);
  u.role = role;
  u.email_confirmed = true;
  u.created_at = clock_();
  return store_.CreateUser(u);
}

Status Accounts::SetRole(int64_t user_id, Role role) { return store_.UpdateUser(user_id, UserChanges{.role = role}); }

Status Accounts::SetPassword(int64_t user_id, const std::string& new_password) {
  auto user = store_.GetUser(user_id);
  if (!user.ok()) return user.status();
  ND_RETURN_IF_ERROR(CheckPassword(new_password, user->email));
  auto hash = ri::HashPassword(new_password);
  if (!hash.ok()) return hash.status();
  ND_RETURN_IF_ERROR(store_.UpdateUser(user_id, UserChanges{.password_hash = std::move(*hash)}));
  return store_.DeleteUserSessions(user_id);
}

Result<std::string> Accounts::GeneratePassword() {
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // no 0/O, 1/l/I
  constexpr uint32_t kSize = sizeof(kAlphabet) - 1;
  ND_RETURN_IF_ERROR(ri::InitSodium());
  std::string password;
  for (int i = 0; i < 20; ++i) password += kAlphabet[randombytes_uniform(kSize)];
  return password;
}

std::string Accounts::UnsubscribeToken(int64_t user_id) const {
  return ri::KeyedHash(fmt::format("unsubscribe replies {}", user_id), secret_.bytes);
}

Status Accounts::Unsubscribe(int64_t user_id, const std::string& token) {
  if (!ri::EqualConstantTime(UnsubscribeToken(user_id), token))
    return Status::InvalidArgument("this unsubscribe link is not valid")
        .With(ReasonCode::kRepliesUnsubscribeLinkInvalid);
  return store_.UpdateUser(user_id, UserChanges{.notify_replies = false});
}

Status Accounts::PruneExpired() {
  const TimePoint now = clock_();
  return store_.PruneExpired(now, now - std::chrono::seconds(config_.login_failure_window_seconds));
}

Status Accounts::SetBanned(const User& moderator, int64_t user_id, bool banned) {
  if (!IsModerator(moderator))
    return Status::PermissionDenied("only moderators can ban readers").With(ReasonCode::kBanNotModerator);
  auto user = store_.GetUser(user_id);
  if (!user.ok()) return user.status();
  ND_RETURN_IF_ERROR(MayBan(moderator, *user));
  return store_.UpdateUser(user_id, UserChanges{.banned = banned});
}

Status MayBan(const User& moderator, const User& user) {
  if (!IsModerator(moderator))
    return Status::PermissionDenied("only moderators can ban readers").With(ReasonCode::kBanNotModerator);
  if (user.id == moderator.id) return Status::InvalidArgument("you can't ban yourself").With(ReasonCode::kBanSelf);
  if (static_cast<int>(user.role) >= static_cast<int>(moderator.role) && moderator.role != Role::kAdmin)
    return Status::PermissionDenied(fmt::format("a {} can't ban a {}", RoleName(moderator.role), RoleName(user.role)))
        .With(ReasonCode::kBanHigherRole);
  return Status::Ok();
}

bool IsModerator(const User& user) { return !user.deleted && !user.banned && user.role != Role::kReader; }

Result<User> Accounts::Get(int64_t user_id) { return store_.GetUser(user_id); }

Result<User> Accounts::FindByEmail(const std::string& email) {
  auto normal = NormalizeEmail(email);
  if (!normal.ok()) return normal.status();
  return store_.GetUserByEmail(*normal);
}

}  // namespace newsdesk
