// Scalar steps of the int8 path shared by every kernel variant (see kernels.h): how a row of activations gets its
// scale, how one activation is rounded, and how an exact int32 sum becomes a float. The SIMD variants call these
// (or, for the rounding, an instruction that rounds the same way), so their results stay bit-identical.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/kernels.h"

namespace attn::kernels::quantization {

// The factor that maps a row whose largest magnitude is `largest` onto ±activation_limit(cols), and the scale that
// maps it back. False, with scale 0, for a row of zeros or one with an infinity: such a row contributes nothing,
// rather than NaN from 0/0 or inf/inf.
inline bool row_factors(float largest, int cols, float& inverse, float& scale) {
  scale = 0.0f;
  if (!(largest > 0.0f) || !std::isfinite(largest)) return false;
  const float limit = static_cast<float>(activation_limit(cols));
  inverse = limit / largest;
  scale = largest / limit;
  return true;
}

// Rounds x * inverse (|x * inverse| ≤ activation_limit) to the nearest integer, ties to even, and NaN to 0. Adding
// and subtracting 1.5 * 2^23 rounds |v| < 2^22 in plain float arithmetic that compilers vectorize (std::nearbyint
// is a library call); SIMD variants use their round-to-nearest-even instruction, which gives the same integers.
inline int16_t round_scaled(float x, float inverse) {
  constexpr float kRounder = 12582912.0f;
  const float rounded = (x * inverse + kRounder) - kRounder;
  return static_cast<int16_t>(rounded == rounded ? rounded : 0.0f);
}

// One output of an int8 product: the exact sum, scaled back in one fixed order, plus the bias.
inline float scale_back(int32_t total, float x_scale, float w_scale, const float* bias, int row) {
  float value = static_cast<float>(total) * (x_scale * w_scale);
  if (bias) value += bias[row];
  return value;
}

}  // namespace attn::kernels::quantization
