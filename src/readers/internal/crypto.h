// readers/internal/crypto.h: the libsodium calls readers make, in one place.
// Private to src/readers/.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace newsdesk::readers_internal {

// InitSodium calls sodium_init() once per process; Internal if it fails.
Status InitSodium();

// RandomBytes is `n` bytes from the system's random source.
std::string RandomBytes(size_t n);

// RandomToken is 32 random bytes as unpadded URL-safe base64 (43 characters).
std::string RandomToken();

// TokenHash is the hex BLAKE2b-256 of a token: what the store keeps.
std::string TokenHash(std::string_view token);

// KeyedHash is BLAKE2b-256 of `message` keyed with `key` (16..64 bytes), as
// unpadded URL-safe base64.
std::string KeyedHash(std::string_view message, std::string_view key);

// EqualConstantTime compares without leaking where the strings differ.
bool EqualConstantTime(std::string_view a, std::string_view b);

// HashPassword is crypto_pwhash_str (Argon2id, interactive limits).
Result<std::string> HashPassword(std::string_view password);

// VerifyPassword is crypto_pwhash_str_verify; false for an empty hash.
bool VerifyPassword(const std::string& hash, std::string_view password);

}  // namespace newsdesk::readers_internal
