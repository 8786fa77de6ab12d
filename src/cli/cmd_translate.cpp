// attn translate: stdin lines in, exactly one translation (or JSON object) per line out.
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/heatmap.h"
#include "cli/io.h"
#include "cli/translation_json.h"
#include "parallel.h"
#include "translate_batch.h"
#include "translator.h"

namespace attn::cli {
namespace {

// Lines translated together: enough to keep every thread busy, few enough to keep their matrices small.
constexpr size_t kBatchLines = 256;
constexpr size_t kBatchBytes = size_t{1} << 20;

// The next lines of `in` to translate together (empty at the end of input). Only the first read may wait; the
// others are lines already waiting on the input, so a session that sends one line and waits for its answer gets it
// at once, while a file or a pipe full of lines is translated in parallel.
std::vector<std::string> read_batch(std::istream& in) {
  std::vector<std::string> lines;
  size_t bytes = 0;
  std::string line;
  while (lines.size() < kBatchLines && bytes < kBatchBytes && (lines.empty() || in.rdbuf()->in_avail() > 0) &&
         std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bytes += line.size();
    lines.push_back(std::move(line));
  }
  return lines;
}

void write_translation(const std::string& line, const Translation& translation, const TranslateOptions& options,
                       bool as_json, bool show_attention) {
  if (as_json) {
    std::cout << translation_to_json(line, translation, options.nbest > 0)
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    std::cout << translation.text;
  }
  std::cout << '\n';
  if (show_attention) {  // on stderr, so stdout keeps one line per input line
    std::cout << std::flush;
    for (const auto& s : translation.sentences)
      std::cerr << render_heatmap(s.source_tokens, s.best.target_tokens, s.best.attention) << '\n';
  }
}

int run_translate(const std::vector<std::string>& argv) {
  const Args args(argv, {"model", "beam", "nbest", "threads"}, {"json", "show-attention", "no-carry-over"});
  args.expect_positional(0, "no positional arguments");
  TranslateOptions options;
  options.beam = static_cast<int>(args.get_int("beam", 4, 1, 16));
  options.nbest = static_cast<int>(args.get_int("nbest", 0, 0, 16));
  if (options.nbest > options.beam) throw UsageError("--nbest cannot exceed --beam");
  const unsigned threads = static_cast<unsigned>(args.get_int("threads", available_cores(), 1, 1024));
  const bool as_json = args.has("json"), show_attention = args.has("show-attention");
  options.attention = as_json || show_attention;
  options.carry_over = !args.has("no-carry-over");

  const std::vector<uint8_t> bytes = read_file(args.require("model"));
  const Translator translator(bytes.data(), bytes.size());

  std::ios::sync_with_stdio(false);
  for (std::vector<std::string> lines; !(lines = read_batch(std::cin)).empty();) {
    const std::vector<BatchTranslation> translations = translate_batch(translator, lines, options, threads);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (translations[i].error) {  // the lines before it are written, as when lines are translated one by one
        std::cout << std::flush;
        std::rethrow_exception(translations[i].error);
      }
      write_translation(lines[i], translations[i].translation, options, as_json, show_attention);
    }
    std::cout << std::flush;
  }
  if (std::cin.bad()) throw std::runtime_error("failed reading standard input");
  return 0;
}

const CommandRegistration registration(
    {"translate",
     "attn translate -m MODEL [--beam N] [--nbest K] [--json] [--show-attention] [--no-carry-over] [--threads N]",
     "translate stdin lines (one output line per input line)", run_translate});

}  // namespace
}  // namespace attn::cli
