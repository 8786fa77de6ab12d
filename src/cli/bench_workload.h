// The benchmark workload (issue #7): the distinct source sentences of a TSV file in file order, with the token ids
// every engine translates, and the JSONL form that engines taking ids (ONNX, PyTorch) read.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/model.h"

namespace attn::cli {

struct BenchSentence {
  std::string source;
  std::vector<int> source_ids;  // ending with </s>
  std::vector<int> target_ids;  // ending with </s>; empty unless a target column was read
};

struct BenchWorkload {
  std::vector<BenchSentence> sentences;
  size_t duplicates_skipped = 0;  // sources identical to an earlier one
  size_t empty_skipped = 0;       // sources with no tokens (blank after normalization)
};

// Reads 1-based `source_column` (and `target_column` unless it is 0) of a TSV file, drops repeated and blank
// sources, keeps the first `limit` sentences and encodes them with the model's tokenizers. Throws
// std::runtime_error naming the file and line when a line lacks a column.
BenchWorkload read_bench_workload(const std::string& path, int source_column, int target_column, size_t limit,
                                  const Model& model);

// One JSON object per line: {"i": 0, "source": "...", "source_ids": [...]} plus "target_ids" when read.
std::string workload_jsonl(const BenchWorkload& workload);

}  // namespace attn::cli
