// Adam with a warm-up + decay learning-rate schedule and global-norm gradient clipping.
#pragma once

#include <cstdint>
#include <string>

#include "model/model.h"

namespace attn {

enum class LearningRateDecay { InverseSqrt, Cosine, Constant };

// "inverse-sqrt", "cosine", "constant"; throws std::invalid_argument otherwise.
LearningRateDecay parse_decay(const std::string& name);
const char* decay_name(LearningRateDecay decay);

struct OptimizerOptions {
  double learning_rate = 1e-3;  // peak, reached at the end of warm-up
  int warmup_steps = 500;       // linear ramp from 0
  LearningRateDecay decay = LearningRateDecay::InverseSqrt;
  int64_t decay_steps = 0;      // cosine: steps until min_learning_rate (after warm-up); needed by cosine
  double min_learning_rate = 0; // cosine floor
  double beta1 = 0.9;
  double beta2 = 0.98;
  double epsilon = 1e-9;
  double clip_norm = 1.0;       // global gradient norm cap; 0 disables clipping
};

// Learning rate at 1-based step `step`.
double learning_rate_at(const OptimizerOptions& options, int64_t step);

class Adam {
 public:
  Adam(const OptimizerOptions& options, const Parameters& like, bool tied_output);

  // Clips `gradients` in place to the global norm cap, then updates `params`. Returns the norm before clipping.
  double step(Parameters& params, Parameters& gradients);

  int64_t steps_taken() const { return step_; }
  const Parameters& first_moment() const { return m_; }
  const Parameters& second_moment() const { return v_; }
  // Restores state from a checkpoint (moments must have the parameters' shapes).
  void restore(int64_t steps_taken, Parameters first_moment, Parameters second_moment);
  const OptimizerOptions& options() const { return options_; }

 private:
  OptimizerOptions options_;
  bool tied_;
  int64_t step_ = 0;
  Parameters m_, v_;
};

}  // namespace attn
