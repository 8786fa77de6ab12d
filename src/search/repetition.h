// The decoder's looping failure ("th-th-th-th", "the school of the school of the school"), cut off during search.
#pragma once

#include <cstddef>
#include <vector>

#include "text/tokenizer.h"

namespace attn {

// The most recent tokens forbid_third_repeats looks at: three copies of a 4-token span, less the token to come.
inline constexpr size_t kRepeatWindow = 11;

// Sets to -inf the log-probability of every token that would make a span of 1..4 tokens occur a third time in a row
// at the end of `history` (only its last kRepeatWindow tokens matter). Spans of digits are exempt, so "1000" can
// still be written.
void forbid_third_repeats(const Tokenizer& tokenizer, const std::vector<int>& history, float* log_probs);

}  // namespace attn
