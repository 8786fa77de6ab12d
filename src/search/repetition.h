// The decoder's looping failures, cut off during search: the same tokens again and again ("th-th-th-th", "the school
// of the school of the school"), and a word that keeps repeating short units that differ slightly, so that no span
// of tokens repeats ("pain-in-cis-pinis-inis-pis-pinis").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer.h"

namespace attn {

// The most recent tokens forbid_third_repeats looks at: three copies of a 4-token span, less the token to come.
inline constexpr size_t kRepeatWindow = 11;

// Sets to -inf the log-probability of every token that would make a span of 1..4 tokens occur a third time in a row
// at the end of `history` (only its last kRepeatWindow tokens matter). Spans of digits are exempt, so "1000" can
// still be written.
void forbid_third_repeats(const Tokenizer& tokenizer, const std::vector<int>& history, float* log_probs);

// A loop is looked for in the chain a hypothesis ends in: its current word, after the words before it that hold a
// hyphen, since a loop of hyphenated units may go on after a space ("in-coris-cor- only-corin-ton"); and only within
// the last kLoopWindow tokens. The limits below were read off the English side of the Tatoeba data (165,032
// sentences, 1 M words), which never reaches them.
inline constexpr size_t kLoopWindow = 64;

// How often one pair of letters may occur in a chain. The data holds a pair at most three times ("maintaining",
// "case-by-case basis"); loops soon hold one more often ("pain-in-cis-pinis-inis": "in" four times).
inline constexpr size_t kMaxLetterPairRepeats = 3;

// How many hyphens after letters a chain may hold; the data holds at most three ("once-in-a-lifetime").
inline constexpr size_t kMaxHyphensPerChain = 5;

// How many letters one word may hold beyond the source's longest word. The data has no word more than 10 letters
// longer than its French source's longest ("franc" → "straightforward").
inline constexpr size_t kWordLettersBeyondSource = 12;

// The most letters one word of the translation of `source_ids` may hold: the source's longest word
// (text/words.h, letter_count) plus kWordLettersBeyondSource.
size_t max_word_letters(const Tokenizer& source_tokenizer, const std::vector<int>& source_ids);

// The chain that `history` ends in, as text: what would_loop needs to know of a hypothesis, read once per step.
std::string loop_context(const Tokenizer& tokenizer, const std::vector<int>& history);

// Whether appending `token` to the hypothesis whose loop_context is `context` would write a loop: a pair of letters
// the token writes occurring more than kMaxLetterPairRepeats times in the chain (text/words.h, letter_pair_count),
// a hyphen after a letter beyond kMaxHyphensPerChain, or letters added to a word that holds `max_letters` already,
// which bounds a loop of units that share no pair. Digits are not letters, so "1000000" can be written. Cheap
// enough to ask of the few best tokens at every step, not of the whole vocabulary.
bool would_loop(const Tokenizer& tokenizer, std::string_view context, int token, size_t max_letters);

}  // namespace attn
