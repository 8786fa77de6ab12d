// Inference forward pass: the encoder once per sentence, then one decoder step at a time for a batch of
// hypotheses (the beam). Training has its own batched forward/backward in src/train.
#pragma once

#include <vector>

#include "model/model.h"

namespace attn {

struct EncoderOutput {
  int length = 0;                   // S: source tokens including </s>
  std::vector<float> annotations;   // [S, 2H]  a_j = [→h_j ; ←h_j]
  std::vector<float> keys;          // [S, A]   U_a a_j + b_a, computed once per sentence
  std::vector<float> initial_state; // [H]      s_0 = tanh(W_init ←h_1 + b_init)
};

// Scratch buffers reused across decoder steps so decoding allocates nothing per token.
struct DecoderWorkspace {
  std::vector<float> embedded, query, context, gru_input, gates_input, gates_hidden, output_input, output_hidden;
};

EncoderOutput encode(const Model& model, const std::vector<int>& source_ids);

// One decoder step for `count` hypotheses. previous_tokens[count], previous_states [count, H] →
// states [count, H], attention [count, S], logits [count, Vt].
void decode_step(const Model& model, const EncoderOutput& encoded, const int* previous_tokens,
                 const float* previous_states, int count, float* states, float* attention, float* logits,
                 DecoderWorkspace& workspace);

// Teacher-forced pass over a target sequence (used by the PyTorch oracle test): returns raw logits [T, Vt]
// and attention [T, S] where step t is fed target_ids[t-1] (<s> at t = 0).
struct TeacherForced {
  std::vector<float> logits;
  std::vector<float> attention;
};
TeacherForced teacher_forced(const Model& model, const std::vector<int>& source_ids,
                             const std::vector<int>& target_ids);

}  // namespace attn
