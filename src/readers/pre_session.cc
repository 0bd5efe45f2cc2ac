// Signed double-submit tokens for the forms used before a session.
#include "readers/internal/crypto.h"
#include "readers/readers.h"

namespace newsdesk {

namespace ri = readers_internal;

std::string NewPreSessionToken() {
  (void)ri::InitSodium();
  return ri::RandomToken();
}

std::string PreSessionCsrf(const SiteSecret& secret, const std::string& pre_token) {
  return ri::KeyedHash("pre-session csrf:" + pre_token, secret.bytes);
}

bool VerifyPreSessionCsrf(const SiteSecret& secret, const std::string& pre_token, const std::string& csrf) {
  if (pre_token.size() < 32 || csrf.empty()) return false;
  return ri::EqualConstantTime(PreSessionCsrf(secret, pre_token), csrf);
}

}  // namespace newsdesk
