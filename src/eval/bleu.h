// Corpus BLEU exactly as sacreBLEU computes it by default: 13a tokenization, n-grams 1..4, clipped counts against
// the maximum count over a segment's references, brevity penalty against the closest reference length (ties go
// to the shorter), 'exp' smoothing, mixed case.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

// sacreBLEU's tokenizer_13a (the mteval-v13a rules), returning tokens joined by single spaces.
std::string tokenize_13a(std::string_view line);

struct BleuScore {
  double score = 0;                    // 0..100
  std::array<double, 4> precisions{};  // smoothed n-gram precisions, 0..100
  double brevity_penalty = 0;
  size_t hyp_len = 0, ref_len = 0;     // tokens after 13a tokenization
};

// references_per_segment[i] holds every reference of hypotheses[i] (at least one). Throws std::invalid_argument
// when the counts differ or a segment has no reference.
BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references_per_segment);

// "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", as sacreBLEU prints it.
std::string format_bleu(const BleuScore& bleu);

}  // namespace attn
