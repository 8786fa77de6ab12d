#include "search/carry_over.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

#include "search/spelled_out.h"
#include "text/utf8.h"
#include "text/words.h"

namespace attn {
namespace {

struct Word {
  std::string text;
  WordSpan span;
  int first_piece, last_piece;  // inclusive; a piece holds letters, one digit or one other character: one word
  int pieces() const { return last_piece - first_piece + 1; }
};

std::vector<Word> words_with_pieces(const SpelledOut& spelled) {
  std::vector<Word> words;
  for (const WordSpan& span : word_spans(spelled.text)) {
    words.push_back({spelled.text.substr(span.begin, span.end - span.begin), span, spelled.piece_of_byte[span.begin],
                     spelled.piece_of_byte[span.end - 1]});
  }
  return words;
}

bool is_code(const std::string& word) {
  const bool number =
      std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c) || c == ':'; });
  const bool acronym =
      word.size() >= 2 && std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isupper(c); });
  return number || acronym;
}

// True for the text's first word and one after '.', '!' or '?': a segment may hold several sentences.
bool starts_sentence(std::string_view text, size_t begin) {
  while (begin > 0 && (text[begin - 1] == ' ' || text[begin - 1] == '"')) --begin;
  return begin == 0 || text[begin - 1] == '.' || text[begin - 1] == '!' || text[begin - 1] == '?';
}

bool is_rare_name(const Tokenizer& tokenizer, std::string_view text, const Word& word) {
  if (!std::isupper(static_cast<unsigned char>(word.text[0])) || word.pieces() < 2) return false;
  if (!starts_sentence(text, word.span.begin)) return true;
  return word.pieces() >= 3 && tokenizer.encode(lowercase(word.text)).size() >= static_cast<size_t>(word.pieces());
}

bool has_text(const std::vector<Word>& words, const std::string& text) {
  return std::any_of(words.begin(), words.end(), [&](const Word& w) { return w.text == text; });
}

float mean_probability(const Word& word, const std::vector<float>& probabilities) {
  float total = 0;
  for (int t = word.first_piece; t <= word.last_piece; ++t) total += probabilities[t];
  return total / static_cast<float>(word.pieces());
}

// mass[i][j]: the attention target word i gives source word j, summed over both words' pieces.
std::vector<std::vector<float>> attention_mass(const std::vector<Word>& target, const std::vector<Word>& source,
                                               const std::vector<float>& attention, size_t source_length) {
  std::vector<std::vector<float>> mass(target.size(), std::vector<float>(source.size(), 0.0f));
  for (size_t i = 0; i < target.size(); ++i) {
    for (size_t j = 0; j < source.size(); ++j) {
      for (int t = target[i].first_piece; t <= target[i].last_piece; ++t) {
        const float* row = &attention[static_cast<size_t>(t) * source_length];
        for (int s = source[j].first_piece; s <= source[j].last_piece; ++s) mass[i][j] += row[s];
      }
    }
  }
  return mass;
}

struct Replacement {
  WordSpan span;
  std::string text;
};

}  // namespace

std::optional<std::string> carry_over_copies(const Tokenizer& source_tokenizer, const Tokenizer& target_tokenizer,
                                             const std::vector<int>& source_ids, const SearchHypothesis& found) {
  const size_t S = source_ids.size(), T = found.tokens.size();
  if (found.attention.size() != T * S || found.probabilities.size() != T)
    throw std::invalid_argument("carry_over_copies: attention must be [target, source] and probabilities [target]");
  const SpelledOut source_text = spell_out(source_tokenizer, source_ids);
  const SpelledOut target_text = spell_out(target_tokenizer, found.tokens);
  const std::vector<Word> source = words_with_pieces(source_text), target = words_with_pieces(target_text);
  if (source.empty() || target.empty()) return std::nullopt;

  const std::vector<std::vector<float>> mass = attention_mass(target, source, found.attention, S);
  std::vector<size_t> aligned(target.size());  // the source word each target word gives the most attention
  for (size_t i = 0; i < target.size(); ++i)
    aligned[i] = static_cast<size_t>(std::max_element(mass[i].begin(), mass[i].end()) - mass[i].begin());

  std::vector<Replacement> replacements;
  for (size_t j = 0; j < source.size(); ++j) {
    const std::string& word = source[j].text;
    const bool code = is_code(word);
    if (!(code || is_rare_name(source_tokenizer, source_text.text, source[j])) || has_text(target, word)) continue;
    size_t copy = target.size();
    float copy_mass = 0;
    for (size_t i = 0; i < target.size(); ++i) {
      const bool garbled = (code || target[i].pieces() >= 2) &&
                           mean_probability(target[i], found.probabilities) < kUnsureCopy;
      if (aligned[i] == j && mass[i][j] > copy_mass && garbled && !has_text(source, target[i].text)) {
        copy = i;
        copy_mass = mass[i][j];
      }
    }
    if (copy < target.size()) replacements.push_back({target[copy].span, word});
  }
  if (replacements.empty()) return std::nullopt;

  // Right to left, so the spans still to replace keep their offsets.
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.span.begin > b.span.begin; });
  std::string text = target_text.text;
  for (const Replacement& r : replacements) text.replace(r.span.begin, r.span.end - r.span.begin, r.text);
  if (!text.empty() && text[0] == ' ') text.erase(0, 1);  // as decode() drops the first word's marker
  return sanitize_utf8(text);
}

}  // namespace attn
