#include "support/tiny_model.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "model/init.h"

namespace attn::testing {

Model tiny_model(bool tied_output, uint64_t seed, float weight_scale) {
  const std::vector<std::string> french = {"Jane visite l'Afrique en septembre.", "Tom a 19 ans !",
                                           "Il est 2:30, Mary."};
  const std::vector<std::string> english = {"Jane visits Africa in September.", "Tom is 19!", "It's 2:30, Mary."};
  ModelConfig config;
  config.embed = 8;
  config.hidden = 6;
  config.attention = 5;
  config.tied_output = tied_output;
  Model model = init_model(config, Tokenizer::learn_chars(french), Tokenizer::learn_chars(english), seed);
  model.params.for_each(tied_output, [&](const std::string&, Tensor& t) {
    for (float& v : t.f32) v *= weight_scale;
  });
  model.info["source_language"] = "fr";
  model.info["target_language"] = "en";
  return model;
}

std::vector<int> source_ids(const Model& model, const std::string& text) {
  std::vector<int> ids = model.src_tokenizer.encode(text);
  ids.push_back(Tokenizer::kEos);
  return ids;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "attn-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory");
  root_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

}  // namespace attn::testing
