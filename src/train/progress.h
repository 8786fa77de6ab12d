// Training progress on stderr: one line rewritten in place on a terminal, else a line every few seconds
// (so logs stay readable).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace attn {

struct ProgressLine {
  int64_t step = 0;
  int64_t total_steps = 0;  // 0: unknown
  int64_t epoch = 0;
  double loss = 0;          // running mean of recent steps
  double learning_rate = 0;
  double tokens_per_second = 0;
  double eta_seconds = -1;  // < 0: unknown
};

class ProgressReporter {
 public:
  ProgressReporter(std::FILE* stream, double log_interval_seconds);
  // Shows the line when due (always on a terminal, at most every 0.2 s).
  void update(const ProgressLine& line);
  // Prints a full message on its own line (ending the in-place line first).
  void message(const std::string& text);

  static std::string format_duration(double seconds);

 private:
  std::FILE* stream_;
  bool terminal_;
  double interval_;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point last_shown_;
};

}  // namespace attn
