#include "model/init.h"

#include <cmath>
#include <string>
#include <utility>

namespace attn {
namespace {

// splitmix64 with float conversions built from exact integer and IEEE arithmetic only: std:: distributions (and
// log/cos for Box–Muller) differ between libstdc++, libc++ and C libraries, and the same seed must give the same
// model natively and in wasm.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform on [0, 1) from the top 24 bits, which a float holds exactly.
  float uniform() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }

  // Uniform on [-limit, limit).
  float symmetric(float limit) { return (2.0f * uniform() - 1.0f) * limit; }

  // Approximately standard normal (Irwin–Hall: twelve uniforms minus 6 have mean 0 and variance 1, tails cut at
  // ±6), using additions only.
  float normal() {
    float sum = 0.0f;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return sum - 6.0f;
  }

 private:
  uint64_t state_;
};

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

bool is_gru_tensor(const std::string& name) {
  return starts_with(name, "enc_fwd.") || starts_with(name, "enc_bwd.") || starts_with(name, "dec.");
}

}  // namespace

Model init_model(ModelConfig config, Tokenizer src_tokenizer, Tokenizer tgt_tokenizer, uint64_t seed) {
  config.src_vocab = src_tokenizer.size();
  config.tgt_vocab = tgt_tokenizer.size();
  check_config(config);

  Model model;
  model.config = config;
  model.src_tokenizer = std::move(src_tokenizer);
  model.tgt_tokenizer = std::move(tgt_tokenizer);

  const auto shapes = expected_shapes(config);
  Random random(seed);
  // nn.GRU's default: every weight and bias uniform within ±1/sqrt(H).
  const float recurrent_limit = 1.0f / std::sqrt(static_cast<float>(config.hidden));
  // Embeddings ~ N(0, 1/E) (standard deviation 1/sqrt(E)), so an embedding vector has roughly unit length and
  // logits through a tied output projection start near zero.
  const float embed_std = 1.0f / std::sqrt(static_cast<float>(config.embed));

  model.params.for_each(config.tied_output, [&](const std::string& name, Tensor& tensor) {
    tensor = Tensor::zeros(shapes.at(name));
    if (is_gru_tensor(name)) {
      for (float& w : tensor.f32) w = random.symmetric(recurrent_limit);
    } else if (name == "src_embed" || name == "tgt_embed") {
      for (float& w : tensor.f32) w = random.normal() * embed_std;
    } else if (tensor.shape.size() == 2 || name == "att.v") {
      // Glorot uniform; att.v is the single-row matrix of the score layer (fan-in A, fan-out 1). A zero v would make
      // the first attention uniform and give W_a and U_a no gradient.
      const float fan_in = static_cast<float>(tensor.shape.size() == 2 ? tensor.shape[1] : tensor.shape[0]);
      const float fan_out = static_cast<float>(tensor.shape.size() == 2 ? tensor.shape[0] : 1);
      const float limit = std::sqrt(6.0f / (fan_in + fan_out));
      for (float& w : tensor.f32) w = random.symmetric(limit);
    }
    // The remaining vectors are biases outside the GRUs: they start at zero.
  });
  return model;
}

}  // namespace attn
