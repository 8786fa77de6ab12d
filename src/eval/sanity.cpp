#include "eval/sanity.h"

#include <algorithm>
#include <cctype>

namespace attn {
namespace {

bool is_word_byte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }  // bytes >= 0x80: non-ASCII letters

// Joiners stay inside a word only between two word bytes: "2:30", "3.5", "1,000" but not "Tom," or "end.".
bool is_inner_joiner(std::string_view text, size_t i) {
  const char c = text[i];
  return (c == ':' || c == '.' || c == ',') && i > 0 && i + 1 < text.size() &&
         is_word_byte(static_cast<unsigned char>(text[i - 1])) && is_word_byte(static_cast<unsigned char>(text[i + 1]));
}

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i < text.size(); ++i) {
    if (is_word_byte(static_cast<unsigned char>(text[i])) || (!word.empty() && is_inner_joiner(text, i))) {
      word.push_back(text[i]);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> lowercase(std::vector<std::string> words) {
  for (std::string& word : words) {
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
  }
  return words;
}

bool contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool must_carry_over(const std::string& word) {
  const bool has_digit = std::any_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); });
  return has_digit || std::isupper(static_cast<unsigned char>(word[0]));
}

// The first run of 1..4 words that occurs three times in a row, tripled (e.g. {"no", "no", "no"}); empty if none.
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

}  // namespace

std::vector<std::string> sanity_problems(std::string_view source, std::string_view hypothesis,
                                         const std::vector<std::string>& references) {
  std::vector<std::string> problems;
  const std::vector<std::string> hypothesis_words = words_of(hypothesis);
  if (hypothesis_words.empty() && !words_of(source).empty()) problems.push_back("empty output");

  const std::vector<std::string> loop = tripled_run(lowercase(hypothesis_words));
  const bool reference_loops = std::any_of(references.begin(), references.end(), [&](const std::string& reference) {
    const std::vector<std::string> words = lowercase(words_of(reference));
    return std::search(words.begin(), words.end(), loop.begin(), loop.end()) != words.end();
  });
  if (!loop.empty() && !reference_loops) {
    std::string phrase;
    for (size_t i = 0; i < loop.size() / 3; ++i) phrase += (i ? " " : "") + loop[i];
    problems.push_back("repetition: " + phrase);
  }

  std::vector<std::vector<std::string>> reference_words;
  for (const std::string& reference : references) reference_words.push_back(words_of(reference));
  std::vector<std::string> reported;
  for (const std::string& word : words_of(source)) {
    if (!must_carry_over(word) || contains(hypothesis_words, word) || contains(reported, word)) continue;
    const bool every_reference_has_it =
        !reference_words.empty() && std::all_of(reference_words.begin(), reference_words.end(),
                                                [&](const std::vector<std::string>& words) { return contains(words, word); });
    if (every_reference_has_it) {
      problems.push_back("missing: " + word);
      reported.push_back(word);
    }
  }
  return problems;
}

}  // namespace attn
