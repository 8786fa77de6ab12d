// Greedy and beam search over the decoder, with length-normalized scores.
#pragma once

#include <vector>

#include "model/embedding_cache.h"
#include "model/model.h"

namespace attn {

struct SearchOptions {
  int beam = 1;   // 1..16; 1 is greedy
  int nbest = 1;  // hypotheses returned, 1..beam
  // Output is cut at max_length_ratio * source length + max_length_extra tokens (then </s> is forced).
  float max_length_ratio = 2.0f;
  int max_length_extra = 10;
  // Forbid a span of 1..4 tokens from occurring three times in a row, and words that loop (search/repetition.h).
  bool block_repeats = true;
};

struct SearchHypothesis {
  std::vector<int> tokens;         // target ids, ending with </s>
  std::vector<float> attention;    // [tokens.size(), source length]
  std::vector<float> probabilities;// p of each token
  float score = 0;                 // sum of log-probabilities / number of tokens
};

// The most target tokens (</s> included) a search writes for a source of `source_length` tokens.
int max_output_length(const SearchOptions& options, int source_length);

// source_ids must end with </s>. Returns up to options.nbest hypotheses, best first (greedy when beam is 1).
// `embeddings`: a cache of `model`'s token projections kept across searches (the Translator's); when null the
// search uses its own. Results are the same either way.
std::vector<SearchHypothesis> search(const Model& model, const std::vector<int>& source_ids,
                                     const SearchOptions& options, EmbeddingCache* embeddings = nullptr);

// The two strategies behind `search`, exposed so tests can check that a beam of 1 equals greedy decoding.
SearchHypothesis greedy_search(const Model& model, const std::vector<int>& source_ids, const SearchOptions& options,
                               EmbeddingCache* embeddings = nullptr);
std::vector<SearchHypothesis> beam_search(const Model& model, const std::vector<int>& source_ids,
                                          const SearchOptions& options, EmbeddingCache* embeddings = nullptr);

}  // namespace attn
