// Subcommands of the `attn` CLI register themselves here, one file per command.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace attn::cli {

// Thrown for a malformed command line: main prints the message and the command's usage, and exits with 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Command {
  const char* name;
  const char* usage;  // e.g. "attn inspect MODEL"
  const char* summary;
  int (*run)(const std::vector<std::string>& args);  // args exclude the program and command names
};

// Defined at namespace scope in a command's file: `static const CommandRegistration reg({...});`
struct CommandRegistration {
  explicit CommandRegistration(const Command& command);
};

const std::vector<Command>& registered_commands();

}  // namespace attn::cli
