// attn quantize: the compact int8 copy of an F32 model, or (--dtype f32) the F32 copy of an int8 model.
#include <cstdio>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "model/model_file.h"

namespace attn::cli {
namespace {

int run_quantize(const std::vector<std::string>& argv) {
  const Args args(argv, {"dtype"}, {});
  args.expect_positional(2, "IN and OUT");
  const std::string dtype = args.get("dtype", "i8");
  if (dtype != "i8" && dtype != "int8" && dtype != "f32")
    throw UsageError("option --dtype must be 'i8' or 'f32', got '" + dtype + "'");
  const bool to_f32 = dtype == "f32";

  const std::vector<uint8_t> bytes = read_file(args.positional()[0]);
  const Model model = load_model(bytes.data(), bytes.size());
  const std::vector<uint8_t> converted = save_model(to_f32 ? dequantize(model) : quantize(model));
  write_file_atomic(args.positional()[1], converted);
  std::printf("wrote %s: %zu bytes, %s (input: %zu bytes, %s)\n", args.positional()[1].c_str(), converted.size(),
              to_f32 ? "F32" : "I8", bytes.size(), model.is_int8() ? "I8" : "F32");
  return 0;
}

const CommandRegistration registration({"quantize", "attn quantize [--dtype i8|f32] IN OUT",
                                        "write the int8 copy of an F32 model (default), or with --dtype f32 the "
                                        "F32 copy of an int8 model (same weights)",
                                        run_quantize});

}  // namespace
}  // namespace attn::cli
