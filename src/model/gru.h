// The GRU cell with PyTorch nn.GRU's gate layout (r, z, n stacked in that order).
#pragma once

#include <vector>

#include "model/model.h"

namespace attn {

// Combines precomputed input projections gates_input = W_ih x + b_ih [count, 3H] with
// gates_hidden = W_hh h + b_hh [count, 3H] into the next state:
//   r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r ⊙ h_n), h' = (1 − z) ⊙ n + z ⊙ h.
// gates_input is used as scratch (overwritten).
void gru_combine(float* gates_input, const float* gates_hidden, const float* previous, int count, int hidden,
                 float* next);

// Runs a GRU over a whole sequence (one direction), starting from h = 0.
// inputs [length, input_dim] → states [length, H]; with `reverse` position length−1 is read first.
void gru_sequence(const GruParams& gru, const float* inputs, int length, int hidden, bool reverse, float* states);

}  // namespace attn
