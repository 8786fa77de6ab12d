// The JSON object `attn translate --json` writes for one input line (the web CLI, web/cli.mjs, writes the same).
#pragma once

#include <nlohmann/json.hpp>

#include "translator.h"

namespace attn::cli {

// Keys: source, translation, source_tokens, target_tokens, attention (rows), score, sentences, and nbest when
// asked. A line holding several sentences is described as a whole by the top-level keys — tokens concatenated,
// attention block-diagonal (each sentence's target rows attend only to its own source columns), score the mean
// — and sentence by sentence under `sentences`; top-level `nbest` is given for single-sentence lines only.
// The top-level `attention` is null when it would exceed kMaxLineAttentionCells (a line of dozens of sentences):
// its size grows with the square of the line's length, the per-sentence matrices only linearly.
constexpr size_t kMaxLineAttentionCells = size_t(1) << 20;

nlohmann::json translation_to_json(const std::string& source, const Translation& translation, bool with_nbest);

}  // namespace attn::cli
