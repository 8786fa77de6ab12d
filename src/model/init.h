// Random initialisation of a fresh model (the trainer's starting point, and test fixtures).
#pragma once

#include <cstdint>

#include "model/model.h"

namespace attn {

// Takes the vocabularies from the tokenizers; E, H, A and tied_output from `config`. Uniform(-k, k) with
// k = 1/sqrt(H) for recurrent weights as nn.GRU does, scaled normal embeddings, zero biases.
Model init_model(ModelConfig config, Tokenizer src_tokenizer, Tokenizer tgt_tokenizer, uint64_t seed);

}  // namespace attn
