#include "eval/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <unordered_map>

#include "eval/python_whitespace.h"

namespace attn {
namespace {

constexpr int kMaxOrder = 4;

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  std::string result;
  size_t start = 0;
  for (size_t found; (found = text.find(from, start)) != std::string::npos; start = found + from.size()) {
    result.append(text, start, found - start).append(to);
  }
  text = result.append(text, start, std::string::npos);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The characters of 13a's first regex, [\{-\~\[-\` -\&\(-\+\:-\@\/], each of which becomes its own token.
bool is_split_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') || (c >= '(' && c <= '+') ||
         (c >= ':' && c <= '@') || c == '/';
}

// Python's re.sub of the pattern `(first)(second)` by `before\1between\2after`:
// matches are found left to right and never overlap. Byte-wise scanning gives the same result as Python's
// code-point matching because every class involved either is ASCII or is the complement of ASCII digits.
template <typename FirstMatches, typename SecondMatches>
std::string substitute_pairs(const std::string& text, FirstMatches first_matches, SecondMatches second_matches,
                             const char* before, const char* between, const char* after) {
  std::string result;
  result.reserve(text.size() + text.size() / 2);
  size_t i = 0;
  while (i < text.size()) {
    if (i + 1 < text.size() && first_matches(text[i]) && second_matches(text[i + 1])) {
      result.append(before).push_back(text[i]);
      result.append(between).push_back(text[i + 1]);
      result.append(after);
      i += 2;
    } else {
      result.push_back(text[i++]);
    }
  }
  return result;
}

std::vector<std::string> bleu_tokens(const std::string& line) {
  return split_on_whitespace(tokenize_13a(strip_trailing_whitespace(line)));
}

using NgramCounts = std::unordered_map<std::string, int>;

// Every n-gram of orders 1..4, keyed by its tokens joined with '\n' (which no token contains).
NgramCounts count_ngrams(const std::vector<std::string>& tokens) {
  NgramCounts counts;
  for (size_t start = 0; start < tokens.size(); ++start) {
    std::string ngram;
    for (size_t n = 1; n <= kMaxOrder && start + n <= tokens.size(); ++n) {
      if (n > 1) ngram.push_back('\n');
      ngram += tokens[start + n - 1];
      ++counts[ngram];
    }
  }
  return counts;
}

size_t ngram_order(const std::string& key) { return 1 + static_cast<size_t>(std::count(key.begin(), key.end(), '\n')); }

// The reference length closest to the hypothesis length; on a tie the shorter reference wins.
size_t closest_reference_length(size_t hyp_len, const std::vector<size_t>& ref_lens) {
  size_t closest = ref_lens.front();
  for (size_t ref_len : ref_lens) {
    const size_t diff = hyp_len > ref_len ? hyp_len - ref_len : ref_len - hyp_len;
    const size_t best_diff = hyp_len > closest ? hyp_len - closest : closest - hyp_len;
    if (diff < best_diff || (diff == best_diff && ref_len < closest)) closest = ref_len;
  }
  return closest;
}

}  // namespace

std::string tokenize_13a(std::string_view input) {
  std::string line(input);
  replace_all(line, "<skipped>", "");
  replace_all(line, "-\n", "");
  replace_all(line, "\n", " ");
  if (line.find('&') != std::string::npos) {
    replace_all(line, "&quot;", "\"");
    replace_all(line, "&amp;", "&");
    replace_all(line, "&lt;", "<");
    replace_all(line, "&gt;", ">");
  }
  line = " " + line + " ";

  std::string spaced;
  spaced.reserve(line.size() * 2);
  for (char c : line) {
    if (is_split_symbol(c)) {
      spaced.push_back(' ');
      spaced.push_back(c);
      spaced.push_back(' ');
    } else {
      spaced.push_back(c);
    }
  }
  const auto is_period_or_comma = [](char c) { return c == '.' || c == ','; };
  const auto is_not_digit = [](char c) { return !is_digit(c); };
  // Periods and commas split off unless preceded by a digit, then unless followed by one: "3.5" stays whole.
  spaced = substitute_pairs(spaced, is_not_digit, is_period_or_comma, "", " ", " ");
  spaced = substitute_pairs(spaced, is_period_or_comma, is_not_digit, " ", " ", "");
  // A dash after a digit splits off ("1990-1995" → "1990 - 1995").
  spaced = substitute_pairs(spaced, is_digit, [](char c) { return c == '-'; }, "", " ", " ");

  std::string joined;
  for (const std::string& token : split_on_whitespace(spaced)) {
    if (!joined.empty()) joined.push_back(' ');
    joined += token;
  }
  return joined;
}

BleuScore corpus_bleu(const std::vector<std::string>& hypotheses,
                      const std::vector<std::vector<std::string>>& references_per_segment) {
  if (hypotheses.size() != references_per_segment.size()) {
    throw std::invalid_argument("corpus_bleu: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                                std::to_string(references_per_segment.size()) + " reference lists");
  }
  std::array<size_t, kMaxOrder> correct{}, total{};
  BleuScore bleu;
  for (size_t segment = 0; segment < hypotheses.size(); ++segment) {
    const auto& references = references_per_segment[segment];
    if (references.empty()) {
      throw std::invalid_argument("corpus_bleu: segment " + std::to_string(segment) + " has no reference");
    }
    const std::vector<std::string> hyp_tokens = bleu_tokens(hypotheses[segment]);
    std::vector<size_t> ref_lens;
    NgramCounts max_ref_counts;
    for (const std::string& reference : references) {
      const std::vector<std::string> ref_tokens = bleu_tokens(reference);
      ref_lens.push_back(ref_tokens.size());
      for (const auto& [ngram, count] : count_ngrams(ref_tokens)) {
        int& max_count = max_ref_counts[ngram];
        max_count = std::max(max_count, count);
      }
    }
    bleu.hyp_len += hyp_tokens.size();
    bleu.ref_len += closest_reference_length(hyp_tokens.size(), ref_lens);
    for (const auto& [ngram, count] : count_ngrams(hyp_tokens)) {
      const auto ref = max_ref_counts.find(ngram);
      if (ref != max_ref_counts.end()) correct[ngram_order(ngram) - 1] += std::min(count, ref->second);
    }
    for (size_t n = 1; n <= kMaxOrder; ++n) {
      if (hyp_tokens.size() >= n) total[n - 1] += hyp_tokens.size() - n + 1;
    }
  }

  // 'exp' smoothing: each order without a match gets precision 1 / (2^k * total), k counting such orders so far.
  // An order with no n-grams at all leaves it and the higher orders at precision 0, which makes BLEU 0.
  double smoothing_divisor = 1;
  for (size_t n = 0; n < kMaxOrder && total[n] > 0; ++n) {
    if (correct[n] == 0) {
      smoothing_divisor *= 2;
      bleu.precisions[n] = 100.0 / (smoothing_divisor * static_cast<double>(total[n]));
    } else {
      bleu.precisions[n] = 100.0 * static_cast<double>(correct[n]) / static_cast<double>(total[n]);
    }
  }
  bleu.brevity_penalty = 1.0;
  if (bleu.hyp_len < bleu.ref_len) {
    bleu.brevity_penalty = bleu.hyp_len == 0 ? 0.0
        : std::exp(1.0 - static_cast<double>(bleu.ref_len) / static_cast<double>(bleu.hyp_len));
  }
  // sacreBLEU takes log(0) as a huge negative number, so any zero precision makes the score exactly 0.
  if (std::any_of(bleu.precisions.begin(), bleu.precisions.end(), [](double p) { return p == 0; })) return bleu;
  double log_sum = 0;
  for (double precision : bleu.precisions) log_sum += std::log(precision);
  bleu.score = bleu.brevity_penalty * std::exp(log_sum / kMaxOrder);
  return bleu;
}

std::string format_bleu(const BleuScore& bleu) {
  const double ratio = bleu.ref_len == 0 ? 0.0 : static_cast<double>(bleu.hyp_len) / static_cast<double>(bleu.ref_len);
  char text[256];
  std::snprintf(text, sizeof text,
                "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %zu ref_len = %zu)", bleu.score,
                bleu.precisions[0], bleu.precisions[1], bleu.precisions[2], bleu.precisions[3],
                bleu.brevity_penalty, ratio, bleu.hyp_len, bleu.ref_len);
  return text;
}

}  // namespace attn
