// Times the matrix products of one fr-en decoder step (W_a, the GRU's hidden product, the state's columns of the
// output layer and the projection: the shapes of models/fr-en.safetensors; the source and embedding products are
// made once per sentence or cached) through kernels::linear, for 1 and 4 hypotheses, f32 and int8 weights, with
// panels where the model has them. scripts/bench-kernels.sh builds it natively and with emcc and runs both, so
// the native/wasm gap of the kernels can be read apart from everything around them.
//
// The weights are random: kernel speed does not depend on their values. Each configuration runs `rounds` rounds
// of `steps` steps after a warm-up (V8 compiles wasm with Liftoff first and TurboFan later); the best round is
// printed, as the least disturbed by other work on the machine.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "kernels/kernels.h"

namespace k = attn::kernels;

namespace {

struct Shape {
  const char* name;
  int rows, cols;
  int stride;  // width of the whole matrix when the product uses some of its columns, else 0
};
// E = 192, H = 256, A = 192, target vocabulary 6000.
constexpr Shape kStep[] = {{"att.W", 192, 256, 0},
                           {"dec.weight_hh", 768, 256, 0},
                           {"out_hidden.weight[:, :H]", 192, 256, 960},
                           {"out_proj", 6000, 192, 0}};

struct Product {
  std::vector<float> f32, scale, bias, x, y;
  std::vector<int8_t> i8, panels;
  k::MatrixView view;
};

uint32_t next_random(uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

std::vector<Product> make_step(int n, bool int8) {
  uint32_t state = 7;
  std::vector<Product> step;
  for (const Shape& shape : kStep) {
    Product p;
    const size_t size = static_cast<size_t>(shape.rows) * (shape.stride > 0 ? shape.stride : shape.cols);
    p.i8.resize(size);
    p.f32.resize(size);
    for (size_t i = 0; i < size; ++i) {
      p.i8[i] = static_cast<int8_t>(static_cast<int>(next_random(state) % 255) - 127);
      p.f32[i] = p.i8[i] * 0.01f;
    }
    p.scale.assign(shape.rows, 0.01f);
    p.bias.assign(shape.rows, 0.1f);
    p.x.resize(static_cast<size_t>(n) * shape.cols);
    for (float& v : p.x) v = static_cast<float>(next_random(state) % 2001) / 1000.0f - 1.0f;
    p.y.resize(static_cast<size_t>(n) * shape.rows);
    p.view.rows = shape.rows;
    p.view.cols = shape.cols;
    p.view.stride = shape.stride;
    if (int8) {
      p.view.i8 = p.i8.data();
      p.view.scale = p.scale.data();
      if (k::reads_panels()) p.panels = k::pack_panels(p.view);
      if (!p.panels.empty()) p.view.panels = p.panels.data();
    } else {
      p.view.f32 = p.f32.data();
    }
    step.push_back(std::move(p));
  }
  return step;
}

double step_microseconds(std::vector<Product>& step, int n, int steps) {
  const auto start = std::chrono::steady_clock::now();
  for (int s = 0; s < steps; ++s) {
    for (Product& p : step) k::linear(p.view, p.bias.data(), p.x.data(), n, p.y.data());
  }
  const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count() / steps;
}

}  // namespace

int main() {
  constexpr int kSteps = 2000, kRounds = 5;
  std::printf("kernels: %s\n", k::simd_name());
  std::printf("%-5s %-3s %14s %9s\n", "dtype", "n", "us per step", "GFLOP/s");
  for (bool int8 : {false, true}) {
    for (int n : {1, 4}) {
      std::vector<Product> step = make_step(n, int8);
      double flops = 0;
      for (const Shape& shape : kStep) flops += 2.0 * shape.rows * shape.cols * n;
      step_microseconds(step, n, kSteps);  // warm-up
      double best = 1e300;
      for (int round = 0; round < kRounds; ++round) best = std::min(best, step_microseconds(step, n, kSteps));
      std::printf("%-5s %-3d %14.1f %9.1f\n", int8 ? "int8" : "f32", n, best, flops / best / 1e3);
    }
  }
  return 0;
}
