#include "text/utf8.h"

namespace attn {

namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The allowed range of the second byte depends on the lead byte: it excludes overlong forms (E0, F0),
// surrogates (ED) and code points above U+10FFFF (F4).
bool second_byte_ok(unsigned char lead, unsigned char second) {
  switch (lead) {
    case 0xE0: return second >= 0xA0 && second <= 0xBF;
    case 0xED: return second >= 0x80 && second <= 0x9F;
    case 0xF0: return second >= 0x90 && second <= 0xBF;
    case 0xF4: return second >= 0x80 && second <= 0x8F;
    default: return is_continuation(second);
  }
}

}  // namespace

DecodedChar decode_utf8_char(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1};
  size_t length;
  char32_t code;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07;
  } else {
    return {kReplacementChar, 1};  // stray continuation byte, C0/C1 (always overlong) or F5..FF
  }
  for (size_t i = 1; i < length; ++i) {
    if (pos + i >= text.size()) return {kReplacementChar, i};
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    const bool ok = i == 1 ? second_byte_ok(lead, byte) : is_continuation(byte);
    if (!ok) return {kReplacementChar, i};
    code = (code << 6) | (byte & 0x3F);
  }
  return {code, length};
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string codes;
  codes.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = decode_utf8_char(text, pos);
    codes.push_back(decoded.code);
    pos += decoded.length;
  }
  return codes;
}

void append_utf8(std::string& out, char32_t code) {
  if ((code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) code = kReplacementChar;
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view codes) {
  std::string out;
  out.reserve(codes.size());
  for (const char32_t code : codes) append_utf8(out, code);
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = decode_utf8_char(text, pos);
    // Only a genuine U+FFFD decodes from the bytes EF BF BD; a replacement for ill-formed input never does.
    if (decoded.code == kReplacementChar && text.compare(pos, 3, "\xEF\xBF\xBD") != 0) return false;
    pos += decoded.length;
  }
  return true;
}

std::string sanitize_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  return encode_utf8(decode_utf8(text));
}

}  // namespace attn
