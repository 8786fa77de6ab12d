// The scaling sweeps of `attn bench` (issue #7): milliseconds per sentence against source length and against beam
// size, calling the search layer with token ids (no tokenization in the timing).
#pragma once

#include <nlohmann/json.hpp>

#include "cli/bench_workload.h"
#include "model/model.h"

namespace attn::cli {

struct SweepOptions {
  int beam = 1;     // the length sweep's beam
  int inputs = 10;  // the length sweep's inputs per length
  int runs = 3;     // timed passes over the inputs, at least 1
  int warmup = 1;   // untimed passes before them
};

// Source lengths 5, 10, 20, 30, 40, 50, 60 tokens (</s> included), each input cut from the workload's source ids
// laid end to end. Throws std::runtime_error when the workload holds too few tokens for the inputs asked for.
// Returns {"sweep": "length", "beam": .., "points": [{"length", "ms_median", "ms_min", "ms_max",
// "output_tokens_mean", "inputs"}, ...]}.
nlohmann::ordered_json run_length_sweep(const Model& model, const BenchWorkload& workload,
                                        const SweepOptions& options);

// Beams 1, 2, 4, 8, 12, 16 over every workload sentence. Returns {"sweep": "beam", "points": [{"beam", ...}]}.
nlohmann::ordered_json run_beam_sweep(const Model& model, const BenchWorkload& workload, const SweepOptions& options);

}  // namespace attn::cli
