// attn eval: translates a TSV test set (target<TAB>source[<TAB>group]) and reports sacreBLEU-compatible BLEU and
// chrF2, exact-match accuracy (overall and per group), sanity problems (eval/sanity.h) and translation speed. The
// segments are translated on every core (--threads), with the same hypotheses as on one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/reference_set.h"
#include "eval/sanity.h"
#include "parallel.h"
#include "translate_batch.h"
#include "translator.h"

namespace attn::cli {
namespace {

struct MatchCount {
  size_t exact = 0, total = 0;
};

std::string percentage(const MatchCount& count) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f%% (%zu/%zu)", count.total ? 100.0 * count.exact / count.total : 0.0,
                count.exact, count.total);
  return text;
}

// sacreBLEU names the reference count "var" when segments have different numbers of references.
std::string reference_count_label(const std::vector<std::vector<std::string>>& references) {
  const size_t first = references.front().size();
  const bool uniform = std::all_of(references.begin(), references.end(),
                                   [first](const std::vector<std::string>& refs) { return refs.size() == first; });
  return uniform ? std::to_string(first) : "var";
}

// The translations of every segment, on `threads` threads, with the wall-clock time they took and the number of
// source tokens they read.
struct TranslatedSet {
  std::vector<std::string> hypotheses;
  size_t source_tokens = 0;
  double seconds = 0;
};

TranslatedSet translate_segments(const Translator& translator, const ReferenceSet& set,
                                 const TranslateOptions& options, unsigned threads) {
  std::vector<std::string> sources;
  sources.reserve(set.segments.size());
  for (const ReferenceSegment& segment : set.segments) sources.push_back(segment.source);
  const auto start = std::chrono::steady_clock::now();
  std::vector<BatchTranslation> translations = translate_batch(translator, sources, options, threads);
  TranslatedSet out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (BatchTranslation& translation : translations) {
    if (translation.error) std::rethrow_exception(translation.error);
    for (const SentenceTranslation& sentence : translation.translation.sentences) {
      if (!sentence.source_tokens.empty()) out.source_tokens += sentence.source_tokens.size() - 1;  // minus </s>
    }
    out.hypotheses.push_back(std::move(translation.translation.text));
  }
  return out;
}

// Corpus BLEU of the segments whose source has 1-10, 11-20, 21-40 and 41+ words (split on spaces): a model trained on
// short sentences degrades with length, and one overall figure hides that.
void print_bleu_by_length(const std::vector<ReferenceSegment>& segments, const std::vector<std::string>& hypotheses,
                          const std::vector<std::vector<std::string>>& references) {
  struct Bucket {
    const char* name;
    size_t max_words;
    std::vector<std::string> hypotheses;
    std::vector<std::vector<std::string>> references;
  };
  std::vector<Bucket> buckets = {{"1-10", 10, {}, {}}, {"11-20", 20, {}, {}}, {"21-40", 40, {}, {}},
                                 {"41+", std::numeric_limits<size_t>::max(), {}, {}}};
  for (size_t i = 0; i < hypotheses.size(); ++i) {
    const std::string& source = segments[i].source;
    size_t words = 0;
    for (size_t pos = 0; pos < source.size(); ++pos) words += source[pos] != ' ' && (pos == 0 || source[pos - 1] == ' ');
    Bucket& bucket = *std::find_if(buckets.begin(), buckets.end(), [&](const Bucket& b) { return words <= b.max_words; });
    bucket.hypotheses.push_back(hypotheses[i]);
    bucket.references.push_back(references[i]);
  }
  std::printf("BLEU by source length (words):\n");
  for (const Bucket& b : buckets) {
    if (b.hypotheses.empty()) continue;
    std::printf("  %-6s %5zu segments  BLEU %.2f\n", b.name, b.hypotheses.size(),
                corpus_bleu(b.hypotheses, b.references).score);
  }
}

void print_report(const ReferenceSet& set, const TranslatedSet& translated, const TranslateOptions& options,
                  unsigned threads, bool by_length) {
  MatchCount overall;
  std::map<std::string, MatchCount> per_group;
  std::vector<std::string> sanity_report;  // one line per problem: problem, source, hypothesis
  size_t sane_segments = 0;
  std::vector<std::vector<std::string>> references;
  for (size_t i = 0; i < set.segments.size(); ++i) {
    const ReferenceSegment& segment = set.segments[i];
    const std::string& hypothesis = translated.hypotheses[i];
    const bool exact =
        std::find(segment.references.begin(), segment.references.end(), hypothesis) != segment.references.end();
    for (MatchCount* count : {&overall, &per_group[segment.group]}) {
      count->exact += exact;
      ++count->total;
    }
    const std::vector<std::string> problems = sanity_problems(segment.source, hypothesis, segment.references);
    sane_segments += problems.empty();
    for (const std::string& problem : problems) {
      sanity_report.push_back("  " + problem + "\t" + segment.source + "\t" + hypothesis);
    }
    references.push_back(segment.references);
  }

  const std::vector<std::string>& hypotheses = translated.hypotheses;
  const std::string nrefs = reference_count_label(references);
  const double seconds = translated.seconds;
  std::printf("segments: %zu (beam %d)\n", hypotheses.size(), options.beam);
  std::printf("%s\n", format_bleu(corpus_bleu(hypotheses, references)).c_str());
  std::printf("  nrefs:%s|case:mixed|eff:no|tok:13a|smooth:exp|version:attn\n", nrefs.c_str());
  std::printf("chrF2 = %.2f\n", corpus_chrf(hypotheses, references));
  std::printf("  nrefs:%s|case:mixed|eff:yes|nc:6|nw:0|space:no|version:attn\n", nrefs.c_str());
  if (by_length) print_bleu_by_length(set.segments, hypotheses, references);
  std::printf("exact match: %s\n", percentage(overall).c_str());
  if (set.has_groups) {
    for (const auto& [group, count] : per_group) {
      std::printf("  %-24s %s\n", (group.empty() ? "(no group)" : group).c_str(), percentage(count).c_str());
    }
  }
  std::printf("sane output: %zu/%zu segments\n", sane_segments, hypotheses.size());
  for (const std::string& line : sanity_report) std::printf("%s\n", line.c_str());
  std::printf("speed: %.1f sentences/s, %.1f source tokens/s (%.2f s translating on %u thread%s)\n",
              seconds > 0 ? hypotheses.size() / seconds : 0.0, seconds > 0 ? translated.source_tokens / seconds : 0.0,
              seconds, threads, threads == 1 ? "" : "s");
}

int run_eval(const std::vector<std::string>& argv) {
  const Args args(argv, {"model", "data", "beam", "out", "limit", "threads"},
                  {"no-carry-over", "split-sentences", "by-length"});
  args.expect_positional(0, "no positional arguments");
  TranslateOptions options;
  options.beam = static_cast<int>(args.get_int("beam", 4, 1, 16));
  options.nbest = 0;
  // Test segments are scored as given; --split-sentences translates a paragraph sentence by sentence, as the page does.
  options.split_sentences = args.has("split-sentences");
  options.attention = false;
  options.carry_over = !args.has("no-carry-over");
  const long long limit = args.get_int("limit", std::numeric_limits<long long>::max(), 1,
                                       std::numeric_limits<long long>::max());
  const unsigned threads = static_cast<unsigned>(args.get_int("threads", available_cores(), 1, 1024));
  const std::string model_path = args.require("model");
  const std::string data_path = args.require("data");

  const std::vector<uint8_t> data_bytes = read_file(data_path);
  ReferenceSet set;
  try {
    set = parse_reference_set(std::string_view(reinterpret_cast<const char*>(data_bytes.data()), data_bytes.size()));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("'" + data_path + "': " + e.what());
  }
  if (set.segments.empty()) throw std::runtime_error("'" + data_path + "' holds no segments");
  if (static_cast<unsigned long long>(limit) < set.segments.size()) set.segments.resize(static_cast<size_t>(limit));

  const std::vector<uint8_t> model_bytes = read_file(model_path);
  const Translator translator(model_bytes.data(), model_bytes.size());
  const TranslatedSet translated = translate_segments(translator, set, options, threads);

  if (args.has("out")) {
    std::string text;
    for (const std::string& hypothesis : translated.hypotheses) text.append(hypothesis).push_back('\n');
    write_file_atomic(args.get("out", ""), std::vector<uint8_t>(text.begin(), text.end()));
  }
  print_report(set, translated, options, threads, args.has("by-length"));
  return 0;
}

const CommandRegistration registration(
    {"eval", "attn eval -m MODEL --data FILE [--beam N] [--out HYPS] [--limit N] [--no-carry-over] [--threads N]\n"
            "  [--split-sentences] [--by-length]",
     "score translations of a TSV test set (BLEU, chrF2, exact match, speed)", run_eval});

}  // namespace
}  // namespace attn::cli
