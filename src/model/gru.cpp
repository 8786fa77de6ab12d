#include "model/gru.h"

#include "kernels/kernels.h"

namespace attn {

void gru_combine(float* gates_input, const float* gates_hidden, const float* previous, int count, int hidden,
                 float* next) {
  const int H = hidden;
  for (int k = 0; k < count; ++k) {
    float* gi = gates_input + static_cast<size_t>(k) * 3 * H;
    const float* gh = gates_hidden + static_cast<size_t>(k) * 3 * H;
    const float* h = previous + static_cast<size_t>(k) * H;
    float* out = next + static_cast<size_t>(k) * H;
    float* r = gi;
    float* z = gi + H;
    float* n = gi + 2 * H;
    for (int i = 0; i < 2 * H; ++i) gi[i] += gh[i];  // r and z pre-activations
    kernels::sigmoid_inplace(gi, 2 * H);
    for (int i = 0; i < H; ++i) n[i] += r[i] * gh[2 * H + i];
    kernels::tanh_inplace(n, H);
    for (int i = 0; i < H; ++i) out[i] = (1.0f - z[i]) * n[i] + z[i] * h[i];
  }
}

void gru_sequence(const GruParams& gru, const float* inputs, int length, int hidden, bool reverse, float* states) {
  const int H = hidden;
  // Input projections for every position at once: one matrix product instead of `length` vector products.
  std::vector<float> gates_input(static_cast<size_t>(length) * 3 * H);
  kernels::linear(gru.weight_ih.view(), gru.bias_ih.f32.data(), inputs, length, gates_input.data());
  std::vector<float> gates_hidden(3 * H);
  const std::vector<float> zero(H, 0.0f);
  const float* previous = zero.data();
  for (int step = 0; step < length; ++step) {
    const int t = reverse ? length - 1 - step : step;
    kernels::linear(gru.weight_hh.view(), gru.bias_hh.f32.data(), previous, 1, gates_hidden.data());
    float* state = states + static_cast<size_t>(t) * H;
    gru_combine(gates_input.data() + static_cast<size_t>(t) * 3 * H, gates_hidden.data(), previous, 1, H, state);
    previous = state;
  }
}

}  // namespace attn
