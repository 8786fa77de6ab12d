#include "search/repetition.h"

#include <algorithm>
#include <limits>
#include <string>

namespace attn {
namespace {

bool is_digit_piece(const Tokenizer& tokenizer, int id) {
  std::string bytes = tokenizer.piece_bytes(id);
  if (!bytes.empty() && bytes[0] == ' ') bytes.erase(0, 1);
  return !bytes.empty() &&
         std::all_of(bytes.begin(), bytes.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
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

}  // namespace attn
