// Words as the sanity check and the carry-over of names see them: maximal runs of letters, digits and inner
// ':' '.' ',' (so "2:30" and "3.5" stay whole, but "Tom," and "end." lose their punctuation). Bytes >= 0x80 count
// as letters, so accented words stay whole.
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

}  // namespace attn
