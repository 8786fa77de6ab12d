// Training data in memory: sentence pairs as token ids, length filtering, token-budget batches bucketed by
// length, and the padded time-major layout that backprop consumes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace attn {

// One sentence pair; both sides end with </s> (id 2).
struct TokenPair {
  std::vector<int> source;
  std::vector<int> target;
};

// A padded mini-batch, time-major: element (t, b) of a [length, size] array lives at t * size + b.
// Padding is on the right (id 0, mask 0).
struct Batch {
  int size = 0;           // B: sentence pairs
  int source_length = 0;  // S: longest source including </s>
  int target_length = 0;  // T: longest target including </s>
  std::vector<int> source_ids;      // [S, B]
  std::vector<float> source_mask;   // [S, B] 1 for real tokens
  std::vector<int> target_ids;      // [T, B] the tokens to predict, y_1..y_T (ending with </s>)
  std::vector<float> target_mask;   // [T, B]
  int target_tokens = 0;  // real target tokens (the loss is averaged over these)

  // Throws std::invalid_argument when empty or when a sequence is empty.
  static Batch from_pairs(const std::vector<const TokenPair*>& pairs);
  static Batch from_pairs(const std::vector<TokenPair>& pairs);
  // Decoder input at step t: <s> at t = 0, else the previous target token.
  int decoder_input(int t, int b) const { return t == 0 ? Tokenizer::kBos : target_ids[(t - 1) * size + b]; }
};

// Reads column `source_column` and `target_column` (1-based) of a TSV file. Throws std::runtime_error naming
// the file and line when a line has too few columns.
std::vector<std::pair<std::string, std::string>> read_tsv_pairs(const std::string& path, int source_column,
                                                                int target_column);

struct EncodedCorpus {
  std::vector<TokenPair> pairs;
  size_t skipped_too_long = 0;  // pairs over max_length tokens on either side (</s> included)
};

// Encodes and appends </s>; drops pairs longer than max_length tokens on either side (0 = keep all).
EncodedCorpus encode_pairs(const std::vector<std::pair<std::string, std::string>>& text, const Tokenizer& source,
                           const Tokenizer& target, int max_length);

// Groups pair indices into batches of similar length holding at most `max_tokens` padded tokens on the longer
// side each (at least one pair per batch). The order of pairs is shuffled with `seed` before the length
// sort so equal-length pairs land in different batches each epoch; deterministic for a given seed.
std::vector<std::vector<int>> make_batches(const std::vector<TokenPair>& pairs, int max_tokens, uint64_t seed);

}  // namespace attn
