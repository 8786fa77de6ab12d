// Scalar exp / tanh / sigmoid / log shared by every kernel variant.
//
// The SIMD variants (kernels_avx2.cpp, kernels_wasm_simd.cpp) perform exactly the operations written here, lane
// by lane and in the same order, and use these functions for their tail elements; any change here must be
// mirrored there or native and wasm results stop being bit-identical. Nothing here calls libm transcendentals,
// whose results differ between glibc and the wasm libc.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace attn::kernels::activation {

// exp(x) for x below kExpMin underflows to (nearly) zero and is returned as exactly 0; inputs above kExpMax are
// clamped so that 2^n stays a normal float.
constexpr float kExpMin = -87.0f;
constexpr float kExpMax = 88.0f;
constexpr float kLog2e = 1.44269504088896341f;
// ln 2 split in two: kLn2Hi has few significant bits, so n * kLn2Hi is exact for the n that occur.
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
// Taylor coefficients 1/k! of exp(r) on |r| <= ln(2)/2, evaluated by Horner's rule (degree 7: error < 1e-8).
constexpr float kExpC7 = 1.0f / 5040.0f;
constexpr float kExpC6 = 1.0f / 720.0f;
constexpr float kExpC5 = 1.0f / 120.0f;
constexpr float kExpC4 = 1.0f / 24.0f;
constexpr float kExpC3 = 1.0f / 6.0f;
constexpr float kExpC2 = 0.5f;

// Below this |x|, tanh uses its Taylor series (1 - 2/(e^2x + 1) loses relative precision near 0).
constexpr float kTanhSmall = 0.25f;
constexpr float kTanhC3 = -1.0f / 3.0f;
constexpr float kTanhC5 = 2.0f / 15.0f;
constexpr float kTanhC7 = -17.0f / 315.0f;
constexpr float kTanhC9 = 62.0f / 2835.0f;

// Clamps x into [lo, hi] the way the SIMD max/min instructions do: NaN passes through unchanged.
inline float clamp_keep_nan(float x, float lo, float hi) {
  const float above_lo = lo > x ? lo : x;
  return hi < above_lo ? hi : above_lo;
}

inline float exp(float x) {
  const float clamped = clamp_keep_nan(x, kExpMin, kExpMax);
  const float n = std::nearbyint(clamped * kLog2e);
  float r = clamped - n * kLn2Hi;
  r = r - n * kLn2Lo;
  float p = kExpC7;
  p = p * r + kExpC6;
  p = p * r + kExpC5;
  p = p * r + kExpC4;
  p = p * r + kExpC3;
  p = p * r + kExpC2;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^n built from exponent bits; n is in [-126, 127] here (a NaN n leaves p NaN, so the bits don't matter).
  const int32_t exponent = n == n ? static_cast<int32_t>(n) : 0;
  const uint32_t bits = static_cast<uint32_t>(exponent + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float result = p * scale;
  return x < kExpMin ? 0.0f : result;
}

inline float tanh(float x) {
  const float z = x * x;
  float p = kTanhC9;
  p = p * z + kTanhC7;
  p = p * z + kTanhC5;
  p = p * z + kTanhC3;
  p = p * z + 1.0f;
  const float small = x * p;  // not x + x*z*p, which turns -0 into +0
  const float magnitude = std::fabs(x);
  const float e = exp(magnitude + magnitude);
  const float large = std::copysign(1.0f - 2.0f / (e + 1.0f), x);
  return magnitude < kTanhSmall ? small : large;
}

inline float sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }

// Natural log of a positive finite x, for the once-per-row normaliser of log_softmax (scalar in every variant).
// x = m * 2^k with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m - 1) / (m + 1), by its series.
inline float log(float x) {
  int k = 0;
  double m = std::frexp(static_cast<double>(x), &k);
  if (m < 0.70710678118654752) {
    m *= 2.0;
    k -= 1;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double z = s * s;
  double series = 1.0 / 13.0;
  series = series * z + 1.0 / 11.0;
  series = series * z + 1.0 / 9.0;
  series = series * z + 1.0 / 7.0;
  series = series * z + 1.0 / 5.0;
  series = series * z + 1.0 / 3.0;
  series = series * z + 1.0;
  const double log_m = 2.0 * s * series;
  return static_cast<float>(k * 0.69314718055994531 + log_m);
}

}  // namespace attn::kernels::activation
