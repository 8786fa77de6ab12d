// Any text normalizes to valid UTF-8, encodes, and decodes back to its normalized form exactly.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/fixture.h"
#include "model/model_file.h"
#include "text/normalize.h"
#include "text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const attn::Model model =
      attn::load_model(attn::fuzz::fixture_model_bytes().data(), attn::fuzz::fixture_model_bytes().size());
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string normalized = attn::normalize(text);
  if (!attn::is_valid_utf8(normalized)) std::abort();
  for (const attn::Tokenizer* tokenizer : {&model.src_tokenizer, &model.tgt_tokenizer}) {
    if (tokenizer->decode(tokenizer->encode(text)) != normalized) std::abort();
  }
  return 0;
}
