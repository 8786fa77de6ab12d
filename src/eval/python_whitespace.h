// Whitespace as Python's str methods see it, so that tokenization and character n-grams agree with sacreBLEU.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attn {

// Python's str.isspace() set (what str.split() and str.rstrip() without arguments treat as whitespace).
bool is_python_whitespace(char32_t code_point);

// Python's text.split(): runs of whitespace separate words, no empty words.
std::vector<std::string> split_on_whitespace(std::string_view text);

// Python's text.rstrip().
std::string_view strip_trailing_whitespace(std::string_view text);

}  // namespace attn
