// The translation benchmark of `attn bench` (issue #7): every workload sentence translated as one sequence through
// the public Translator API, timed per sentence, over warm-up and timed runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/bench_workload.h"
#include "translator.h"

namespace attn::cli {

struct TranslationBenchOptions {
  int beam = 1;
  int runs = 3;    // timed runs, at least 1
  int warmup = 1;  // untimed runs before them
};

struct TranslationBenchResult {
  int64_t source_tokens = 0;  // per run, </s> included
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();  // one object per timed run
  std::string outputs_jsonl;  // the last run's translations: {"i", "ids", "text"} per line
};

// Throws std::runtime_error when a sentence is not translated as exactly one sequence.
TranslationBenchResult run_translation_bench(const Translator& translator, const BenchWorkload& workload,
                                             const TranslationBenchOptions& options);

// Milliseconds to construct a Translator from model bytes already in memory, `repeats` times.
std::vector<double> measure_load_ms(const std::vector<uint8_t>& model_bytes, int repeats);

}  // namespace attn::cli
