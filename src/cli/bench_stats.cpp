#include "cli/bench_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <sys/resource.h>

namespace attn::cli {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) throw std::invalid_argument("percentile of an empty list");
  if (!(p >= 0 && p <= 100)) throw std::invalid_argument("percentile must be between 0 and 100");
  std::sort(values.begin(), values.end());
  const double position = p / 100.0 * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (position - static_cast<double>(below));
}

double mean(const std::vector<double>& values) {
  if (values.empty()) throw std::invalid_argument("mean of an empty list");
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // Linux reports kilobytes
}

}  // namespace attn::cli
