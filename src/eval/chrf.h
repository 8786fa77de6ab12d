// Corpus chrF2 exactly as sacreBLEU computes it by default: character n-grams of orders 1..6 over the text with
// whitespace removed, no word n-grams, beta = 2, statistics summed over segments before the F-score; with several
// references a segment contributes the statistics of the reference giving it the best F-score.
#pragma once

#include <string>
#include <vector>

namespace attn {

// Returns 0..100. references_per_segment[i] holds every reference of hypotheses[i] (at least one); throws
// std::invalid_argument when the counts differ or a segment has no reference.
double corpus_chrf(const std::vector<std::string>& hypotheses,
                   const std::vector<std::vector<std::string>>& references_per_segment);

}  // namespace attn
