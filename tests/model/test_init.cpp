#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "model/init.h"
#include "model/model_file.h"

using namespace attn;
using Catch::Matchers::Contains;

namespace {

ModelConfig config(int embed, int hidden, int attention, bool tied = false) {
  ModelConfig c;
  c.embed = embed;
  c.hidden = hidden;
  c.attention = attention;
  c.tied_output = tied;
  return c;
}

Model make(uint64_t seed, ModelConfig c = config(16, 8, 6)) {
  return init_model(c, Tokenizer::learn_chars({"bonjour le monde"}), Tokenizer::learn_chars({"hello world"}), seed);
}

}  // namespace

TEST_CASE("init: the same seed gives the same model, another seed a different one", "[init]") {
  const std::vector<uint8_t> first = save_model(make(42));
  REQUIRE(save_model(make(42)) == first);
  REQUIRE(save_model(make(43)) != first);
  const Model a = make(42), b = make(43);
  REQUIRE(a.params.att_W.f32 != b.params.att_W.f32);
  REQUIRE(a.params.src_embed.f32 != b.params.src_embed.f32);
}

TEST_CASE("init: vocabularies come from the tokenizers and every tensor has its expected shape", "[init]") {
  const Tokenizer src = Tokenizer::learn_chars({"abc"}), tgt = Tokenizer::learn_chars({"xy"});
  ModelConfig c = config(5, 4, 3, true);
  c.src_vocab = 1;  // ignored: the tokenizers decide
  const Model model = init_model(c, src, tgt, 1);
  REQUIRE(model.config.src_vocab == src.size());
  REQUIRE(model.config.tgt_vocab == tgt.size());
  REQUIRE(model.config.tied_output);
  const auto shapes = expected_shapes(model.config);
  model.params.for_each(true, [&](const std::string& name, const Tensor& tensor) {
    INFO(name);
    REQUIRE(tensor.shape == shapes.at(name));
    REQUIRE(tensor.f32.size() == tensor.numel());
    REQUIRE(!tensor.is_int8());
  });
  REQUIRE(model.params.out_proj_weight.empty());
  REQUIRE_NOTHROW(load_model(save_model(model).data(), save_model(model).size()));
}

TEST_CASE("init: value ranges follow the documented scheme", "[init]") {
  const Model model = make(7, config(64, 25, 10));
  const float gru_limit = 1.0f / 5.0f;  // 1/sqrt(H)
  for (const GruParams* gru : {&model.params.enc_fwd, &model.params.enc_bwd, &model.params.dec})
    for (const Tensor* t : {&gru->weight_ih, &gru->weight_hh, &gru->bias_ih, &gru->bias_hh}) {
      float largest = 0.0f;
      for (float w : t->f32) largest = std::max(largest, std::fabs(w));
      REQUIRE(largest <= gru_limit);
      REQUIRE(largest > 0.8f * gru_limit);  // actually spread over the range
    }
  for (const Tensor* bias : {&model.params.dec_init_bias, &model.params.att_b, &model.params.out_hidden_bias,
                             &model.params.out_proj_bias})
    for (float w : bias->f32) REQUIRE(w == 0.0f);

  // Glorot: att.U is [A, 2H] = [10, 50], limit sqrt(6 / 60).
  const float glorot = std::sqrt(6.0f / 60.0f);
  float largest = 0.0f;
  for (float w : model.params.att_U.f32) largest = std::max(largest, std::fabs(w));
  REQUIRE(largest <= glorot);
  REQUIRE(largest > 0.8f * glorot);
  for (float v : model.params.att_v.f32) REQUIRE(v != 0.0f);

  // Embeddings: mean 0, standard deviation 1/sqrt(E) = 0.125.
  double sum = 0, squares = 0;
  const auto& embed = model.params.src_embed.f32;
  for (float w : embed) {
    sum += w;
    squares += static_cast<double>(w) * w;
  }
  const double mean = sum / static_cast<double>(embed.size());
  const double std_dev = std::sqrt(squares / static_cast<double>(embed.size()) - mean * mean);
  REQUIRE(std::fabs(mean) < 0.01);
  REQUIRE(std_dev == Approx(0.125).epsilon(0.05));
}

TEST_CASE("init: bad configurations are refused naming the field", "[init]") {
  REQUIRE_THROWS_WITH(make(1, config(0, 8, 6)), Contains("embed_dim"));
  REQUIRE_THROWS_WITH(make(1, config(16, -1, 6)), Contains("hidden_dim"));
  REQUIRE_THROWS_WITH(make(1, config(16, 8, 70000)), Contains("attention_dim"));
  REQUIRE_THROWS_AS(make(1, config(16, 8, 0)), std::invalid_argument);
  // Each size is in bounds, but dec.weight_ih would be [3H, E + 2H] = [196608, 196608].
  REQUIRE_THROWS_WITH(make(1, config(65536, 65536, 4)), Contains("elements"));
}
