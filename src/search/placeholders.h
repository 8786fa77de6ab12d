// The placeholders of a masked source (text/protected_spans.h) in the search's output: a model trained on masked
// data copies them, but may drop one or write one twice. Each placeholder of the source must come out exactly once,
// so that restoring the spans puts every protected span of the source into the translation verbatim.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "search/beam_search.h"
#include "text/tokenizer.h"

namespace attn {

// The target text (still masked, spelled out by Tokenizer::piece_bytes) with its placeholders repaired, or nullopt
// when every placeholder of the source is there exactly once and no other is:
// - a placeholder written twice keeps only its first occurrence; one the source does not hold is removed (each
//   with one neighbouring space);
// - a placeholder the model dropped is inserted, after a space, at the end of the target word (text/words.h) whose
//   token's attention row points most at the placeholder's source token(s); when that row is </s>, at the end.
// source_ids may end with </s>; `found` is the search's hypothesis for them. Throws std::invalid_argument when its
// attention does not match the ids.
std::optional<std::string> repair_placeholders(const Tokenizer& source_tokenizer, const Tokenizer& target_tokenizer,
                                               const std::vector<int>& source_ids, const SearchHypothesis& found);

}  // namespace attn
