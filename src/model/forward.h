// Inference forward pass: the encoder once per sentence, then one decoder step at a time for a batch of
// hypotheses (the beam). Training has its own batched forward/backward in src/train.
#pragma once

#include <vector>

#include "model/embedding_cache.h"
#include "model/model.h"

namespace attn {

// What the decoder needs from the source, computed once per sentence. The decoder uses the context
// c_i = Σ_j α_ij a_j only through two linear maps, so it projects every annotation once here and each step
// takes the same weighted sum of the projections: exact in real arithmetic, and per step (and per hypothesis) it
// replaces two products with 2H columns by one weighted sum over S rows.
struct EncoderOutput {
  int length = 0;                    // S: source tokens including </s>
  std::vector<float> annotations;    // [S, 2H]  a_j = [→h_j ; ←h_j]
  std::vector<float> keys;           // [S, A]   U_a a_j + b_a
  std::vector<float> context_gates;  // [S, 3H]  W_ih[:, E:] a_j, the decoder GRU's input-gate share of a_j
  std::vector<float> context_output; // [S, E]   W_o[:, H:3H] a_j, the output layer's share of a_j
  std::vector<float> initial_state;  // [H]      s_0 = tanh(W_init ←h_1 + b_init)
};

// Scratch buffers reused across decoder steps so decoding allocates nothing per token.
struct DecoderWorkspace {
  std::vector<float> query, gates_input, gates_hidden, output_hidden, output_embedded, gates_context, output_context;
};

EncoderOutput encode(const Model& model, const std::vector<int>& source_ids);

// One decoder step for `count` hypotheses. previous_tokens[count], previous_states [count, H] →
// states [count, H], attention [count, S], logits [count, Vt]. `embeddings` must belong to `model`.
void decode_step(const Model& model, const EncoderOutput& encoded, const int* previous_tokens,
                 const float* previous_states, int count, float* states, float* attention, float* logits,
                 EmbeddingCache& embeddings, DecoderWorkspace& workspace);

// Teacher-forced pass over a target sequence (used by the PyTorch oracle test): returns raw logits [T, Vt]
// and attention [T, S] where step t is fed target_ids[t-1] (<s> at t = 0).
struct TeacherForced {
  std::vector<float> logits;
  std::vector<float> attention;
};
TeacherForced teacher_forced(const Model& model, const std::vector<int>& source_ids,
                             const std::vector<int>& target_ids);

}  // namespace attn
