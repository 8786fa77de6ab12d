#include "eval/python_whitespace.h"

#include "text/utf8.h"

namespace attn {

bool is_python_whitespace(char32_t c) {
  if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) return true;
  switch (c) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::vector<std::string> split_on_whitespace(std::string_view text) {
  std::vector<std::string> words;
  size_t word_start = 0;
  bool in_word = false;
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = decode_utf8_char(text, pos);
    const bool space = is_python_whitespace(decoded.code);
    if (space && in_word) words.emplace_back(text.substr(word_start, pos - word_start));
    if (!space && !in_word) word_start = pos;
    in_word = !space;
    pos += decoded.length;
  }
  if (in_word) words.emplace_back(text.substr(word_start));
  return words;
}

std::string_view strip_trailing_whitespace(std::string_view text) {
  size_t keep = 0;  // bytes up to the end of the last non-whitespace character
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = decode_utf8_char(text, pos);
    pos += decoded.length;
    if (!is_python_whitespace(decoded.code)) keep = pos;
  }
  return text.substr(0, keep);
}

}  // namespace attn
