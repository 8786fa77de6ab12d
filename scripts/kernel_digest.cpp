// Prints a hash of the output bits of every kernel on fixed pseudo-random inputs, for the scalar reference and
// (when this build and CPU have one) the SIMD variant. scripts/test-wasm-kernels.sh builds it natively and with
// emcc (SIMD128 and baseline) and requires every printed hash to be equal: proof that native and browser
// translations are computed with bit-identical arithmetic.
//
// Inputs come from a fixed LCG and exact integer-to-float conversions, not <random> distributions, whose
// results differ between standard libraries.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/kernels.h"

namespace k = attn::kernels;

namespace {

// One kernel variant as a table of functions, so the same driver runs scalar and dispatching entry points.
struct Variant {
  void (*linear)(const k::MatrixView&, const float*, const float*, int, float*);
  void (*attention_scores)(const float*, const float*, const float*, int, int, float*);
  void (*weighted_sum)(const float*, const float*, int, int, float*);
  float (*dot)(const float*, const float*, int);
  void (*tanh_inplace)(float*, int);
  void (*sigmoid_inplace)(float*, int);
  void (*softmax_inplace)(float*, int);
  void (*log_softmax_inplace)(float*, int);
  int (*argmax)(const float*, int);
};

class Lcg {
 public:
  uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 40);  // 24 bits
  }
  // Uniform in [-range, range) on a 2^-24 grid: exactly representable, so identical everywhere.
  float uniform(float range) { return (static_cast<float>(next()) / 16777216.0f * 2.0f - 1.0f) * range; }
  std::vector<float> floats(size_t count, float range) {
    std::vector<float> v(count);
    for (float& x : v) x = uniform(range);
    return v;
  }

 private:
  uint64_t state_ = 20140901;
};

// FNV-1a over the bits of every float produced.
class Digest {
 public:
  void add(const float* values, size_t count) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(values);
    for (size_t i = 0; i < count * sizeof(float); ++i) hash_ = (hash_ ^ bytes[i]) * 1099511628211ULL;
  }
  void add(const std::vector<float>& values) { add(values.data(), values.size()); }
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 14695981039346656037ULL;
};

uint64_t run(const Variant& kernels) {
  Lcg rng;
  Digest digest;
  const int sizes[] = {1, 3, 7, 8, 9, 16, 17, 33, 100, 257};
  for (int cols : sizes) {
    for (bool int8 : {false, true}) {
      const int rows = 11;
      std::vector<float> f32 = rng.floats(static_cast<size_t>(rows) * cols, 1.0f);
      std::vector<int8_t> i8(f32.size());
      for (int8_t& q : i8) q = static_cast<int8_t>(static_cast<int>(rng.next() % 255) - 127);
      const std::vector<float> scale = rng.floats(rows, 0.02f);
      const std::vector<float> bias = rng.floats(rows, 1.0f);
      k::MatrixView w;
      std::vector<int8_t> panels;
      if (int8) {
        w.i8 = i8.data();
        w.scale = scale.data();
        w.rows = rows;
        w.cols = cols;
        if (k::reads_panels()) panels = k::pack_panels(w);  // as the model loader does
        if (!panels.empty()) w.panels = panels.data();
      } else {
        w.f32 = f32.data();
      }
      w.rows = rows;
      w.cols = cols;
      for (int n = 1; n <= 6; ++n) {
        const std::vector<float> x = rng.floats(static_cast<size_t>(n) * cols, 4.0f);
        std::vector<float> y(static_cast<size_t>(n) * rows);
        kernels.linear(w, bias.data(), x.data(), n, y.data());
        digest.add(y);
        kernels.linear(w, nullptr, x.data(), n, y.data());
        digest.add(y);
      }
    }

    const int length = 13;
    const std::vector<float> query = rng.floats(cols, 3.0f);
    const std::vector<float> keys = rng.floats(static_cast<size_t>(length) * cols, 3.0f);
    const std::vector<float> v = rng.floats(cols, 1.0f);
    std::vector<float> scores(length);
    kernels.attention_scores(query.data(), keys.data(), v.data(), length, cols, scores.data());
    digest.add(scores);

    std::vector<float> weights = scores;
    kernels.softmax_inplace(weights.data(), length);
    digest.add(weights);
    std::vector<float> context(cols);
    kernels.weighted_sum(weights.data(), keys.data(), length, cols, context.data());
    digest.add(context);

    const float product = kernels.dot(query.data(), v.data(), cols);
    digest.add(&product, 1);

    // Activations over a wide range, including where exp saturates.
    std::vector<float> activations = rng.floats(cols, 50.0f);
    std::vector<float> sigmoids = activations;
    kernels.tanh_inplace(activations.data(), cols);
    kernels.sigmoid_inplace(sigmoids.data(), cols);
    digest.add(activations);
    digest.add(sigmoids);

    // Softmaxes with masked (-inf) entries.
    std::vector<float> logits = rng.floats(cols, 30.0f);
    for (int i = 0; i + 1 < cols; i += 5) logits[i] = -std::numeric_limits<float>::infinity();
    std::vector<float> probabilities = logits;
    kernels.softmax_inplace(probabilities.data(), cols);
    kernels.log_softmax_inplace(logits.data(), cols);
    digest.add(probabilities);
    digest.add(logits);
    // The argmax of a row with repeated maxima and a NaN, stored as a float (exact below 2^24).
    std::vector<float> ties = rng.floats(cols, 1.0f);
    ties[cols / 2] = ties[cols - 1] = 2.0f;
    ties[cols / 3] = std::numeric_limits<float>::quiet_NaN();
    const float best = static_cast<float>(kernels.argmax(ties.data(), cols));
    digest.add(&best, 1);
  }
  return digest.value();
}

}  // namespace

int main() {
  const Variant scalar = {k::scalar::linear,       k::scalar::attention_scores, k::scalar::weighted_sum,
                          k::scalar::dot,          k::scalar::tanh_inplace,     k::scalar::sigmoid_inplace,
                          k::scalar::softmax_inplace, k::scalar::log_softmax_inplace, k::scalar::argmax};
  std::printf("scalar %016" PRIx64 "\n", run(scalar));
  if (k::simd_enabled()) {
    const Variant dispatched = {k::linear,       k::attention_scores, k::weighted_sum,   k::dot,
                                k::tanh_inplace, k::sigmoid_inplace,  k::softmax_inplace, k::log_softmax_inplace,
                                k::argmax};
    std::printf("%s %016" PRIx64 "\n", k::simd_name(), run(dispatched));
  }
  return 0;
}
