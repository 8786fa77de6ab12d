// WebAssembly SIMD128 kernels (compiled only with -msimd128). The 8 partial sums of the scalar reference are
// the lanes of two v128 accumulators (lanes 0-3 and 4-7); every operation mirrors kernels.cpp and activation.h
// lane by lane, so results are bit-identical to the scalar and AVX2 variants.
#include <wasm_simd128.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "kernels/activation.h"
#include "kernels/kernels.h"
#include "kernels/quantization.h"

namespace attn::kernels::simd {
namespace {

// 8 float lanes as two v128 halves.
struct Vec8 {
  v128_t lo;
  v128_t hi;
};

inline Vec8 load8(const float* p) { return {wasm_v128_load(p), wasm_v128_load(p + 4)}; }
inline void store8(float* p, Vec8 v) {
  wasm_v128_store(p, v.lo);
  wasm_v128_store(p + 4, v.hi);
}

// (s0+s4, s1+s5, s2+s6, s3+s7) -> (t0+t2, t1+t3) -> u0+u1, the tree of the scalar reduce_lanes.
inline float reduce_lanes(Vec8 s) {
  const v128_t t = wasm_f32x4_add(s.lo, s.hi);
  const v128_t u = wasm_f32x4_add(t, wasm_i32x4_shuffle(t, t, 2, 3, 2, 3));
  return wasm_f32x4_extract_lane(u, 0) + wasm_f32x4_extract_lane(u, 1);
}

// pmax(a, b) is a < b ? b : a, the scalar `b > a ? b : a`.
inline float max_lanes(Vec8 s) {
  const v128_t m = wasm_f32x4_pmax(s.lo, s.hi);
  const v128_t pairs = wasm_f32x4_pmax(m, wasm_i32x4_shuffle(m, m, 2, 3, 2, 3));
  const float a = wasm_f32x4_extract_lane(pairs, 0);
  const float b = wasm_f32x4_extract_lane(pairs, 1);
  return b > a ? b : a;
}

inline v128_t exp4(v128_t x) {
  using namespace activation;
  const v128_t min = wasm_f32x4_splat(kExpMin);
  // pmax(x, lo) = x < lo ? lo : x and pmin(y, hi) = hi < y ? hi : y, as in clamp_keep_nan.
  const v128_t clamped = wasm_f32x4_pmin(wasm_f32x4_pmax(x, min), wasm_f32x4_splat(kExpMax));
  const v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(clamped, wasm_f32x4_splat(kLog2e)));
  v128_t r = wasm_f32x4_sub(clamped, wasm_f32x4_mul(n, wasm_f32x4_splat(kLn2Hi)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(kLn2Lo)));
  v128_t p = wasm_f32x4_splat(kExpC7);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(kExpC6));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(kExpC5));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(kExpC4));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(kExpC3));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(kExpC2));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  const v128_t exponent = wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127));
  const v128_t result = wasm_f32x4_mul(p, wasm_i32x4_shl(exponent, 23));
  return wasm_v128_andnot(result, wasm_f32x4_lt(x, min));
}

inline v128_t tanh4(v128_t x) {
  using namespace activation;
  const v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(kTanhC9);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(kTanhC7));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(kTanhC5));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(kTanhC3));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.0f));
  const v128_t small = wasm_f32x4_mul(x, p);
  const v128_t magnitude = wasm_f32x4_abs(x);
  const v128_t e = exp4(wasm_f32x4_add(magnitude, magnitude));
  const v128_t one = wasm_f32x4_splat(1.0f);
  const v128_t large = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, one)));
  // large >= +0, so OR-ing in the sign of x is copysign.
  const v128_t large_signed = wasm_v128_or(large, wasm_v128_and(x, wasm_f32x4_splat(-0.0f)));
  return wasm_v128_bitselect(small, large_signed, wasm_f32x4_lt(magnitude, wasm_f32x4_splat(kTanhSmall)));
}

inline v128_t sigmoid4(v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, exp4(wasm_f32x4_neg(x))));
}

// totals[i * WRows + r] = dot(weight row r, x row i); see the AVX2 dot_block. Each dot keeps its own pair of
// accumulators, so the blocking does not change any result.
template <int XRows, int WRows>
inline void dot_block(const float* w, size_t w_stride, const float* x, size_t x_stride, int cols,
                      float* totals) {
  Vec8 acc[XRows][WRows];
#pragma GCC unroll 4
  for (int i = 0; i < XRows; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) acc[i][r] = {wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f)};
  }
  const int body = cols - cols % 8;
  for (int c = 0; c < body; c += 8) {
    Vec8 wv[WRows];
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) wv[r] = load8(w + r * w_stride + c);
#pragma GCC unroll 4
    for (int i = 0; i < XRows; ++i) {
      const Vec8 xv = load8(x + i * x_stride + c);
#pragma GCC unroll 4
      for (int r = 0; r < WRows; ++r) {
        acc[i][r].lo = wasm_f32x4_add(acc[i][r].lo, wasm_f32x4_mul(wv[r].lo, xv.lo));
        acc[i][r].hi = wasm_f32x4_add(acc[i][r].hi, wasm_f32x4_mul(wv[r].hi, xv.hi));
      }
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < XRows; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) {
      float total = reduce_lanes(acc[i][r]);
      for (int c = body; c < cols; ++c) total += w[r * w_stride + c] * x[i * x_stride + c];
      totals[i * WRows + r] = total;
    }
  }
}

template <int XRows, int WRows>
inline void linear_tile(const MatrixView& w, const float* bias, const float* x, int r0, float* y) {
  const size_t w_stride = w.row_stride();
  float totals[XRows * WRows];
  dot_block<XRows, WRows>(w.f32 + r0 * w_stride, w_stride, x, static_cast<size_t>(w.cols), w.cols, totals);
  for (int i = 0; i < XRows; ++i) {
    for (int r = 0; r < WRows; ++r) {
      float value = totals[i * WRows + r];
      if (bias) value += bias[r0 + r];
      y[static_cast<size_t>(i) * w.rows + r0 + r] = value;
    }
  }
}

// XRows rows of x against all weight rows. x64 has 16 v128 registers, and V8 spills inside the loop when a tile's
// accumulators (2 per dot), weight rows (2 each) and x rows (2 each) need more. One x row takes 3 weight rows (14
// registers): one decoder step's F32 products (scripts/bench-kernels.sh) take 206 µs, 219 µs with 2 weight rows
// and 260 µs with 4 (18 registers).
template <int XRows>
void linear_rows(const MatrixView& w, const float* bias, const float* x, float* y) {
  constexpr int kWRows = XRows == 1 ? 3 : XRows == 2 ? 2 : 1;
  int r = 0;
  for (; r + kWRows <= w.rows; r += kWRows) linear_tile<XRows, kWRows>(w, bias, x, r, y);
  for (; r < w.rows; ++r) linear_tile<XRows, 1>(w, bias, x, r, y);
}

// Called through a table for the reason given at kQuantizedRows.
using LinearRowsKernel = void (*)(const MatrixView&, const float*, const float*, float*);
constexpr LinearRowsKernel kLinearRows[] = {linear_rows<1>, linear_rows<2>, linear_rows<3>, linear_rows<4>};

inline int32_t sum_lanes(v128_t v) {
  const v128_t pairs = wasm_i32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  return wasm_i32x4_extract_lane(pairs, 0) + wasm_i32x4_extract_lane(pairs, 1);
}

// [sum(a), sum(b), sum(c), sum(d)]. Integer sums do not depend on the order of the additions.
inline v128_t sum_lanes4(v128_t a, v128_t b, v128_t c, v128_t d) {
  const v128_t ab = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
  const v128_t cd = wasm_i32x4_add(wasm_i32x4_shuffle(c, d, 0, 1, 4, 5), wasm_i32x4_shuffle(c, d, 2, 3, 6, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 2, 4, 6), wasm_i32x4_shuffle(ab, cd, 1, 3, 5, 7));
}

// Integer dots of WRows int8 weight rows with XRows int16 rows, 8 columns per step: i16x8.load8x8_s widens the
// weights as it loads them and i32x4.dot_i16x8_s multiplies and adds pairs into 4 int32 lanes.
template <int XRows, int WRows>
inline void int_dot_block(const int8_t* w, size_t w_stride, const int16_t* x, int cols, int32_t* totals) {
  v128_t acc[XRows][WRows];
#pragma GCC unroll 4
  for (int i = 0; i < XRows; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) acc[i][r] = wasm_i32x4_splat(0);
  }
  const size_t x_stride = static_cast<size_t>(cols);
  const int body = cols - cols % 8;
  for (int c = 0; c < body; c += 8) {
    v128_t wv[WRows];
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) wv[r] = wasm_i16x8_load8x8(w + r * w_stride + c);
#pragma GCC unroll 4
    for (int i = 0; i < XRows; ++i) {
      const v128_t xv = wasm_v128_load(x + i * x_stride + c);
#pragma GCC unroll 4
      for (int r = 0; r < WRows; ++r) acc[i][r] = wasm_i32x4_add(acc[i][r], wasm_i32x4_dot_i16x8(wv[r], xv));
    }
  }
  if constexpr ((XRows * WRows) % 4 == 0) {
    const v128_t* flat = &acc[0][0];
#pragma GCC unroll 4
    for (int t = 0; t < XRows * WRows; t += 4)
      wasm_v128_store(totals + t, sum_lanes4(flat[t], flat[t + 1], flat[t + 2], flat[t + 3]));
  } else {
#pragma GCC unroll 4
    for (int t = 0; t < XRows * WRows; ++t) totals[t] = sum_lanes(acc[t / WRows][t % WRows]);
  }
  for (int i = 0; i < XRows; ++i) {
    for (int r = 0; r < WRows; ++r) {
      for (int c = body; c < cols; ++c) totals[i * WRows + r] += int32_t{w[r * w_stride + c]} * x[i * x_stride + c];
    }
  }
}

// One quantized row x against the Rows int8 weight rows from r0, read from the panels (Packed, r0 a multiple of
// kPanelRows) or from the plain rows. Each group of four totals is reduced and scaled back in one vector, with the
// operations of quantization::scale_back.
template <int Rows, bool Packed>
inline void single_row_tile(const MatrixView& w, const float* bias, const int16_t* x, float x_scale, int r0,
                            float* y) {
  static_assert(Rows % 4 == 0 && (!Packed || Rows == kPanelRows), "rows come in groups of four, panels whole");
  const size_t stride = w.row_stride();
  const int body = w.cols - w.cols % 8;
  const int8_t* chunk = Packed ? w.panels + static_cast<size_t>(r0) * body : w.i8 + r0 * stride;
  const size_t row_step = Packed ? 8 : stride, chunk_step = Packed ? 8 * Rows : 8;
  v128_t acc[Rows];
#pragma GCC unroll 8
  for (int r = 0; r < Rows; ++r) acc[r] = wasm_i32x4_splat(0);
  for (const int16_t* xc = x; xc < x + body; xc += 8, chunk += chunk_step) {
    const v128_t xv = wasm_v128_load(xc);
#pragma GCC unroll 8
    for (int r = 0; r < Rows; ++r)
      acc[r] = wasm_i32x4_add(acc[r], wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(chunk + r * row_step), xv));
  }
  const v128_t vx_scale = wasm_f32x4_splat(x_scale);
  for (int g = 0; g < Rows; g += 4) {
    const int r = r0 + g;
    alignas(16) int32_t totals[4];
    wasm_v128_store(totals, sum_lanes4(acc[g], acc[g + 1], acc[g + 2], acc[g + 3]));
    for (int k = 0; k < 4; ++k) {
      for (int c = body; c < w.cols; ++c) totals[k] += int32_t{w.i8[(r + k) * stride + c]} * x[c];
    }
    v128_t value = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_v128_load(totals)),
                                  wasm_f32x4_mul(vx_scale, wasm_v128_load(w.scale + r)));
    if (bias) value = wasm_f32x4_add(value, wasm_v128_load(bias + r));
    wasm_v128_store(y + r, value);
  }
}

// WRows int8 weight rows from r0 against XRows quantized rows; scales back as the scalar reference does.
template <int XRows, int WRows>
inline void quantized_tile(const MatrixView& w, const float* bias, const int16_t* x, const float* x_scales, int r0,
                           float* y) {
  int32_t totals[XRows * WRows];
  int_dot_block<XRows, WRows>(w.i8 + r0 * w.row_stride(), w.row_stride(), x, w.cols, totals);
  for (int i = 0; i < XRows; ++i) {
    for (int r = 0; r < WRows; ++r) {
      y[static_cast<size_t>(i) * w.rows + r0 + r] =
          quantization::scale_back(totals[i * WRows + r], x_scales[i], w.scale[r0 + r], bias, r0 + r);
    }
  }
}

template <int XRows>
void quantized_rows(const MatrixView& w, const float* bias, const int16_t* x, const float* x_scales, float* y) {
  int r = 0;
  if constexpr (XRows == 1) {
    // Eight rows at a time only from panels: from plain rows, eight were slower than four (bench-kernels.sh).
    if (w.panels) {
      for (; r + kPanelRows <= w.rows; r += kPanelRows)
        single_row_tile<kPanelRows, true>(w, bias, x, x_scales[0], r, y);
    }
    for (; r + 4 <= w.rows; r += 4) single_row_tile<4, false>(w, bias, x, x_scales[0], r, y);
    for (; r < w.rows; ++r) quantized_tile<1, 1>(w, bias, x, x_scales, r, y);
    return;
  }
  constexpr int kWRows = XRows <= 2 ? 4 : 2;
  for (; r + kWRows <= w.rows; r += kWRows) quantized_tile<XRows, kWRows>(w, bias, x, x_scales, r, y);
  for (; r < w.rows; ++r) quantized_tile<XRows, 1>(w, bias, x, x_scales, r, y);
}

// The row-block kernels are called through tables indexed by the number of x rows (1-4). Called directly, LLVM
// and binaryen inline them all into linear(), and in that one large function V8's register allocator spills the
// accumulators inside the hot loop (a decoder step's products took 160 µs instead of 100 µs).
using QuantizedRowsKernel = void (*)(const MatrixView&, const float*, const int16_t*, const float*, float*);
constexpr QuantizedRowsKernel kQuantizedRows[] = {quantized_rows<1>, quantized_rows<2>, quantized_rows<3>,
                                                  quantized_rows<4>};

void linear_quantized(const MatrixView& w, const float* bias, const QuantizedRows& q, int n, float* y) {
  const size_t x_step = static_cast<size_t>(w.cols), y_step = static_cast<size_t>(w.rows);
  for (int i = 0; i < n; i += 4) {
    const int rows = n - i < 4 ? n - i : 4;
    kQuantizedRows[rows - 1](w, bias, q.values.data() + i * x_step, q.scales.data() + i, y + i * y_step);
  }
}

// Finds the max, stores x - max or exp(x - max) and returns the sum of the exps (see the scalar version).
float shift_by_max_and_sum_exp(float* x, int n, bool store_exp) {
  const int body = n - n % 8;
  float max = x[0];
  if (body > 0) {
    Vec8 vmax = load8(x);
    for (int i = 8; i < body; i += 8) {
      const Vec8 v = load8(x + i);
      vmax = {wasm_f32x4_pmax(vmax.lo, v.lo), wasm_f32x4_pmax(vmax.hi, v.hi)};
    }
    max = max_lanes(vmax);
  }
  for (int i = body; i < n; ++i) max = x[i] > max ? x[i] : max;
  max += 0.0f;
  const v128_t vmax = wasm_f32x4_splat(max);
  Vec8 sum = {wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f)};
  for (int i = 0; i < body; i += 8) {
    const Vec8 v = load8(x + i);
    const Vec8 shifted = {wasm_f32x4_sub(v.lo, vmax), wasm_f32x4_sub(v.hi, vmax)};
    const Vec8 e = {exp4(shifted.lo), exp4(shifted.hi)};
    sum = {wasm_f32x4_add(sum.lo, e.lo), wasm_f32x4_add(sum.hi, e.hi)};
    store8(x + i, store_exp ? e : shifted);
  }
  float total = reduce_lanes(sum);
  for (int i = body; i < n; ++i) {
    const float shifted = x[i] - max;
    const float e = activation::exp(shifted);
    total += e;
    x[i] = store_exp ? e : shifted;
  }
  return total;
}

}  // namespace

void quantize_rows(const float* x, int n, int cols, QuantizedRows& out) {
  out.values.resize(static_cast<size_t>(n) * cols);
  out.scales.resize(n);
  const int body = cols - cols % 8;
  for (int i = 0; i < n; ++i) {
    const float* row = x + static_cast<size_t>(i) * cols;
    int16_t* q = out.values.data() + static_cast<size_t>(i) * cols;
    // pmax(m, v) is m < v ? v : m, the scalar std::max(m, v): a NaN leaves m as it was. Maxima of non-NaN values
    // do not depend on their order.
    v128_t vmax = wasm_f32x4_splat(0.0f);
    for (int c = 0; c < body; c += 4) vmax = wasm_f32x4_pmax(vmax, wasm_f32x4_abs(wasm_v128_load(row + c)));
    const v128_t pairs = wasm_f32x4_pmax(vmax, wasm_i32x4_shuffle(vmax, vmax, 2, 3, 0, 1));
    float largest = std::max(wasm_f32x4_extract_lane(pairs, 0), wasm_f32x4_extract_lane(pairs, 1));
    for (int c = body; c < cols; ++c) largest = std::max(largest, std::fabs(row[c]));
    float inverse = 0.0f;
    if (!quantization::row_factors(largest, cols, inverse, out.scales[i])) {
      std::fill(q, q + cols, int16_t{0});
      continue;
    }
    const v128_t vinverse = wasm_f32x4_splat(inverse);
    // nearest rounds ties to even like the scalar reference, and trunc_sat turns NaN into 0 as it does.
    for (int c = 0; c < body; c += 8) {
      const v128_t lo = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(row + c), vinverse)));
      const v128_t hi =
          wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(row + c + 4), vinverse)));
      wasm_v128_store(q + c, wasm_i16x8_narrow_i32x4(lo, hi));
    }
    for (int c = body; c < cols; ++c) q[c] = quantization::round_scaled(row[c], inverse);
  }
}

void linear(const MatrixView& w, const float* bias, const float* x, int n, float* y) {
  if (w.i8) {
    thread_local QuantizedRows quantized;
    simd::quantize_rows(x, n, w.cols, quantized);
    linear_quantized(w, bias, quantized, n, y);
    return;
  }
  const size_t x_step = static_cast<size_t>(w.cols), y_step = static_cast<size_t>(w.rows);
  for (int i = 0; i < n; i += 4) {
    const int rows = n - i < 4 ? n - i : 4;
    kLinearRows[rows - 1](w, bias, x + i * x_step, y + i * y_step);
  }
}

void attention_scores(const float* query, const float* keys, const float* v, int length, int dim,
                      float* scores) {
  const int body = dim - dim % 8;
  for (int j = 0; j < length; ++j) {
    const float* key = keys + static_cast<size_t>(j) * dim;
    Vec8 acc = {wasm_f32x4_splat(0.0f), wasm_f32x4_splat(0.0f)};
    for (int a = 0; a < body; a += 8) {
      const Vec8 q = load8(query + a);
      const Vec8 k = load8(key + a);
      const Vec8 weights = load8(v + a);
      acc.lo = wasm_f32x4_add(acc.lo, wasm_f32x4_mul(weights.lo, tanh4(wasm_f32x4_add(q.lo, k.lo))));
      acc.hi = wasm_f32x4_add(acc.hi, wasm_f32x4_mul(weights.hi, tanh4(wasm_f32x4_add(q.hi, k.hi))));
    }
    float total = reduce_lanes(acc);
    for (int a = body; a < dim; ++a) total += v[a] * activation::tanh(query[a] + key[a]);
    scores[j] = total;
  }
}

void weighted_sum(const float* weights, const float* rows, int length, int dim, float* out) {
  const int body = dim - dim % 4;
  for (int d = 0; d < dim; ++d) out[d] = 0.0f;
  for (int j = 0; j < length; ++j) {
    const float* row = rows + static_cast<size_t>(j) * dim;
    const v128_t weight = wasm_f32x4_splat(weights[j]);
    for (int d = 0; d < body; d += 4) {
      const v128_t term = wasm_f32x4_mul(weight, wasm_v128_load(row + d));
      wasm_v128_store(out + d, wasm_f32x4_add(wasm_v128_load(out + d), term));
    }
    for (int d = body; d < dim; ++d) out[d] += weights[j] * row[d];
  }
}

float dot(const float* a, const float* b, int n) {
  float total;
  dot_block<1, 1>(a, 0, b, 0, n, &total);
  return total;
}

void tanh_inplace(float* x, int n) {
  const int body = n - n % 4;
  for (int i = 0; i < body; i += 4) wasm_v128_store(x + i, tanh4(wasm_v128_load(x + i)));
  for (int i = body; i < n; ++i) x[i] = activation::tanh(x[i]);
}

void sigmoid_inplace(float* x, int n) {
  const int body = n - n % 4;
  for (int i = 0; i < body; i += 4) wasm_v128_store(x + i, sigmoid4(wasm_v128_load(x + i)));
  for (int i = body; i < n; ++i) x[i] = activation::sigmoid(x[i]);
}

void softmax_inplace(float* x, int n) {
  if (n <= 0) return;
  const float sum = shift_by_max_and_sum_exp(x, n, true);
  const v128_t vsum = wasm_f32x4_splat(sum);
  const int body = n - n % 4;
  for (int i = 0; i < body; i += 4) wasm_v128_store(x + i, wasm_f32x4_div(wasm_v128_load(x + i), vsum));
  for (int i = body; i < n; ++i) x[i] /= sum;
}

void log_softmax_inplace(float* x, int n) {
  if (n <= 0) return;
  const float log_sum = activation::log(shift_by_max_and_sum_exp(x, n, false));
  const v128_t vlog_sum = wasm_f32x4_splat(log_sum);
  const int body = n - n % 4;
  for (int i = 0; i < body; i += 4) wasm_v128_store(x + i, wasm_f32x4_sub(wasm_v128_load(x + i), vlog_sum));
  for (int i = body; i < n; ++i) x[i] -= log_sum;
}

int argmax(const float* x, int n) {
  const int body = n - n % 4;
  // pmax(m, v) is m < v ? v : m, so a NaN v leaves m unchanged and never becomes the maximum.
  v128_t vmax = wasm_f32x4_splat(-std::numeric_limits<float>::infinity());
  for (int i = 0; i < body; i += 4) vmax = wasm_f32x4_pmax(vmax, wasm_v128_load(x + i));
  const v128_t pairs = wasm_f32x4_pmax(vmax, wasm_i32x4_shuffle(vmax, vmax, 2, 3, 0, 1));
  const float a = wasm_f32x4_extract_lane(pairs, 0), b = wasm_f32x4_extract_lane(pairs, 1);
  float largest = b > a ? b : a;
  for (int i = body; i < n; ++i) largest = x[i] > largest ? x[i] : largest;
  const v128_t target = wasm_f32x4_splat(largest);
  for (int i = 0; i < body; i += 4) {
    const unsigned hits = wasm_i32x4_bitmask(wasm_f32x4_eq(wasm_v128_load(x + i), target));
    if (hits) return i + __builtin_ctz(hits);
  }
  for (int i = body; i < n; ++i) {
    if (x[i] == largest) return i;
  }
  return 0;
}

}  // namespace attn::kernels::simd
