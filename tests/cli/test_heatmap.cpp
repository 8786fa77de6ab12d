#include <catch2/catch.hpp>

#include <sstream>

#include "cli/heatmap.h"

using attn::cli::render_heatmap;

TEST_CASE("the heat map has one row per target token and shades follow the weights", "[cli]") {
  const std::vector<std::string> source = {"▁un", "▁chat", "</s>"};
  const std::vector<std::string> target = {"▁a", "▁cat", "</s>"};
  const std::vector<float> attention = {1, 0, 0, 0, 1, 0, 0.2f, 0.2f, 0.6f};
  const std::string map = render_heatmap(source, target, attention);
  std::vector<std::string> lines;
  std::istringstream in(map);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() == 5 + target.size());  // the longest source label, "▁chat", is 5 characters tall
  const std::string& first_row = lines[lines.size() - 3];
  REQUIRE(first_row.find("▁a") == 0);
  REQUIRE(first_row.find("██") != std::string::npos);
  const std::string& last_row = lines.back();
  REQUIRE(last_row.find("██") == std::string::npos);  // 0.6 is not full
  REQUIRE(last_row.find("▒▒") != std::string::npos);  // 0.6 is the middle shade
}
