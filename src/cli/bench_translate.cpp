#include "cli/bench_translate.h"

#include <chrono>
#include <numeric>
#include <stdexcept>

#include "cli/bench_stats.h"
#include "model/model.h"

namespace attn::cli {
namespace {

// The search's target ids, not the pieces shown: for a model that protects spans, the pieces show the spans restored
// ("▁25%"), which are not in the vocabulary.
std::string output_line(size_t index, const Hypothesis& best) {
  const nlohmann::ordered_json line = {{"i", index}, {"ids", best.target_ids}, {"text", best.translation}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

TranslationBenchResult run_translation_bench(const Translator& translator, const BenchWorkload& workload,
                                             const TranslationBenchOptions& options) {
  if (options.runs < 1) throw std::invalid_argument("the benchmark needs at least one timed run");
  TranslateOptions translate_options;
  translate_options.beam = options.beam;
  translate_options.nbest = 0;
  translate_options.split_sentences = false;  // one sequence per sentence, as every engine translates it
  translate_options.carry_over = false;        // the plain search, as every engine runs it
  translate_options.block_repeats = false;
  const size_t count = workload.sentences.size();

  TranslationBenchResult result;
  for (int run = 0; run < options.warmup + options.runs; ++run) {
    const bool timed = run >= options.warmup, last = run + 1 == options.warmup + options.runs;
    std::vector<double> milliseconds(count);
    int64_t source_tokens = 0;
    std::string outputs;
    for (size_t i = 0; i < count; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const Translation translation = translator.translate(workload.sentences[i].source, translate_options);
      milliseconds[i] = milliseconds_since(start);
      if (translation.sentences.size() != 1)
        throw std::runtime_error("sentence " + std::to_string(i) + " was translated as " +
                                 std::to_string(translation.sentences.size()) +
                                 " sequences (sources over 400 bytes are cut); the benchmark needs exactly one");
      const SentenceTranslation& sentence = translation.sentences.front();
      source_tokens += static_cast<int64_t>(sentence.source_tokens.size());
      if (last) outputs += output_line(i, sentence.best);
    }
    result.source_tokens = source_tokens;
    if (last) result.outputs_jsonl = std::move(outputs);
    if (!timed) continue;
    const double seconds = std::accumulate(milliseconds.begin(), milliseconds.end(), 0.0) / 1000.0;
    result.runs.push_back({{"seconds", seconds},
                           {"sentences_per_s", static_cast<double>(count) / seconds},
                           {"source_tokens_per_s", static_cast<double>(source_tokens) / seconds},
                           {"ms_p50", percentile(milliseconds, 50)},
                           {"ms_p95", percentile(milliseconds, 95)}});
  }
  return result;
}

std::vector<double> measure_load_ms(const std::vector<uint8_t>& model_bytes, int repeats) {
  std::vector<double> milliseconds;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const Translator translator(model_bytes.data(), model_bytes.size());
    milliseconds.push_back(milliseconds_since(start));
  }
  return milliseconds;
}

}  // namespace attn::cli
