// attn bench: the native engine of the cross-engine benchmark (issue #7). Translates the distinct sources of a TSV
// test set one sentence at a time on one thread and reports one JSON object: throughput per timed run, per-sentence
// latency percentiles, model load time and peak memory. Also writes the workload (token ids) that engines without
// a tokenizer read, and runs the length and beam scaling sweeps.
#include <cstdio>
#include <limits>
#include <string>

#include "cli/args.h"
#include "cli/bench_stats.h"
#include "cli/bench_sweep.h"
#include "cli/bench_translate.h"
#include "cli/bench_workload.h"
#include "cli/command.h"
#include "cli/io.h"
#include "kernels/kernels.h"
#include "translator.h"

namespace attn::cli {
namespace {

constexpr int kMaxRepeats = 1000;

struct BenchOptions {
  std::string model_path, data_path;
  int column = 2;
  int target_column = 0;  // 0: the workload holds no target ids
  size_t limit = std::numeric_limits<size_t>::max();
  std::string sweep;  // "", "length" or "beam"
  bool workload_only = false;  // --runs 0
  std::string result_path, outputs_path, workload_path;
  int load_repeats = 5;
  TranslationBenchOptions translation;
  SweepOptions sweeps;
};

// Options only one mode uses are refused in the others, so a mistyped command line never silently measures
// something else.
void refuse(const Args& args, const std::vector<const char*>& names, const std::string& reason) {
  for (const char* name : names)
    if (args.has(name)) throw UsageError("option --" + std::string(name) + " " + reason);
}

std::string file_option(const Args& args, const std::string& name) {
  const std::string path = args.get(name, "");
  if (args.has(name) && path.empty()) throw UsageError("option --" + name + " needs a file name");
  return path;
}

BenchOptions parse_options(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"model", "data", "column", "target-column", "limit", "beam", "runs", "warmup", "load-repeats",
                   "result", "outputs", "write-workload", "sweep", "inputs"},
                  {});
  args.expect_positional(0, "no positional arguments");
  BenchOptions o;
  o.model_path = args.require("model");
  o.data_path = args.require("data");
  o.column = static_cast<int>(args.get_int("column", o.column, 1, 1000));
  o.target_column = static_cast<int>(args.get_int("target-column", 0, 1, 1000));
  o.limit = static_cast<size_t>(args.get_int("limit", std::numeric_limits<long long>::max(), 1,
                                             std::numeric_limits<long long>::max()));
  o.sweep = args.get("sweep", "");
  o.result_path = file_option(args, "result");
  o.outputs_path = file_option(args, "outputs");
  o.workload_path = file_option(args, "write-workload");
  o.load_repeats = static_cast<int>(args.get_int("load-repeats", o.load_repeats, 1, kMaxRepeats));
  const int beam = static_cast<int>(args.get_int("beam", 1, 1, 16));
  const int runs = static_cast<int>(args.get_int("runs", 3, 0, kMaxRepeats));
  const int warmup = static_cast<int>(args.get_int("warmup", 1, 0, kMaxRepeats));
  o.translation = {beam, runs, warmup};
  o.sweeps.beam = beam;
  o.sweeps.inputs = static_cast<int>(args.get_int("inputs", o.sweeps.inputs, 1, 100000));
  o.sweeps.runs = runs;
  o.sweeps.warmup = warmup;

  o.workload_only = runs == 0;
  if (o.workload_only && o.workload_path.empty())
    throw UsageError("option --runs 0 (no timing) only makes sense with --write-workload");
  if (o.workload_only)
    refuse(args, {"result", "outputs", "load-repeats", "beam", "warmup", "sweep"}, "needs --runs 1 or more");
  if (args.has("target-column") && o.workload_path.empty())
    throw UsageError("option --target-column only applies with --write-workload");
  if (o.sweep.empty()) {
    refuse(args, {"inputs"}, "only applies to --sweep length");
  } else if (o.sweep == "length" || o.sweep == "beam") {
    refuse(args, {"outputs", "load-repeats"}, "does not apply to --sweep");
    if (o.sweep == "beam") refuse(args, {"beam", "inputs"}, "does not apply to --sweep beam (it sweeps the beam)");
  } else {
    throw UsageError("option --sweep must be 'length' or 'beam', got '" + o.sweep + "'");
  }
  return o;
}

std::vector<uint8_t> as_bytes(const std::string& text) { return std::vector<uint8_t>(text.begin(), text.end()); }

nlohmann::ordered_json translation_result(const Translator& translator, const std::vector<uint8_t>& model_bytes,
                                          const BenchWorkload& workload, const BenchOptions& o) {
  const std::vector<double> load_ms = measure_load_ms(model_bytes, o.load_repeats);
  const TranslationBenchResult measured = run_translation_bench(translator, workload, o.translation);
  if (!o.outputs_path.empty()) write_file_atomic(o.outputs_path, as_bytes(measured.outputs_jsonl));
  return {{"engine", "native"},
          {"dtype", translator.summary().dtype},
          {"beam", o.translation.beam},
          {"threads", 1},
          {"sentences", workload.sentences.size()},
          {"source_tokens", measured.source_tokens},
          {"warmup_runs", o.translation.warmup},
          {"runs", measured.runs},
          {"load_ms", load_ms},
          {"peak_memory_bytes", peak_rss_bytes()},
          {"memory_kind", "rss"},
          {"kernels", kernels::simd_name()},
          {"notes", "seconds and ms are per-sentence steady_clock time around Translator::translate (text in, text "
                    "out: tokenization, search and detokenization included; carry_over and block_repeats off, the "
                    "plain search every engine runs; file reading and JSON writing "
                    "excluded); load_ms constructs a Translator from the file bytes already in memory (parse, "
                    "validate, build tokenizers); peak memory is the process's peak RSS, including the model file "
                    "bytes kept for the load repeats"}};
}

nlohmann::ordered_json sweep_result(const Translator& translator, const BenchWorkload& workload,
                                    const BenchOptions& o) {
  nlohmann::ordered_json result = {{"engine", "native"},
                                   {"dtype", translator.summary().dtype},
                                   {"threads", 1},
                                   {"kernels", kernels::simd_name()},
                                   {"warmup_runs", o.sweeps.warmup},
                                   {"runs", o.sweeps.runs}};
  if (o.sweep == "length") {
    result.update(run_length_sweep(translator.model(), workload, o.sweeps));
    result["notes"] = "each input is length-1 consecutive source ids of the data laid end to end, plus </s>; ms is "
                      "steady_clock time of one search call on token ids (no tokenization); statistics over inputs "
                      "x runs";
  } else {
    result.update(run_beam_sweep(translator.model(), workload, o.sweeps));
    result["sentences"] = workload.sentences.size();
    result["notes"] = "ms is steady_clock time of one search call on a sentence's token ids (no tokenization); "
                      "statistics over sentences x runs; output_tokens_mean counts the best hypothesis with </s>";
  }
  return result;
}

// One line for a person when the JSON goes to a file.
void print_summary(const nlohmann::ordered_json& result, const BenchOptions& o) {
  const std::string dtype = result["dtype"].get<std::string>();
  if (!o.sweep.empty()) {
    std::printf("native %s sweep %s: %zu points\n", dtype.c_str(), o.sweep.c_str(), result["points"].size());
    return;
  }
  std::vector<double> rates;
  for (const auto& run : result["runs"]) rates.push_back(run["sentences_per_s"].get<double>());
  std::printf("native %s beam %d: %zu sentences, median of %zu runs %.1f sentences/s\n", dtype.c_str(),
              o.translation.beam, result["sentences"].get<size_t>(), rates.size(), percentile(rates, 50));
}

int run_bench(const std::vector<std::string>& argv) {
  const BenchOptions o = parse_options(argv);
  const std::vector<uint8_t> model_bytes = read_file(o.model_path);
  const Translator translator(model_bytes.data(), model_bytes.size());
  const BenchWorkload workload =
      read_bench_workload(o.data_path, o.column, o.target_column, o.limit, translator.model());
  if (workload.sentences.empty()) throw std::runtime_error("'" + o.data_path + "' holds no source sentences");
  if (!o.workload_path.empty()) write_file_atomic(o.workload_path, as_bytes(workload_jsonl(workload)));
  if (o.workload_only) {
    std::printf("wrote %s: %zu sentences (%zu repeated and %zu blank sources skipped)\n", o.workload_path.c_str(),
                workload.sentences.size(), workload.duplicates_skipped, workload.empty_skipped);
    return 0;
  }

  const nlohmann::ordered_json result = o.sweep.empty() ? translation_result(translator, model_bytes, workload, o)
                                                        : sweep_result(translator, workload, o);
  const std::string text = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (o.result_path.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    write_file_atomic(o.result_path, as_bytes(text));
    print_summary(result, o);
  }
  return 0;
}

const CommandRegistration registration(
    {"bench",
     "attn bench -m MODEL --data TSV [--column 2] [--limit N] [--beam 1] [--runs 3] [--warmup 1] [--load-repeats 5]\n"
     "         [--result FILE] [--outputs FILE] [--write-workload FILE [--target-column N]]\n"
     "       attn bench -m MODEL --data TSV --write-workload FILE --runs 0 [--target-column N]   (workload only)\n"
     "       attn bench -m MODEL --data TSV --sweep length|beam [--limit N] [--beam 1] [--inputs 10] [--runs 3]\n"
     "         [--warmup 1] [--result FILE]",
     "benchmark single-threaded translation of a TSV test set, one JSON result (issue #7)", run_bench});

}  // namespace
}  // namespace attn::cli
