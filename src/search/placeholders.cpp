#include "search/placeholders.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "search/spelled_out.h"
#include "text/protected_spans.h"
#include "text/words.h"

namespace attn {
namespace {

constexpr size_t kPlaceholderBytes = 3;  // U+E000..U+E00F in UTF-8

struct Edit {
  size_t begin, end;        // bytes of the target text replaced by `text`
  std::string text;
};

// The first and last source piece holding each placeholder's bytes, or {-1, -1} when the source lacks it.
std::array<std::pair<int, int>, kMaxPlaceholders> source_pieces(const SpelledOut& source) {
  std::array<std::pair<int, int>, kMaxPlaceholders> pieces;
  pieces.fill({-1, -1});
  for (size_t pos = 0; pos + kPlaceholderBytes <= source.text.size(); ++pos) {
    const int index = placeholder_at(source.text, pos);
    if (index < 0 || pieces[size_t(index)].first >= 0) continue;
    pieces[size_t(index)] = {source.piece_of_byte[pos], source.piece_of_byte[pos + kPlaceholderBytes - 1]};
  }
  return pieces;
}

// Removes a placeholder at `pos` with one neighbouring space, the one before it if any.
Edit removal(const std::string& text, size_t pos) {
  const size_t end = pos + kPlaceholderBytes;
  if (pos > 0 && text[pos - 1] == ' ') return {pos - 1, end, ""};
  if (end < text.size() && text[end] == ' ') return {pos, end + 1, ""};
  return {pos, end, ""};
}

// Where a dropped placeholder goes: after the target word holding the token that attends most to its source
// pieces [first, last]; the end of the text when that token is </s> (or spells nothing).
size_t insertion_point(const SpelledOut& target, const SearchHypothesis& found, size_t source_length,
                       std::pair<int, int> pieces) {
  const size_t T = found.tokens.size();
  size_t best_row = T - 1;
  float best_weight = -1;
  for (size_t t = 0; t < T; ++t) {
    float weight = 0;
    for (int s = pieces.first; s <= pieces.second; ++s) weight += found.attention[t * source_length + size_t(s)];
    if (weight > best_weight) {
      best_weight = weight;
      best_row = t;
    }
  }
  const auto last_byte = std::find(target.piece_of_byte.rbegin(), target.piece_of_byte.rend(), int(best_row));
  if (best_row + 1 == T || last_byte == target.piece_of_byte.rend()) return target.text.size();
  const size_t token_end = size_t(target.piece_of_byte.rend() - last_byte);
  for (const WordSpan& word : word_spans(target.text)) {
    if (word.begin < token_end && token_end <= word.end) return word.end;
  }
  return token_end;
}

std::string apply(const std::string& text, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  size_t cursor = 0;
  for (const Edit& edit : edits) {
    const size_t begin = std::max(edit.begin, cursor);  // an insertion may fall inside a removed space
    out.append(text, cursor, begin - cursor);
    out += edit.text;
    cursor = std::max(edit.end, begin);
  }
  out.append(text, cursor, std::string::npos);
  return out;
}

}  // namespace

std::optional<std::string> repair_placeholders(const Tokenizer& source_tokenizer, const Tokenizer& target_tokenizer,
                                               const std::vector<int>& source_ids, const SearchHypothesis& found) {
  const size_t S = source_ids.size(), T = found.tokens.size();
  if (T == 0 || found.attention.size() != T * S)
    throw std::invalid_argument("repair_placeholders: attention must be [target, source]");
  const auto in_source = source_pieces(spell_out(source_tokenizer, source_ids));
  const SpelledOut target = spell_out(target_tokenizer, found.tokens);

  std::vector<Edit> edits;
  std::array<bool, kMaxPlaceholders> written{};
  for (size_t pos = 0; pos + kPlaceholderBytes <= target.text.size(); ++pos) {
    const int index = placeholder_at(target.text, pos);
    if (index < 0) continue;
    if (in_source[size_t(index)].first < 0 || written[size_t(index)]) edits.push_back(removal(target.text, pos));
    written[size_t(index)] = true;
    pos += kPlaceholderBytes - 1;
  }
  for (int index = 0; index < kMaxPlaceholders; ++index) {
    if (in_source[size_t(index)].first < 0 || written[size_t(index)]) continue;
    const size_t at = insertion_point(target, found, S, in_source[size_t(index)]);
    edits.push_back({at, at, " " + placeholder(index)});
  }
  if (edits.empty()) return std::nullopt;
  return apply(target.text, std::move(edits));
}

}  // namespace attn
