#include "model/embedding_cache.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/kernels.h"

namespace attn {

EmbeddingCache::EmbeddingCache(const Model& model, size_t max_bytes)
    : model_(model),
      max_rows_(max_bytes / (sizeof(float) * static_cast<size_t>(3 * model.config.hidden + model.config.embed))),
      rows_(static_cast<size_t>(model.config.tgt_vocab)) {}

void EmbeddingCache::project(const int* tokens, int count, std::vector<float>& gates, std::vector<float>& output) {
  const Parameters& p = model_.params;
  const size_t E = static_cast<size_t>(model_.config.embed), G = 3 * static_cast<size_t>(model_.config.hidden);
  gates.resize(count * G);
  output.resize(count * E);
  const std::lock_guard<std::mutex> lock(mutex_);

  missing_.clear();
  for (int i = 0; i < count; ++i) {
    const int token = tokens[i];
    if (token < 0 || token >= model_.config.tgt_vocab)
      throw std::invalid_argument("target token id " + std::to_string(token) + " is outside the vocabulary");
    if (rows_[token].empty() && std::find(missing_.begin(), missing_.end(), token) == missing_.end())
      missing_.push_back(token);
  }
  const int M = static_cast<int>(missing_.size());
  if (M > 0) {
    embedded_.resize(M * E);  // [M, E]  tgt_embed(token)
    for (int m = 0; m < M; ++m) p.tgt_embed.copy_row(missing_[m], &embedded_[m * E]);
    missing_gates_.resize(M * G);  // [M, 3H]  W_ih[:, :E] e + b_ih
    kernels::linear(p.dec.weight_ih.columns(0, static_cast<int>(E)), p.dec.bias_ih.f32.data(), embedded_.data(), M,
                    missing_gates_.data());
    missing_output_.resize(M * E);  // [M, E]  W_o[:, 3H:] e
    kernels::linear(p.out_hidden_weight.columns(static_cast<int>(G), static_cast<int>(G + E)), nullptr,
                    embedded_.data(), M, missing_output_.data());
  }
  for (int i = 0; i < count; ++i) {
    const std::vector<float>& row = rows_[tokens[i]];
    if (!row.empty()) {
      std::copy_n(row.data(), G, &gates[i * G]);
      std::copy_n(row.data() + G, E, &output[i * E]);
      continue;
    }
    const size_t m = static_cast<size_t>(std::find(missing_.begin(), missing_.end(), tokens[i]) - missing_.begin());
    std::copy_n(&missing_gates_[m * G], G, &gates[i * G]);
    std::copy_n(&missing_output_[m * E], E, &output[i * E]);
  }
  for (int m = 0; m < M && cached_ < max_rows_; ++m, ++cached_) {
    std::vector<float>& row = rows_[missing_[m]];
    row.reserve(G + E);
    row.assign(&missing_gates_[m * G], &missing_gates_[m * G] + G);
    row.insert(row.end(), &missing_output_[m * E], &missing_output_[m * E] + E);
  }
}

size_t EmbeddingCache::cached_tokens() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return cached_;
}

}  // namespace attn
