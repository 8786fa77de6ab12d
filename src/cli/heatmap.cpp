#include "cli/heatmap.h"

#include <algorithm>

namespace attn::cli {
namespace {

// Splits UTF-8 text into code points (each as its own string) so labels can be laid out one character per cell.
std::vector<std::string> code_points(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
    out.push_back(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string pad_right(const std::string& text, size_t width) {
  const size_t shown = code_points(text).size();
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

const char* shade(float value) {
  static const char* const kShades[] = {" ", "·", "░", "▒", "▓", "█"};
  const int level = std::clamp(static_cast<int>(value * 5.0f + 0.5f), 0, 5);
  return kShades[level];
}

}  // namespace

std::string render_heatmap(const std::vector<std::string>& source_tokens,
                           const std::vector<std::string>& target_tokens, const std::vector<float>& attention) {
  constexpr size_t kMaxLabel = 12;
  size_t row_label_width = 0;
  for (const auto& t : target_tokens) row_label_width = std::max(row_label_width, code_points(t).size());
  row_label_width = std::min(row_label_width, kMaxLabel) + 1;

  std::vector<std::vector<std::string>> column_labels;
  size_t label_height = 0;
  for (const auto& s : source_tokens) {
    auto chars = code_points(s);
    if (chars.size() > kMaxLabel) chars.resize(kMaxLabel);
    label_height = std::max(label_height, chars.size());
    column_labels.push_back(std::move(chars));
  }
  std::string out;
  for (size_t line = 0; line < label_height; ++line) {
    out += std::string(row_label_width, ' ');
    for (const auto& chars : column_labels) out += (line < chars.size() ? chars[line] : " ") + std::string(" ");
    out += '\n';
  }
  const size_t columns = source_tokens.size();
  for (size_t r = 0; r < target_tokens.size(); ++r) {
    auto chars = code_points(target_tokens[r]);
    if (chars.size() > kMaxLabel) chars.resize(kMaxLabel);
    std::string label;
    for (const auto& c : chars) label += c;
    out += pad_right(label, row_label_width);
    for (size_t c = 0; c < columns; ++c) {
      const char* cell = shade(attention[r * columns + c]);
      out += cell;
      out += cell;
    }
    out += '\n';
  }
  return out;
}

}  // namespace attn::cli
