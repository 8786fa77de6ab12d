// Kernels: the SIMD variant must agree with the scalar reference bit for bit, the scalar reference must agree
// with a double-precision computation, and the activations must be accurate. Also built with emcc by
// scripts/test-wasm-kernels.sh (with and without -msimd128).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/activation.h"
#include "kernels/kernels.h"

namespace k = attn::kernels;

namespace {

const std::vector<int> kSizes = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 257};
constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> random_floats(std::mt19937& rng, size_t count, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(count);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<int8_t> random_int8(std::mt19937& rng, size_t count) {
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<int8_t> v(count);
  for (int8_t& q : v) q = static_cast<int8_t>(dist(rng));
  return v;
}

bool bit_identical(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// False (with a warning) in builds or on CPUs without a SIMD variant: then only the scalar checks run.
bool simd_available() {
  if (k::simd_enabled()) return true;
  WARN("no SIMD kernel variant in this build/CPU: scalar-vs-SIMD comparisons skipped");
  return false;
}

// A weight matrix with its storage, f32 or int8.
struct Weights {
  std::vector<float> f32;
  std::vector<int8_t> i8;
  std::vector<float> scale;
  k::MatrixView view;

  Weights(std::mt19937& rng, int rows, int cols, bool int8) {
    if (int8) {
      i8 = random_int8(rng, static_cast<size_t>(rows) * cols);
      scale = random_floats(rng, rows, 0.001f, 0.02f);
      view.i8 = i8.data();
      view.scale = scale.data();
    } else {
      f32 = random_floats(rng, static_cast<size_t>(rows) * cols);
      view.f32 = f32.data();
    }
    view.rows = rows;
    view.cols = cols;
  }

  double at(int r, int c) const {
    const size_t index = static_cast<size_t>(r) * view.cols + c;
    return view.i8 ? static_cast<double>(scale[r]) * i8[index] : f32[index];
  }
};

}  // namespace

TEST_CASE("simd_name reports the variant the dispatcher uses", "[kernels]") {
  const std::string name = k::simd_name();
  if (k::simd_enabled()) {
    CHECK((name == "avx2" || name == "wasm-simd128"));
  } else {
    CHECK(name == "scalar");
  }
}

TEST_CASE("linear: SIMD is bit-identical to scalar for f32 and int8", "[kernels]") {
  if (!simd_available()) return;
  std::mt19937 rng(1);
  for (bool int8 : {false, true}) {
    for (int rows : {1, 3, 5, 8, 9, 17}) {
      for (int cols : kSizes) {
        const Weights w(rng, rows, cols, int8);
        const std::vector<float> bias = random_floats(rng, rows);
        for (int n = 1; n <= 6; ++n) {
          const std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -3.0f, 3.0f);
          for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
            std::vector<float> expected(static_cast<size_t>(n) * rows), actual(expected.size());
            k::scalar::linear(w.view, b, x.data(), n, expected.data());
            k::linear(w.view, b, x.data(), n, actual.data());
            INFO("int8 " << int8 << " rows " << rows << " cols " << cols << " n " << n << " bias " << (b != nullptr));
            REQUIRE(bit_identical(expected, actual));
          }
        }
      }
    }
  }
}

TEST_CASE("linear: a view of some columns (stride > cols) equals the product with a dense copy of them", "[kernels]") {
  std::mt19937 rng(11);
  for (bool int8 : {false, true}) {
    for (int rows : {1, 5, 9}) {
      for (int cols : {1, 7, 16, 33}) {
        const int before = 3, after = 17, width = before + cols + after;
        const Weights wide(rng, rows, width, int8);
        k::MatrixView view = wide.view;  // columns [before, before + cols)
        if (int8) view.i8 += before; else view.f32 += before;
        view.cols = cols;
        view.stride = width;
        Weights dense(rng, rows, cols, int8);
        for (int r = 0; r < rows; ++r) {
          for (int c = 0; c < cols; ++c) {
            const size_t from = static_cast<size_t>(r) * width + before + c, to = static_cast<size_t>(r) * cols + c;
            if (int8) dense.i8[to] = wide.i8[from]; else dense.f32[to] = wide.f32[from];
          }
        }
        if (int8) dense.scale = wide.scale;
        dense.view.scale = int8 ? dense.scale.data() : nullptr;
        const std::vector<float> bias = random_floats(rng, rows);
        for (int n = 1; n <= 5; ++n) {
          const std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -3.0f, 3.0f);
          const size_t size = static_cast<size_t>(n) * rows;
          std::vector<float> expected(size), scalar(size), dispatched(size);
          k::scalar::linear(dense.view, bias.data(), x.data(), n, expected.data());
          k::scalar::linear(view, bias.data(), x.data(), n, scalar.data());
          k::linear(view, bias.data(), x.data(), n, dispatched.data());
          INFO("int8 " << int8 << " rows " << rows << " cols " << cols << " n " << n);
          REQUIRE(bit_identical(expected, scalar));
          REQUIRE(bit_identical(expected, dispatched));
        }
      }
    }
  }
}

TEST_CASE("pack_panels: blocks of kPanelRows rows, chunks of 8 columns, the rest left to the plain rows", "[kernels]") {
  std::mt19937 rng(12);
  for (int rows : {7, 8, 9, 16, 21}) {
    for (int cols : {1, 7, 8, 9, 24, 33}) {
      const Weights w(rng, rows, cols, true);
      const std::vector<int8_t> panels = k::pack_panels(w.view);
      const int full_rows = rows - rows % k::kPanelRows, body = cols - cols % 8;
      INFO("rows " << rows << " cols " << cols);
      REQUIRE(panels.size() == static_cast<size_t>(full_rows) * body);
      for (int r = 0; r < full_rows; ++r) {
        for (int c = 0; c < body; ++c) {
          const int panel = r / k::kPanelRows, row = r % k::kPanelRows, chunk = c / 8;
          const size_t at = (static_cast<size_t>(panel) * body + chunk * 8) * k::kPanelRows + row * 8 + c % 8;
          REQUIRE(panels[at] == w.i8[static_cast<size_t>(r) * cols + c]);
        }
      }
    }
  }
  const Weights f32(rng, 16, 16, false);
  REQUIRE(k::pack_panels(f32.view).empty());
  k::MatrixView some_columns = Weights(rng, 16, 16, true).view;
  some_columns.cols = 8;
  some_columns.stride = 16;
  REQUIRE(k::pack_panels(some_columns).empty());
}

TEST_CASE("linear: int8 with panels equals the scalar product of the plain rows", "[kernels]") {
  std::mt19937 rng(13);
  for (int rows : {4, 8, 12, 17, 24, 37}) {
    for (int cols : {1, 8, 15, 16, 33, 192}) {
      const Weights w(rng, rows, cols, true);
      const std::vector<int8_t> panels = k::pack_panels(w.view);
      k::MatrixView packed = w.view;
      packed.panels = panels.empty() ? nullptr : panels.data();
      const std::vector<float> bias = random_floats(rng, rows);
      for (int n = 1; n <= 3; ++n) {
        for (const float* b : {bias.data(), static_cast<const float*>(nullptr)}) {
          const std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -3.0f, 3.0f);
          const size_t size = static_cast<size_t>(n) * rows;
          std::vector<float> expected(size), dispatched(size);
          k::scalar::linear(w.view, b, x.data(), n, expected.data());
          k::linear(packed, b, x.data(), n, dispatched.data());
          INFO("rows " << rows << " cols " << cols << " n " << n << " bias " << (b != nullptr));
          REQUIRE(bit_identical(expected, dispatched));
        }
      }
      // A variant that reads panels must read them: scrambled panels change its product of one row.
      if (k::reads_panels() && !panels.empty()) {
        std::vector<int8_t> scrambled = panels;
        for (int8_t& value : scrambled) value = static_cast<int8_t>(value == 127 ? -127 : value + 1);
        packed.panels = scrambled.data();
        const std::vector<float> x = random_floats(rng, cols, -3.0f, 3.0f);
        std::vector<float> expected(rows), dispatched(rows);
        k::scalar::linear(w.view, nullptr, x.data(), 1, expected.data());
        k::linear(packed, nullptr, x.data(), 1, dispatched.data());
        REQUIRE_FALSE(bit_identical(expected, dispatched));
      }
    }
  }
}

TEST_CASE("linear: scalar f32 matches a double-precision product", "[kernels]") {
  std::mt19937 rng(2);
  for (int cols : kSizes) {
    const int rows = 7;
    const Weights w(rng, rows, cols, false);
    const std::vector<float> bias = random_floats(rng, rows);
    for (int n = 1; n <= 6; ++n) {
      const std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -3.0f, 3.0f);
      std::vector<float> y(static_cast<size_t>(n) * rows);
      k::scalar::linear(w.view, bias.data(), x.data(), n, y.data());
      for (int i = 0; i < n; ++i) {
        for (int r = 0; r < rows; ++r) {
          double sum = bias[r], magnitude = std::fabs(bias[r]);
          for (int c = 0; c < cols; ++c) {
            sum += w.at(r, c) * x[static_cast<size_t>(i) * cols + c];
            magnitude += std::fabs(w.at(r, c) * x[static_cast<size_t>(i) * cols + c]);
          }
          INFO("cols " << cols << " n " << n << " i " << i << " r " << r);
          REQUIRE(std::fabs(y[static_cast<size_t>(i) * rows + r] - sum) <= 1e-6 * magnitude + 1e-30);
        }
      }
    }
  }
}

TEST_CASE("linear: int8 is the exact product with the quantized rows, close to the unquantized one", "[kernels]") {
  std::mt19937 rng(2);
  for (int cols : kSizes) {
    const int rows = 7;
    const Weights w(rng, rows, cols, true);
    const std::vector<float> bias = random_floats(rng, rows);
    for (int n = 1; n <= 6; ++n) {
      const std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -3.0f, 3.0f);
      k::QuantizedRows q;
      k::quantize_rows(x.data(), n, cols, q);
      std::vector<float> y(static_cast<size_t>(n) * rows);
      k::scalar::linear(w.view, bias.data(), x.data(), n, y.data());
      for (int i = 0; i < n; ++i) {
        for (int r = 0; r < rows; ++r) {
          int64_t integer_sum = 0;
          double exact = bias[r], weight_mass = 0, magnitude = std::fabs(bias[r]);
          for (int c = 0; c < cols; ++c) {
            const size_t at = static_cast<size_t>(i) * cols + c;
            integer_sum += int64_t{w.i8[static_cast<size_t>(r) * cols + c]} * q.values[at];
            exact += w.at(r, c) * x[at];
            weight_mass += std::fabs(w.at(r, c));
            magnitude += std::fabs(w.at(r, c) * x[at]);
          }
          const double quantized = bias[r] + static_cast<double>(integer_sum) * q.scales[i] * w.scale[r];
          const float actual = y[static_cast<size_t>(i) * rows + r];
          INFO("cols " << cols << " n " << n << " i " << i << " r " << r);
          REQUIRE(std::fabs(actual - quantized) <= 1e-6 * (magnitude + std::fabs(quantized)) + 1e-30);
          // Each activation is off by at most half a quantization step.
          REQUIRE(std::fabs(actual - exact) <= weight_mass * q.scales[i] * 0.5 * 1.0001 + 1e-6 * magnitude + 1e-30);
        }
      }
    }
  }
}

TEST_CASE("quantize_rows: full range per row, half-step error, zero and NaN rows", "[kernels]") {
  CHECK(k::activation_limit(192) == 32767);
  CHECK(k::activation_limit(960) == 2147483647 / (128 * 960));
  CHECK(k::activation_limit(0) == 32767);
  CHECK(k::activation_limit(1 << 30) == 1);

  std::mt19937 rng(4);
  const int cols = 300, n = 3;
  std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -2.0f, 2.0f);
  std::fill(x.begin() + cols, x.begin() + 2 * cols, 0.0f);  // row 1: zeros
  x[2 * cols + 5] = std::numeric_limits<float>::quiet_NaN();
  x[2 * cols + 7] = -2.5f;  // row 2's largest magnitude
  k::QuantizedRows q;
  k::scalar::quantize_rows(x.data(), n, cols, q);
  REQUIRE(q.values.size() == x.size());
  REQUIRE(q.scales.size() == static_cast<size_t>(n));
  const int limit = k::activation_limit(cols);
  CHECK(q.scales[1] == 0.0f);
  CHECK(std::all_of(q.values.begin() + cols, q.values.begin() + 2 * cols, [](int16_t v) { return v == 0; }));
  CHECK(q.values[2 * cols + 5] == 0);
  CHECK(q.values[2 * cols + 7] == -limit);
  for (int i : {0, 2}) {
    int largest = 0;
    for (int c = 0; c < cols; ++c) {
      const size_t at = static_cast<size_t>(i) * cols + c;
      largest = std::max(largest, std::abs(int{q.values[at]}));
      if (std::isnan(x[at])) continue;
      INFO("row " << i << " col " << c);
      REQUIRE(std::fabs(x[at] - q.scales[i] * q.values[at]) <= q.scales[i] * 0.5f * 1.0001f);
    }
    CHECK(largest == limit);
  }
}

TEST_CASE("quantize_rows: SIMD identical to scalar, with ties, NaN and infinities", "[kernels]") {
  if (!simd_available()) return;
  std::mt19937 rng(5);
  for (int cols : kSizes) {
    for (int trial = 0; trial < 4; ++trial) {
      const int n = 3;
      std::vector<float> x = random_floats(rng, static_cast<size_t>(n) * cols, -5.0f, 5.0f);
      if (cols > 0 && trial == 1) x[rng() % x.size()] = std::numeric_limits<float>::quiet_NaN();
      if (cols > 0 && trial == 2) x[rng() % x.size()] = kInf;
      if (cols > 1 && trial == 3) {  // exact halves after scaling: row 0 has max 1, so x * limit lands on .5
        const float step = 1.0f / static_cast<float>(k::activation_limit(cols));
        x[0] = 1.0f;
        for (int c = 1; c < cols; ++c) x[c] = (static_cast<float>(c % 7) + 0.5f) * step;
      }
      k::QuantizedRows expected, actual;
      k::scalar::quantize_rows(x.data(), n, cols, expected);
      k::quantize_rows(x.data(), n, cols, actual);
      INFO("cols " << cols << " trial " << trial);
      REQUIRE(expected.values == actual.values);
      REQUIRE(bit_identical(expected.scales, actual.scales));
    }
  }
}

TEST_CASE("linear: int8 sums at the overflow bound stay exact in every variant", "[kernels]") {
  for (int cols : {960, 4099}) {
    const std::vector<int8_t> weights(static_cast<size_t>(2) * cols, int8_t{-128});
    const std::vector<float> scales = {1.0f, 0.5f};
    k::MatrixView w;
    w.i8 = weights.data();
    w.scale = scales.data();
    w.rows = 2;
    w.cols = cols;
    const std::vector<float> x(cols, 1.0f);  // every activation at +limit
    std::vector<float> expected(2), actual(2);
    k::scalar::linear(w, nullptr, x.data(), 1, expected.data());
    k::linear(w, nullptr, x.data(), 1, actual.data());
    INFO("cols " << cols);
    CHECK(bit_identical(expected, actual));
    CHECK(expected[0] == Approx(-128.0 * cols).epsilon(1e-6));
    CHECK(expected[1] == Approx(-64.0 * cols).epsilon(1e-6));
  }
}

TEST_CASE("linear: n = 0 and a null bias leave y as the plain product", "[kernels]") {
  const std::vector<float> weights = {1, 2, 3, 4, 5, 6};  // [2, 3]
  k::MatrixView w;
  w.f32 = weights.data();
  w.rows = 2;
  w.cols = 3;
  const std::vector<float> x = {1, -1, 2};
  std::vector<float> y = {42.0f, 42.0f};
  k::linear(w, nullptr, x.data(), 0, y.data());
  CHECK(y == std::vector<float>{42.0f, 42.0f});
  k::linear(w, nullptr, x.data(), 1, y.data());
  CHECK(y == std::vector<float>{1 - 2 + 6, 4 - 5 + 12});
}

TEST_CASE("linear: a matrix without data is rejected", "[kernels]") {
  k::MatrixView w;
  w.rows = 2;
  w.cols = 3;
  const std::vector<int8_t> quantized(6, 1);
  const std::vector<float> x(3, 1.0f);
  std::vector<float> y(2);
  CHECK_THROWS_AS(k::linear(w, nullptr, x.data(), 1, y.data()), std::invalid_argument);
  w.i8 = quantized.data();  // int8 without its scales
  CHECK_THROWS_AS(k::linear(w, nullptr, x.data(), 1, y.data()), std::invalid_argument);
}

TEST_CASE("dot: SIMD bit-identical to scalar and scalar close to double", "[kernels]") {
  std::mt19937 rng(3);
  const bool simd = simd_available();
  for (int n : kSizes) {
    const std::vector<float> a = random_floats(rng, n, -10.0f, 10.0f);
    const std::vector<float> b = random_floats(rng, n, -10.0f, 10.0f);
    const float scalar = k::scalar::dot(a.data(), b.data(), n);
    double sum = 0, magnitude = 0;
    for (int i = 0; i < n; ++i) {
      sum += static_cast<double>(a[i]) * b[i];
      magnitude += std::fabs(static_cast<double>(a[i]) * b[i]);
    }
    INFO("n " << n);
    CHECK(std::fabs(scalar - sum) <= 1e-6 * magnitude);
    if (simd) REQUIRE(same_bits(scalar, k::dot(a.data(), b.data(), n)));
  }
}

TEST_CASE("attention_scores: SIMD bit-identical to scalar and scalar close to double", "[kernels]") {
  std::mt19937 rng(4);
  const bool simd = simd_available();
  for (int dim : kSizes) {
    for (int length : {1, 2, 5, 9}) {
      const std::vector<float> query = random_floats(rng, dim, -2.0f, 2.0f);
      const std::vector<float> keys = random_floats(rng, static_cast<size_t>(length) * dim, -2.0f, 2.0f);
      const std::vector<float> v = random_floats(rng, dim);
      std::vector<float> expected(length), actual(length);
      k::scalar::attention_scores(query.data(), keys.data(), v.data(), length, dim, expected.data());
      INFO("dim " << dim << " length " << length);
      for (int j = 0; j < length; ++j) {
        double sum = 0, magnitude = 0;
        for (int a = 0; a < dim; ++a) {
          const double term = v[a] * std::tanh(static_cast<double>(query[a]) + keys[static_cast<size_t>(j) * dim + a]);
          sum += term;
          magnitude += std::fabs(v[a]);
        }
        CHECK(std::fabs(expected[j] - sum) <= 1e-6 * magnitude + 1e-30);
      }
      if (simd) {
        k::attention_scores(query.data(), keys.data(), v.data(), length, dim, actual.data());
        REQUIRE(bit_identical(expected, actual));
      }
    }
  }
}

TEST_CASE("weighted_sum: SIMD bit-identical to scalar and scalar close to double", "[kernels]") {
  std::mt19937 rng(5);
  const bool simd = simd_available();
  for (int dim : kSizes) {
    for (int length : {0, 1, 2, 5, 17}) {
      const std::vector<float> weights = random_floats(rng, length, 0.0f, 1.0f);
      const std::vector<float> rows = random_floats(rng, static_cast<size_t>(length) * dim, -5.0f, 5.0f);
      std::vector<float> expected(dim, 99.0f), actual(dim, -99.0f);
      k::scalar::weighted_sum(weights.data(), rows.data(), length, dim, expected.data());
      INFO("dim " << dim << " length " << length);
      for (int d = 0; d < dim; ++d) {
        double sum = 0, magnitude = 0;
        for (int j = 0; j < length; ++j) {
          sum += static_cast<double>(weights[j]) * rows[static_cast<size_t>(j) * dim + d];
          magnitude += std::fabs(static_cast<double>(weights[j]) * rows[static_cast<size_t>(j) * dim + d]);
        }
        CHECK(std::fabs(expected[d] - sum) <= 1e-6 * magnitude);
      }
      if (simd) {
        k::weighted_sum(weights.data(), rows.data(), length, dim, actual.data());
        REQUIRE(bit_identical(expected, actual));
      }
    }
  }
}

TEST_CASE("tanh and sigmoid are within 3e-7 of the exact functions from -20 to 20", "[kernels]") {
  const int count = 400001;
  std::vector<float> x(count);
  for (int i = 0; i < count; ++i) x[i] = -20.0f + 40.0f * static_cast<float>(i) / (count - 1);
  std::vector<float> t = x, s = x;
  k::scalar::tanh_inplace(t.data(), count);
  k::scalar::sigmoid_inplace(s.data(), count);
  double tanh_error = 0, sigmoid_error = 0, tanh_relative_near_zero = 0;
  for (int i = 0; i < count; ++i) {
    const double exact_tanh = std::tanh(static_cast<double>(x[i]));
    tanh_error = std::max(tanh_error, std::fabs(t[i] - exact_tanh));
    sigmoid_error = std::max(sigmoid_error, std::fabs(s[i] - 1.0 / (1.0 + std::exp(-static_cast<double>(x[i])))));
    if (std::fabs(x[i]) < 1.0f && x[i] != 0.0f) {
      tanh_relative_near_zero = std::max(tanh_relative_near_zero, std::fabs(t[i] - exact_tanh) / std::fabs(exact_tanh));
    }
  }
  CHECK(tanh_error <= 3e-7);
  CHECK(sigmoid_error <= 3e-7);
  CHECK(tanh_relative_near_zero <= 1e-6);  // the small-|x| series keeps tiny activations accurate

  if (simd_available()) {
    std::vector<float> simd_t = x, simd_s = x;
    k::tanh_inplace(simd_t.data(), count);
    k::sigmoid_inplace(simd_s.data(), count);
    REQUIRE(bit_identical(t, simd_t));
    REQUIRE(bit_identical(s, simd_s));
  }
}

TEST_CASE("activations: every length and extreme inputs agree across variants", "[kernels]") {
  const bool simd = simd_available();
  std::mt19937 rng(6);
  for (int n : kSizes) {
    const std::vector<float> x = random_floats(rng, n, -30.0f, 30.0f);
    std::vector<float> t = x, s = x, simd_t = x, simd_s = x;
    k::scalar::tanh_inplace(t.data(), n);
    k::scalar::sigmoid_inplace(s.data(), n);
    if (simd) {
      k::tanh_inplace(simd_t.data(), n);
      k::sigmoid_inplace(simd_s.data(), n);
      INFO("n " << n);
      REQUIRE(bit_identical(t, simd_t));
      REQUIRE(bit_identical(s, simd_s));
    }
  }

  const std::vector<float> extremes = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-40f, 0.2499f, 0.25f, -0.25f, 43.9f,
                                       44.0f, 88.0f, 89.0f, -87.0f, -87.5f, 1e30f, -1e30f, kInf, -kInf,
                                       std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()};
  std::vector<float> t = extremes, s = extremes;
  k::scalar::tanh_inplace(t.data(), static_cast<int>(t.size()));
  k::scalar::sigmoid_inplace(s.data(), static_cast<int>(s.size()));
  for (size_t i = 0; i < extremes.size(); ++i) {
    INFO("x = " << extremes[i]);
    CHECK(std::fabs(t[i] - std::tanh(static_cast<double>(extremes[i]))) <= 3e-7);
    CHECK(std::fabs(s[i] - 1.0 / (1.0 + std::exp(-static_cast<double>(extremes[i])))) <= 3e-7);
  }
  CHECK(same_bits(t[1], -0.0f));  // tanh keeps the sign of zero
  if (simd) {
    std::vector<float> simd_t = extremes, simd_s = extremes;
    k::tanh_inplace(simd_t.data(), static_cast<int>(simd_t.size()));
    k::sigmoid_inplace(simd_s.data(), static_cast<int>(simd_s.size()));
    REQUIRE(bit_identical(t, simd_t));
    REQUIRE(bit_identical(s, simd_s));
  }

  std::vector<float> nan(9, std::numeric_limits<float>::quiet_NaN());
  k::tanh_inplace(nan.data(), 9);
  for (float value : nan) CHECK(std::isnan(value));
}

TEST_CASE("exp and log helpers are accurate", "[kernels]") {
  namespace act = attn::kernels::activation;
  double exp_error = 0;
  for (float x = -87.0f; x <= 88.0f; x += 0.013f) {
    const double exact = std::exp(static_cast<double>(x));
    exp_error = std::max(exp_error, std::fabs(act::exp(x) - exact) / exact);
  }
  CHECK(exp_error <= 4e-7);
  CHECK(act::exp(-kInf) == 0.0f);
  CHECK(act::exp(-100.0f) == 0.0f);
  CHECK(std::isfinite(act::exp(kInf)));
  CHECK(act::exp(0.0f) == 1.0f);

  double log_error = 0;
  for (float x = 1e-3f; x < 1e6f; x *= 1.01f) {
    log_error = std::max(log_error, std::fabs(act::log(x) - std::log(static_cast<double>(x))));
  }
  CHECK(log_error <= 1e-6);
  CHECK(act::log(1.0f) == 0.0f);
}

TEST_CASE("softmax: rows sum to 1 and match double and SIMD is bit-identical", "[kernels]") {
  std::mt19937 rng(7);
  const bool simd = simd_available();
  for (int n : kSizes) {
    if (n == 0) continue;
    const std::vector<float> x = random_floats(rng, n, -15.0f, 15.0f);
    std::vector<float> p = x;
    k::scalar::softmax_inplace(p.data(), n);
    double max = x[0];
    for (float value : x) max = std::max<double>(max, value);
    double denominator = 0;
    for (float value : x) denominator += std::exp(value - max);
    double sum = 0;
    INFO("n " << n);
    for (int i = 0; i < n; ++i) {
      sum += p[i];
      CHECK(std::fabs(p[i] - std::exp(x[i] - max) / denominator) <= 1e-6 * (std::exp(x[i] - max) / denominator) + 1e-9);
    }
    CHECK(std::fabs(sum - 1.0) <= 1e-5);
    if (simd) {
      std::vector<float> simd_p = x;
      k::softmax_inplace(simd_p.data(), n);
      REQUIRE(bit_identical(p, simd_p));
    }
  }
}

TEST_CASE("log_softmax: equals log of softmax and SIMD is bit-identical", "[kernels]") {
  std::mt19937 rng(8);
  const bool simd = simd_available();
  for (int n : kSizes) {
    if (n == 0) continue;
    const std::vector<float> x = random_floats(rng, n, -15.0f, 15.0f);
    std::vector<float> log_p = x, p = x;
    k::scalar::log_softmax_inplace(log_p.data(), n);
    k::scalar::softmax_inplace(p.data(), n);
    INFO("n " << n);
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      sum += std::exp(static_cast<double>(log_p[i]));
      CHECK(std::fabs(log_p[i] - std::log(static_cast<double>(p[i]))) <= 2e-6 * (1.0 + std::fabs(log_p[i])));
    }
    CHECK(std::fabs(sum - 1.0) <= 1e-5);
    if (simd) {
      std::vector<float> simd_log_p = x;
      k::log_softmax_inplace(simd_log_p.data(), n);
      REQUIRE(bit_identical(log_p, simd_log_p));
    }
  }
}

TEST_CASE("softmax and log_softmax: masked and huge scores", "[kernels]") {
  const bool simd = simd_available();
  for (int n : {3, 8, 13, 33}) {
    std::vector<float> x(n);
    for (int i = 0; i < n; ++i) x[i] = (i % 3 == 1) ? -kInf : (i % 3 == 0 ? 1e30f : -1e30f);
    std::vector<float> p = x, log_p = x;
    k::scalar::softmax_inplace(p.data(), n);
    k::scalar::log_softmax_inplace(log_p.data(), n);
    const int maxima = (n + 2) / 3;  // entries equal to 1e30 share the mass
    INFO("n " << n);
    for (int i = 0; i < n; ++i) {
      if (i % 3 == 0) {
        CHECK(p[i] == Approx(1.0 / maxima).epsilon(1e-6));
        CHECK(log_p[i] == Approx(-std::log(static_cast<double>(maxima))).epsilon(1e-6));
      } else if (i % 3 == 1) {
        CHECK(p[i] == 0.0f);
        CHECK(log_p[i] == -kInf);
      } else {
        CHECK(p[i] == 0.0f);
        CHECK(log_p[i] == Approx(-2e30));
      }
    }
    if (simd) {
      std::vector<float> simd_p = x, simd_log_p = x;
      k::softmax_inplace(simd_p.data(), n);
      k::log_softmax_inplace(simd_log_p.data(), n);
      REQUIRE(bit_identical(p, simd_p));
      REQUIRE(bit_identical(log_p, simd_log_p));
    }
  }
  std::vector<float> empty;
  k::softmax_inplace(empty.data(), 0);
  k::log_softmax_inplace(empty.data(), 0);
  CHECK(empty.empty());
}

TEST_CASE("argmax: first largest element, NaNs skipped, SIMD identical to scalar", "[kernels]") {
  CHECK(k::scalar::argmax(std::vector<float>{3.0f}.data(), 1) == 0);
  const std::vector<float> ties = {1.0f, 5.0f, -2.0f, 5.0f, 4.0f};
  CHECK(k::scalar::argmax(ties.data(), 5) == 1);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> with_nan = {nan, -1.0f, nan, 0.5f, 0.5f};
  CHECK(k::scalar::argmax(with_nan.data(), 5) == 3);
  const std::vector<float> all_nan = {nan, nan};
  CHECK(k::scalar::argmax(all_nan.data(), 2) == 0);
  const std::vector<float> negative_infinity = {-kInf, -kInf, -kInf};
  CHECK(k::scalar::argmax(negative_infinity.data(), 3) == 0);

  std::mt19937 rng(9);
  for (int n : kSizes) {
    if (n == 0) continue;
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<float> x = random_floats(rng, n);
      // Repeated maxima, NaNs and infinities in some rows, at positions in the SIMD body and in the tail.
      if (trial % 4 == 1) x[n / 2] = x[n - 1] = 7.0f;
      if (trial % 4 == 2) x[rng() % n] = nan;
      if (trial % 4 == 3) x[rng() % n] = kInf;
      const int expected = k::scalar::argmax(x.data(), n);
      float largest = -kInf;
      for (float v : x) largest = v > largest ? v : largest;
      INFO("n " << n << " trial " << trial);
      if (std::isnan(x[expected])) {  // only when every element is NaN
        REQUIRE(std::all_of(x.begin(), x.end(), [](float v) { return std::isnan(v); }));
      } else {
        REQUIRE(x[expected] == largest);
        for (int i = 0; i < expected; ++i) REQUIRE(x[i] != largest);
      }
      REQUIRE(k::argmax(x.data(), n) == expected);
    }
  }
}
