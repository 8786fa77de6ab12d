#include "cli/command.h"

namespace attn::cli {
namespace {

std::vector<Command>& registry() {
  static std::vector<Command> commands;  // function-local: safe to use from other files' static initializers
  return commands;
}

}  // namespace

CommandRegistration::CommandRegistration(const Command& command) { registry().push_back(command); }

const std::vector<Command>& registered_commands() { return registry(); }

}  // namespace attn::cli
