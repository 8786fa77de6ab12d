// Any byte string given to the model loader either loads or throws std::runtime_error; nothing else.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "fuzz/fixture.h"
#include "model/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Mutating a real model reaches far deeper than random bytes: the first input byte picks a position of the
  // fixture to overwrite with the rest of the input (and also try the input on its own).
  try {
    attn::load_model(data, size);
  } catch (const std::runtime_error&) {
  }
  if (size < 2) return 0;
  std::vector<uint8_t> model = attn::fuzz::fixture_model_bytes();
  const size_t position = (static_cast<size_t>(data[0]) * 2654435761u) % model.size();
  const size_t length = std::min(size - 1, model.size() - position);
  std::memcpy(model.data() + position, data + 1, length);
  try {
    attn::load_model(model.data(), model.size());
  } catch (const std::runtime_error&) {
  }
  return 0;
}
