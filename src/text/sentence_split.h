// Splits a paragraph into sentences (each translated with its own attention matrix) and over-long sentences into
// pieces. Spans are byte offsets into the text and exclude surrounding whitespace, so the caller can join the
// translations back with the text found between the spans.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace attn {

struct TextSpan {
  size_t begin, end;  // byte offsets, begin < end
};

// A sentence ends after ".", "!", "?", "…" or a run of them ("?!", "..."), plus closing quotes or brackets
// (», ”, › may follow a space, French style; ", ’, ), ] must follow directly), when whitespace and then an
// uppercase letter, a digit or an opening quote or bracket («, ", “, ‘, (, [, ¿, ¡) come next, or the end of the
// text. A blank line always ends a sentence. No split after a single "." that ends an abbreviation (M., Mme.,
// Dr., St., Mr., e.g., p. ex., ...) or a single capital initial (J. K. Rowling). Numbers never split ("3.5"
// has no whitespace after the "."). Whitespace-only text has no spans.
std::vector<TextSpan> split_sentences(std::string_view text);

// For a sentence longer than max_bytes: the piece ends after the last ";", ":" or "," (followed by whitespace)
// that keeps it within max_bytes, else before the last whitespace that does, else at the last UTF-8 character
// boundary that does; the rest is split the same way. Every piece is at most max_bytes long, and every
// non-whitespace byte of the sentence is in exactly one piece. Throws std::invalid_argument when max_bytes < 4
// (a UTF-8 character may need 4 bytes).
std::vector<TextSpan> split_long_sentence(std::string_view sentence, size_t max_bytes);

}  // namespace attn
