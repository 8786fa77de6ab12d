// Shared by the tests that compare the engine with the PyTorch scripts (scripts/reference.py and friends): temporary
// files, running a script under Debian's python3, and a random model whose every term matters.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "model/init.h"
#include "model/model.h"
#include "text/tokenizer.h"

namespace attn::testing {

// A path in the temporary directory, removed (with anything under it) when the test ends.
class TempPath {
 public:
  explicit TempPath(const std::string& suffix) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("attn-oracle-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + suffix))
                .string();
  }
  ~TempPath() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;

  const std::string& path() const { return path_; }
  void write(const std::string& bytes) const {
    std::ofstream out(path_, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
  }

 private:
  std::string path_;
};

struct ProcessResult {
  int status;
  std::string output;  // stdout only
};

// Runs scripts/<script> with arguments free of single quotes; stderr is dropped.
inline ProcessResult run_script(const std::string& script, const std::vector<std::string>& arguments) {
  // Debian's interpreter has torch and onnx; the override serves machines that keep them elsewhere.
  const char* configured = std::getenv("ATTN_REFERENCE_PYTHON");
  const std::string python = configured != nullptr ? configured : "/usr/bin/python3";
  std::string command = "'" + python + "' '" ATTN_SOURCE_DIR "/scripts/" + script + "'";
  for (const std::string& argument : arguments) command += " '" + argument + "'";
  command += " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  ProcessResult result{0, ""};
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, got);
  result.status = pclose(pipe);
  return result;
}

// Like run_script, requiring success.
inline std::string run_script_ok(const std::string& script, const std::vector<std::string>& arguments) {
  ProcessResult result = run_script(script, arguments);
  INFO(script << " " << arguments.front() << " failed; it needs python3 with torch and onnx"
              << " (set ATTN_REFERENCE_PYTHON); output: " << result.output);
  REQUIRE(result.status == 0);
  return result.output;
}

// init_model leaves biases at zero and attention near uniform; random offsets on every tensor make the biases
// count and sharpen the attention, so a misplaced term shows in a comparison. A raised </s> bias lets some greedy
// outputs end on their own before the length limit.
inline Model random_reference_model(bool tied_output, uint64_t seed) {
  ModelConfig config;
  config.embed = 8;
  config.hidden = 12;
  config.attention = 10;
  config.tied_output = tied_output;
  Model model = init_model(config, Tokenizer::learn_chars({"le chat dort", "la nuit tombe"}),
                           Tokenizer::learn_bpe({"the cat sleeps", "the cat eats", "night falls"}, 270), seed);
  std::mt19937 rng(static_cast<unsigned>(seed));
  std::normal_distribution<float> noise(0.0f, 0.5f);
  model.params.for_each(tied_output, [&](const std::string&, Tensor& tensor) {
    for (float& x : tensor.f32) x += noise(rng);
  });
  model.params.out_proj_bias.f32[Tokenizer::kEos] += 3.0f;
  return model;
}

}  // namespace attn::testing
