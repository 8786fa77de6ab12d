#include "train/batch.h"

#include <algorithm>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include "train/random.h"

namespace attn {

Batch Batch::from_pairs(const std::vector<const TokenPair*>& pairs) {
  if (pairs.empty()) throw std::invalid_argument("batch: no sentence pairs");
  Batch batch;
  batch.size = static_cast<int>(pairs.size());
  for (const TokenPair* p : pairs) {
    if (p->source.empty() || p->target.empty()) throw std::invalid_argument("batch: empty source or target");
    batch.source_length = std::max(batch.source_length, static_cast<int>(p->source.size()));
    batch.target_length = std::max(batch.target_length, static_cast<int>(p->target.size()));
  }
  const int B = batch.size;
  batch.source_ids.assign(size_t(batch.source_length) * B, Tokenizer::kPad);
  batch.source_mask.assign(size_t(batch.source_length) * B, 0.0f);
  batch.target_ids.assign(size_t(batch.target_length) * B, Tokenizer::kPad);
  batch.target_mask.assign(size_t(batch.target_length) * B, 0.0f);
  for (int b = 0; b < B; ++b) {
    const TokenPair& p = *pairs[size_t(b)];
    for (size_t t = 0; t < p.source.size(); ++t) {
      batch.source_ids[t * B + b] = p.source[t];
      batch.source_mask[t * B + b] = 1.0f;
    }
    for (size_t t = 0; t < p.target.size(); ++t) {
      batch.target_ids[t * B + b] = p.target[t];
      batch.target_mask[t * B + b] = 1.0f;
    }
    batch.target_tokens += static_cast<int>(p.target.size());
  }
  return batch;
}

Batch Batch::from_pairs(const std::vector<TokenPair>& pairs) {
  std::vector<const TokenPair*> pointers;
  for (const TokenPair& p : pairs) pointers.push_back(&p);
  return from_pairs(pointers);
}

std::vector<std::pair<std::string, std::string>> read_tsv_pairs(const std::string& path, int source_column,
                                                                int target_column) {
  if (source_column < 1 || target_column < 1) throw std::invalid_argument("TSV columns are numbered from 1");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "'");
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string line;
  size_t line_number = 0;
  const size_t needed = size_t(std::max(source_column, target_column));
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> columns;
    size_t start = 0;
    while (true) {
      const size_t tab = line.find('\t', start);
      columns.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (columns.size() < needed)
      throw std::runtime_error(path + ":" + std::to_string(line_number) + ": expected at least " +
                               std::to_string(needed) + " tab-separated columns, found " +
                               std::to_string(columns.size()));
    pairs.emplace_back(columns[size_t(source_column) - 1], columns[size_t(target_column) - 1]);
  }
  return pairs;
}

EncodedCorpus encode_pairs(const std::vector<std::pair<std::string, std::string>>& text, const Tokenizer& source,
                           const Tokenizer& target, int max_length) {
  EncodedCorpus corpus;
  corpus.pairs.reserve(text.size());
  for (const auto& [src, tgt] : text) {
    TokenPair pair{source.encode(src), target.encode(tgt)};
    pair.source.push_back(Tokenizer::kEos);
    pair.target.push_back(Tokenizer::kEos);
    if (max_length > 0 && (int(pair.source.size()) > max_length || int(pair.target.size()) > max_length)) {
      ++corpus.skipped_too_long;
      continue;
    }
    corpus.pairs.push_back(std::move(pair));
  }
  return corpus;
}

std::vector<std::vector<int>> make_batches(const std::vector<TokenPair>& pairs, int max_tokens, uint64_t seed) {
  if (max_tokens < 1) throw std::invalid_argument("batch token budget must be positive");
  SplitMix64 rng(seed);
  std::vector<int> order(pairs.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  auto longest = [&](int i) { return std::max(pairs[size_t(i)].source.size(), pairs[size_t(i)].target.size()); };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return longest(a) < longest(b); });
  std::vector<std::vector<int>> batches;
  std::vector<int> current;
  for (int index : order) {
    // Sorted ascending, so the newest pair is the longest: the padded size is (count + 1) * its length.
    if (!current.empty() && (current.size() + 1) * longest(index) > size_t(max_tokens)) {
      batches.push_back(std::move(current));
      current.clear();
    }
    current.push_back(index);
  }
  if (!current.empty()) batches.push_back(std::move(current));
  shuffle(batches, rng);
  return batches;
}

}  // namespace attn
