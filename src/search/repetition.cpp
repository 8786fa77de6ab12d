#include "search/repetition.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <string>
#include <string_view>

#include "text/words.h"

namespace attn {
namespace {

bool is_digit_piece(const Tokenizer& tokenizer, int id) {
  std::string bytes = tokenizer.piece_bytes(id);
  if (!bytes.empty() && bytes[0] == ' ') bytes.erase(0, 1);
  return !bytes.empty() &&
         std::all_of(bytes.begin(), bytes.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// Reads back the word that tokens stop..end - 1 of `history` end in: its bytes after the space that starts it (the
// tokenizer puts a space only at the start of a piece). Moves `end` to the token holding that space, or to `stop`.
std::string read_word_back(const Tokenizer& tokenizer, const std::vector<int>& history, size_t stop, size_t& end) {
  std::string word;
  while (end > stop) {
    const std::string bytes = tokenizer.piece_bytes(history[--end]);
    const bool starts_word = !bytes.empty() && bytes[0] == ' ';
    word.insert(0, bytes, starts_word ? 1 : 0);
    if (starts_word) break;
  }
  return word;
}

bool has_hyphen(std::string_view text) { return text.find('-') != std::string_view::npos; }

// Hyphens right after a letter ("once-in-a-lifetime" holds three); those after digits ("1-800-828") or after
// another hyphen ("well--") do not count. Any non-ASCII byte belongs to a letter here ("café-").
size_t hyphens_after_letters(std::string_view text) {
  size_t count = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    const auto before = static_cast<unsigned char>(text[i - 1]);
    count += text[i] == '-' && (std::isalpha(before) || before >= 0x80);
  }
  return count;
}

std::string_view last_word(std::string_view text) {
  const size_t space = text.rfind(' ');
  return space == std::string_view::npos ? text : text.substr(space + 1);
}

}  // namespace

void forbid_third_repeats(const Tokenizer& tokenizer, const std::vector<int>& history, float* log_probs) {
  const size_t n = history.size();
  for (size_t span = 1; span <= 4 && 3 * span - 1 <= n; ++span) {
    // With token x appended, the last 3 * span tokens are one span three times iff they have period `span`: the
    // history's last 3 * span - 1 tokens must, and x must equal history[n - span].
    bool periodic = true;
    for (size_t i = n + 1 - 3 * span; i + span < n && periodic; ++i) periodic = history[i] == history[i + span];
    const auto repeated = history.begin() + static_cast<std::ptrdiff_t>(n - span);
    if (!periodic || std::all_of(repeated, history.end(), [&](int id) { return is_digit_piece(tokenizer, id); }))
      continue;
    log_probs[history[n - span]] = -std::numeric_limits<float>::infinity();
  }
}

size_t max_word_letters(const Tokenizer& source_tokenizer, const std::vector<int>& source_ids) {
  size_t longest = 0, letters = 0;
  for (int id : source_ids) {
    const std::string bytes = source_tokenizer.piece_bytes(id);
    const size_t space = bytes.rfind(' ');
    if (space != std::string::npos) letters = 0;  // a new word
    letters += letter_count(std::string_view(bytes).substr(space == std::string::npos ? 0 : space + 1));
    longest = std::max(longest, letters);
  }
  return longest + kWordLettersBeyondSource;
}

std::string loop_context(const Tokenizer& tokenizer, const std::vector<int>& history) {
  const size_t stop = history.size() - std::min(history.size(), kLoopWindow);
  size_t end = history.size();
  std::string chain = read_word_back(tokenizer, history, stop, end);
  while (end > stop) {
    const std::string previous = read_word_back(tokenizer, history, stop, end);
    if (previous.empty()) continue;  // two spaces in a row
    if (!has_hyphen(previous)) break;
    chain = previous + ' ' + chain;
  }
  return chain;
}

bool would_loop(const Tokenizer& tokenizer, std::string_view context, int token, size_t max_letters) {
  const std::string added = tokenizer.piece_bytes(token);
  if (added.empty()) return false;  // </s>
  // A new word continues the chain only after a word that holds a hyphen.
  std::string chain(added[0] == ' ' && !has_hyphen(last_word(context)) ? std::string_view() : context);
  const size_t old_size = chain.size(), old_hyphens = hyphens_after_letters(chain);
  chain += added;
  if (letter_count(added) > 0 && letter_count(last_word(chain)) > max_letters) return true;
  const size_t hyphens = hyphens_after_letters(chain);
  if (hyphens > old_hyphens && hyphens > kMaxHyphensPerChain) return true;
  // The pairs the token writes: the one that joins it to the chain, and those inside it.
  for (size_t at = old_size == 0 ? 0 : old_size - 1; at + 1 < chain.size(); ++at) {
    if (letter_pair_count(chain, at) > kMaxLetterPairRepeats) return true;
  }
  return false;
}

}  // namespace attn
