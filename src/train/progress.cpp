#include "train/progress.h"

#include <unistd.h>

namespace attn {

ProgressReporter::ProgressReporter(std::FILE* stream, double log_interval_seconds)
    : stream_(stream),
      terminal_(::isatty(::fileno(stream)) == 1),
      interval_(terminal_ ? 0.2 : log_interval_seconds),
      last_shown_(std::chrono::steady_clock::now()) {}

std::string ProgressReporter::format_duration(double seconds) {
  if (seconds < 0) return "?";
  const long total = long(seconds + 0.5);
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, (total / 60) % 60);
  else
    std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
  return text;
}

void ProgressReporter::update(const ProgressLine& line) {
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_shown_).count() < interval_) return;
  last_shown_ = now;
  char steps[48];
  if (line.total_steps > 0)
    std::snprintf(steps, sizeof steps, "%lld/%lld", (long long)line.step, (long long)line.total_steps);
  else
    std::snprintf(steps, sizeof steps, "%lld", (long long)line.step);
  std::fprintf(stream_, "%sstep %s  epoch %lld  loss %.4f  lr %.2e  %.0f tok/s  ETA %s%s", terminal_ ? "\r" : "",
               steps, (long long)line.epoch + 1, line.loss, line.learning_rate, line.tokens_per_second,
               format_duration(line.eta_seconds).c_str(), terminal_ ? "\x1b[K" : "\n");
  std::fflush(stream_);
  line_open_ = terminal_;
}

void ProgressReporter::message(const std::string& text) {
  if (line_open_) std::fputc('\n', stream_);
  line_open_ = false;
  std::fprintf(stream_, "%s\n", text.c_str());
  std::fflush(stream_);
}

}  // namespace attn
