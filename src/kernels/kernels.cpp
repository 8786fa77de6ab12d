// Scalar reference kernels and the dispatch to the SIMD variant.
//
// The scalar code is written to mirror the SIMD variants operation for operation (see kernels.h): sums use 8
// interleaved partial sums reduced in a fixed tree, then the n % 8 tail in order.
#include "kernels/kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "kernels/activation.h"
#include "kernels/quantization.h"

// Builds that compile a SIMD kernel file: x86-64 native (AVX2, chosen at run time) and wasm with -msimd128.
#if defined(__x86_64__) || defined(__wasm_simd128__)
#define ATTN_HAVE_SIMD_KERNELS 1
#endif

namespace attn::kernels {
namespace {

// The fixed reduction tree shared by all variants: (s0+s4, s1+s5, s2+s6, s3+s7) -> pairs 0+2, 1+3 -> total.
float reduce_lanes(const float s[8]) {
  const float t0 = s[0] + s[4];
  const float t1 = s[1] + s[5];
  const float t2 = s[2] + s[6];
  const float t3 = s[3] + s[7];
  const float u0 = t0 + t2;
  const float u1 = t1 + t3;
  return u0 + u1;
}

// Dot products of one weight row with `Rows` rows of x (stride `cols`), in the 8-lane order.
template <int Rows>
void dot_rows(const float* w, const float* x, int cols, float* totals) {
  float s[Rows][8] = {};
  const int body = cols - cols % 8;
  for (int c = 0; c < body; c += 8) {
    for (int i = 0; i < Rows; ++i) {
      for (int k = 0; k < 8; ++k) s[i][k] += w[c + k] * x[i * cols + c + k];
    }
  }
  for (int i = 0; i < Rows; ++i) {
    float total = reduce_lanes(s[i]);
    for (int c = body; c < cols; ++c) total += w[c] * x[i * cols + c];
    totals[i] = total;
  }
}

// Rows x-rows starting at x against every weight row (f32 weights).
template <int Rows>
void linear_block(const MatrixView& w, const float* bias, const float* x, float* y) {
  float totals[Rows];
  for (int r = 0; r < w.rows; ++r) {
    dot_rows<Rows>(w.f32 + r * w.row_stride(), x, w.cols, totals);
    if (bias) {
      for (int i = 0; i < Rows; ++i) totals[i] += bias[r];
    }
    for (int i = 0; i < Rows; ++i) y[static_cast<size_t>(i) * w.rows + r] = totals[i];
  }
}

// The exact int32 dot of an int8 weight row with an int16 row. The pointers step, rather than row[c] being
// indexed, so that LLVM folds each element's address into a wasm load's constant offset: the wasm baseline (no
// vectors) otherwise computes two addresses per product, which made its int8 translation 1.6x slower. Separate
// partial sums gain nothing here (LLVM already splits integer sums) and stop GCC vectorizing the loop.
int32_t int_dot(const int8_t* w, const int16_t* x, int cols) {
  int32_t total = 0;
  for (const int8_t* end = w + cols; w != end; ++w, ++x) total += int32_t{*w} * *x;
  return total;
}

// The int8 product over quantized rows: exact int32 sums, then one scaling in the order every variant uses.
void linear_quantized(const MatrixView& w, const float* bias, const QuantizedRows& q, int n, float* y) {
  for (int i = 0; i < n; ++i) {
    const int16_t* x = q.values.data() + static_cast<size_t>(i) * w.cols;
    for (int r = 0; r < w.rows; ++r) {
      const int32_t total = int_dot(w.i8 + r * w.row_stride(), x, w.cols);
      y[static_cast<size_t>(i) * w.rows + r] = quantization::scale_back(total, q.scales[i], w.scale[r], bias, r);
    }
  }
}

// Finds the maximum, then x <- x - max and returns sum exp(x - max) in the 8-lane order; `store_exp` chooses
// whether x keeps exp(x - max) (softmax) or x - max (log_softmax).
float shift_by_max_and_sum_exp(float* x, int n, bool store_exp) {
  float max = x[0];
  for (int i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
  // The SIMD variants find the max in another order, which can only change the sign of a zero max; adding +0
  // makes it +0 in every variant.
  max += 0.0f;
  float s[8] = {};
  const int body = n - n % 8;
  for (int i = 0; i < body; i += 8) {
    for (int k = 0; k < 8; ++k) {
      const float shifted = x[i + k] - max;
      const float e = activation::exp(shifted);
      s[k] += e;
      x[i + k] = store_exp ? e : shifted;
    }
  }
  float total = reduce_lanes(s);
  for (int i = body; i < n; ++i) {
    const float shifted = x[i] - max;
    const float e = activation::exp(shifted);
    total += e;
    x[i] = store_exp ? e : shifted;
  }
  return total;
}

}  // namespace

int activation_limit(int cols) {
  constexpr int64_t kInt32Max = 2147483647, kWeightMax = 128;
  const int64_t limit = kInt32Max / (kWeightMax * std::max(cols, 1));
  return static_cast<int>(std::clamp<int64_t>(limit, 1, 32767));
}

namespace scalar {

void quantize_rows(const float* x, int n, int cols, QuantizedRows& out) {
  out.values.resize(static_cast<size_t>(n) * cols);
  out.scales.resize(n);
  for (int i = 0; i < n; ++i) {
    const float* row = x + static_cast<size_t>(i) * cols;
    int16_t* q = out.values.data() + static_cast<size_t>(i) * cols;
    float largest = 0.0f;
    for (int c = 0; c < cols; ++c) largest = std::max(largest, std::fabs(row[c]));
    float inverse = 0.0f;
    if (!quantization::row_factors(largest, cols, inverse, out.scales[i])) {
      std::fill(q, q + cols, int16_t{0});
      continue;
    }
    for (int c = 0; c < cols; ++c) q[c] = quantization::round_scaled(row[c], inverse);
  }
}

void linear(const MatrixView& w, const float* bias, const float* x, int n, float* y) {
  if (w.i8) {
    thread_local QuantizedRows quantized;
    scalar::quantize_rows(x, n, w.cols, quantized);
    linear_quantized(w, bias, quantized, n, y);
    return;
  }
  int i = 0;
  const size_t x_step = static_cast<size_t>(w.cols);
  const size_t y_step = static_cast<size_t>(w.rows);
  for (; i + 4 <= n; i += 4) linear_block<4>(w, bias, x + i * x_step, y + i * y_step);
  for (; i < n; ++i) linear_block<1>(w, bias, x + i * x_step, y + i * y_step);
}

void attention_scores(const float* query, const float* keys, const float* v, int length, int dim,
                      float* scores) {
  const int body = dim - dim % 8;
  for (int j = 0; j < length; ++j) {
    const float* key = keys + static_cast<size_t>(j) * dim;
    float s[8] = {};
    for (int a = 0; a < body; a += 8) {
      for (int k = 0; k < 8; ++k) s[k] += v[a + k] * activation::tanh(query[a + k] + key[a + k]);
    }
    float total = reduce_lanes(s);
    for (int a = body; a < dim; ++a) total += v[a] * activation::tanh(query[a] + key[a]);
    scores[j] = total;
  }
}

void weighted_sum(const float* weights, const float* rows, int length, int dim, float* out) {
  for (int d = 0; d < dim; ++d) out[d] = 0.0f;
  for (int j = 0; j < length; ++j) {
    const float* row = rows + static_cast<size_t>(j) * dim;
    for (int d = 0; d < dim; ++d) out[d] += weights[j] * row[d];
  }
}

float dot(const float* a, const float* b, int n) {
  float total;
  dot_rows<1>(a, b, n, &total);
  return total;
}

void tanh_inplace(float* x, int n) {
  for (int i = 0; i < n; ++i) x[i] = activation::tanh(x[i]);
}

void sigmoid_inplace(float* x, int n) {
  for (int i = 0; i < n; ++i) x[i] = activation::sigmoid(x[i]);
}

void softmax_inplace(float* x, int n) {
  if (n <= 0) return;
  const float sum = shift_by_max_and_sum_exp(x, n, true);
  for (int i = 0; i < n; ++i) x[i] /= sum;
}

void log_softmax_inplace(float* x, int n) {
  if (n <= 0) return;
  const float log_sum = activation::log(shift_by_max_and_sum_exp(x, n, false));
  for (int i = 0; i < n; ++i) x[i] -= log_sum;
}

int argmax(const float* x, int n) {
  // Two passes, as the SIMD variants do: the largest value (NaN never compares greater), then its first index.
  float largest = -std::numeric_limits<float>::infinity();
  for (int i = 0; i < n; ++i) largest = x[i] > largest ? x[i] : largest;
  for (int i = 0; i < n; ++i) {
    if (x[i] == largest) return i;
  }
  return 0;
}

}  // namespace scalar

namespace {

bool use_simd() {
#if defined(__wasm_simd128__)
  return true;
#elif defined(ATTN_HAVE_SIMD_KERNELS)
  static const bool supported = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return supported;
#else
  return false;
#endif
}

}  // namespace

#if defined(ATTN_HAVE_SIMD_KERNELS)
#define ATTN_DISPATCH(call) return use_simd() ? simd::call : scalar::call
#else
#define ATTN_DISPATCH(call) return scalar::call
#endif

void linear(const MatrixView& w, const float* bias, const float* x, int n, float* y) {
  // One cheap check per matrix product, so a tensor that was never filled fails loudly instead of crashing.
  if (w.rows > 0 && w.cols > 0 && !(w.f32 || (w.i8 && w.scale))) {
    throw std::invalid_argument("kernels::linear: weight matrix has neither f32 data nor int8 data with scales");
  }
  ATTN_DISPATCH(linear(w, bias, x, n, y));
}
void attention_scores(const float* query, const float* keys, const float* v, int length, int dim,
                      float* scores) {
  ATTN_DISPATCH(attention_scores(query, keys, v, length, dim, scores));
}
void weighted_sum(const float* weights, const float* rows, int length, int dim, float* out) {
  ATTN_DISPATCH(weighted_sum(weights, rows, length, dim, out));
}
float dot(const float* a, const float* b, int n) { ATTN_DISPATCH(dot(a, b, n)); }
void tanh_inplace(float* x, int n) { ATTN_DISPATCH(tanh_inplace(x, n)); }
void sigmoid_inplace(float* x, int n) { ATTN_DISPATCH(sigmoid_inplace(x, n)); }
void softmax_inplace(float* x, int n) { ATTN_DISPATCH(softmax_inplace(x, n)); }
void log_softmax_inplace(float* x, int n) { ATTN_DISPATCH(log_softmax_inplace(x, n)); }
int argmax(const float* x, int n) { ATTN_DISPATCH(argmax(x, n)); }
void quantize_rows(const float* x, int n, int cols, QuantizedRows& out) {
  ATTN_DISPATCH(quantize_rows(x, n, cols, out));
}

#undef ATTN_DISPATCH

bool simd_enabled() { return use_simd(); }

bool reads_panels() {
#if defined(__wasm_simd128__)
  return true;
#else
  return false;
#endif
}

std::vector<int8_t> pack_panels(const MatrixView& w) {
  if (!w.i8 || w.row_stride() != static_cast<size_t>(w.cols)) return {};
  const size_t body = static_cast<size_t>(w.cols - w.cols % 8), full_rows = w.rows - w.rows % kPanelRows;
  std::vector<int8_t> panels(full_rows * body);
  int8_t* out = panels.data();
  for (size_t panel = 0; panel < full_rows; panel += kPanelRows) {
    for (size_t c = 0; c < body; c += 8) {
      for (size_t r = panel; r < panel + kPanelRows; ++r) out = std::copy_n(w.i8 + r * w.cols + c, 8, out);
    }
  }
  return panels;
}

const char* simd_name() {
  if (!use_simd()) return "scalar";
#if defined(__wasm_simd128__)
  return "wasm-simd128";
#else
  return "avx2";
#endif
}

}  // namespace attn::kernels
