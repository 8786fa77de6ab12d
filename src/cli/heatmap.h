// Text rendering of an alignment matrix for terminals (`attn translate --show-attention`).
#pragma once

#include <string>
#include <vector>

namespace attn::cli {

// Rows are target tokens, columns source tokens (labels written vertically above the columns); each cell is a
// shade from ' ' (0) to '█' (1). attention is [target.size(), source.size()] row-major.
std::string render_heatmap(const std::vector<std::string>& source_tokens,
                           const std::vector<std::string>& target_tokens, const std::vector<float>& attention);

}  // namespace attn::cli
