#include "text/sentence_split.h"

#include <stdexcept>
#include <string>
#include <unordered_set>

#include "text/normalize.h"
#include "text/utf8.h"

namespace attn {

namespace {

struct Char {
  char32_t code;
  size_t begin, end;  // byte offsets
};

std::vector<Char> decode_chars(std::string_view text) {
  std::vector<Char> chars;
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar decoded = decode_utf8_char(text, pos);
    chars.push_back({decoded.code, pos, pos + decoded.length});
    pos += decoded.length;
  }
  return chars;
}

// Whitespace, and the invisible characters normalization drops.
bool is_blank(char32_t code) { return is_space_char(code) || is_ignorable_char(code); }

bool is_terminator(char32_t code) { return code == U'.' || code == U'!' || code == U'?' || code == U'…'; }

bool is_spaced_closer(char32_t code) { return code == U'»' || code == U'”' || code == U'›'; }

bool is_adjacent_closer(char32_t code) {
  return is_spaced_closer(code) || code == U'"' || code == U'’' || code == U')' || code == U']';
}

bool starts_sentence(char32_t code) {
  return is_uppercase_letter(code) || is_ascii_digit(code) || code == U'«' || code == U'"' || code == U'“' ||
         code == U'‘' || code == U'‹' || code == U'(' || code == U'[' || code == U'¿' || code == U'¡';
}

// Words that a "." follows without ending the sentence (case-sensitive; initials are handled separately).
const std::unordered_set<std::string>& abbreviations() {
  static const std::unordered_set<std::string> words = {
      // French titles and common abbreviations
      "M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Mgr", "Dr", "Pr", "St", "Ste", "Sts", "Stes", "p", "pp",
      "ex", "cf", "env", "c.-à-d", "av", "apr", "chap", "éd",
      // English
      "Mr", "Mrs", "Ms", "Messrs", "Prof", "vs", "e.g", "i.e"};
  return words;
}

size_t skip_blanks(const std::vector<Char>& chars, size_t i) {
  while (i < chars.size() && is_blank(chars[i].code)) ++i;
  return i;
}

// Whether the "." at chars[dot] ends an abbreviation or an initial.
bool ends_abbreviation(const std::vector<Char>& chars, std::string_view text, size_t dot) {
  size_t start = dot;
  while (start > 0) {
    const char32_t code = chars[start - 1].code;
    if (!is_letter_char(code) && code != U'.' && code != U'-') break;
    --start;
  }
  if (start == dot) return false;
  const std::string word(text.substr(chars[start].begin, chars[dot].begin - chars[start].begin));
  if (abbreviations().count(word) != 0) return true;
  // A single capital letter not preceded by a letter: "J. K. Rowling", "J.-P. Sartre".
  return is_uppercase_letter(chars[dot - 1].code) && (dot == 1 || !is_letter_char(chars[dot - 2].code));
}

// If a blank line starts at chars[i] (a line break, blanks, another line break), the index after it.
size_t blank_line_end(const std::vector<Char>& chars, size_t i) {
  const auto is_line_break = [](char32_t code) { return code == U'\n' || code == U'\u2029'; };
  if (!is_line_break(chars[i].code)) return 0;
  for (size_t k = i + 1; k < chars.size() && is_blank(chars[k].code); ++k) {
    if (is_line_break(chars[k].code)) return skip_blanks(chars, k);
  }
  return 0;
}

// Appends [first, last) (char indices) trimmed of blanks, if anything is left.
void add_trimmed(const std::vector<Char>& chars, size_t first, size_t last, std::vector<TextSpan>& spans) {
  first = skip_blanks(chars, first);
  while (last > first && is_blank(chars[last - 1].code)) --last;
  if (last > first) spans.push_back({chars[first].begin, chars[last - 1].end});
}

}  // namespace

std::vector<TextSpan> split_sentences(std::string_view text) {
  const std::vector<Char> chars = decode_chars(text);
  std::vector<TextSpan> spans;
  size_t sentence_start = 0;
  for (size_t i = 0; i < chars.size();) {
    if (const size_t after_blank_line = blank_line_end(chars, i)) {
      add_trimmed(chars, sentence_start, i, spans);
      sentence_start = i = after_blank_line;
      continue;
    }
    if (!is_terminator(chars[i].code)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < chars.size() && is_terminator(chars[end].code)) ++end;
    const bool single_dot = end == i + 1 && chars[i].code == U'.';
    // Closing quotes and brackets belong to the sentence they close.
    for (;;) {
      if (end < chars.size() && is_adjacent_closer(chars[end].code)) {
        ++end;
        continue;
      }
      const size_t next = skip_blanks(chars, end);
      if (next < chars.size() && is_spaced_closer(chars[next].code)) {
        end = next + 1;
        continue;
      }
      break;
    }
    const size_t next = skip_blanks(chars, end);
    const bool splits = next == chars.size() ||
                        (next > end && starts_sentence(chars[next].code) &&
                         !(single_dot && ends_abbreviation(chars, text, i)));
    if (splits) {
      add_trimmed(chars, sentence_start, end, spans);
      sentence_start = next;
    }
    i = end;
  }
  add_trimmed(chars, sentence_start, chars.size(), spans);
  return spans;
}

std::vector<TextSpan> split_long_sentence(std::string_view sentence, size_t max_bytes) {
  if (max_bytes < 4) {
    throw std::invalid_argument("split_long_sentence: max_bytes must be at least 4 (one UTF-8 character)");
  }
  const std::vector<Char> chars = decode_chars(sentence);
  size_t last = chars.size();
  while (last > 0 && is_blank(chars[last - 1].code)) --last;
  std::vector<TextSpan> spans;
  size_t start = skip_blanks(chars, 0);
  while (start < last) {
    const size_t limit = chars[start].begin + max_bytes;  // a piece must end at or before this byte
    if (chars[last - 1].end <= limit) {
      spans.push_back({chars[start].begin, chars[last - 1].end});
      break;
    }
    size_t fit = start;  // chars [start, fit) fit within max_bytes; at least one does since max_bytes >= 4
    while (chars[fit].end <= limit) ++fit;
    size_t cut = 0;
    for (size_t k = fit; k > start && cut == 0; --k) {
      const char32_t code = chars[k - 1].code;
      if ((code == U';' || code == U':' || code == U',') && k < chars.size() && is_blank(chars[k].code)) cut = k;
    }
    for (size_t k = fit; k > start && cut == 0; --k) {
      if (is_blank(chars[k].code)) cut = k;
    }
    if (cut == 0) cut = fit;
    add_trimmed(chars, start, cut, spans);
    start = skip_blanks(chars, cut);
  }
  return spans;
}

}  // namespace attn
