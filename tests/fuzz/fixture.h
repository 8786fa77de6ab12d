// The committed fixture model, loaded once for the harnesses that need a model.
#pragma once

#include <cstdint>
#include <vector>

namespace attn::fuzz {

const std::vector<uint8_t>& fixture_model_bytes();

}  // namespace attn::fuzz
