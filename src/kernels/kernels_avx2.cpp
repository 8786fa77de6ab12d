// AVX2 kernels (x86-64). Every function carries target("avx2") so this file builds without -mavx2; kernels.cpp
// calls it only when the CPU reports AVX2. Each operation mirrors the scalar reference in kernels.cpp and
// activation.h lane by lane (8 partial sums = the 8 lanes of one __m256), so results are bit-identical.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "kernels/activation.h"
#include "kernels/kernels.h"
#include "kernels/quantization.h"

#define ATTN_AVX2 __attribute__((target("avx2")))

namespace attn::kernels::simd {
namespace {

// (s0+s4, s1+s5, s2+s6, s3+s7) -> (t0+t2, t1+t3) -> u0+u1, the tree of the scalar reduce_lanes.
ATTN_AVX2 inline float reduce_lanes(__m256 s) {
  const __m128 t = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  const __m128 u = _mm_add_ps(t, _mm_movehl_ps(t, t));
  return _mm_cvtss_f32(_mm_add_ss(u, _mm_shuffle_ps(u, u, 1)));
}

ATTN_AVX2 inline float max_lanes(__m256 s) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  return _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps(m, m, 1)));
}

ATTN_AVX2 inline __m256 sign_mask() { return _mm256_set1_ps(-0.0f); }

ATTN_AVX2 inline __m256 exp8(__m256 x) {
  using namespace activation;
  const __m256 min = _mm256_set1_ps(kExpMin);
  // max_ps(a, b) is a > b ? a : b and min_ps(a, b) is a < b ? a : b, as in clamp_keep_nan.
  const __m256 clamped = _mm256_min_ps(_mm256_set1_ps(kExpMax), _mm256_max_ps(min, x));
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(clamped, _mm256_set1_ps(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_sub_ps(clamped, _mm256_mul_ps(n, _mm256_set1_ps(kLn2Hi)));
  r = _mm256_sub_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(kLn2Lo)));
  __m256 p = _mm256_set1_ps(kExpC7);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(kExpC6));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(kExpC5));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(kExpC4));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(kExpC3));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(kExpC2));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f));
  const __m256i exponent = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
  const __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(exponent, 23));
  const __m256 result = _mm256_mul_ps(p, scale);
  return _mm256_andnot_ps(_mm256_cmp_ps(x, min, _CMP_LT_OQ), result);
}

ATTN_AVX2 inline __m256 tanh8(__m256 x) {
  using namespace activation;
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 p = _mm256_set1_ps(kTanhC9);
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(kTanhC7));
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(kTanhC5));
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(kTanhC3));
  p = _mm256_add_ps(_mm256_mul_ps(p, z), _mm256_set1_ps(1.0f));
  const __m256 small = _mm256_mul_ps(x, p);
  const __m256 magnitude = _mm256_andnot_ps(sign_mask(), x);
  const __m256 e = exp8(_mm256_add_ps(magnitude, magnitude));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 large = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
  // large >= +0, so OR-ing in the sign of x is copysign.
  const __m256 large_signed = _mm256_or_ps(large, _mm256_and_ps(sign_mask(), x));
  const __m256 is_small = _mm256_cmp_ps(magnitude, _mm256_set1_ps(kTanhSmall), _CMP_LT_OQ);
  return _mm256_blendv_ps(large_signed, small, is_small);
}

ATTN_AVX2 inline __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_xor_ps(x, sign_mask()))));
}

// totals[i * WRows + r] = dot(weight row r, x row i) for XRows rows of x and WRows weight rows: every weight
// vector is loaded once for all x rows and every x vector once for all weight rows. Each dot keeps its own
// accumulator, so the blocking does not change any result.
template <int XRows, int WRows>
ATTN_AVX2 inline void dot_block(const float* w, size_t w_stride, const float* x, size_t x_stride, int cols,
                                float* totals) {
  __m256 acc[XRows][WRows];
#pragma GCC unroll 4
  for (int i = 0; i < XRows; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) acc[i][r] = _mm256_setzero_ps();
  }
  const int body = cols - cols % 8;
  for (int c = 0; c < body; c += 8) {
    __m256 wv[WRows];
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) wv[r] = _mm256_loadu_ps(w + r * w_stride + c);
#pragma GCC unroll 4
    for (int i = 0; i < XRows; ++i) {
      const __m256 xv = _mm256_loadu_ps(x + i * x_stride + c);
#pragma GCC unroll 4
      for (int r = 0; r < WRows; ++r) acc[i][r] = _mm256_add_ps(acc[i][r], _mm256_mul_ps(wv[r], xv));
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

// WRows weight rows starting at row r0 against XRows x rows (f32 weights); writes y with the bias added.
template <int XRows, int WRows>
ATTN_AVX2 inline void linear_tile(const MatrixView& w, const float* bias, const float* x, int r0, float* y) {
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

// XRows rows of x against all weight rows, several weight rows per pass (fewer x rows leave registers for
// more weight rows; a single x row is a gemv).
template <int XRows>
ATTN_AVX2 void linear_rows(const MatrixView& w, const float* bias, const float* x, float* y) {
  constexpr int kWRows = XRows == 1 ? 4 : 2;
  int r = 0;
  for (; r + kWRows <= w.rows; r += kWRows) linear_tile<XRows, kWRows>(w, bias, x, r, y);
  for (; r < w.rows; ++r) linear_tile<XRows, 1>(w, bias, x, r, y);
}

ATTN_AVX2 inline int32_t sum_lanes(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

// Integer dots of WRows int8 weight rows with XRows int16 rows, 16 columns per step: vpmovsxbw widens the
// weights, vpmaddwd multiplies and adds pairs into 8 int32 lanes.
template <int XRows, int WRows>
ATTN_AVX2 inline void int_dot_block(const int8_t* w, size_t w_stride, const int16_t* x, int cols, int32_t* totals) {
  __m256i acc[XRows][WRows];
#pragma GCC unroll 4
  for (int i = 0; i < XRows; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) acc[i][r] = _mm256_setzero_si256();
  }
  const size_t x_stride = static_cast<size_t>(cols);
  const int body = cols - cols % 16;
  for (int c = 0; c < body; c += 16) {
    __m256i wv[WRows];
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r)
      wv[r] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + r * w_stride + c)));
#pragma GCC unroll 4
    for (int i = 0; i < XRows; ++i) {
      const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i * x_stride + c));
#pragma GCC unroll 4
      for (int r = 0; r < WRows; ++r) acc[i][r] = _mm256_add_epi32(acc[i][r], _mm256_madd_epi16(wv[r], xv));
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < XRows; ++i) {
#pragma GCC unroll 4
    for (int r = 0; r < WRows; ++r) {
      int32_t total = sum_lanes(acc[i][r]);
      for (int c = body; c < cols; ++c) total += int32_t{w[r * w_stride + c]} * x[i * x_stride + c];
      totals[i * WRows + r] = total;
    }
  }
}

// WRows int8 weight rows from r0 against XRows quantized rows; scales back as the scalar reference does.
template <int XRows, int WRows>
ATTN_AVX2 inline void quantized_tile(const MatrixView& w, const float* bias, const int16_t* x, const float* x_scales,
                                     int r0, float* y) {
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
ATTN_AVX2 void quantized_rows(const MatrixView& w, const float* bias, const int16_t* x, const float* x_scales,
                              float* y) {
  constexpr int kWRows = XRows <= 2 ? 4 : 2;
  int r = 0;
  for (; r + kWRows <= w.rows; r += kWRows) quantized_tile<XRows, kWRows>(w, bias, x, x_scales, r, y);
  for (; r < w.rows; ++r) quantized_tile<XRows, 1>(w, bias, x, x_scales, r, y);
}

ATTN_AVX2 void linear_quantized(const MatrixView& w, const float* bias, const QuantizedRows& q, int n, float* y) {
  const size_t x_step = static_cast<size_t>(w.cols), y_step = static_cast<size_t>(w.rows);
  const int16_t* x = q.values.data();
  const float* scales = q.scales.data();
  int i = 0;
  for (; i + 4 <= n; i += 4) quantized_rows<4>(w, bias, x + i * x_step, scales + i, y + i * y_step);
  switch (n - i) {
    case 3: quantized_rows<3>(w, bias, x + i * x_step, scales + i, y + i * y_step); break;
    case 2: quantized_rows<2>(w, bias, x + i * x_step, scales + i, y + i * y_step); break;
    case 1: quantized_rows<1>(w, bias, x + i * x_step, scales + i, y + i * y_step); break;
    default: break;
  }
}

// Finds the max, stores x - max or exp(x - max) and returns the sum of the exps (see the scalar version).
ATTN_AVX2 float shift_by_max_and_sum_exp(float* x, int n, bool store_exp) {
  const int body = n - n % 8;
  float max = x[0];
  if (body > 0) {
    __m256 vmax = _mm256_loadu_ps(x);
    for (int i = 8; i < body; i += 8) vmax = _mm256_max_ps(_mm256_loadu_ps(x + i), vmax);
    max = max_lanes(vmax);
  }
  for (int i = body; i < n; ++i) max = x[i] > max ? x[i] : max;
  max += 0.0f;
  const __m256 vmax = _mm256_set1_ps(max);
  __m256 sum = _mm256_setzero_ps();
  for (int i = 0; i < body; i += 8) {
    const __m256 shifted = _mm256_sub_ps(_mm256_loadu_ps(x + i), vmax);
    const __m256 e = exp8(shifted);
    sum = _mm256_add_ps(sum, e);
    _mm256_storeu_ps(x + i, store_exp ? e : shifted);
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

ATTN_AVX2 void quantize_rows(const float* x, int n, int cols, QuantizedRows& out) {
  out.values.resize(static_cast<size_t>(n) * cols);
  out.scales.resize(n);
  const int body = cols - cols % 8;
  for (int i = 0; i < n; ++i) {
    const float* row = x + static_cast<size_t>(i) * cols;
    int16_t* q = out.values.data() + static_cast<size_t>(i) * cols;
    // max_ps(v, m) returns m when v is NaN, like the scalar std::max(m, v); maxima of the rest are order-free.
    __m256 vmax = _mm256_setzero_ps();
    for (int c = 0; c < body; c += 8) vmax = _mm256_max_ps(_mm256_andnot_ps(sign_mask(), _mm256_loadu_ps(row + c)), vmax);
    float largest = max_lanes(vmax);
    for (int c = body; c < cols; ++c) largest = std::max(largest, std::fabs(row[c]));
    float inverse = 0.0f;
    if (!quantization::row_factors(largest, cols, inverse, out.scales[i])) {
      std::fill(q, q + cols, int16_t{0});
      continue;
    }
    const __m256 vinverse = _mm256_set1_ps(inverse);
    for (int c = 0; c < body; c += 8) {
      __m256 rounded = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(row + c), vinverse),
                                       _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      rounded = _mm256_and_ps(rounded, _mm256_cmp_ps(rounded, rounded, _CMP_ORD_Q));  // NaN → 0
      const __m256i ints = _mm256_cvttps_epi32(rounded);
      const __m128i packed = _mm_packs_epi32(_mm256_castsi256_si128(ints), _mm256_extracti128_si256(ints, 1));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(q + c), packed);
    }
    for (int c = body; c < cols; ++c) q[c] = quantization::round_scaled(row[c], inverse);
  }
}

ATTN_AVX2 void linear(const MatrixView& w, const float* bias, const float* x, int n, float* y) {
  if (w.i8) {
    thread_local QuantizedRows quantized;
    simd::quantize_rows(x, n, w.cols, quantized);
    linear_quantized(w, bias, quantized, n, y);
    return;
  }
  const size_t x_step = static_cast<size_t>(w.cols);
  const size_t y_step = static_cast<size_t>(w.rows);
  int i = 0;
  for (; i + 4 <= n; i += 4) linear_rows<4>(w, bias, x + i * x_step, y + i * y_step);
  switch (n - i) {
    case 3: linear_rows<3>(w, bias, x + i * x_step, y + i * y_step); break;
    case 2: linear_rows<2>(w, bias, x + i * x_step, y + i * y_step); break;
    case 1: linear_rows<1>(w, bias, x + i * x_step, y + i * y_step); break;
    default: break;
  }
}

ATTN_AVX2 void attention_scores(const float* query, const float* keys, const float* v, int length, int dim,
                                float* scores) {
  const int body = dim - dim % 8;
  for (int j = 0; j < length; ++j) {
    const float* key = keys + static_cast<size_t>(j) * dim;
    __m256 acc = _mm256_setzero_ps();
    for (int a = 0; a < body; a += 8) {
      const __m256 t = tanh8(_mm256_add_ps(_mm256_loadu_ps(query + a), _mm256_loadu_ps(key + a)));
      acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(v + a), t));
    }
    float total = reduce_lanes(acc);
    for (int a = body; a < dim; ++a) total += v[a] * activation::tanh(query[a] + key[a]);
    scores[j] = total;
  }
}

ATTN_AVX2 void weighted_sum(const float* weights, const float* rows, int length, int dim, float* out) {
  const int body = dim - dim % 8;
  for (int d = 0; d < dim; ++d) out[d] = 0.0f;
  for (int j = 0; j < length; ++j) {
    const float* row = rows + static_cast<size_t>(j) * dim;
    const __m256 weight = _mm256_set1_ps(weights[j]);
    for (int d = 0; d < body; d += 8) {
      const __m256 term = _mm256_mul_ps(weight, _mm256_loadu_ps(row + d));
      _mm256_storeu_ps(out + d, _mm256_add_ps(_mm256_loadu_ps(out + d), term));
    }
    for (int d = body; d < dim; ++d) out[d] += weights[j] * row[d];
  }
}

ATTN_AVX2 float dot(const float* a, const float* b, int n) {
  float total;
  dot_block<1, 1>(a, 0, b, 0, n, &total);
  return total;
}

ATTN_AVX2 void tanh_inplace(float* x, int n) {
  const int body = n - n % 8;
  for (int i = 0; i < body; i += 8) _mm256_storeu_ps(x + i, tanh8(_mm256_loadu_ps(x + i)));
  for (int i = body; i < n; ++i) x[i] = activation::tanh(x[i]);
}

ATTN_AVX2 void sigmoid_inplace(float* x, int n) {
  const int body = n - n % 8;
  for (int i = 0; i < body; i += 8) _mm256_storeu_ps(x + i, sigmoid8(_mm256_loadu_ps(x + i)));
  for (int i = body; i < n; ++i) x[i] = activation::sigmoid(x[i]);
}

ATTN_AVX2 void softmax_inplace(float* x, int n) {
  if (n <= 0) return;
  const float sum = shift_by_max_and_sum_exp(x, n, true);
  const __m256 vsum = _mm256_set1_ps(sum);
  const int body = n - n % 8;
  for (int i = 0; i < body; i += 8) _mm256_storeu_ps(x + i, _mm256_div_ps(_mm256_loadu_ps(x + i), vsum));
  for (int i = body; i < n; ++i) x[i] /= sum;
}

ATTN_AVX2 void log_softmax_inplace(float* x, int n) {
  if (n <= 0) return;
  const float log_sum = activation::log(shift_by_max_and_sum_exp(x, n, false));
  const __m256 vlog_sum = _mm256_set1_ps(log_sum);
  const int body = n - n % 8;
  for (int i = 0; i < body; i += 8) _mm256_storeu_ps(x + i, _mm256_sub_ps(_mm256_loadu_ps(x + i), vlog_sum));
  for (int i = body; i < n; ++i) x[i] -= log_sum;
}

ATTN_AVX2 int argmax(const float* x, int n) {
  const int body = n - n % 8;
  // max_ps(v, m) returns m when v is NaN, so NaNs never become the maximum.
  __m256 vmax = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  for (int i = 0; i < body; i += 8) vmax = _mm256_max_ps(_mm256_loadu_ps(x + i), vmax);
  float largest = max_lanes(vmax);
  for (int i = body; i < n; ++i) largest = x[i] > largest ? x[i] : largest;
  const __m256 target = _mm256_set1_ps(largest);
  for (int i = 0; i < body; i += 8) {
    const int hits = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i), target, _CMP_EQ_OQ));
    if (hits) return i + __builtin_ctz(static_cast<unsigned>(hits));
  }
  for (int i = body; i < n; ++i) {
    if (x[i] == largest) return i;
  }
  return 0;
}

}  // namespace attn::kernels::simd
