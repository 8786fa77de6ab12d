#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "model/forward.h"
#include "model/model_file.h"
#include "support/tiny_model.h"

using namespace attn;
using attn::testing::source_ids;
using attn::testing::tiny_model;

TEST_CASE("encoder produces annotations, keys and an initial state of the configured sizes", "[forward]") {
  const Model model = tiny_model();
  const auto ids = source_ids(model, "Tom a 19 ans !");
  const EncoderOutput out = encode(model, ids);
  const int H = model.config.hidden, A = model.config.attention;
  REQUIRE(out.length == static_cast<int>(ids.size()));
  REQUIRE(out.annotations.size() == ids.size() * 2 * H);
  REQUIRE(out.keys.size() == ids.size() * A);
  REQUIRE(out.initial_state.size() == static_cast<size_t>(H));
  for (float v : out.initial_state) REQUIRE(std::abs(v) < 1.0f);  // tanh output
}

TEST_CASE("every attention row is a distribution over the source tokens", "[forward]") {
  const Model model = tiny_model();
  const auto src = source_ids(model, "Jane visite l'Afrique en septembre.");
  const auto tgt = model.tgt_tokenizer.encode("Jane visits Africa.");
  const TeacherForced out = teacher_forced(model, src, tgt);
  const size_t S = src.size();
  REQUIRE(out.attention.size() == tgt.size() * S);
  bool any_peaked = false;
  for (size_t t = 0; t < tgt.size(); ++t) {
    const float* row = &out.attention[t * S];
    REQUIRE(std::accumulate(row, row + S, 0.0) == Approx(1.0).margin(1e-5));
    for (size_t j = 0; j < S; ++j) REQUIRE(row[j] >= 0.0f);
    any_peaked |= *std::max_element(row, row + S) > 2.0f / S;
  }
  REQUIRE(any_peaked);  // the scaled random weights give non-uniform attention, so the test can see it
}

TEST_CASE("a decoder step over a batch of hypotheses equals the steps taken one by one", "[forward]") {
  for (bool int8 : {false, true}) {
    const Model f32 = tiny_model(/*tied_output=*/true);
    const Model model = int8 ? quantize(f32) : f32;
    const auto src = source_ids(model, "Il est 2:30, Mary.");
    const EncoderOutput encoded = encode(model, src);
    const int H = model.config.hidden, V = model.config.tgt_vocab, S = encoded.length, K = 6;
    std::vector<int> tokens = {Tokenizer::kBos, 5, 9, 20, 3, 9};  // 9 twice: one computation serves both rows
    std::vector<float> states(K * H);
    for (int i = 0; i < K * H; ++i) states[i] = std::sin(0.37f * i);
    std::vector<float> batch_states(K * H), batch_attention(K * S), batch_logits(K * V);
    DecoderWorkspace workspace;
    EmbeddingCache warm(model), uncached(model, /*max_bytes=*/0);
    decode_step(model, encoded, tokens.data(), states.data(), K, batch_states.data(), batch_attention.data(),
                batch_logits.data(), warm, workspace);
    REQUIRE(warm.cached_tokens() == 5);
    REQUIRE(uncached.cached_tokens() == 0);
    for (EmbeddingCache* embeddings : {&warm, &uncached}) {  // cached rows and freshly computed ones agree
      for (int k = 0; k < K; ++k) {
        std::vector<float> state(H), attention(S), logits(V);
        decode_step(model, encoded, &tokens[k], &states[k * H], 1, state.data(), attention.data(), logits.data(),
                    *embeddings, workspace);
        INFO("int8 " << int8 << " cached " << (embeddings == &warm) << " row " << k);
        REQUIRE(std::equal(state.begin(), state.end(), batch_states.begin() + k * H));
        REQUIRE(std::equal(attention.begin(), attention.end(), batch_attention.begin() + k * S));
        REQUIRE(std::equal(logits.begin(), logits.end(), batch_logits.begin() + k * V));
      }
    }
    REQUIRE(uncached.cached_tokens() == 0);
  }
}

TEST_CASE("the int8 model computes nearly the same logits as its F32 parent", "[forward]") {
  const Model model = tiny_model(false, 11, 1.0f);
  const Model compact = quantize(model);
  const auto src = source_ids(model, "Jane visite l'Afrique.");
  const auto tgt = model.tgt_tokenizer.encode("Jane visits Africa.");
  const TeacherForced exact = teacher_forced(model, src, tgt);
  const TeacherForced approx = teacher_forced(compact, src, tgt);
  double worst = 0;
  for (size_t i = 0; i < exact.logits.size(); ++i) worst = std::max(worst, double(std::abs(exact.logits[i] - approx.logits[i])));
  REQUIRE(worst > 0.0);   // it really is a different (quantized) computation
  REQUIRE(worst < 0.05);
}

TEST_CASE("token ids outside the vocabulary are rejected with a clear error", "[forward]") {
  const Model model = tiny_model();
  REQUIRE_THROWS_WITH(encode(model, {model.config.src_vocab, Tokenizer::kEos}),
                      Catch::Contains("outside the vocabulary"));
  REQUIRE_THROWS_WITH(encode(model, {}), Catch::Contains("empty"));
  REQUIRE_THROWS_WITH(teacher_forced(model, {Tokenizer::kEos}, {-1, Tokenizer::kEos}),
                      Catch::Contains("outside the vocabulary"));
}
