// attn dates: synthetic date-normalization data, `ISO<TAB>human<TAB>format` per line (target first, like the
// Tatoeba files, so training and `attn eval` read it unchanged; the format is eval's group label).
#include <cstdio>
#include <limits>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "data/dates.h"

namespace attn::cli {
namespace {

constexpr long long kMaxCount = 2'000'000;  // about 70 MB of text, far more than the date model needs

int run_dates(const std::vector<std::string>& argv) {
  const Args args(argv, {"count", "seed", "out"}, {});
  args.expect_positional(0, "no positional arguments");
  args.require("count");  // both are required: a data set should always be reproducible from its command line
  args.require("seed");
  const long long count = args.get_int("count", 0, 1, kMaxCount);
  const long long seed = args.get_int("seed", 0, 0, std::numeric_limits<long long>::max());

  DateGenerator generator(static_cast<uint64_t>(seed));
  std::string text;
  for (long long i = 0; i < count; ++i) {
    const DateExample example = generator.next();
    text.append(example.iso).append("\t").append(example.human).append("\t").append(example.format).append("\n");
  }
  if (args.has("out")) {
    write_file_atomic(args.get("out", ""), std::vector<uint8_t>(text.begin(), text.end()));
  } else if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw std::runtime_error("failed writing standard output");
  }
  return 0;
}

const CommandRegistration registration({"dates", "attn dates --count N --seed S [--out FILE]",
                                        "generate human-readable → ISO date pairs (TSV: iso, human, format)",
                                        run_dates});

}  // namespace
}  // namespace attn::cli
