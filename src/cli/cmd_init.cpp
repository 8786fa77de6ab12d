// attn init: a randomly initialised model (test fixtures, and the trainer's starting point).
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "model/init.h"
#include "model/model_file.h"

namespace attn::cli {
namespace {

std::string read_text(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  return std::string(bytes.begin(), bytes.end());
}

// CONFIG is a JSON object: {"embed_dim": E, "hidden_dim": H, "attention_dim": A, "tied_output": bool,
// "source_language": "fr", "target_language": "en"}; dimensions are required, the rest optional.
ModelConfig read_config(const std::string& path, std::map<std::string, std::string>& info) {
  const nlohmann::json config = nlohmann::json::parse(read_text(path), nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) throw std::runtime_error("config " + path + " is not a JSON object");
  const std::set<std::string> known = {"embed_dim", "hidden_dim", "attention_dim", "tied_output", "source_language",
                                       "target_language"};
  for (const auto& item : config.items())
    if (!known.count(item.key())) throw std::runtime_error("config " + path + ": unknown key '" + item.key() + "'");
  auto dimension = [&](const char* key) {
    if (!config.contains(key) || !config[key].is_number_integer())
      throw std::runtime_error("config " + path + ": '" + key + "' must be a positive integer");
    return config[key].get<int>();
  };
  ModelConfig c;
  c.embed = dimension("embed_dim");
  c.hidden = dimension("hidden_dim");
  c.attention = dimension("attention_dim");
  if (config.contains("tied_output")) {
    if (!config["tied_output"].is_boolean()) throw std::runtime_error("config " + path + ": 'tied_output' must be true or false");
    c.tied_output = config["tied_output"].get<bool>();
  }
  for (const char* key : {"source_language", "target_language"}) {
    if (!config.contains(key)) continue;
    if (!config[key].is_string()) throw std::runtime_error("config " + path + ": '" + key + "' must be a string");
    info[key] = config[key].get<std::string>();
  }
  return c;
}

int run_init(const std::vector<std::string>& argv) {
  const Args args(argv, {"config", "src-vocab", "tgt-vocab", "seed"}, {});
  args.expect_positional(1, "OUT");
  std::map<std::string, std::string> info;
  const ModelConfig config = read_config(args.require("config"), info);
  const uint64_t seed = static_cast<uint64_t>(args.get_int("seed", 1, 0, (1LL << 62)));
  Model model = init_model(config, Tokenizer::from_json(read_text(args.require("src-vocab"))),
                           Tokenizer::from_json(read_text(args.require("tgt-vocab"))), seed);
  for (auto& [key, value] : info) model.info[key] = value;
  const std::vector<uint8_t> bytes = save_model(model);
  write_file_atomic(args.positional()[0], bytes);
  std::printf("wrote %s: %zu parameters, %zu bytes\n", args.positional()[0].c_str(), model.parameter_count(),
              bytes.size());
  return 0;
}

const CommandRegistration registration(
    {"init", "attn init --config CONFIG.json --src-vocab SRC.json --tgt-vocab TGT.json [--seed N] OUT",
     "write a randomly initialised model", run_init});

}  // namespace
}  // namespace attn::cli
