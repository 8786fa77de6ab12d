#include "eval/chrf.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <unordered_map>

#include "eval/python_whitespace.h"
#include "text/utf8.h"

namespace attn {
namespace {

constexpr size_t kCharOrder = 6;
constexpr double kBeta = 2;

using NgramCounts = std::unordered_map<std::u32string, int>;

struct OrderStatistics {
  double hyp_count = 0;  // hypothesis n-grams (0 when the reference has none of this order)
  double ref_count = 0;
  double matches = 0;
};
using Statistics = std::array<OrderStatistics, kCharOrder>;

std::array<NgramCounts, kCharOrder> character_ngrams(const std::string& text) {
  std::u32string characters = decode_utf8(text);
  characters.erase(std::remove_if(characters.begin(), characters.end(), is_python_whitespace), characters.end());
  std::array<NgramCounts, kCharOrder> ngrams;
  for (size_t n = 1; n <= kCharOrder; ++n) {
    for (size_t start = 0; start + n <= characters.size(); ++start) ++ngrams[n - 1][characters.substr(start, n)];
  }
  return ngrams;
}

double total_count(const NgramCounts& counts) {
  double total = 0;
  for (const auto& entry : counts) total += entry.second;
  return total;
}

Statistics match_statistics(const std::array<NgramCounts, kCharOrder>& hyp,
                            const std::array<NgramCounts, kCharOrder>& ref) {
  Statistics statistics;
  for (size_t order = 0; order < kCharOrder; ++order) {
    OrderStatistics& s = statistics[order];
    s.ref_count = total_count(ref[order]);
    s.hyp_count = s.ref_count > 0 ? total_count(hyp[order]) : 0;
    for (const auto& [ngram, count] : hyp[order]) {
      const auto found = ref[order].find(ngram);
      if (found != ref[order].end()) s.matches += std::min(count, found->second);
    }
  }
  return statistics;
}

// sacreBLEU's chrF: precision and recall averaged over the orders where both hypothesis and reference have
// n-grams, then combined into an F-beta score.
double f_score(const Statistics& statistics) {
  double precision_sum = 0, recall_sum = 0;
  int effective_order = 0;
  for (const OrderStatistics& s : statistics) {
    if (s.hyp_count > 0 && s.ref_count > 0) {
      precision_sum += s.matches / s.hyp_count;
      recall_sum += s.matches / s.ref_count;
      ++effective_order;
    }
  }
  if (effective_order == 0) return 0;
  const double precision = precision_sum / effective_order;
  const double recall = recall_sum / effective_order;
  if (precision + recall == 0) return 0;
  const double factor = kBeta * kBeta;
  double score = (1 + factor) * precision * recall;  // same operation order as sacreBLEU, for identical floats
  score /= factor * precision + recall;
  return 100 * score;
}

}  // namespace

double corpus_chrf(const std::vector<std::string>& hypotheses,
                   const std::vector<std::vector<std::string>>& references_per_segment) {
  if (hypotheses.size() != references_per_segment.size()) {
    throw std::invalid_argument("corpus_chrf: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                                std::to_string(references_per_segment.size()) + " reference lists");
  }
  Statistics corpus{};
  for (size_t segment = 0; segment < hypotheses.size(); ++segment) {
    const auto& references = references_per_segment[segment];
    if (references.empty()) {
      throw std::invalid_argument("corpus_chrf: segment " + std::to_string(segment) + " has no reference");
    }
    const auto hyp_ngrams = character_ngrams(hypotheses[segment]);
    Statistics best;
    double best_f_score = -1;
    for (const std::string& reference : references) {
      const Statistics statistics = match_statistics(hyp_ngrams, character_ngrams(reference));
      const double score = f_score(statistics);
      if (score > best_f_score) best_f_score = score, best = statistics;  // the first of equal scores wins
    }
    for (size_t order = 0; order < kCharOrder; ++order) {
      corpus[order].hyp_count += best[order].hyp_count;
      corpus[order].ref_count += best[order].ref_count;
      corpus[order].matches += best[order].matches;
    }
  }
  return f_score(corpus);
}

}  // namespace attn
