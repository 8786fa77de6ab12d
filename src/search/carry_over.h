// Names and numbers the decoder garbled, put back from the source with the help of its own alignment.
//
// The vocabulary spells a rare name (Kunihiko, Darwin) in several source pieces, and a decoder that has seen the
// name rarely or never tends to garble it ("Dininenin") or to turn a digit into a wrong number word (8 -> "ten").
// Its attention still points at the right source word, so the target word aligned to it can be replaced by it:
// the attention-based copying that Jean et al. (2015) and Luong et al. (2015) used for <unk>, applied here to words
// the model was unsure of. Words it wrote with confidence (Américains -> Americans, 8 -> eight) are kept.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "search/beam_search.h"
#include "text/tokenizer.h"

namespace attn {

// A target word whose pieces have a mean probability below this may be a failed copy (chosen on dev.tsv).
inline constexpr float kUnsureCopy = 0.5f;

// The decoded target text with every failed copy replaced, or nullopt when there is none. Words are those of
// text/words.h.
// - Source words that should carry over: codes (numbers such as 19 or 2:30, acronyms such as GIF) and rare names: a
//   capitalized word of two or more pieces inside a sentence; at a sentence's start, where every word has a capital,
//   one of three or more pieces and no fewer in lowercase ("Kunihiko", not the imperative "Nettoyez").
// - Such a word failed to carry over when no target word equals it. Its garbled copy is the target word that gives
//   it the most attention among those that give it more than any other source word, are not source words, and
//   that the model was unsure of (mean piece probability below kUnsureCopy). For names the copy must also take two
//   or more pieces, as garbled spellings do ("Manan"); "India" for "Inde" is a translation.
// - Only that word is replaced: the neighbours the attention also leans on are usually right ("in Manan"), though a
//   name garbled into two words keeps one of them ("United States" -> "USA States").
// source_ids may end with </s>; `found` is the search's hypothesis for them. Throws std::invalid_argument when its
// attention or probabilities do not match the ids.
std::optional<std::string> carry_over_copies(const Tokenizer& source_tokenizer, const Tokenizer& target_tokenizer,
                                             const std::vector<int>& source_ids, const SearchHypothesis& found);

}  // namespace attn
