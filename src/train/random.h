// A small, portable random generator for training (shuffles, dropout seeds): unlike std::shuffle and the
// standard distributions its output is the same with every standard library, and its state is one integer,
// which makes checkpoints trivial.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace attn {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed = 0) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) (bound > 0); the modulo bias is negligible for the sizes used here.
  uint64_t below(uint64_t bound) { return next() % bound; }
  uint64_t state() const { return state_; }
  void set_state(uint64_t state) { state_ = state; }

 private:
  uint64_t state_;
};

// Fisher–Yates shuffle.
template <class T>
void shuffle(std::vector<T>& items, SplitMix64& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
}

}  // namespace attn
