// Any input text translates (or is rejected with an exception) into valid UTF-8 with well-formed matrices.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/fixture.h"
#include "text/utf8.h"
#include "translator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const attn::Translator translator(attn::fuzz::fixture_model_bytes().data(),
                                           attn::fuzz::fixture_model_bytes().size());
  if (size > 4096) return 0;  // long inputs only slow the search down; the long-input cases are unit tests
  const std::string text(reinterpret_cast<const char*>(data), size);
  attn::TranslateOptions options;
  options.beam = size > 0 ? 1 + data[0] % 3 : 1;
  options.nbest = options.beam > 1 ? 1 : 0;
  const attn::Translation result = translator.translate(text, options);
  if (!attn::is_valid_utf8(result.text)) std::abort();
  for (const auto& sentence : result.sentences) {
    const size_t columns = sentence.source_tokens.size();
    if (sentence.best.attention.size() != sentence.best.target_tokens.size() * columns) std::abort();
    for (size_t r = 0; r < sentence.best.target_tokens.size(); ++r) {
      double sum = 0;
      for (size_t c = 0; c < columns; ++c) sum += sentence.best.attention[r * columns + c];
      if (std::fabs(sum - 1.0) > 1e-4) std::abort();
    }
  }
  return 0;
}
