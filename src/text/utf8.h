// UTF-8 decoding and encoding that never fails: ill-formed bytes decode to U+FFFD, one replacement per
// "maximal subpart" (the Unicode-recommended practice), so every byte string maps to valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace attn {

constexpr char32_t kReplacementChar = 0xFFFD;

struct DecodedChar {
  char32_t code;  // kReplacementChar for an ill-formed sequence
  size_t length;  // bytes consumed, ≥ 1 (an ill-formed maximal subpart is consumed whole)
};

// Decodes the character starting at byte `pos` (pos < text.size()).
DecodedChar decode_utf8_char(std::string_view text, size_t pos);

// Whole-string conversions; decode_utf8 replaces ill-formed sequences, encode_utf8 replaces surrogates and
// code points above U+10FFFF.
std::u32string decode_utf8(std::string_view text);
void append_utf8(std::string& out, char32_t code);
std::string encode_utf8(std::u32string_view codes);

bool is_valid_utf8(std::string_view text);
// `text` with every ill-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace attn
