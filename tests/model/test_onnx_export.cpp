// scripts/export-onnx.py on model files written by the engine, verified by scripts/check-onnx.py (the exported
// graphs, run on its numpy ONNX interpreter, against scripts/reference.py).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/model_file.h"
#include "reference_fixture.h"

namespace {

using attn::testing::run_script_ok;
using attn::testing::TempPath;
using nlohmann::json;

void export_and_check(const attn::Model& model) {
  const std::vector<uint8_t> bytes = attn::save_model(model);
  TempPath model_file(".safetensors");
  model_file.write(std::string(bytes.begin(), bytes.end()));
  TempPath onnx_dir("-onnx");
  run_script_ok("export-onnx.py", {model_file.path(), onnx_dir.path()});

  const json report = json::parse(run_script_ok("check-onnx.py", {model_file.path(), onnx_dir.path()}));
  INFO(report.dump());
  CHECK(report["mismatches"].empty());
  CHECK(report["sentences"].get<int>() == 3);
  CHECK(report["greedy_tokens_compared"].get<int>() >= 3);
  CHECK(report["max_difference"].get<double>() <= 1e-4);
}

}  // namespace

TEST_CASE("the ONNX export of an f32 model with its own output matrix matches the reference", "[model][onnx]") {
  export_and_check(attn::testing::random_reference_model(false, 31));
}

TEST_CASE("the ONNX export of an int8 model with tied output matches the reference", "[model][onnx]") {
  export_and_check(attn::quantize(attn::testing::random_reference_model(true, 32)));
}
