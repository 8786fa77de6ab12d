#include "text/words.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace attn {
namespace {

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool same_letter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// Joiners stay inside a word only between two word bytes: "2:30", "3.5", "1,000" but not "Tom," or "end.".
bool is_inner_joiner(std::string_view text, size_t i) {
  const char c = text[i];
  return (c == ':' || c == '.' || c == ',') && i > 0 && i + 1 < text.size() &&
         is_word_byte(static_cast<unsigned char>(text[i - 1])) && is_word_byte(static_cast<unsigned char>(text[i + 1]));
}

}  // namespace

std::vector<WordSpan> word_spans(std::string_view text) {
  std::vector<WordSpan> spans;
  bool open = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool inside = is_word_byte(static_cast<unsigned char>(text[i])) || (open && is_inner_joiner(text, i));
    if (inside && !open) spans.push_back({i, i});
    if (inside) spans.back().end = i + 1;
    open = inside;
  }
  return spans;
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  for (const WordSpan& span : word_spans(text)) words.emplace_back(text.substr(span.begin, span.end - span.begin));
  return words;
}

std::string lowercase(std::string word) {
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
  return word;
}

std::vector<std::string> lowercase(std::vector<std::string> words) {
  for (std::string& word : words) word = lowercase(std::move(word));
  return words;
}

std::vector<std::string> tripled_run(const std::vector<std::string>& words) {
  for (size_t span = 1; span <= 4; ++span) {
    for (size_t start = 0; start + 3 * span <= words.size(); ++start) {
      const auto first = words.begin() + static_cast<std::ptrdiff_t>(start);
      const auto second = first + static_cast<std::ptrdiff_t>(span);
      const auto third = second + static_cast<std::ptrdiff_t>(span);
      if (std::equal(first, second, second) && std::equal(first, second, third)) {
        return {first, third + static_cast<std::ptrdiff_t>(span)};
      }
    }
  }
  return {};
}

size_t letter_pair_count(std::string_view word, size_t at) {
  if (at + 1 >= word.size() || !is_ascii_letter(word[at]) || !is_ascii_letter(word[at + 1])) return 0;
  size_t count = 0;
  for (size_t i = 0; i + 1 < word.size(); ++i) {
    count += same_letter(word[i], word[at]) && same_letter(word[i + 1], word[at + 1]);
  }
  return count;
}

size_t letter_count(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0xC0;
  }));
}

std::vector<std::string> hyphen_chains(std::string_view text) {
  std::vector<std::string> chains;
  bool continues = false;  // the last word held a hyphen
  for (size_t begin = 0; begin <= text.size();) {
    const size_t end = std::min(text.find(' ', begin), text.size());
    const std::string_view word = text.substr(begin, end - begin);
    if (!word.empty()) {
      if (continues) {
        chains.back().append(" ").append(word);
      } else {
        chains.emplace_back(word);
      }
      continues = word.find('-') != std::string_view::npos;
    }
    begin = end + 1;
  }
  return chains;
}

}  // namespace attn
