#include "model/forward.h"

#include <algorithm>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>

#include "kernels/kernels.h"
#include "model/gru.h"

namespace attn {
namespace {

void check_ids(const std::vector<int>& ids, int vocab, const char* what) {
  for (int id : ids) {
    if (id < 0 || id >= vocab)
      throw std::invalid_argument(std::string(what) + " token id " + std::to_string(id) + " is outside the vocabulary (" +
                                  std::to_string(vocab) + ")");
  }
}

// Copies `count` rows [x_k ; y_k ; ...] side by side: out[k] = concat(parts[0][k], parts[1][k], ...).
void concat_rows(std::initializer_list<std::pair<const float*, int>> parts, int count, float* out) {
  for (int k = 0; k < count; ++k) {
    for (const auto& [data, width] : parts) {
      const float* row = data + static_cast<size_t>(k) * width;
      out = std::copy(row, row + width, out);
    }
  }
}

// sum[i] += addend[i]
void add_inplace(float* sum, const float* addend, size_t n) {
  for (size_t i = 0; i < n; ++i) sum[i] += addend[i];
}

}  // namespace

EncoderOutput encode(const Model& model, const std::vector<int>& source_ids) {
  const ModelConfig& c = model.config;
  const Parameters& p = model.params;
  const int S = static_cast<int>(source_ids.size()), E = c.embed, H = c.hidden, A = c.attention;
  if (S == 0) throw std::invalid_argument("cannot encode an empty source sequence");
  check_ids(source_ids, c.src_vocab, "source");

  std::vector<float> embedded(static_cast<size_t>(S) * E);  // [S, E]
  for (int j = 0; j < S; ++j) p.src_embed.copy_row(source_ids[j], &embedded[static_cast<size_t>(j) * E]);

  std::vector<float> forward(static_cast<size_t>(S) * H), backward(static_cast<size_t>(S) * H);  // [S, H] each
  gru_sequence(p.enc_fwd, embedded.data(), S, H, /*reverse=*/false, forward.data());
  gru_sequence(p.enc_bwd, embedded.data(), S, H, /*reverse=*/true, backward.data());

  EncoderOutput out;
  out.length = S;
  out.annotations.resize(static_cast<size_t>(S) * 2 * H);  // [S, 2H]  a_j = [→h_j ; ←h_j]
  concat_rows({{forward.data(), H}, {backward.data(), H}}, S, out.annotations.data());
  out.keys.resize(static_cast<size_t>(S) * A);  // [S, A]  U_a a_j + b_a
  kernels::linear(p.att_U.view(), p.att_b.f32.data(), out.annotations.data(), S, out.keys.data());
  out.context_gates.resize(static_cast<size_t>(S) * 3 * H);  // [S, 3H]  W_ih[:, E:] a_j
  kernels::linear(p.dec.weight_ih.columns(E, E + 2 * H), nullptr, out.annotations.data(), S, out.context_gates.data());
  out.context_output.resize(static_cast<size_t>(S) * E);  // [S, E]  W_o[:, H:3H] a_j
  kernels::linear(p.out_hidden_weight.columns(H, 3 * H), nullptr, out.annotations.data(), S,
                  out.context_output.data());
  out.initial_state.resize(H);  // [H]  s_0 = tanh(W_init ←h_1 + b_init)
  kernels::linear(p.dec_init_weight.view(), p.dec_init_bias.f32.data(), backward.data(), 1, out.initial_state.data());
  kernels::tanh_inplace(out.initial_state.data(), H);
  return out;
}

void decode_step(const Model& model, const EncoderOutput& encoded, const int* previous_tokens,
                 const float* previous_states, int count, float* states, float* attention, float* logits,
                 EmbeddingCache& embeddings, DecoderWorkspace& ws) {
  const ModelConfig& c = model.config;
  const Parameters& p = model.params;
  const int K = count, S = encoded.length, E = c.embed, H = c.hidden, A = c.attention;
  const size_t k = static_cast<size_t>(K);
  ws.query.resize(k * A);
  ws.gates_context.resize(k * 3 * H);
  ws.output_context.resize(k * E);
  ws.gates_hidden.resize(k * 3 * H);
  ws.output_hidden.resize(k * E);

  // [K, 3H]  W_ih[:, :E] tgt_embed(y_{i-1}) + b_ih   and   [K, E]  W_o[:, 3H:] tgt_embed(y_{i-1})
  embeddings.project(previous_tokens, K, ws.gates_input, ws.output_embedded);
  // [K, A]  W_a s_{i-1}
  kernels::linear(p.att_W.view(), nullptr, previous_states, K, ws.query.data());
  for (int i = 0; i < K; ++i) {
    float* alpha = attention + static_cast<size_t>(i) * S;  // [S]  e_ij = v·tanh(W_a s + U_a a_j + b_a), then α
    kernels::attention_scores(&ws.query[static_cast<size_t>(i) * A], encoded.keys.data(), p.att_v.f32.data(), S, A,
                              alpha);
    kernels::softmax_inplace(alpha, S);
    // [3H] and [E]  W_ih[:, E:] c_i and W_o[:, H:3H] c_i, as Σ_j α_ij (W a_j)
    kernels::weighted_sum(alpha, encoded.context_gates.data(), S, 3 * H, &ws.gates_context[i * 3 * H]);
    kernels::weighted_sum(alpha, encoded.context_output.data(), S, E, &ws.output_context[i * E]);
  }
  // [K, 3H]  W_ih [tgt_embed(y_{i-1}) ; c_i] + b_ih   and   [K, 3H]  W_hh s_{i-1} + b_hh
  add_inplace(ws.gates_input.data(), ws.gates_context.data(), k * 3 * H);
  kernels::linear(p.dec.weight_hh.view(), p.dec.bias_hh.f32.data(), previous_states, K, ws.gates_hidden.data());
  gru_combine(ws.gates_input.data(), ws.gates_hidden.data(), previous_states, K, H, states);  // [K, H]  s_i
  // [K, E]  o_i = tanh(W_o [s_i ; c_i ; tgt_embed(y_{i-1})] + b_o)
  kernels::linear(p.out_hidden_weight.columns(0, H), p.out_hidden_bias.f32.data(), states, K, ws.output_hidden.data());
  add_inplace(ws.output_hidden.data(), ws.output_context.data(), k * E);
  add_inplace(ws.output_hidden.data(), ws.output_embedded.data(), k * E);
  kernels::tanh_inplace(ws.output_hidden.data(), K * E);
  // [K, Vt]  logits = W_out o_i + b_out
  kernels::linear(p.output_projection(c.tied_output).view(), p.out_proj_bias.f32.data(), ws.output_hidden.data(), K,
                  logits);
}

TeacherForced teacher_forced(const Model& model, const std::vector<int>& source_ids,
                             const std::vector<int>& target_ids) {
  const int H = model.config.hidden, V = model.config.tgt_vocab;
  const EncoderOutput encoded = encode(model, source_ids);
  const size_t T = target_ids.size(), S = static_cast<size_t>(encoded.length);
  TeacherForced out;
  out.logits.resize(T * V);
  out.attention.resize(T * S);
  std::vector<float> state = encoded.initial_state, next(H);
  EmbeddingCache embeddings(model);
  DecoderWorkspace workspace;
  int previous = Tokenizer::kBos;
  for (size_t t = 0; t < T; ++t) {
    decode_step(model, encoded, &previous, state.data(), 1, next.data(), &out.attention[t * S], &out.logits[t * V],
                embeddings, workspace);
    state.swap(next);
    previous = target_ids[t];
  }
  return out;
}

}  // namespace attn
