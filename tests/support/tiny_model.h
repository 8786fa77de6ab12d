// Small random models built in memory for tests (milliseconds to create, kilobytes in size).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace attn::testing {

// Character-level tokenizers learned from a few French/English sentences; E=8, H=6, A=5 unless given.
// Weights are scaled by `weight_scale` so attention is far from uniform.
Model tiny_model(bool tied_output = false, uint64_t seed = 7, float weight_scale = 3.0f);

// Source ids for a text (encoded by the model's tokenizer) with the final </s>.
std::vector<int> source_ids(const Model& model, const std::string& text);

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return root_ + "/" + name; }

 private:
  std::string root_;
};

}  // namespace attn::testing
