// Finite-difference proof of the analytic gradients: central differences in double precision on a tiny model,
// for every tensor the model file holds (tied and untied output), with a padded batch of unequal lengths.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "train/backprop.h"

namespace {

using attn::Batch;
using attn::ModelConfig;
using attn::Parameters;
using attn::Tensor;
using attn::TokenPair;

std::map<std::string, std::vector<int64_t>> tiny_shapes(const ModelConfig& c) {
  const int64_t E = c.embed, H = c.hidden, A = c.attention;
  std::map<std::string, std::vector<int64_t>> shapes = {
      {"src_embed", {c.src_vocab, E}},      {"tgt_embed", {c.tgt_vocab, E}},
      {"dec_init.weight", {H, H}},          {"dec_init.bias", {H}},
      {"att.W", {A, H}},                    {"att.U", {A, 2 * H}},
      {"att.b", {A}},                       {"att.v", {A}},
      {"out_hidden.weight", {E, 3 * H + E}}, {"out_hidden.bias", {E}},
      {"out_proj.weight", {c.tgt_vocab, E}}, {"out_proj.bias", {c.tgt_vocab}}};
  for (const char* gru : {"enc_fwd", "enc_bwd", "dec"}) {
    const int64_t in = std::string(gru) == "dec" ? E + 2 * H : E;
    shapes[std::string(gru) + ".weight_ih"] = {3 * H, in};
    shapes[std::string(gru) + ".weight_hh"] = {3 * H, H};
    shapes[std::string(gru) + ".bias_ih"] = {3 * H};
    shapes[std::string(gru) + ".bias_hh"] = {3 * H};
  }
  return shapes;
}

// Parameters in double, keyed by model-file name (the names Parameters::for_each visits).
struct DoubleParameters {
  std::map<std::string, std::vector<double>> values;
};

DoubleParameters random_parameters(const ModelConfig& config, std::mt19937_64& rng) {
  const auto shapes = tiny_shapes(config);
  DoubleParameters p;
  Parameters names;
  std::uniform_real_distribution<double> uniform(-0.8, 0.8);
  names.for_each(config.tied_output, [&](const std::string& name, Tensor&) {
    size_t count = 1;
    for (int64_t d : shapes.at(name)) count *= size_t(d);
    std::vector<double> v(count);
    for (double& x : v) x = uniform(rng);
    p.values[name] = v;
  });
  return p;
}

template <class Pointer, class Map>
attn::ParameterPointers<Pointer> bind(Map& values, bool tied) {
  return attn::bind_parameters<Pointer>(tied, [&](const std::string& name) { return values.at(name).data(); });
}

double loss(attn::Backprop<double>& backprop, const ModelConfig& config, const DoubleParameters& p,
            const Batch& batch) {
  attn::LossOptions options;
  options.label_smoothing = 0.1;
  return backprop.run(config, bind<const double*>(p.values, config.tied_output), batch, options, nullptr);
}

Batch tiny_batch() {
  // Lengths 4/2/3 (source) and 2/4/1 (target), all ending with </s> = 2, so both paddings are exercised.
  std::vector<TokenPair> pairs = {
      {{5, 7, 3, 2}, {4, 2}},
      {{9, 2}, {6, 10, 3, 2}},
      {{4, 8, 2}, {2}},
  };
  return Batch::from_pairs(pairs);
}

void check_gradients(bool tied) {
  ModelConfig config;
  config.src_vocab = 11;
  config.tgt_vocab = 11;
  config.embed = 4;
  config.hidden = 3;
  config.attention = 5;
  config.tied_output = tied;
  std::mt19937_64 rng(tied ? 7 : 3);
  DoubleParameters params = random_parameters(config, rng);
  DoubleParameters grads = params;
  const Batch batch = tiny_batch();
  attn::Backprop<double> backprop;
  attn::LossOptions options;
  options.label_smoothing = 0.1;
  const auto grad_pointers = bind<double*>(grads.values, tied);
  const double base = backprop.run(config, bind<const double*>(params.values, tied), batch, options, &grad_pointers);
  REQUIRE(std::isfinite(base));

  // Relative error |analytic - numeric| / max(1e-3, |analytic| + |numeric|) below 1e-6; h = 1e-5 leaves a
  // truncation error of order h^2 ≈ 1e-10 and a rounding error of order 1e-16 / h ≈ 1e-11.
  const double h = 1e-5;
  const double tolerance = 1e-6;
  for (auto& [name, values] : params.values) {
    // Up to 12 elements per tensor, spread over the tensor (embedding rows of used and unused ids included).
    const size_t count = values.size();
    const size_t samples = std::min<size_t>(12, count);
    for (size_t s = 0; s < samples; ++s) {
      const size_t i = (s * 7919 + 13) % count;
      const double saved = values[i];
      values[i] = saved + h;
      const double plus = loss(backprop, config, params, batch);
      values[i] = saved - h;
      const double minus = loss(backprop, config, params, batch);
      values[i] = saved;
      const double numeric = (plus - minus) / (2 * h);
      const double analytic = grads.values.at(name)[i];
      const double relative = std::abs(analytic - numeric) / std::max(1e-3, std::abs(analytic) + std::abs(numeric));
      INFO(name << "[" << i << "] analytic " << analytic << " numeric " << numeric);
      CHECK(relative < tolerance);
    }
  }
}

}  // namespace

TEST_CASE("backprop gradients match central finite differences (untied output)", "[train][gradients]") {
  check_gradients(false);
}

TEST_CASE("backprop gradients match central finite differences (tied output)", "[train][gradients]") {
  check_gradients(true);
}

TEST_CASE("dropout changes the loss deterministically and is off at rate 0", "[train][gradients]") {
  ModelConfig config;
  config.src_vocab = 11;
  config.tgt_vocab = 11;
  config.embed = 4;
  config.hidden = 3;
  config.attention = 5;
  std::mt19937_64 rng(5);
  DoubleParameters params = random_parameters(config, rng);
  const Batch batch = tiny_batch();
  attn::Backprop<double> backprop;
  const auto weights = bind<const double*>(params.values, false);
  attn::LossOptions plain;
  attn::LossOptions dropped;
  dropped.dropout = 0.3;
  dropped.dropout_seed = 42;
  const double without = backprop.run(config, weights, batch, plain, nullptr);
  const double with_a = backprop.run(config, weights, batch, dropped, nullptr);
  const double with_b = backprop.run(config, weights, batch, dropped, nullptr);
  dropped.dropout_seed = 43;
  const double with_other_seed = backprop.run(config, weights, batch, dropped, nullptr);
  CHECK(with_a == with_b);
  CHECK(with_a != without);
  CHECK(with_other_seed != with_a);
}

TEST_CASE("padding does not change a sentence's loss", "[train][gradients]") {
  // A pair's loss alone equals its share of the loss in a padded batch with a longer pair.
  ModelConfig config;
  config.src_vocab = 11;
  config.tgt_vocab = 11;
  config.embed = 4;
  config.hidden = 3;
  config.attention = 5;
  std::mt19937_64 rng(9);
  DoubleParameters params = random_parameters(config, rng);
  attn::Backprop<double> backprop;
  const TokenPair short_pair{{9, 2}, {6, 2}};
  const TokenPair long_pair{{5, 7, 3, 4, 2}, {4, 8, 8, 2}};
  const double alone_short = loss(backprop, config, params, Batch::from_pairs(std::vector<TokenPair>{short_pair}));
  const double alone_long = loss(backprop, config, params, Batch::from_pairs(std::vector<TokenPair>{long_pair}));
  const double together =
      loss(backprop, config, params, Batch::from_pairs(std::vector<TokenPair>{short_pair, long_pair}));
  // The batch loss is the mean over its 6 real target tokens.
  CHECK(together == Approx((alone_short * 2 + alone_long * 4) / 6).epsilon(1e-12));
}
