// The C++ forward pass and greedy search against scripts/reference.py, an independent PyTorch implementation
// (torch.nn.GRU / GRUCell, float64) that reads the same model file.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "model/forward.h"
#include "model/model_file.h"
#include "reference_fixture.h"
#include "search/beam_search.h"
#include "text/tokenizer.h"

namespace {

using attn::Model;
using attn::Tokenizer;
using attn::testing::random_reference_model;
using attn::testing::run_script;
using attn::testing::TempPath;
using nlohmann::json;

constexpr double kTolerance = 1e-4;
// The reference multiplies the dequantized int8 weights by float activations; our int8 kernels quantize each
// activation row to 16 bits first (kernels.h), a relative error of up to 1/65534 per element.
constexpr double kInt8Tolerance = 1e-3;

json run_reference_ok(const std::vector<std::string>& arguments) {
  return json::parse(attn::testing::run_script_ok("reference.py", arguments));
}

bool reference_refuses(const std::vector<std::string>& arguments) {
  return run_script("reference.py", arguments).status != 0;
}

std::vector<int> random_ids(int count, int vocab, std::mt19937& rng) {
  std::uniform_int_distribution<int> id(Tokenizer::kFirstByte, vocab - 1);
  std::vector<int> ids;
  for (int i = 0; i < count; ++i) ids.push_back(id(rng));
  ids.push_back(Tokenizer::kEos);
  return ids;
}

struct Sentence {
  std::vector<int> source, target;
};

// Lengths include a lone </s> on either side.
std::vector<Sentence> sentences(const attn::ModelConfig& config) {
  std::mt19937 rng(7);
  std::vector<Sentence> result;
  const int lengths[][2] = {{0, 0}, {3, 4}, {8, 6}, {5, 0}};
  for (const auto& length : lengths)
    result.push_back({random_ids(length[0], config.src_vocab, rng), random_ids(length[1], config.tgt_vocab, rng)});
  return result;
}

double max_difference(const std::vector<float>& actual, const json& expected_rows, size_t rows, size_t cols) {
  REQUIRE(expected_rows.size() == rows);
  double worst = 0;
  for (size_t r = 0; r < rows; ++r) {
    REQUIRE(expected_rows[r].size() == cols);
    for (size_t c = 0; c < cols; ++c)
      worst = std::max(worst, std::abs(actual[r * cols + c] - expected_rows[r][c].get<double>()));
  }
  return worst;
}

// Attention rows of the reference are distributions; the spread shows the attention is not uniform.
double check_distribution_rows(const json& rows) {
  double spread = 0;
  for (const json& row : rows) {
    double sum = 0, low = 1, high = 0;
    for (const json& p : row) {
      const double value = p.get<double>();
      REQUIRE(value >= 0);
      sum += value;
      low = std::min(low, value);
      high = std::max(high, value);
    }
    REQUIRE(sum == Approx(1.0).margin(1e-9));
    spread = std::max(spread, high - low);
  }
  return spread;
}

void compare_with_reference(const Model& written) {
  const std::vector<uint8_t> bytes = attn::save_model(written);
  TempPath model_file(".safetensors");
  model_file.write(std::string(bytes.begin(), bytes.end()));
  // The C++ side reads the very file the reference reads.
  const Model model = attn::load_model(bytes.data(), bytes.size());
  const int T_vocab = model.config.tgt_vocab;
  REQUIRE(T_vocab == written.config.tgt_vocab);

  attn::SearchOptions greedy;
  greedy.beam = 1;
  greedy.block_repeats = false;  // the reference decodes plainly; the repetition guard has its own tests
  const std::vector<Sentence> cases = sentences(model.config);
  json requests = json::array();
  for (const Sentence& s : cases) {
    requests.push_back({{"command", "forward"}, {"src", s.source}, {"tgt", s.target}});
    const int limit = attn::max_output_length(greedy, static_cast<int>(s.source.size()));
    requests.push_back({{"command", "greedy"}, {"src", s.source}, {"max_len", limit}});
  }
  TempPath requests_file(".json");
  requests_file.write(requests.dump());
  const json results = run_reference_ok({"multi", model_file.path(), requests_file.path()})["results"];
  REQUIRE(results.size() == requests.size());

  double attention_spread = 0;
  for (size_t k = 0; k < cases.size(); ++k) {
    const Sentence& s = cases[k];
    const json& forward = results[2 * k];
    const json& reference_greedy = results[2 * k + 1];
    const size_t S = s.source.size(), T = s.target.size();
    INFO("sentence " << k << ": " << S << " source tokens, " << T << " target tokens");

    const attn::TeacherForced ours = attn::teacher_forced(model, s.source, s.target);
    REQUIRE(ours.logits.size() == T * static_cast<size_t>(T_vocab));
    REQUIRE(ours.attention.size() == T * S);
    const double tolerance = model.is_int8() ? kInt8Tolerance : kTolerance;
    CHECK(max_difference(ours.logits, forward["logits"], T, static_cast<size_t>(T_vocab)) <= tolerance);
    CHECK(max_difference(ours.attention, forward["attention"], T, S) <= tolerance);
    if (S > 1) attention_spread = std::max(attention_spread, check_distribution_rows(forward["attention"]));

    // The reference stops at the limit without forcing </s>; beam search puts </s> in the last place.
    std::vector<int> expected = reference_greedy["tokens"].get<std::vector<int>>();
    const int limit = attn::max_output_length(greedy, static_cast<int>(S));
    REQUIRE(!expected.empty());
    if (static_cast<int>(expected.size()) == limit) expected.back() = Tokenizer::kEos;
    const std::vector<attn::SearchHypothesis> found = attn::beam_search(model, s.source, greedy);
    REQUIRE(found.size() == 1);
    CHECK(found[0].tokens == expected);
  }
  // Guards the comparison's power: with uniform attention, mistakes in the attention would go unseen.
  CHECK(attention_spread > 0.1);
}

}  // namespace

TEST_CASE("forward pass and greedy search match the PyTorch reference: f32, separate output matrix",
          "[model][reference]") {
  compare_with_reference(random_reference_model(false, 11));
}

TEST_CASE("forward pass and greedy search match the PyTorch reference: f32, tied output", "[model][reference]") {
  compare_with_reference(random_reference_model(true, 12));
}

TEST_CASE("forward pass and greedy search match the PyTorch reference: int8", "[model][reference]") {
  compare_with_reference(attn::quantize(random_reference_model(false, 13)));
  compare_with_reference(attn::quantize(random_reference_model(true, 14)));
}

TEST_CASE("reference.py is self-consistent and rejects bad input", "[model][reference]") {
  const Model model = random_reference_model(false, 21);
  const std::vector<uint8_t> bytes = attn::save_model(model);
  const std::string file_bytes(bytes.begin(), bytes.end());
  TempPath model_file(".safetensors");
  model_file.write(file_bytes);
  const std::string source = "5 9 4 7 2";

  SECTION("greedy tokens are the argmax of its own teacher-forced logits, attention rows are distributions") {
    std::vector<int> tokens =
        run_reference_ok({"greedy", model_file.path(), "--src", source, "--max-len", "12"})["tokens"];
    REQUIRE(!tokens.empty());
    const bool stopped_at_limit = tokens.back() != Tokenizer::kEos;
    std::string target;
    for (int token : tokens) target += std::to_string(token) + " ";
    if (stopped_at_limit) target += "2";
    const json forward = run_reference_ok({"forward", model_file.path(), "--src", source, "--tgt", target});
    check_distribution_rows(forward["attention"]);
    const json& logits = forward["logits"];
    REQUIRE(logits.size() == tokens.size() + (stopped_at_limit ? 1 : 0));
    for (size_t t = 0; t < tokens.size(); ++t) {
      const std::vector<double> row = logits[t];
      CHECK(std::max_element(row.begin(), row.end()) - row.begin() == tokens[t]);
    }
  }

  SECTION("a source id outside the vocabulary is refused") {
    const std::string too_large = std::to_string(model.config.src_vocab);
    CHECK(reference_refuses({"greedy", model_file.path(), "--src", too_large + " 2", "--max-len", "3"}));
  }

  SECTION("a truncated model file is refused") {
    TempPath truncated(".safetensors");
    truncated.write(file_bytes.substr(0, file_bytes.size() - 16));
    CHECK(reference_refuses({"forward", truncated.path(), "--src", source, "--tgt", "2"}));
  }
}
