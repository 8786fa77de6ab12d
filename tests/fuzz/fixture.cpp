#include "fuzz/fixture.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace attn::fuzz {

const std::vector<uint8_t>& fixture_model_bytes() {
  static const std::vector<uint8_t> bytes = [] {
    std::ifstream in(ATTN_SOURCE_DIR "/tests/fixtures/tiny.safetensors", std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.empty()) throw std::runtime_error("cannot read tests/fixtures/tiny.safetensors");
    return data;
  }();
  return bytes;
}

}  // namespace attn::fuzz
