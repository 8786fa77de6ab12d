#include "cli/args.h"

#include <cerrno>
#include <cstdlib>

#include "cli/command.h"

namespace attn::cli {
namespace {

// Short spellings accepted for the options every model-taking command has.
std::string expand_alias(const std::string& arg) { return arg == "-m" ? "--model" : arg; }

}  // namespace

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valued,
           const std::set<std::string>& flags) {
  bool options_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string arg = expand_alias(argv[i]);
    if (options_done || arg.size() < 2 || arg[0] != '-' ) {
      positional_.push_back(argv[i]);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) throw UsageError("unknown option '" + arg + "'");
    std::string name = arg.substr(2), value;
    const size_t equals = name.find('=');
    const bool inline_value = equals != std::string::npos;
    if (inline_value) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    if (values_.count(name) || flags_set_.count(name)) throw UsageError("option --" + name + " given twice");
    if (flags.count(name)) {
      if (inline_value) throw UsageError("option --" + name + " takes no value");
      flags_set_.insert(name);
    } else if (valued.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
        value = argv[++i];
      }
      values_[name] = value;
    } else {
      throw UsageError("unknown option --" + name);
    }
  }
}

bool Args::has(const std::string& name) const { return values_.count(name) || flags_set_.count(name); }

std::string Args::get(const std::string& name, const std::string& fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string Args::require(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) throw UsageError("missing required option --" + name);
  return it->second;
}

long long Args::get_int(const std::string& name, long long fallback, long long min, long long max) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || errno == ERANGE)
    throw UsageError("option --" + name + " expects an integer, got '" + it->second + "'");
  if (value < min || value > max)
    throw UsageError("option --" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                     ", got " + it->second);
  return value;
}

double Args::get_double(const std::string& name, double fallback, double min, double max) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || errno == ERANGE || !(value == value))
    throw UsageError("option --" + name + " expects a number, got '" + it->second + "'");
  if (value < min || value > max)
    throw UsageError("option --" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                     ", got " + it->second);
  return value;
}

void Args::expect_positional(size_t count, const char* what) const {
  if (positional_.size() != count)
    throw UsageError("expected " + std::string(what) + " (" + std::to_string(count) + " argument" +
                     (count == 1 ? "" : "s") + "), got " + std::to_string(positional_.size()));
}

}  // namespace attn::cli
