// `attn`: the native command-line interface. Each subcommand lives in its own cmd_*.cpp and registers itself.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/command.h"

namespace {

void print_help(std::FILE* out) {
  std::fprintf(out, "attention-translator: Bahdanau attention encoder-decoder translation\n\nusage: attn COMMAND ...\n\n");
  for (const auto& command : attn::cli::registered_commands())
    std::fprintf(out, "  %-10s %s\n      %s\n", command.name, command.summary, command.usage);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "help" || name == "--help" || name == "-h") {
    print_help(stdout);
    return 0;
  }
  for (const auto& command : attn::cli::registered_commands()) {
    if (name != command.name) continue;
    try {
      return command.run(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const attn::cli::UsageError& e) {
      std::fprintf(stderr, "attn %s: %s\nusage: %s\n", command.name, e.what(), command.usage);
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "attn %s: error: %s\n", command.name, e.what());
      return 1;
    } catch (...) {
      std::fprintf(stderr, "attn %s: error: unexpected failure\n", command.name);
      return 1;
    }
  }
  std::fprintf(stderr, "attn: unknown command '%s' (see 'attn help')\n", name.c_str());
  return 2;
}
