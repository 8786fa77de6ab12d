#include <catch2/catch.hpp>

#include <cmath>

#include "train/optimizer.h"

namespace {

attn::Parameters one_tensor_parameters(std::vector<float> values) {
  attn::Parameters p;
  p.for_each(false, [&](const std::string&, attn::Tensor& t) {
    t.shape = {1};
    t.f32 = {0.0f};
  });
  p.src_embed.shape = {int64_t(values.size())};
  p.src_embed.f32 = values;
  return p;
}

}  // namespace

TEST_CASE("learning-rate schedule: linear warm-up, then inverse-sqrt or cosine decay", "[train][optimizer]") {
  attn::OptimizerOptions o;
  o.learning_rate = 1e-3;
  o.warmup_steps = 100;
  CHECK(attn::learning_rate_at(o, 50) == Approx(5e-4));
  CHECK(attn::learning_rate_at(o, 100) == Approx(1e-3));
  CHECK(attn::learning_rate_at(o, 400) == Approx(5e-4));  // sqrt(100 / 400)
  o.decay = attn::LearningRateDecay::Cosine;
  o.decay_steps = 200;
  o.min_learning_rate = 1e-4;
  CHECK(attn::learning_rate_at(o, 200) == Approx(1e-4 + 0.9e-3 * 0.5));
  CHECK(attn::learning_rate_at(o, 300) == Approx(1e-4));
  CHECK(attn::learning_rate_at(o, 1000) == Approx(1e-4));
  CHECK_THROWS_AS(attn::parse_decay("linear"), std::invalid_argument);
}

TEST_CASE("Adam's first step moves each weight by the learning rate against its gradient", "[train][optimizer]") {
  attn::OptimizerOptions o;
  o.learning_rate = 0.01;
  o.warmup_steps = 0;
  o.decay = attn::LearningRateDecay::Constant;
  o.clip_norm = 0;
  attn::Parameters params = one_tensor_parameters({1.0f, 2.0f, 3.0f});
  attn::Parameters grads = one_tensor_parameters({0.5f, -4.0f, 0.0f});
  attn::Adam adam(o, params, false);
  adam.step(params, grads);
  // Bias-corrected m / sqrt(v) = sign(g) on the first step.
  CHECK(params.src_embed.f32[0] == Approx(0.99f));
  CHECK(params.src_embed.f32[1] == Approx(2.01f));
  CHECK(params.src_embed.f32[2] == Approx(3.0f));
  CHECK(adam.steps_taken() == 1);
}

TEST_CASE("global-norm clipping scales the gradient before the update", "[train][optimizer]") {
  attn::OptimizerOptions o;
  o.learning_rate = 0.01;
  o.warmup_steps = 0;
  o.decay = attn::LearningRateDecay::Constant;
  o.clip_norm = 1.0;
  attn::Parameters params = one_tensor_parameters({0.0f, 0.0f});
  attn::Parameters grads = one_tensor_parameters({3.0f, 4.0f});
  attn::Adam adam(o, params, false);
  CHECK(adam.step(params, grads) == Approx(5.0));
  // Second moment after clipping: (1 - β2) * (g / 5)^2, so the update direction is unchanged but m is scaled.
  CHECK(adam.first_moment().src_embed.f32[0] == Approx(0.1 * 3.0 / 5.0));
  CHECK(adam.first_moment().src_embed.f32[1] == Approx(0.1 * 4.0 / 5.0));
}
