// Embind bindings: attn::Translator (src/translator.h) as seen from JavaScript. Kept thin — option checking and
// conversion to plain JS objects only; web/attention-translator.js builds the public promise-based API on top.
//
// Failures are *returned* as JS Error objects (TypeError for arguments of the wrong type or unknown options,
// RangeError for std::invalid_argument, Error otherwise, always with the C++ message), never thrown: a JS exception
// leaving wasm skips the C++ destructors and the wasm stack-pointer restore of every frame it crosses, so throwing
// from here would leak on each failure. The JS wrapper throws what it gets back.
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "translator.h"

namespace {

using emscripten::val;

// An argument of the wrong JS type or an unknown option name; reported as a TypeError.
struct ArgumentTypeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::string js_type_name(const val& value) {
  if (value.isNull()) return "null";
  if (value.isArray()) return "array";
  return value.typeOf().as<std::string>();
}

template <class Body>
val returning_errors(Body&& body) {
  try {
    return body();
  } catch (const ArgumentTypeError& error) {
    return val::global("TypeError").new_(std::string(error.what()));
  } catch (const std::invalid_argument& error) {
    return val::global("RangeError").new_(std::string(error.what()));
  } catch (const std::exception& error) {
    return val::global("Error").new_(std::string(error.what()));
  }
}

int integer_option(const val& value, const std::string& name) {
  if (!value.isNumber() || !val::global("Number").call<bool>("isSafeInteger", value)) {
    throw ArgumentTypeError("option '" + name + "' must be an integer, got " +
                            (value.isNumber() ? value.call<std::string>("toString") : js_type_name(value)));
  }
  // Saturating keeps absurd values out-of-range for the translator's own check, which names the limits.
  const double number = value.as<double>();
  return static_cast<int>(std::fmax(std::fmin(number, std::numeric_limits<int>::max()),
                                    std::numeric_limits<int>::min()));
}

bool boolean_option(const val& value, const std::string& name) {
  if (!value.isTrue() && !value.isFalse()) {
    throw ArgumentTypeError("option '" + name + "' must be a boolean, got " + js_type_name(value));
  }
  return value.isTrue();
}

attn::TranslateOptions parse_options(const val& options) {
  attn::TranslateOptions parsed;
  if (options.isUndefined() || options.isNull()) return parsed;
  if (js_type_name(options) != "object") {
    throw ArgumentTypeError("options must be an object, got " + js_type_name(options));
  }
  const val names = val::global("Object").call<val>("keys", options);
  const int count = names["length"].as<int>();
  for (int i = 0; i < count; ++i) {
    const std::string name = names[i].as<std::string>();
    const val value = options[name];
    if (value.isUndefined()) continue;
    if (name == "beam") {
      parsed.beam = integer_option(value, name);
    } else if (name == "nbest") {
      parsed.nbest = integer_option(value, name);
    } else if (name == "splitSentences") {
      parsed.split_sentences = boolean_option(value, name);
    } else if (name == "carryOver") {
      parsed.carry_over = boolean_option(value, name);
    } else if (name == "blockRepeats") {
      parsed.block_repeats = boolean_option(value, name);
    } else {
      throw ArgumentTypeError("unknown option '" + name +
                              "' (expected beam, nbest, splitSentences, carryOver, blockRepeats)");
    }
  }
  return parsed;
}

val string_array(const std::vector<std::string>& strings) {
  val array = val::array();
  for (size_t i = 0; i < strings.size(); ++i) array.set(i, strings[i]);
  return array;
}

// A Float32Array or Int32Array that owns a copy of the values, so it stays valid after the wasm heap changes or grows.
template <class T>
val typed_array(const std::vector<T>& values) {
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

void set_hypothesis_fields(val& object, const attn::Hypothesis& hypothesis) {
  object.set("translation", hypothesis.translation);
  object.set("targetTokens", string_array(hypothesis.target_tokens));
  object.set("targetIds", typed_array(hypothesis.target_ids));
  object.set("attention", typed_array(hypothesis.attention));
  object.set("tokenProbabilities", typed_array(hypothesis.token_probabilities));
  object.set("score", hypothesis.score);
}

val sentence_object(const attn::SentenceTranslation& sentence) {
  val object = val::object();
  object.set("source", sentence.source);
  object.set("sourceTokens", string_array(sentence.source_tokens));
  object.set("sourceIds", typed_array(sentence.source_ids));
  set_hypothesis_fields(object, sentence.best);
  val nbest = val::array();
  for (size_t i = 0; i < sentence.nbest.size(); ++i) {
    val hypothesis = val::object();
    set_hypothesis_fields(hypothesis, sentence.nbest[i]);
    nbest.set(i, hypothesis);
  }
  object.set("nbest", nbest);
  return object;
}

class JsTranslator {
 public:
  explicit JsTranslator(attn::Translator translator) : translator_(std::move(translator)) {}

  // translate(text, options?) → { text, sentences: [...] } or an Error.
  val translate(const val& text, const val& options) const {
    return returning_errors([&] {
      if (!text.isString()) throw ArgumentTypeError("text must be a string, got " + js_type_name(text));
      const attn::Translation translation = translator_.translate(text.as<std::string>(), parse_options(options));
      val result = val::object();
      result.set("text", translation.text);
      val sentences = val::array();
      for (size_t i = 0; i < translation.sentences.size(); ++i) sentences.set(i, sentence_object(translation.sentences[i]));
      result.set("sentences", sentences);
      return result;
    });
  }

  val info() const {
    return returning_errors([&] {
      const attn::ModelSummary summary = translator_.summary();
      val result = val::object();
      result.set("sourceLanguage", summary.source_language);
      result.set("targetLanguage", summary.target_language);
      result.set("dtype", summary.dtype);
      result.set("parameters", static_cast<double>(summary.parameters));
      result.set("fileBytes", static_cast<double>(summary.file_bytes));
      result.set("srcVocab", summary.src_vocab);
      result.set("tgtVocab", summary.tgt_vocab);
      result.set("embed", summary.embed);
      result.set("hidden", summary.hidden);
      result.set("attention", summary.attention);
      result.set("simd", summary.simd);
      val metadata = val::object();
      for (const auto& [key, value] : summary.metadata) metadata.set(key, value);
      result.set("metadata", metadata);
      return result;
    });
  }

 private:
  attn::Translator translator_;
};

// loadTranslator(bytes: Uint8Array) → Translator or an Error carrying the model loader's message. The bytes are
// copied into the wasm heap once; the parsed model keeps its own tensors, so the copy is freed on return.
val load_translator(const val& bytes) {
  return returning_errors([&] {
    if (!bytes.instanceof(val::global("Uint8Array"))) {
      throw ArgumentTypeError("model bytes must be a Uint8Array, got " + js_type_name(bytes));
    }
    const size_t size = bytes["length"].as<size_t>();
    const std::unique_ptr<uint8_t[]> copy(new uint8_t[size]);  // not a vector: zero-filling it costs load time
    val(emscripten::typed_memory_view(size, copy.get())).call<void>("set", bytes);
    return val(JsTranslator(attn::Translator(copy.get(), size)));
  });
}

// For leak tests: bytes currently allocated by malloc, and the size of the wasm memory.
val memory_usage() {
  val usage = val::object();
  usage.set("allocatedBytes", static_cast<double>(mallinfo().uordblks));
  usage.set("heapBytes", static_cast<double>(emscripten_get_heap_size()));
  return usage;
}

}  // namespace

EMSCRIPTEN_BINDINGS(attention_translator) {
  emscripten::class_<JsTranslator>("Translator")
      .function("translate", &JsTranslator::translate)
      .function("info", &JsTranslator::info);
  emscripten::function("loadTranslator", &load_translator);
  emscripten::function("memoryUsage", &memory_usage);
}
