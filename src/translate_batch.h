// Translating many texts, or one long text, on several threads (src/parallel.h). Sentences are translated
// independently of each other, so the sentences of all the texts are spread over the threads and each text is put
// back together in order: the results are byte-identical to Translator::translate on one thread.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text/sentence_split.h"
#include "translator.h"

namespace attn {

// One text's outcome: its translation, or what translating it threw.
struct BatchTranslation {
  Translation translation;   // empty when `error` is set
  std::exception_ptr error;  // null on success
};

// Translates every text as translator.translate(text, options) does, on `threads` threads (0: every core,
// available_cores()). One entry per text, in order; a text that fails carries its error and the others are still
// translated. Throws std::invalid_argument for bad options, as translate() does, before translating anything.
std::vector<BatchTranslation> translate_batch(const Translator& translator, const std::vector<std::string>& texts,
                                              const TranslateOptions& options, unsigned threads = 0);

// One text with its sentences spread over `threads` threads (0: every core); throws what translating it threw.
Translation translate_parallel(const Translator& translator, std::string_view text, const TranslateOptions& options,
                               unsigned threads = 0);

// Throws std::invalid_argument for options that translate() rejects, as it does.
void check_options(const Translator& translator, const TranslateOptions& options);

// A text cut into the parts translate() translates independently. It splits a text into sentences (spans without
// surrounding whitespace), translates each on its own (a long one in several pieces) and joins the translations
// with the text between them. A sentence translated alone with split_sentences off is cut into the same pieces, so
// its result is exactly its share of the whole text's. Without splitting, the whole text is one part. The browser's
// worker pool spreads these parts over its workers (src/wasm/bindings.cpp).
struct TextParts {
  std::string text;             // the input with ill-formed UTF-8 replaced, as translate() reads it
  std::vector<TextSpan> parts;  // byte spans of `text`, in order
};
TextParts cut_into_parts(std::string_view text, bool split);

// The splitting and reassembling behind translate_batch, around any function that translates one part of a text
// as translate() does with split_sentences off. Tests use it to make a part fail.
using PartTranslator = std::function<Translation(std::string_view part)>;
std::vector<BatchTranslation> translate_parts_in_parallel(const std::vector<std::string>& texts, bool split,
                                                          unsigned threads, const PartTranslator& translate_part);

}  // namespace attn
