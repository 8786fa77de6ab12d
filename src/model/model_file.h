// Reading and writing models as safetensors files (see models/FORMAT.md). Models are parsed from a byte
// buffer, never a path, so the native build and the wasm build share this loader.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"

namespace attn {

// The `format_version` this code writes and the only one it reads.
constexpr int kModelFormatVersion = 1;

// Parses and validates a model file; throws std::runtime_error whose message names the field or tensor at fault.
Model load_model(const uint8_t* bytes, size_t size);
// Serializes a model (F32 or int8, as its tensors are).
std::vector<uint8_t> save_model(const Model& model);
// The compact copy: every matrix becomes int8 with one F32 scale per output row; vectors stay F32.
Model quantize(const Model& model);
// The F32 copy of an int8 model: every matrix element becomes scale[row] * i8, the value the engine computes
// with, so both files translate with the same weights (used to compare engines that only run F32).
Model dequantize(const Model& model);

}  // namespace attn
