// attn translate: stdin lines in, exactly one translation (or JSON object) per line out.
#include <iostream>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/heatmap.h"
#include "cli/io.h"
#include "cli/translation_json.h"
#include "translator.h"

namespace attn::cli {
namespace {

int run_translate(const std::vector<std::string>& argv) {
  const Args args(argv, {"model", "beam", "nbest"}, {"json", "show-attention", "no-carry-over"});
  args.expect_positional(0, "no positional arguments");
  TranslateOptions options;
  options.beam = static_cast<int>(args.get_int("beam", 4, 1, 16));
  options.nbest = static_cast<int>(args.get_int("nbest", 0, 0, 16));
  if (options.nbest > options.beam) throw UsageError("--nbest cannot exceed --beam");
  const bool as_json = args.has("json"), show_attention = args.has("show-attention");
  options.attention = as_json || show_attention;
  options.carry_over = !args.has("no-carry-over");

  const std::vector<uint8_t> bytes = read_file(args.require("model"));
  const Translator translator(bytes.data(), bytes.size());

  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const Translation translation = translator.translate(line, options);
    if (as_json) {
      std::cout << translation_to_json(line, translation, options.nbest > 0)
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      std::cout << translation.text;
    }
    std::cout << '\n' << std::flush;
    if (show_attention) {  // on stderr, so stdout keeps one line per input line
      for (const auto& s : translation.sentences)
        std::cerr << render_heatmap(s.source_tokens, s.best.target_tokens, s.best.attention) << '\n';
    }
  }
  if (std::cin.bad()) throw std::runtime_error("failed reading standard input");
  return 0;
}

const CommandRegistration registration({"translate", "attn translate -m MODEL [--beam N] [--nbest K] [--json] [--show-attention] [--no-carry-over]",
                                        "translate stdin lines (one output line per input line)", run_translate});

}  // namespace
}  // namespace attn::cli
