#include "cli/translation_json.h"

namespace attn::cli {
namespace {

using nlohmann::json;

json matrix_rows(const std::vector<float>& values, size_t columns) {
  json rows = json::array();
  for (size_t start = 0; columns > 0 && start < values.size(); start += columns)
    rows.push_back(std::vector<float>(values.begin() + start, values.begin() + start + columns));
  return rows;
}

json hypothesis_json(const Hypothesis& h, size_t source_length) {
  return {{"translation", h.translation},
          {"target_tokens", h.target_tokens},
          {"attention", matrix_rows(h.attention, source_length)},
          {"token_probabilities", h.token_probabilities},
          {"score", h.score}};
}

json sentence_json(const SentenceTranslation& s, bool with_nbest) {
  json out = hypothesis_json(s.best, s.source_tokens.size());
  out["source"] = s.source;
  out["source_tokens"] = s.source_tokens;
  if (with_nbest) {
    out["nbest"] = json::array();
    for (const Hypothesis& h : s.nbest) out["nbest"].push_back(hypothesis_json(h, s.source_tokens.size()));
  }
  return out;
}

}  // namespace

json translation_to_json(const std::string& source, const Translation& translation, bool with_nbest) {
  std::vector<std::string> source_tokens, target_tokens;
  for (const auto& s : translation.sentences) {
    source_tokens.insert(source_tokens.end(), s.source_tokens.begin(), s.source_tokens.end());
    target_tokens.insert(target_tokens.end(), s.best.target_tokens.begin(), s.best.target_tokens.end());
  }
  // Block-diagonal: sentence k's rows put its weights in its own columns and zeros elsewhere. Its size grows with
  // the square of the line's length, so past kMaxLineAttentionCells only the per-sentence matrices are given.
  const bool dense = target_tokens.size() * source_tokens.size() <= kMaxLineAttentionCells;
  json attention = dense ? json::array() : json(nullptr);
  size_t column_offset = 0;
  float score_sum = 0;
  json sentences = json::array();
  for (const auto& s : translation.sentences) {
    const size_t columns = s.source_tokens.size();
    for (size_t r = 0; dense && r < s.best.target_tokens.size(); ++r) {
      std::vector<float> row(source_tokens.size(), 0.0f);
      std::copy_n(&s.best.attention[r * columns], columns, row.begin() + static_cast<long>(column_offset));
      attention.push_back(std::move(row));
    }
    column_offset += columns;
    score_sum += s.best.score;
    sentences.push_back(sentence_json(s, with_nbest));
  }
  json out = {{"source", source},
              {"translation", translation.text},
              {"source_tokens", source_tokens},
              {"target_tokens", target_tokens},
              {"attention", attention},
              {"score", translation.sentences.empty() ? 0.0f : score_sum / translation.sentences.size()},
              {"sentences", sentences}};
  if (with_nbest && translation.sentences.size() == 1) out["nbest"] = sentences[0]["nbest"];
  return out;
}

}  // namespace attn::cli
