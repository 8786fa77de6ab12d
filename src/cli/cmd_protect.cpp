// attn protect: masks the protected spans of TSV training pairs (English<TAB>French[<TAB>...]) with placeholders,
// the same one on both sides (text/protected_spans.h), so a model trained on them learns to copy the placeholders.
#include <array>
#include <iostream>
#include <stdexcept>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "text/protected_spans.h"

namespace attn::cli {
namespace {

void print_stats(const std::array<size_t, kSpanKindCount>& masked, size_t lines) {
  size_t total = 0;
  for (const size_t count : masked) total += count;
  std::cerr << "masked " << total << " spans in " << lines << " lines\n";
  for (int kind = 0; kind < kSpanKindCount; ++kind)
    std::cerr << "  " << span_kind_name(static_cast<SpanKind>(kind)) << ": " << masked[size_t(kind)] << '\n';
}

int run_protect(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {"stats"});
  args.expect_positional(0, "no positional arguments");
  std::ios::sync_with_stdio(false);
  std::array<size_t, kSpanKindCount> masked{};
  size_t line_number = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t first_tab = line.find('\t');
    if (first_tab == std::string::npos)
      throw std::runtime_error("line " + std::to_string(line_number) +
                               ": expected at least 2 tab-separated columns (English, French), found 1");
    const size_t second_tab = line.find('\t', first_tab + 1);
    const std::string english = line.substr(0, first_tab);
    const std::string french = line.substr(first_tab + 1, second_tab == std::string::npos ? std::string::npos
                                                                                          : second_tab - first_tab - 1);
    const MaskedPair pair = mask_pair(english, french);
    for (const SpanKind kind : pair.kinds) ++masked[size_t(kind)];
    std::cout << pair.english << '\t' << pair.french;
    if (second_tab != std::string::npos) std::cout << std::string_view(line).substr(second_tab);  // other columns
    std::cout << '\n';
  }
  if (std::cin.bad()) throw std::runtime_error("failed reading standard input");
  std::cout << std::flush;
  if (args.has("stats")) print_stats(masked, line_number);
  return 0;
}

const CommandRegistration registration({"protect", "attn protect [--stats] < PAIRS.tsv > MASKED.tsv",
                                        "mask URLs, paths, options, format directives... in English<TAB>French pairs",
                                        run_protect});

}  // namespace
}  // namespace attn::cli
