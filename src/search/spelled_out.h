// Token ids spelled out as the bytes their pieces stand for, so offsets into the text map back to pieces (shared
// by the two repairs of the search's output: carry-over and placeholders).
#pragma once

#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace attn {

struct SpelledOut {
  std::string text;                // Tokenizer::piece_bytes of every id, concatenated (the marker as a space)
  std::vector<int> piece_of_byte;  // the index in `ids` of the piece each byte of `text` came from
};

inline SpelledOut spell_out(const Tokenizer& tokenizer, const std::vector<int>& ids) {
  SpelledOut out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string bytes = tokenizer.piece_bytes(ids[i]);
    out.text += bytes;
    out.piece_of_byte.insert(out.piece_of_byte.end(), bytes.size(), static_cast<int>(i));
  }
  return out;
}

}  // namespace attn
