// The hot loops of the engine, behind one small interface.
//
// Every kernel exists as a scalar reference (namespace `scalar`) and, where the target has it, a SIMD variant
// (namespace `simd`: AVX2 on x86-64 chosen at run time, wasm SIMD128 when compiled with -msimd128). The top-level
// functions dispatch to the fastest variant available.
//
// All variants perform the same float operations in the same order — sums are kept in 8 interleaved partial sums
// and reduced in a fixed tree, activations use the same polynomial, no FMA — so native, wasm SIMD and the wasm
// baseline produce bit-identical results and therefore identical translations.
//
// An int8 matrix is multiplied in integers: each row of x is first quantized to int16 (quantize_rows), the
// int8 × int16 products are summed exactly in int32, and only the total is scaled back to float.
// Integer sums do not depend on their order, so every variant may use its widest instructions (AVX2
// vpmaddwd, wasm i32x4.dot_i16x8_s) and still agree bit for bit; weights are never converted to float.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace attn::kernels {

// A row-major [rows, cols] weight matrix, either f32 or int8 with one f32 scale per row
// (element = scale[r] * i8[r * row_stride() + c]). Exactly one of `f32` and `i8` is set. A view may cover only
// some columns of a wider matrix: `stride` is then that matrix's width.
struct MatrixView {
  const float* f32 = nullptr;
  const int8_t* i8 = nullptr;
  const float* scale = nullptr;
  int rows = 0;
  int cols = 0;
  int stride = 0;  // elements from one row's start to the next; 0 for a dense matrix (= cols)
  // Optional: the same int8 weights as pack_panels() lays them out, for the variants that read panels.
  const int8_t* panels = nullptr;

  size_t row_stride() const { return static_cast<size_t>(stride > 0 ? stride : cols); }
};

// Panels: an int8 matrix regrouped for products with a single row of x. A wasm load cannot add two registers, so
// reading kPanelRows plain rows costs one address addition per row and step; in a panel one pointer walks the rows'
// weights in the order the kernel uses them. Each block of kPanelRows rows stores its first cols - cols % 8 columns
// as chunks of 8 columns, one row after the other; the remaining rows and columns are read from the plain rows.
// Only the wasm SIMD variant reads panels (reads_panels()); the others ignore MatrixView::panels.
constexpr int kPanelRows = 8;
bool reads_panels();
// The panels of a dense int8 matrix; empty for f32 weights, a view of some columns, or fewer than kPanelRows rows.
std::vector<int8_t> pack_panels(const MatrixView& w);

// Rows of x quantized for an int8 matrix product: x[i, c] ≈ scales[i] * values[i * cols + c].
struct QuantizedRows {
  std::vector<int16_t> values;  // [n, cols]
  std::vector<float> scales;    // [n]
};

// The largest |value| quantize_rows uses for rows of `cols` elements: 32767, or less when a sum of `cols`
// products with int8 weights (|w| ≤ 128) could otherwise overflow int32.
int activation_limit(int cols);

#define ATTN_KERNEL_DECLARATIONS                                                                          \
  /* y[i, r] = bias[r] + sum_c w[r, c] * x[i, c] for i < n; x is [n, w.cols], y is [n, w.rows]; bias may  \
     be null. For an int8 w the sum is taken over quantize_rows(x) in integers (see above). */            \
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
  void log_softmax_inplace(float* x, int n);                                                             \
  /* Quantizes n rows of x [n, cols] symmetrically, each to the full ±activation_limit(cols) range (round  \
     to nearest, ties to even; NaN to 0). A row of zeros, or with an infinity, gets scale 0. */          \
  void quantize_rows(const float* x, int n, int cols, QuantizedRows& out);                               \
  /* The index of the first largest element of x[0, n), n ≥ 1; NaNs are skipped (0 if all are NaN). */    \
  int argmax(const float* x, int n);

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
