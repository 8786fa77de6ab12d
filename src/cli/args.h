// A small command-line parser: `--name value`, `--flag`, and positional arguments, with clear usage errors.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace attn::cli {

class Args {
 public:
  // `valued` lists options that take a value (without "--"), `flags` those that do not. Unknown options,
  // missing values and repeated options throw UsageError.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags);

  bool has(const std::string& name) const;
  std::string get(const std::string& name, const std::string& fallback) const;
  std::string require(const std::string& name) const;  // UsageError when absent
  // Integer option within [min, max]; UsageError names the option when it is not an integer or out of range.
  long long get_int(const std::string& name, long long fallback, long long min, long long max) const;
  double get_double(const std::string& name, double fallback, double min, double max) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // UsageError unless exactly `count` positional arguments were given.
  void expect_positional(size_t count, const char* what) const;

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positional_;
};

}  // namespace attn::cli
