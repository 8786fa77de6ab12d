#include "cli/bench_sweep.h"

#include <chrono>
#include <stdexcept>
#include <string>

#include "cli/bench_stats.h"
#include "search/beam_search.h"

namespace attn::cli {
namespace {

constexpr int kSweepLengths[] = {5, 10, 20, 30, 40, 50, 60};
constexpr int kSweepBeams[] = {1, 2, 4, 8, 12, 16};

// Times one search per input and pass; every timed search is one sample of the point's statistics.
nlohmann::ordered_json measure_point(const Model& model, const std::vector<std::vector<int>>& inputs, int beam,
                                     const SweepOptions& options) {
  if (options.runs < 1) throw std::invalid_argument("a sweep needs at least one timed run");
  SearchOptions search_options;
  search_options.beam = beam;
  std::vector<double> milliseconds, output_tokens;
  for (int pass = 0; pass < options.warmup + options.runs; ++pass) {
    const bool timed = pass >= options.warmup;
    for (const std::vector<int>& ids : inputs) {
      const auto start = std::chrono::steady_clock::now();
      const std::vector<SearchHypothesis> found = search(model, ids, search_options);
      const double elapsed = milliseconds_since(start);
      if (!timed) continue;
      milliseconds.push_back(elapsed);
      output_tokens.push_back(static_cast<double>(found.front().tokens.size()));
    }
  }
  return {{"ms_median", percentile(milliseconds, 50)},
          {"ms_min", percentile(milliseconds, 0)},
          {"ms_max", percentile(milliseconds, 100)},
          {"output_tokens_mean", mean(output_tokens)},
          {"inputs", inputs.size()}};
}

}  // namespace

nlohmann::ordered_json run_length_sweep(const Model& model, const BenchWorkload& workload,
                                        const SweepOptions& options) {
  std::vector<int> stream;  // every source's ids without its </s>, end to end
  for (const BenchSentence& s : workload.sentences)
    stream.insert(stream.end(), s.source_ids.begin(), s.source_ids.end() - 1);

  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (const int length : kSweepLengths) {
    const size_t words = static_cast<size_t>(length - 1);
    if (stream.size() < words * static_cast<size_t>(options.inputs))
      throw std::runtime_error("the data holds " + std::to_string(stream.size()) + " source tokens, too few for " +
                               std::to_string(options.inputs) + " inputs of " + std::to_string(length) + " tokens");
    std::vector<std::vector<int>> inputs;
    for (int i = 0; i < options.inputs; ++i) {
      const auto begin = stream.begin() + static_cast<std::ptrdiff_t>(words * static_cast<size_t>(i));
      std::vector<int> ids(begin, begin + static_cast<std::ptrdiff_t>(words));
      ids.push_back(Tokenizer::kEos);
      inputs.push_back(std::move(ids));
    }
    nlohmann::ordered_json point = {{"length", length}};
    point.update(measure_point(model, inputs, options.beam, options));
    points.push_back(std::move(point));
  }
  return {{"sweep", "length"}, {"beam", options.beam}, {"points", std::move(points)}};
}

nlohmann::ordered_json run_beam_sweep(const Model& model, const BenchWorkload& workload, const SweepOptions& options) {
  std::vector<std::vector<int>> inputs;
  for (const BenchSentence& s : workload.sentences) inputs.push_back(s.source_ids);
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (const int beam : kSweepBeams) {
    nlohmann::ordered_json point = {{"beam", beam}};
    point.update(measure_point(model, inputs, beam, options));
    points.push_back(std::move(point));
  }
  return {{"sweep", "beam"}, {"points", std::move(points)}};
}

}  // namespace attn::cli
