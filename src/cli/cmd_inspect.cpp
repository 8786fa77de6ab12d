// attn inspect: what a model file holds.
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "model/model_file.h"

namespace attn::cli {
namespace {

std::string shape_text(const Tensor& t) {
  std::string out = "[";
  for (size_t i = 0; i < t.shape.size(); ++i) out += (i ? ", " : "") + std::to_string(t.shape[i]);
  return out + "]";
}

const char* mode_name(const Tokenizer& t) { return t.mode() == TokenizerMode::Char ? "characters" : "BPE"; }

int run_inspect(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {});
  args.expect_positional(1, "MODEL");
  const std::vector<uint8_t> bytes = read_file(args.positional()[0]);
  const Model model = load_model(bytes.data(), bytes.size());
  const ModelConfig& c = model.config;
  std::printf("model            %s\nfile bytes       %zu\nformat version   %d\ndtype            %s\n",
              args.positional()[0].c_str(), bytes.size(), kModelFormatVersion, model.is_int8() ? "I8" : "F32");
  std::printf("dimensions       E=%d H=%d A=%d, tied output: %s\n", c.embed, c.hidden, c.attention,
              c.tied_output ? "yes" : "no");
  std::printf("source tokens    %d (%s)\ntarget tokens    %d (%s)\n", c.src_vocab, mode_name(model.src_tokenizer),
              c.tgt_vocab, mode_name(model.tgt_tokenizer));
  std::printf("parameters       %zu\n\nmetadata\n", model.parameter_count());
  for (const auto& [key, value] : model.info) std::printf("  %-24s %s\n", key.c_str(), value.c_str());
  std::printf("\ntensors\n");
  model.params.for_each(c.tied_output, [](const std::string& name, const Tensor& t) {
    std::printf("  %-20s %-3s %s\n", name.c_str(), t.is_int8() ? "I8" : "F32", shape_text(t).c_str());
  });
  return 0;
}

const CommandRegistration registration({"inspect", "attn inspect MODEL",
                                        "print a model's metadata, tensors and sizes", run_inspect});

}  // namespace
}  // namespace attn::cli
