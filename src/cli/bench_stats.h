// Small measurement helpers shared by the benchmark modes of `attn bench`.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace attn::cli {

// The p-th percentile (0..100) with linear interpolation between closest ranks (numpy's default, so the Python
// engines report the same statistic). Throws std::invalid_argument for an empty list or p outside 0..100.
double percentile(std::vector<double> values, double p);
double mean(const std::vector<double>& values);

// Peak resident set size of this process so far (getrusage ru_maxrss), in bytes.
int64_t peak_rss_bytes();

// Milliseconds since `start` on the monotonic clock.
inline double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace attn::cli
