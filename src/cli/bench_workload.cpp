#include "cli/bench_workload.h"

#include <unordered_set>

#include <nlohmann/json.hpp>

#include "text/protected_spans.h"
#include "train/batch.h"

namespace attn::cli {
namespace {

std::vector<int> with_end_token(std::vector<int> ids) {
  ids.push_back(Tokenizer::kEos);
  return ids;
}

// The ids the translator's search reads: a model trained on masked data ("protected_spans": "1", models/FORMAT.md)
// reads the sentence with its protected spans replaced by placeholders, and so must every other engine.
std::vector<int> search_source_ids(const Model& model, const std::string& source) {
  const auto protection = model.info.find("protected_spans");
  const bool masks = protection != model.info.end() && protection->second == "1";
  return model.src_tokenizer.encode(masks ? mask_protected_spans(source).text : source);
}

}  // namespace

BenchWorkload read_bench_workload(const std::string& path, int source_column, int target_column, size_t limit,
                                  const Model& model) {
  const bool with_targets = target_column > 0;
  // Reading the source column twice when there is no target keeps one TSV reader for both cases.
  const auto rows = read_tsv_pairs(path, source_column, with_targets ? target_column : source_column);
  BenchWorkload workload;
  std::unordered_set<std::string> seen;
  for (const auto& [source, target] : rows) {
    if (workload.sentences.size() >= limit) break;
    if (!seen.insert(source).second) {
      ++workload.duplicates_skipped;
      continue;
    }
    BenchSentence sentence;
    sentence.source = source;
    const std::vector<int> ids = search_source_ids(model, source);
    if (ids.empty()) {
      ++workload.empty_skipped;
      continue;
    }
    sentence.source_ids = with_end_token(ids);
    if (with_targets) sentence.target_ids = with_end_token(model.tgt_tokenizer.encode(target));
    workload.sentences.push_back(std::move(sentence));
  }
  return workload;
}

std::string workload_jsonl(const BenchWorkload& workload) {
  std::string text;
  for (size_t i = 0; i < workload.sentences.size(); ++i) {
    const BenchSentence& s = workload.sentences[i];
    nlohmann::ordered_json line = {{"i", i}, {"source", s.source}, {"source_ids", s.source_ids}};
    if (!s.target_ids.empty()) line["target_ids"] = s.target_ids;
    text += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
  }
  return text;
}

}  // namespace attn::cli
