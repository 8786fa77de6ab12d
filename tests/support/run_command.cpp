#include "support/run_command.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sys/wait.h>

#include "support/tiny_model.h"

namespace attn::testing {

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

CommandResult run_shell(const std::string& command, const std::string& standard_input) {
  const TempDir dir;
  write_text_file(dir.path("in"), standard_input);
  const std::string full = command + " <" + dir.path("in") + " >" + dir.path("out") + " 2>" + dir.path("err");
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text_file(dir.path("out"));
  result.err = read_text_file(dir.path("err"));
  return result;
}

CommandResult run_cli(const std::string& arguments, const std::string& standard_input) {
  return run_shell(std::string("'") + ATTN_CLI_PATH + "' " + arguments, standard_input);
}

}  // namespace attn::testing
