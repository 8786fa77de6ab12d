// attn quantize: the compact int8 copy of an F32 model.
#include <cstdio>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "model/model_file.h"

namespace attn::cli {
namespace {

int run_quantize(const std::vector<std::string>& argv) {
  const Args args(argv, {}, {});
  args.expect_positional(2, "IN and OUT");
  const std::vector<uint8_t> bytes = read_file(args.positional()[0]);
  const std::vector<uint8_t> quantized = save_model(quantize(load_model(bytes.data(), bytes.size())));
  write_file_atomic(args.positional()[1], quantized);
  std::printf("wrote %s: %zu bytes (F32 input: %zu bytes)\n", args.positional()[1].c_str(), quantized.size(),
              bytes.size());
  return 0;
}

const CommandRegistration registration({"quantize", "attn quantize IN OUT",
                                        "write the int8 copy of an F32 model", run_quantize});

}  // namespace
}  // namespace attn::cli
