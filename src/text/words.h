// Words as the sanity check and the carry-over of names see them: maximal runs of letters, digits and inner
// ':' '.' ',' (so "2:30" and "3.5" stay whole, but "Tom," and "end." lose their punctuation). Bytes >= 0x80 count
// as letters, so accented words stay whole. Also the letter pairs and hyphenated chains in which the loop guard
// (search/repetition.h) and the sanity check look for loops.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct WordSpan {
  size_t begin = 0, end = 0;  // byte offsets into the text
};

std::vector<WordSpan> word_spans(std::string_view text);
std::vector<std::string> words_of(std::string_view text);
std::string lowercase(std::string word);  // ASCII letters only
std::vector<std::string> lowercase(std::vector<std::string> words);

// The first run of 1..4 words that occurs three times in a row, tripled (e.g. {"no", "no", "no"}); empty if none.
std::vector<std::string> tripled_run(const std::vector<std::string>& words);

// How often the pair of ASCII letters at bytes `at` and `at + 1` of `word` occurs in it, ignoring case; 0 when those
// bytes are not two letters (digits never pair). A looping word repeats short units that differ slightly, split
// into different tokens ("pain-in-cis-pinis-inis": "in" four times), but its letter pairs still repeat. Every
// position counts, so "aaaa" holds "aa" three times.
size_t letter_pair_count(std::string_view word, size_t at);

// `text` split at spaces into chains: runs of words in which every word but the last holds a hyphen, since a loop of
// hyphenated units may go on after a space ("a in-coris-cor- only-corin use it" → "a", "in-coris-cor- only-corin
// use", "it").
std::vector<std::string> hyphen_chains(std::string_view text);

// The letters in `text`: ASCII letters and non-ASCII characters (UTF-8 lead bytes), not digits or punctuation.
size_t letter_count(std::string_view text);

}  // namespace attn
