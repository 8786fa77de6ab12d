// The decoder's products with the previous target token's embedding depend on that token alone, so they are kept
// per token once computed: a decoder step then reads one row instead of multiplying a [3H + E, E] matrix.
#pragma once

#include <mutex>
#include <vector>

#include "model/model.h"

namespace attn {

class EmbeddingCache {
 public:
  // Keeps at most `max_bytes` of rows; tokens first seen after that are computed every time they are needed.
  static constexpr size_t kDefaultMaxBytes = size_t{8} << 20;
  explicit EmbeddingCache(const Model& model, size_t max_bytes = kDefaultMaxBytes);

  // For count tokens: gates [count, 3H] = W_ih[:, :E] e + b_ih and output [count, E] = W_o[:, 3H:] e, where e is
  // the token's embedding. Each row is bit-identical to the products computed directly. Safe to call from several
  // threads at once.
  void project(const int* tokens, int count, std::vector<float>& gates, std::vector<float>& output);

  // How many tokens have a cached row.
  size_t cached_tokens() const;

 private:
  const Model& model_;
  const size_t max_rows_;
  std::vector<std::vector<float>> rows_;  // [Vt] → [3H + E], gates then output; empty until cached
  size_t cached_ = 0;
  std::vector<int> missing_;              // distinct tokens of one call that are not cached
  std::vector<float> embedded_, missing_gates_, missing_output_;
  mutable std::mutex mutex_;
};

}  // namespace attn
