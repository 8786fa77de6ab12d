// The public API: a model loaded from bytes translates text and reports, for every sentence, the alignment
// (attention) matrix. The native CLI, the tests and the WebAssembly bindings all use only this header.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct Model;
class EmbeddingCache;

struct TranslateOptions {
  int beam = 4;       // 1 = greedy; at most 16
  int nbest = 0;      // 0 = no n-best list; else up to `beam` hypotheses per sentence
  bool split_sentences = true;  // paragraph → sentences, each with its own matrix
  // false: leave every `attention` empty. A matrix costs source × target floats per sentence, which for a 1 MB
  // input is gigabytes; callers that only want the text (plain CLI output, evaluation) keep memory flat.
  bool attention = true;
  // The two repairs of the search's output; benchmarks switch both off to compare engines on the plain search.
  // carry_over: put back names and numbers the model garbled, using its alignment (search/carry_over.h); the
  // repaired output is re-scored by the model, so its attention and probabilities are the model's own.
  // block_repeats: no span of 1..4 tokens three times in a row and no looping word (search/repetition.h), unless
  // the source repeats.
  bool carry_over = true;
  bool block_repeats = true;
};

struct Hypothesis {
  std::string translation;
  std::vector<std::string> target_tokens;  // ends with "</s>"
  // The model's ids behind target_tokens, ending with </s>. For a model that protects spans they hold the
  // placeholders, which target_tokens and translation show restored, so only the ids name what the search wrote.
  std::vector<int> target_ids;
  std::vector<float> attention;            // [target_tokens.size(), source_tokens.size()], rows sum to 1
  std::vector<float> token_probabilities;  // p(token) for each target token
  float score = 0;                         // length-normalized log-probability
};

struct SentenceTranslation {
  std::string source;                      // the sentence as it appeared in the input
  std::vector<std::string> source_tokens;  // ends with "</s>"
  std::vector<int> source_ids;             // what the search read, ending with </s> (masked spans as placeholders)
  Hypothesis best;
  std::vector<Hypothesis> nbest;           // filled when TranslateOptions::nbest > 0; best score first (scores after
                                           // the carry-over's re-scoring); nbest[0] is `best`
};

struct Translation {
  std::string text;  // the sentences' translations joined with the input's own spacing
  std::vector<SentenceTranslation> sentences;
};

struct ModelSummary {
  std::string source_language;
  std::string target_language;
  std::string dtype;  // "F32" or "I8"
  int64_t parameters = 0;
  int64_t file_bytes = 0;
  int src_vocab = 0, tgt_vocab = 0, embed = 0, hidden = 0, attention = 0;
  std::string simd;   // kernel variant in use: "avx2", "wasm-simd128" or "scalar"
  std::map<std::string, std::string> metadata;
};

class Translator {
 public:
  // Parses and validates a model file held in memory; throws std::runtime_error naming what is wrong.
  Translator(const uint8_t* bytes, size_t size);
  ~Translator();
  Translator(Translator&&) noexcept;
  Translator& operator=(Translator&&) noexcept;

  // Throws std::invalid_argument for bad options (beam outside 1..16, nbest > beam).
  Translation translate(std::string_view text, const TranslateOptions& options = {}) const;
  ModelSummary summary() const;
  const Model& model() const { return *model_; }

 private:
  std::unique_ptr<Model> model_;
  // The decoder's per-token products, kept across calls (at most 8 MB; see model/embedding_cache.h).
  std::unique_ptr<EmbeddingCache> embeddings_;
  int64_t file_bytes_ = 0;
};

}  // namespace attn
