#include "train/optimizer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <vector>

#include "train/backprop.h"

namespace attn {

LearningRateDecay parse_decay(const std::string& name) {
  if (name == "inverse-sqrt") return LearningRateDecay::InverseSqrt;
  if (name == "cosine") return LearningRateDecay::Cosine;
  if (name == "constant") return LearningRateDecay::Constant;
  throw std::invalid_argument("unknown learning-rate decay '" + name + "' (inverse-sqrt, cosine or constant)");
}

const char* decay_name(LearningRateDecay decay) {
  switch (decay) {
    case LearningRateDecay::InverseSqrt: return "inverse-sqrt";
    case LearningRateDecay::Cosine: return "cosine";
    case LearningRateDecay::Constant: return "constant";
  }
  return "?";
}

double learning_rate_at(const OptimizerOptions& o, int64_t step) {
  const int64_t warmup = std::max(o.warmup_steps, 0);
  if (step <= warmup) return o.learning_rate * double(step) / double(std::max<int64_t>(warmup, 1));
  switch (o.decay) {
    case LearningRateDecay::InverseSqrt:
      return o.learning_rate * std::sqrt(double(std::max<int64_t>(warmup, 1)) / double(step));
    case LearningRateDecay::Cosine: {
      const double progress = std::min(1.0, double(step - warmup) / double(std::max<int64_t>(o.decay_steps, 1)));
      return o.min_learning_rate +
             (o.learning_rate - o.min_learning_rate) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
    }
    case LearningRateDecay::Constant: return o.learning_rate;
  }
  return o.learning_rate;
}

namespace {

std::vector<std::pair<Tensor*, Tensor*>> zip(Parameters& a, Parameters& b, bool tied) {
  std::map<std::string, Tensor*> by_name;
  b.for_each(tied, [&](const std::string& name, Tensor& t) { by_name[name] = &t; });
  std::vector<std::pair<Tensor*, Tensor*>> pairs;
  a.for_each(tied, [&](const std::string& name, Tensor& t) { pairs.emplace_back(&t, by_name.at(name)); });
  return pairs;
}

}  // namespace

Adam::Adam(const OptimizerOptions& options, const Parameters& like, bool tied_output)
    : options_(options), tied_(tied_output), m_(zeros_like(like, tied_output)), v_(zeros_like(like, tied_output)) {
  if (options.learning_rate <= 0) throw std::invalid_argument("learning rate must be positive");
  if (options.beta1 < 0 || options.beta1 >= 1 || options.beta2 < 0 || options.beta2 >= 1)
    throw std::invalid_argument("Adam betas must be in [0, 1)");
  if (options.clip_norm < 0) throw std::invalid_argument("clip norm must not be negative");
}

void Adam::restore(int64_t steps_taken, Parameters first_moment, Parameters second_moment) {
  step_ = steps_taken;
  m_ = std::move(first_moment);
  v_ = std::move(second_moment);
}

double Adam::step(Parameters& params, Parameters& gradients) {
  // Global norm in double, summed tensor by tensor in for_each order (deterministic).
  double squared = 0;
  gradients.for_each(tied_, [&](const std::string&, const Tensor& g) {
    double tensor_sum = 0;
    for (float x : g.f32) tensor_sum += double(x) * double(x);
    squared += tensor_sum;
  });
  const double norm = std::sqrt(squared);
  const float clip = (options_.clip_norm > 0 && norm > options_.clip_norm) ? float(options_.clip_norm / norm) : 1.0f;

  ++step_;
  const double lr = learning_rate_at(options_, step_);
  const double correction1 = 1.0 - std::pow(options_.beta1, double(step_));
  const double correction2 = 1.0 - std::pow(options_.beta2, double(step_));
  const float step_size = float(lr / correction1);
  const float inv_sqrt_correction2 = float(1.0 / std::sqrt(correction2));
  const float b1 = float(options_.beta1), b2 = float(options_.beta2), eps = float(options_.epsilon);

  const auto with_grads = zip(params, gradients, tied_);
  const auto moments = zip(m_, v_, tied_);
  for (size_t i = 0; i < with_grads.size(); ++i) {
    float* w = with_grads[i].first->f32.data();
    const float* g = with_grads[i].second->f32.data();
    float* m = moments[i].first->f32.data();
    float* v = moments[i].second->f32.data();
    const long n = long(with_grads[i].first->f32.size());
    if (long(with_grads[i].second->f32.size()) != n || long(moments[i].first->f32.size()) != n)
      throw std::logic_error("optimizer: parameter and gradient sizes differ");
#pragma omp parallel for schedule(static) if (n > 16384)
    for (long k = 0; k < n; ++k) {
      const float gk = g[k] * clip;
      m[k] = b1 * m[k] + (1.0f - b1) * gk;
      v[k] = b2 * v[k] + (1.0f - b2) * gk * gk;
      w[k] -= step_size * m[k] / (std::sqrt(v[k]) * inv_sqrt_correction2 + eps);
    }
  }
  return norm;
}

}  // namespace attn
