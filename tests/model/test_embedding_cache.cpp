#include <catch2/catch.hpp>

#include <vector>

#include "model/embedding_cache.h"
#include "model/model_file.h"
#include "support/tiny_model.h"

using namespace attn;
using attn::testing::tiny_model;

namespace {

// W_ih[:, :E] e + b_ih and W_o[:, 3H:] e in double precision, from the model's tensors element by element.
void reference_projection(const Model& model, int token, std::vector<double>& gates, std::vector<double>& output) {
  const Parameters& p = model.params;
  const int E = model.config.embed, H = model.config.hidden;
  std::vector<float> e(E), ih(p.dec.weight_ih.cols()), out(p.out_hidden_weight.cols());
  p.tgt_embed.copy_row(token, e.data());
  gates.assign(3 * H, 0.0);
  for (int r = 0; r < 3 * H; ++r) {
    p.dec.weight_ih.copy_row(r, ih.data());
    gates[r] = p.dec.bias_ih.f32[r];
    for (int c = 0; c < E; ++c) gates[r] += double(ih[c]) * e[c];
  }
  output.assign(E, 0.0);
  for (int r = 0; r < E; ++r) {
    p.out_hidden_weight.copy_row(r, out.data());
    for (int c = 0; c < E; ++c) output[r] += double(out[3 * H + c]) * e[c];
  }
}

}  // namespace

TEST_CASE("embedding cache: rows are the embedding's products, the same cached or not", "[embedding_cache]") {
  const Model f32 = tiny_model(/*tied_output=*/false, 5, 1.0f);
  for (bool int8 : {false, true}) {
    const Model model = int8 ? quantize(f32) : f32;
    const int E = model.config.embed, G = 3 * model.config.hidden;
    const std::vector<int> tokens = {4, 17, 4, 2, 30};
    EmbeddingCache cache(model), uncached(model, 0);
    std::vector<float> gates, output, again_gates, again_output, plain_gates, plain_output;
    cache.project(tokens.data(), 5, gates, output);
    REQUIRE(cache.cached_tokens() == 4);
    cache.project(tokens.data(), 5, again_gates, again_output);  // all from the cache now
    uncached.project(tokens.data(), 5, plain_gates, plain_output);
    REQUIRE(uncached.cached_tokens() == 0);
    REQUIRE((gates == again_gates && output == again_output));
    REQUIRE((gates == plain_gates && output == plain_output));

    std::vector<double> want_gates, want_output;
    for (size_t i = 0; i < tokens.size(); ++i) {
      reference_projection(model, tokens[i], want_gates, want_output);
      INFO("int8 " << int8 << " token " << tokens[i]);
      // int8 products quantize the embedding to 16 bits first, hence the looser bound.
      const double tolerance = int8 ? 1e-3 : 1e-5;
      for (int r = 0; r < G; ++r) REQUIRE(gates[i * G + r] == Approx(want_gates[r]).margin(tolerance));
      for (int r = 0; r < E; ++r) REQUIRE(output[i * E + r] == Approx(want_output[r]).margin(tolerance));
    }
  }
}

TEST_CASE("embedding cache: stops adding rows at its size limit and stays correct", "[embedding_cache]") {
  const Model model = tiny_model();
  const size_t row_bytes = sizeof(float) * (3 * model.config.hidden + model.config.embed);
  EmbeddingCache small(model, 2 * row_bytes + row_bytes / 2), unlimited(model);
  const std::vector<int> tokens = {7, 8, 9, 10, 7};
  std::vector<float> gates, output, want_gates, want_output;
  for (int round = 0; round < 2; ++round) {
    small.project(tokens.data(), 5, gates, output);
    unlimited.project(tokens.data(), 5, want_gates, want_output);
    REQUIRE(small.cached_tokens() == 2);
    REQUIRE(unlimited.cached_tokens() == 4);
    REQUIRE((gates == want_gates && output == want_output));
  }
}

TEST_CASE("embedding cache: a token outside the vocabulary is rejected", "[embedding_cache]") {
  const Model model = tiny_model();
  EmbeddingCache cache(model);
  std::vector<float> gates, output;
  const std::vector<int> bad = {3, model.config.tgt_vocab};
  REQUIRE_THROWS_WITH(cache.project(bad.data(), 2, gates, output), Catch::Contains("outside the vocabulary"));
  const int negative = -1;
  REQUIRE_THROWS_WITH(cache.project(&negative, 1, gates, output), Catch::Contains("outside the vocabulary"));
  REQUIRE(cache.cached_tokens() == 0);
}
