// Runs the built `attn` CLI (or any shell command) with given standard input, capturing output and exit status.
#pragma once

#include <string>

namespace attn::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `arguments` is appended to the CLI path verbatim (quote as for sh).
CommandResult run_cli(const std::string& arguments, const std::string& standard_input = "");
CommandResult run_shell(const std::string& command, const std::string& standard_input = "");

std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& text);

}  // namespace attn::testing
