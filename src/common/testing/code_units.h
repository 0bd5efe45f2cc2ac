// common/testing/code_units.h: UTF-16 and UTF-32 bytes made by hand, for
// tests of the code that detects and decodes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace newsdesk::testing {

// EncodeCodeUnits writes each code point of `text` as one `unit`-byte code
// unit (2: UTF-16 without surrogates, 4: UTF-32), big- or little-endian,
// after a byte-order mark when `with_bom`.
// REQUIRES: unit is 2 or 4; with unit 2, every code point is below U+10000.
inline std::string EncodeCodeUnits(std::u32string_view text, int unit, bool big_endian, bool with_bom) {
  std::string out;
  auto put = [&](uint32_t v) {
    for (int k = 0; k < unit; ++k) {
      int shift = 8 * (big_endian ? unit - 1 - k : k);
      out += static_cast<char>((v >> shift) & 0xFF);
    }
  };
  if (with_bom) put(0xFEFF);
  for (char32_t c : text) put(static_cast<uint32_t>(c));
  return out;
}

}  // namespace newsdesk::testing
