// Signed subscription links: id.expiry.mac, nothing stored.
#include <fmt/format.h>
#include <sodium.h>

#include <charconv>

#include "digest/digest.h"

namespace newsdesk {

namespace {

const char* PurposeName(LinkSigner::Purpose p) {
  return p == LinkSigner::Purpose::kConfirm ? "digest-confirm" : "digest-manage";
}

std::string Hex(const unsigned char* data, size_t n) {
  std::string out(n * 2, '0');
  sodium_bin2hex(out.data(), out.size() + 1, data, n);
  return out;
}

}  // namespace

std::string SiteBaseUrl(const Config& config) {
  std::string url = config.base_url.empty() ? "http://" + config.listen : config.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string LinkSigner::Mac(Purpose purpose, const std::string& payload) const {
  const std::string message = fmt::format("{}|{}", PurposeName(purpose), payload);
  unsigned char mac[16];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<const unsigned char*>(secret_.bytes.data()), secret_.bytes.size());
  return Hex(mac, sizeof mac);
}

std::string LinkSigner::Sign(Purpose purpose, int64_t subscriber_id, std::optional<TimePoint> expires) const {
  const std::string payload =
      fmt::format("{}.{}", subscriber_id, expires ? expires->time_since_epoch().count() : 0);
  return payload + "." + Mac(purpose, payload);
}

Result<int64_t> LinkSigner::Verify(Purpose purpose, const std::string& token, TimePoint now) const {
  const Status invalid = Status::InvalidArgument("this link is not valid").With(ReasonCode::kSubscriptionLinkInvalid);
  const size_t first = token.find('.');
  const size_t second = first == std::string::npos ? first : token.find('.', first + 1);
  if (second == std::string::npos || token.size() > 200) return invalid;
  int64_t id = 0, expires = 0;
  const char* b = token.data();
  if (std::from_chars(b, b + first, id).ptr != b + first || id <= 0) return invalid;
  if (std::from_chars(b + first + 1, b + second, expires).ptr != b + second) return invalid;
  const std::string expected = Mac(purpose, token.substr(0, second));
  const std::string given = token.substr(second + 1);
  if (given.size() != expected.size() || sodium_memcmp(given.data(), expected.data(), expected.size()) != 0)
    return invalid;
  if (expires != 0 && now.time_since_epoch().count() > expires)
    return Status::InvalidArgument("this link has expired: subscribe again to get a new one")
        .With(ReasonCode::kSubscriptionLinkExpired);
  return id;
}

}  // namespace newsdesk
