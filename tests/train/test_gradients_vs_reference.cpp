// The C++ float trainer against the PyTorch oracle (scripts/reference.py grad, float64 autograd): same random
// model, same padded batch, same label-smoothed loss; the loss and every gradient element must agree.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/init.h"
#include "model/model_file.h"
#include "support/run_command.h"
#include "support/tiny_model.h"
#include "train/backprop.h"

namespace {

using attn::testing::TempDir;

void compare_with_reference(bool tied) {
  TempDir dir;
  attn::Model model = attn::testing::tiny_model(tied, tied ? 21 : 11, 1.0f);
  const std::vector<uint8_t> bytes = attn::save_model(model);
  attn::testing::write_text_file(dir.path("model.safetensors"), std::string(bytes.begin(), bytes.end()));

  std::vector<attn::TokenPair> pairs;
  for (const auto& [source, target] : std::vector<std::pair<std::string, std::string>>{
           {"le chat noir", "the black cat"}, {"oui", "yes it is"}, {"il fait beau", "nice"}}) {
    attn::TokenPair p{model.src_tokenizer.encode(source), model.tgt_tokenizer.encode(target)};
    p.source.push_back(attn::Tokenizer::kEos);
    p.target.push_back(attn::Tokenizer::kEos);
    pairs.push_back(p);
  }
  const double smoothing = 0.1;
  nlohmann::json batch_json = {{"sources", nlohmann::json::array()}, {"targets", nlohmann::json::array()},
                               {"label_smoothing", smoothing}};
  for (const auto& p : pairs) {
    batch_json["sources"].push_back(p.source);
    batch_json["targets"].push_back(p.target);
  }
  attn::testing::write_text_file(dir.path("batch.json"), batch_json.dump());

  const auto result = attn::testing::run_shell("/usr/bin/python3 " ATTN_SOURCE_DIR "/scripts/reference.py grad " +
                                               dir.path("model.safetensors") + " " + dir.path("batch.json"));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const nlohmann::json reference = nlohmann::json::parse(result.out);

  attn::Parameters gradients = attn::zeros_like(model.params, tied);
  attn::Backprop<float> backprop;
  attn::LossOptions options;
  options.label_smoothing = smoothing;
  const double loss =
      attn::loss_and_gradients(model, attn::Batch::from_pairs(pairs), options, gradients, backprop);

  // Float accumulation against float64 autograd: |ours - reference| <= 1e-4 + 1e-3 * |reference|.
  auto close = [](double ours, double theirs) { return std::abs(ours - theirs) <= 1e-4 + 1e-3 * std::abs(theirs); };
  CHECK(close(loss, reference.at("loss").get<double>()));
  size_t tensors = 0;
  gradients.for_each(tied, [&](const std::string& name, const attn::Tensor& g) {
    INFO("tensor " << name);
    REQUIRE(reference.at("grads").contains(name));
    const std::vector<double> expected = reference["grads"][name].get<std::vector<double>>();
    REQUIRE(expected.size() == g.f32.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < expected.size(); ++i) mismatches += !close(g.f32[i], expected[i]);
    CHECK(mismatches == 0);
    ++tensors;
  });
  CHECK(tensors == reference["grads"].size());
}

}  // namespace

TEST_CASE("trainer gradients match the PyTorch reference (untied)", "[train][reference]") {
  compare_with_reference(false);
}

TEST_CASE("trainer gradients match the PyTorch reference (tied output)", "[train][reference]") {
  compare_with_reference(true);
}
