// The hot loops of the engine, behind one small interface.
//
// Every kernel exists as a scalar reference (namespace `scalar`) and, where the target has it, a SIMD variant
// (namespace `simd`: AVX2 on x86-64 chosen at run time, wasm SIMD128 when compiled with -msimd128). The top-level
// functions dispatch to the fastest variant available.
//
// All variants perform the same float operations in the same order — sums are kept in 8 interleaved partial sums
// and reduced in a fixed tree, activations use the same polynomial, no FMA — so native, wasm SIMD and the wasm
// baseline produce bit-identical results and therefore identical translations.
#pragma once

#include <cstddef>
#include <cstdint>

namespace attn::kernels {

// A row-major [rows, cols] weight matrix, either f32 or int8 with one f32 scale per row
// (element = scale[r] * i8[r * cols + c]). Exactly one of `f32` and `i8` is set.
struct MatrixView {
  const float* f32 = nullptr;
  const int8_t* i8 = nullptr;
  const float* scale = nullptr;
  int rows = 0;
  int cols = 0;
};

#define ATTN_KERNEL_DECLARATIONS                                                                          \
  /* y[i, r] = bias[r] + sum_c w[r, c] * x[i, c] for i < n; x is [n, w.cols], y is [n, w.rows]; bias may  \
     be null. */                                                                                          \
  void linear(const MatrixView& w, const float* bias, const float* x, int n, float* y);                   \
  /* scores[j] = sum_a v[a] * tanh(query[a] + keys[j, a]) for j < length; keys is [length, dim]. */       \
  void attention_scores(const float* query, const float* keys, const float* v, int length, int dim,       \
                        float* scores);                                                                   \
  /* out[d] = sum_j weights[j] * rows[j, d]; rows is [length, dim]. */                                    \
  void weighted_sum(const float* weights, const float* rows, int length, int dim, float* out);            \
  /* sum_i a[i] * b[i] */                                                                                 \
  float dot(const float* a, const float* b, int n);                                                      \
  void tanh_inplace(float* x, int n);                                                                    \
  void sigmoid_inplace(float* x, int n);                                                                 \
  /* x <- exp(x - max) / sum exp(x - max) */                                                             \
  void softmax_inplace(float* x, int n);                                                                 \
  /* x <- x - max - log(sum exp(x - max)) */                                                             \
  void log_softmax_inplace(float* x, int n);

namespace scalar {
ATTN_KERNEL_DECLARATIONS
}  // namespace scalar

namespace simd {
ATTN_KERNEL_DECLARATIONS
}  // namespace simd

// Dispatching entry points: the SIMD variant when this build and CPU have one, else the scalar reference.
ATTN_KERNEL_DECLARATIONS

// True when the dispatching entry points use a SIMD variant.
bool simd_enabled();
// "avx2", "wasm-simd128" or "scalar".
const char* simd_name();

#undef ATTN_KERNEL_DECLARATIONS

}  // namespace attn::kernels
