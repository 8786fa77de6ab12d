#include "train/backprop.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <omp.h>

#include "train/random.h"

namespace attn {
namespace {

template <class S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using MatMap = Eigen::Map<Mat<S>>;
template <class S>
using ConstMatMap = Eigen::Map<const Mat<S>>;
template <class S>
using RowMap = Eigen::Map<Eigen::Matrix<S, 1, Eigen::Dynamic>>;
template <class S>
using ConstRowMap = Eigen::Map<const Eigen::Matrix<S, 1, Eigen::Dynamic>>;

template <class S>
S sigmoid(S x) {
  return S(1) / (S(1) + std::exp(-x));
}

// Resizes `storage` (never shrinking its capacity) and views it as a [rows, cols] matrix.
template <class S>
MatMap<S> view(std::vector<S>& storage, long rows, long cols) {
  storage.resize(static_cast<size_t>(rows * cols));
  return MatMap<S>(storage.data(), rows, cols);
}
template <class S>
MatMap<S> zeroed(std::vector<S>& storage, long rows, long cols) {
  MatMap<S> m = view(storage, rows, cols);
  m.setZero();
  return m;
}

template <class S>
ConstMatMap<S> weight(const S* data, long rows, long cols) {
  return ConstMatMap<S>(data, rows, cols);
}
template <class S>
MatMap<S> gradient(S* data, long rows, long cols) {
  return MatMap<S>(data, rows, cols);
}

// Inverted dropout mask: 0 with probability p, else 1/(1-p).
template <class S>
void fill_dropout_mask(std::vector<S>& mask, size_t count, double p, SplitMix64& rng) {
  mask.resize(count);
  const S keep = S(1.0 / (1.0 - p));
  for (size_t i = 0; i < count; ++i) {
    const double u = static_cast<double>(rng.next() >> 11) * (1.0 / 9007199254740992.0);
    mask[i] = u < p ? S(0) : keep;
  }
}

// One GRU step for one batch row. gi/gh are the input and hidden pre-activations (biases included) in r, z, n
// order; m is the row's mask: padded rows carry the previous state unchanged.
template <class S>
void gru_cell_forward(const S* gi, const S* gh, const S* h_prev, int H, S m, S* r, S* z, S* n, S* gh_n, S* h) {
  for (int k = 0; k < H; ++k) {
    r[k] = sigmoid(gi[k] + gh[k]);
    z[k] = sigmoid(gi[H + k] + gh[H + k]);
    gh_n[k] = gh[2 * H + k];
    n[k] = std::tanh(gi[2 * H + k] + r[k] * gh_n[k]);
    const S h_new = (S(1) - z[k]) * n[k] + z[k] * h_prev[k];
    h[k] = m * h_new + (S(1) - m) * h_prev[k];
  }
}

// Backward of gru_cell_forward: dh is the gradient of the step's output; writes the pre-activation gradients
// dgi, dgh (r, z, n order) and the direct part of the previous state's gradient (without the W_hh path).
template <class S>
void gru_cell_backward(const S* dh, S m, const S* r, const S* z, const S* n, const S* gh_n, const S* h_prev, int H,
                       S* dgi, S* dgh, S* dh_prev) {
  for (int k = 0; k < H; ++k) {
    const S d_new = m * dh[k];
    const S dn = d_new * (S(1) - z[k]);
    const S dz = d_new * (h_prev[k] - n[k]);
    const S dn_pre = dn * (S(1) - n[k] * n[k]);
    const S dz_pre = dz * z[k] * (S(1) - z[k]);
    const S dr_pre = dn_pre * gh_n[k] * r[k] * (S(1) - r[k]);
    dgi[k] = dr_pre;
    dgi[H + k] = dz_pre;
    dgi[2 * H + k] = dn_pre;
    dgh[k] = dr_pre;
    dgh[H + k] = dz_pre;
    dgh[2 * H + k] = dn_pre * r[k];
    dh_prev[k] = (S(1) - m) * dh[k] + d_new * z[k];
  }
}

// Everything one recurrent direction keeps for its backward pass ([steps * B, ·], time-major rows).
template <class S>
struct GruTrace {
  std::vector<S> input_gates, states, previous, r, z, n, gh_n;
  std::vector<S> d_input_gates, d_hidden_gates, carry;
};

}  // namespace

template <class S>
struct BackpropWorkspace {
  // encoder
  std::vector<S> src_dropout, x, annotations, keys, d_annotations, d_keys, d_x, s0;
  GruTrace<S> fwd, bwd;
  // decoder
  std::vector<S> tgt_dropout, y, y_gates, dec_states, out_dropout, pre, alpha, context, out_input, out_hidden,
      logits, row_loss;
  GruTrace<S> dec;
  std::vector<S> step_gates, step_query, step_dprev, step_dcontext;
  std::vector<S> d_out_hidden, d_out_input, d_query, d_scores, d_y;
};

namespace {

template <class S>
using Weights = ParameterPointers<const S*>;
template <class S>
using Grads = ParameterPointers<S*>;

// Runs one GRU direction over the time-major sequence whose input pre-activations (x W_ih^T + b_ih) are in
// trace.input_gates; `reverse` walks from the last position to the first.
template <class S>
void gru_sequence_forward(const typename Weights<S>::Gru& g, int H, int B, int steps, bool reverse, const float* mask,
                          GruTrace<S>& t, std::vector<S>& gates_scratch) {
  MatMap<S> states = view(t.states, long(steps) * B, H);
  MatMap<S> previous = view(t.previous, long(steps) * B, H);
  view(t.r, long(steps) * B, H);
  view(t.z, long(steps) * B, H);
  view(t.n, long(steps) * B, H);
  view(t.gh_n, long(steps) * B, H);
  const auto w_hh = weight(g.weight_hh, 3 * H, H);
  const ConstRowMap<S> b_hh(g.bias_hh, 3 * H);
  MatMap<S> gh = view(gates_scratch, B, 3 * H);
  for (int step = 0; step < steps; ++step) {
    const int pos = reverse ? steps - 1 - step : step;
    const int prev_pos = reverse ? pos + 1 : pos - 1;
    auto prev_block = previous.middleRows(long(pos) * B, B);
    if (step == 0)
      prev_block.setZero();
    else
      prev_block = states.middleRows(long(prev_pos) * B, B);
    gh.noalias() = prev_block * w_hh.transpose();
    gh.rowwise() += b_hh;
    for (int b = 0; b < B; ++b) {
      const long row = long(pos) * B + b;
      gru_cell_forward<S>(&t.input_gates[row * 3 * H], &gh(b, 0), &previous(row, 0), H, S(mask[row]),
                          &t.r[row * H], &t.z[row * H], &t.n[row * H], &t.gh_n[row * H], &states(row, 0));
    }
  }
}

// Backward over one encoder direction. d_states[steps * B, H] is the gradient reaching each step's output from
// outside the recurrence (column block of the annotations' gradient).
template <class S, class DStates>
void gru_sequence_backward(const typename Weights<S>::Gru& g, int H, int B, int steps, bool reverse,
                           const float* mask, const DStates& d_states, GruTrace<S>& t) {
  MatMap<S> dgi = view(t.d_input_gates, long(steps) * B, 3 * H);
  MatMap<S> dgh = view(t.d_hidden_gates, long(steps) * B, 3 * H);
  MatMap<S> carry = zeroed(t.carry, B, H);
  const auto w_hh = weight(g.weight_hh, 3 * H, H);
  for (int step = steps - 1; step >= 0; --step) {
    const int pos = reverse ? steps - 1 - step : step;
    for (int b = 0; b < B; ++b) {
      const long row = long(pos) * B + b;
      S* c = &carry(b, 0);
      for (int k = 0; k < H; ++k) c[k] += d_states(row, k);
      gru_cell_backward<S>(c, S(mask[row]), &t.r[row * H], &t.z[row * H], &t.n[row * H], &t.gh_n[row * H],
                           &t.previous[row * H], H, &dgi(row, 0), &dgh(row, 0), c);
    }
    carry.noalias() += dgh.middleRows(long(pos) * B, B) * w_hh;
  }
}

// Weight gradients of one GRU after its backward pass: inputs [rows, in], previous states [rows, H].
template <class S, class Inputs>
void gru_weight_gradients(const typename Grads<S>::Gru& gg, int H, int in, const Inputs& inputs, const GruTrace<S>& t,
                          long rows) {
  const ConstMatMap<S> dgi(t.d_input_gates.data(), rows, 3 * H);
  const ConstMatMap<S> dgh(t.d_hidden_gates.data(), rows, 3 * H);
  const ConstMatMap<S> previous(t.previous.data(), rows, H);
  gradient(gg.weight_ih, 3 * H, in).noalias() += dgi.transpose() * inputs;
  gradient(gg.weight_hh, 3 * H, H).noalias() += dgh.transpose() * previous;
  RowMap<S>(gg.bias_ih, 3 * H) += dgi.colwise().sum();
  RowMap<S>(gg.bias_hh, 3 * H) += dgh.colwise().sum();
}

template <class S>
void zero_gradients(const ModelConfig& c, const Grads<S>& g) {
  const long E = c.embed, H = c.hidden, A = c.attention;
  auto zero = [](S* p, long n) { std::fill(p, p + n, S(0)); };
  zero(g.src_embed, c.src_vocab * E);
  zero(g.tgt_embed, c.tgt_vocab * E);
  for (const auto* gru : {&g.enc_fwd, &g.enc_bwd, &g.dec}) {
    zero(gru->weight_ih, 3 * H * (gru == &g.dec ? E + 2 * H : E));
    zero(gru->weight_hh, 3 * H * H);
    zero(gru->bias_ih, 3 * H);
    zero(gru->bias_hh, 3 * H);
  }
  zero(g.dec_init_weight, H * H);
  zero(g.dec_init_bias, H);
  zero(g.att_W, A * H);
  zero(g.att_U, A * 2 * H);
  zero(g.att_b, A);
  zero(g.att_v, A);
  zero(g.out_hidden_weight, E * (3 * H + E));
  zero(g.out_hidden_bias, E);
  zero(g.out_proj_weight, c.tgt_vocab * E);
  zero(g.out_proj_bias, c.tgt_vocab);
}

void validate(const ModelConfig& c, const Batch& batch) {
  if (c.embed <= 0 || c.hidden <= 0 || c.attention <= 0 || c.src_vocab <= 0 || c.tgt_vocab <= 0)
    throw std::invalid_argument("backprop: model dimensions must be positive");
  if (batch.size <= 0 || batch.source_length <= 0 || batch.target_length <= 0 || batch.target_tokens <= 0)
    throw std::invalid_argument("backprop: empty batch");
  const size_t s = size_t(batch.size) * batch.source_length, t = size_t(batch.size) * batch.target_length;
  if (batch.source_ids.size() != s || batch.source_mask.size() != s || batch.target_ids.size() != t ||
      batch.target_mask.size() != t)
    throw std::invalid_argument("backprop: batch arrays do not match its shape");
  for (int id : batch.source_ids)
    if (id < 0 || id >= c.src_vocab) throw std::invalid_argument("backprop: source id outside the vocabulary");
  for (int id : batch.target_ids)
    if (id < 0 || id >= c.tgt_vocab) throw std::invalid_argument("backprop: target id outside the vocabulary");
}

// One batch's pass through the network, stage by stage: the forward stages mirror encode / decode_step of
// src/model/forward.cpp for padded batches, and each backward stage undoes the forward stage of the same name.
// Rows are time-major: row t * B + b is position t of batch element b.
template <class S>
class Pass {
 public:
  Pass(const ModelConfig& c, const Weights<S>& w, const Batch& batch, const LossOptions& options,
       BackpropWorkspace<S>& ws)
      : w(w), batch(batch), options(options), ws(ws), B(batch.size), SL(batch.source_length),
        TL(batch.target_length), E(c.embed), H(c.hidden), A(c.attention), V(c.tgt_vocab), src_rows(long(SL) * B),
        tgt_rows(long(TL) * B), dropout(options.dropout > 0), rng(options.dropout_seed) {}

  S forward() {
    encode();
    decode();
    output();
    return loss();
  }
  void backward(const Grads<S>& g) {
    output_backward(g);
    decode_backward(g);
    encode_backward(g);
  }

 private:
  const Weights<S>& w;
  const Batch& batch;
  const LossOptions& options;
  BackpropWorkspace<S>& ws;
  const int B, SL, TL, E, H, A, V;
  const long src_rows, tgt_rows;
  const bool dropout;
  SplitMix64 rng;

  const typename Weights<S>::Gru* direction(int d) const { return d == 0 ? &w.enc_fwd : &w.enc_bwd; }
  GruTrace<S>& trace(int d) { return d == 0 ? ws.fwd : ws.bwd; }
  ConstMatMap<S> first_backward() const { return ConstMatMap<S>(ws.bwd.states.data(), B, H); }  // ←h_1 [B, H]

  // x = dropout(src_embed[ids]) → fwd/bwd GRU states → annotations; s0 = tanh(W_init ←h_1 + b); keys = U a + b_att.
  void encode() {
    MatMap<S> x = view(ws.x, src_rows, E);  // [SL * B, E]
    if (dropout) fill_dropout_mask(ws.src_dropout, size_t(src_rows) * E, options.dropout, rng);
    for (long row = 0; row < src_rows; ++row) {
      const S* e = w.src_embed + long(batch.source_ids[row]) * E;
      for (int k = 0; k < E; ++k) x(row, k) = dropout ? e[k] * ws.src_dropout[row * E + k] : e[k];
    }
    for (int d = 0; d < 2; ++d) {
      MatMap<S> gi = view(trace(d).input_gates, src_rows, 3 * H);  // [SL * B, 3H]
      gi.noalias() = x * weight(direction(d)->weight_ih, 3 * H, E).transpose();
      gi.rowwise() += ConstRowMap<S>(direction(d)->bias_ih, 3 * H);
      gru_sequence_forward<S>(*direction(d), H, B, SL, d == 1, batch.source_mask.data(), trace(d), ws.step_gates);
    }
    MatMap<S> ann = view(ws.annotations, src_rows, 2 * H);  // [SL * B, 2H]
    ann.leftCols(H) = MatMap<S>(ws.fwd.states.data(), src_rows, H);
    ann.rightCols(H) = MatMap<S>(ws.bwd.states.data(), src_rows, H);
    MatMap<S> s0 = view(ws.s0, B, H);  // [B, H]
    s0.noalias() = first_backward() * weight(w.dec_init_weight, H, H).transpose();
    s0.rowwise() += ConstRowMap<S>(w.dec_init_bias, H);
    s0 = s0.array().tanh();
    MatMap<S> keys = view(ws.keys, src_rows, A);  // [SL * B, A]
    keys.noalias() = ann * weight(w.att_U, A, 2 * H).transpose();
    keys.rowwise() += ConstRowMap<S>(w.att_b, A);
  }

  // y = dropout(tgt_embed[previous target]); per step: attend from s_{t-1}, then s_t = GRU([y_t ; c_t], s_{t-1}).
  void decode() {
    MatMap<S> y = view(ws.y, tgt_rows, E);  // [TL * B, E]
    if (dropout) fill_dropout_mask(ws.tgt_dropout, size_t(tgt_rows) * E, options.dropout, rng);
    for (int t = 0; t < TL; ++t)
      for (int b = 0; b < B; ++b) {
        const long row = long(t) * B + b;
        const S* e = w.tgt_embed + long(batch.decoder_input(t, b)) * E;
        for (int k = 0; k < E; ++k) y(row, k) = dropout ? e[k] * ws.tgt_dropout[row * E + k] : e[k];
      }
    const auto w_ih = weight(w.dec.weight_ih, 3 * H, E + 2 * H), w_hh = weight(w.dec.weight_hh, 3 * H, H);
    GruTrace<S>& dt = ws.dec;
    MatMap<S> gy = view(dt.input_gates, tgt_rows, 3 * H);  // [TL * B, 3H]: y part now, context part per step
    gy.noalias() = y * w_ih.leftCols(E).transpose();
    gy.rowwise() += ConstRowMap<S>(w.dec.bias_ih, 3 * H);
    MatMap<S> states = view(dt.states, tgt_rows, H), previous = view(dt.previous, tgt_rows, H);  // [TL * B, H]
    for (auto* gate : {&dt.r, &dt.z, &dt.n, &dt.gh_n}) view(*gate, tgt_rows, H);
    view(ws.context, tgt_rows, 2 * H);                // [TL * B, 2H]
    view(ws.pre, long(TL) * SL * B, A);               // tanh(W s + U a + b) for (t, j, b)
    view(ws.alpha, long(TL) * SL, B);                 // attention weights for (t, j), b
    MatMap<S> gh = view(ws.step_gates, B, 3 * H);     // [B, 3H]
    for (int t = 0; t < TL; ++t) {
      auto prev = previous.middleRows(long(t) * B, B);  // [B, H]
      if (t == 0)
        prev = MatMap<S>(ws.s0.data(), B, H);
      else
        prev = states.middleRows(long(t - 1) * B, B);
      attend(t, prev);
      auto gi = gy.middleRows(long(t) * B, B);  // [B, 3H]
      gi.noalias() += MatMap<S>(ws.context.data(), tgt_rows, 2 * H).middleRows(long(t) * B, B) *
                      w_ih.rightCols(2 * H).transpose();
      gh.noalias() = prev * w_hh.transpose();
      gh.rowwise() += ConstRowMap<S>(w.dec.bias_hh, 3 * H);
      for (int b = 0; b < B; ++b) {
        const long row = long(t) * B + b;
        gru_cell_forward<S>(&gi(b, 0), &gh(b, 0), &previous(row, 0), H, S(1), &dt.r[row * H], &dt.z[row * H],
                            &dt.n[row * H], &dt.gh_n[row * H], &states(row, 0));
      }
    }
  }

  // Step t's attention from the previous states prev [B, H]: e_j = v · tanh(W s + U a_j + b), α = softmax over the
  // unmasked positions, c_t = Σ α_j a_j.
  template <class Prev>
  void attend(int t, const Prev& prev) {
    const ConstMatMap<S> ann(ws.annotations.data(), src_rows, 2 * H), keys(ws.keys.data(), src_rows, A);
    MatMap<S> pre(ws.pre.data(), long(TL) * SL * B, A), alpha(ws.alpha.data(), long(TL) * SL, B);
    MatMap<S> context(ws.context.data(), tgt_rows, 2 * H);
    const ConstRowMap<S> att_v(w.att_v, A);
    MatMap<S> query = view(ws.step_query, B, A);  // [B, A]
    query.noalias() = prev * weight(w.att_W, A, H).transpose();
    for (int b = 0; b < B; ++b) {
      S max_score = -std::numeric_limits<S>::infinity();
      for (int j = 0; j < SL; ++j) {
        auto p = pre.row((long(t) * SL + j) * B + b);  // [A]
        if (batch.source_mask[long(j) * B + b] == 0) {
          p.setZero();
          continue;
        }
        p = (query.row(b) + keys.row(long(j) * B + b)).array().tanh();
        const S score = p.dot(att_v);
        alpha(long(t) * SL + j, b) = score;
        max_score = std::max(max_score, score);
      }
      S total = 0;
      for (int j = 0; j < SL; ++j) {
        S& a = alpha(long(t) * SL + j, b);
        a = batch.source_mask[long(j) * B + b] == 0 ? S(0) : std::exp(a - max_score);
        total += a;
      }
      auto c = context.row(long(t) * B + b);  // [2H]
      c.setZero();
      for (int j = 0; j < SL; ++j) {
        S& a = alpha(long(t) * SL + j, b);
        a /= total;
        if (a != 0) c += a * ann.row(long(j) * B + b);
      }
    }
  }

  // o = dropout(tanh(W_o [s ; c ; y] + b_o)), logits = W_p o + b_p.
  void output() {
    MatMap<S> out_input = view(ws.out_input, tgt_rows, 3 * H + E);  // [TL * B, 3H + E]
    out_input.leftCols(H) = MatMap<S>(ws.dec.states.data(), tgt_rows, H);
    out_input.middleCols(H, 2 * H) = MatMap<S>(ws.context.data(), tgt_rows, 2 * H);
    out_input.rightCols(E) = MatMap<S>(ws.y.data(), tgt_rows, E);
    MatMap<S> out = view(ws.out_hidden, tgt_rows, E);  // [TL * B, E]
    out.noalias() = out_input * weight(w.out_hidden_weight, E, 3 * H + E).transpose();
    out.rowwise() += ConstRowMap<S>(w.out_hidden_bias, E);
    out = out.array().tanh();
    if (dropout) {
      fill_dropout_mask(ws.out_dropout, size_t(tgt_rows) * E, options.dropout, rng);
      out.array() *= MatMap<S>(ws.out_dropout.data(), tgt_rows, E).array();
    }
    MatMap<S> logits = view(ws.logits, tgt_rows, V);  // [TL * B, V]
    logits.noalias() = out * weight(w.out_proj_weight, V, E).transpose();
    logits.rowwise() += ConstRowMap<S>(w.out_proj_bias, V);
  }

  // Label-smoothed cross-entropy, mean over real target tokens; the logits become their gradient.
  S loss() {
    MatMap<S> logits(ws.logits.data(), tgt_rows, V);
    const S eps = S(options.label_smoothing);
    const S scale = S(1) / S(batch.target_tokens);
    std::vector<S>& row_loss = ws.row_loss;
    row_loss.assign(size_t(tgt_rows), S(0));
    for (long row = 0; row < tgt_rows; ++row) {
      auto l = logits.row(row);  // [V]
      if (batch.target_mask[row] == 0) {
        l.setZero();
        continue;
      }
      const S max_logit = l.maxCoeff();
      const S log_total = std::log((l.array() - max_logit).exp().sum()) + max_logit;
      const int target = batch.target_ids[row];
      const S mean_log_p = l.sum() / S(V) - log_total;
      row_loss[row] = -(S(1) - eps) * (l(target) - log_total) - eps * mean_log_p;
      l = (l.array() - log_total).exp() * scale;
      l.array() -= eps * scale / S(V);
      l(target) -= (S(1) - eps) * scale;
    }
    S total = 0;
    for (S v : row_loss) total += v;
    return total * scale;
  }

  // d logits → W_p, b_p, W_o, b_o and d [s ; c ; y].
  void output_backward(const Grads<S>& g) {
    const ConstMatMap<S> d_logits(ws.logits.data(), tgt_rows, V);  // [TL * B, V]
    const ConstMatMap<S> out(ws.out_hidden.data(), tgt_rows, E), out_input(ws.out_input.data(), tgt_rows, 3 * H + E);
    gradient(g.out_proj_weight, V, E).noalias() += d_logits.transpose() * out;
    RowMap<S>(g.out_proj_bias, V) += d_logits.colwise().sum();
    MatMap<S> d_out = view(ws.d_out_hidden, tgt_rows, E);  // [TL * B, E]
    d_out.noalias() = d_logits * weight(w.out_proj_weight, V, E);
    if (dropout) d_out.array() *= MatMap<S>(ws.out_dropout.data(), tgt_rows, E).array();
    // out holds the dropped-out activation; the tanh derivative needs the kept value, which is out / mask (where
    // the mask is 0 the gradient is 0 anyway).
    if (dropout) {
      const S keep = S(1.0 / (1.0 - options.dropout));
      d_out.array() *= (S(1) - (out.array() / keep).square());
    } else {
      d_out.array() *= (S(1) - out.array().square());
    }
    gradient(g.out_hidden_weight, E, 3 * H + E).noalias() += d_out.transpose() * out_input;
    RowMap<S>(g.out_hidden_bias, E) += d_out.colwise().sum();
    view(ws.d_out_input, tgt_rows, 3 * H + E).noalias() = d_out * weight(w.out_hidden_weight, E, 3 * H + E);
  }

  // Back through the decoder steps, last to first: each step's GRU, then its attention; then the decoder's and
  // attention's weight gradients, the target embeddings and s0, leaving d annotations for the encoder.
  void decode_backward(const Grads<S>& g) {
    GruTrace<S>& dt = ws.dec;
    const auto w_ih = weight(w.dec.weight_ih, 3 * H, E + 2 * H), w_hh = weight(w.dec.weight_hh, 3 * H, H);
    const ConstMatMap<S> d_out_input(ws.d_out_input.data(), tgt_rows, 3 * H + E);
    const ConstMatMap<S> previous(dt.previous.data(), tgt_rows, H);
    MatMap<S> dgi = view(dt.d_input_gates, tgt_rows, 3 * H), dgh = view(dt.d_hidden_gates, tgt_rows, 3 * H);
    view(ws.d_query, tgt_rows, A);
    view(ws.d_scores, long(TL) * SL, B);
    zeroed(ws.d_annotations, src_rows, 2 * H);
    zeroed(ws.d_keys, src_rows, A);
    MatMap<S> carry = zeroed(dt.carry, B, H);                  // d s_t [B, H]
    MatMap<S> d_context = view(ws.step_dcontext, B, 2 * H);  // [B, 2H]
    for (int t = TL - 1; t >= 0; --t) {
      const long first = long(t) * B;
      for (int b = 0; b < B; ++b) {
        const long row = first + b;
        S* c = &carry(b, 0);
        for (int k = 0; k < H; ++k) c[k] += d_out_input(row, k);
        gru_cell_backward<S>(c, S(1), &dt.r[row * H], &dt.z[row * H], &dt.n[row * H], &dt.gh_n[row * H],
                             &dt.previous[row * H], H, &dgi(row, 0), &dgh(row, 0), c);
      }
      carry.noalias() += dgh.middleRows(first, B) * w_hh;
      d_context.noalias() = dgi.middleRows(first, B) * w_ih.rightCols(2 * H);
      d_context += d_out_input.block(first, H, B, 2 * H);
      attend_backward(t, d_context);
      carry.noalias() += MatMap<S>(ws.d_query.data(), tgt_rows, A).middleRows(first, B) * weight(w.att_W, A, H);
    }
    attention_weight_gradients(g);
    decoder_weight_gradients(g);
    init_state_backward(g, carry);  // carry now holds d s0
  }

  // Step t's attention backward from d c_t [B, 2H]: d scores through the softmax, then d keys, d query, d a_j.
  void attend_backward(int t, const MatMap<S>& d_context) {
    const ConstMatMap<S> ann(ws.annotations.data(), src_rows, 2 * H), pre(ws.pre.data(), long(TL) * SL * B, A);
    const ConstMatMap<S> alpha(ws.alpha.data(), long(TL) * SL, B);
    MatMap<S> d_scores(ws.d_scores.data(), long(TL) * SL, B), d_query(ws.d_query.data(), tgt_rows, A);
    MatMap<S> d_ann(ws.d_annotations.data(), src_rows, 2 * H), d_keys(ws.d_keys.data(), src_rows, A);
    const ConstRowMap<S> att_v(w.att_v, A);
    for (int b = 0; b < B; ++b) {
      const auto dc = d_context.row(b);  // [2H]
      S weighted = 0;
      for (int j = 0; j < SL; ++j) {
        const S a = alpha(long(t) * SL + j, b);
        S& da = d_scores(long(t) * SL + j, b);
        da = a == 0 ? S(0) : dc.dot(ann.row(long(j) * B + b));
        weighted += a * da;
      }
      auto dq = d_query.row(long(t) * B + b);  // [A]
      dq.setZero();
      for (int j = 0; j < SL; ++j) {
        const S a = alpha(long(t) * SL + j, b);
        S& de = d_scores(long(t) * SL + j, b);
        if (a == 0) {
          de = 0;
          continue;
        }
        de = a * (de - weighted);
        d_ann.row(long(j) * B + b) += a * dc;
        const S* p = ws.pre.data() + ((long(t) * SL + j) * B + b) * A;
        S* dk = &d_keys(long(j) * B + b, 0);
        for (int k = 0; k < A; ++k) {
          const S d_pre = de * att_v(k) * (S(1) - p[k] * p[k]);
          dk[k] += d_pre;
          dq(k) += d_pre;
        }
      }
    }
  }

  void attention_weight_gradients(const Grads<S>& g) {
    const ConstMatMap<S> pre(ws.pre.data(), long(TL) * SL * B, A), ann(ws.annotations.data(), src_rows, 2 * H);
    const ConstMatMap<S> d_query(ws.d_query.data(), tgt_rows, A), d_keys(ws.d_keys.data(), src_rows, A);
    RowMap<S>(g.att_v, A).noalias() +=
        ConstRowMap<S>(ws.d_scores.data(), long(TL) * SL * B) * pre;  // rows of pre are (t, j, b) like d_scores
    gradient(g.att_W, A, H).noalias() += d_query.transpose() * ConstMatMap<S>(ws.dec.previous.data(), tgt_rows, H);
    gradient(g.att_U, A, 2 * H).noalias() += d_keys.transpose() * ann;
    RowMap<S>(g.att_b, A) += d_keys.colwise().sum();
    MatMap<S>(ws.d_annotations.data(), src_rows, 2 * H).noalias() += d_keys * weight(w.att_U, A, 2 * H);
  }

  // The decoder GRU's weights, then d y → the target embeddings.
  void decoder_weight_gradients(const Grads<S>& g) {
    const GruTrace<S>& dt = ws.dec;
    const ConstMatMap<S> dgi(dt.d_input_gates.data(), tgt_rows, 3 * H), dgh(dt.d_hidden_gates.data(), tgt_rows, 3 * H);
    const ConstMatMap<S> y(ws.y.data(), tgt_rows, E);
    auto g_ih = gradient(g.dec.weight_ih, 3 * H, E + 2 * H);
    g_ih.leftCols(E).noalias() += dgi.transpose() * y;
    g_ih.rightCols(2 * H).noalias() += dgi.transpose() * ConstMatMap<S>(ws.context.data(), tgt_rows, 2 * H);
    gradient(g.dec.weight_hh, 3 * H, H).noalias() += dgh.transpose() * ConstMatMap<S>(dt.previous.data(), tgt_rows, H);
    RowMap<S>(g.dec.bias_ih, 3 * H) += dgi.colwise().sum();
    RowMap<S>(g.dec.bias_hh, 3 * H) += dgh.colwise().sum();
    MatMap<S> d_y = view(ws.d_y, tgt_rows, E);  // [TL * B, E]
    d_y.noalias() = dgi * weight(w.dec.weight_ih, 3 * H, E + 2 * H).leftCols(E);
    d_y += ConstMatMap<S>(ws.d_out_input.data(), tgt_rows, 3 * H + E).rightCols(E);
    if (dropout) d_y.array() *= MatMap<S>(ws.tgt_dropout.data(), tgt_rows, E).array();
    for (int t = 0; t < TL; ++t)
      for (int b = 0; b < B; ++b) {
        const long row = long(t) * B + b;
        RowMap<S>(g.tgt_embed + long(batch.decoder_input(t, b)) * E, E) += d_y.row(row);
      }
  }

  // s0 = tanh(W_init ←h_1 + b_init): d s0 [B, H] → W_init, b_init and the first annotations' backward half.
  void init_state_backward(const Grads<S>& g, const MatMap<S>& d_s0) {
    const ConstMatMap<S> s0(ws.s0.data(), B, H);
    MatMap<S> d_s0_pre = view(ws.step_dprev, B, H);  // [B, H]
    d_s0_pre = d_s0.array() * (S(1) - s0.array().square());
    gradient(g.dec_init_weight, H, H).noalias() += d_s0_pre.transpose() * first_backward();
    RowMap<S>(g.dec_init_bias, H) += d_s0_pre.colwise().sum();
    MatMap<S>(ws.d_annotations.data(), src_rows, 2 * H).topRows(B).rightCols(H).noalias() +=
        d_s0_pre * weight(w.dec_init_weight, H, H);
  }

  // d annotations → both GRU directions → d x → the source embeddings.
  void encode_backward(const Grads<S>& g) {
    const ConstMatMap<S> x(ws.x.data(), src_rows, E);
    const MatMap<S> d_ann(ws.d_annotations.data(), src_rows, 2 * H);
    MatMap<S> d_x = view(ws.d_x, src_rows, E);  // [SL * B, E]
    d_x.setZero();
    for (int d = 0; d < 2; ++d) {
      gru_sequence_backward<S>(*direction(d), H, B, SL, d == 1, batch.source_mask.data(), d_ann.middleCols(d * H, H),
                               trace(d));
      gru_weight_gradients<S>(d == 0 ? g.enc_fwd : g.enc_bwd, H, E, x, trace(d), src_rows);
      d_x.noalias() += ConstMatMap<S>(trace(d).d_input_gates.data(), src_rows, 3 * H) *
                       weight(direction(d)->weight_ih, 3 * H, E);
    }
    if (dropout) d_x.array() *= MatMap<S>(ws.src_dropout.data(), src_rows, E).array();
    for (long row = 0; row < src_rows; ++row)
      RowMap<S>(g.src_embed + long(batch.source_ids[row]) * E, E) += d_x.row(row);
  }
};

}  // namespace

template <class S>
Backprop<S>::Backprop() : work_(std::make_unique<BackpropWorkspace<S>>()) {}
template <class S>
Backprop<S>::~Backprop() = default;

template <class S>
S Backprop<S>::run(const ModelConfig& config, const Weights<S>& w, const Batch& batch, const LossOptions& options,
                   const Grads<S>* grads) {
  validate(config, batch);
  if (options.dropout < 0 || options.dropout >= 1) throw std::invalid_argument("backprop: dropout must be in [0, 1)");
  Pass<S> pass(config, w, batch, options, *work_);
  const S loss = pass.forward();
  if (grads == nullptr) return loss;
  zero_gradients(config, *grads);
  pass.backward(*grads);
  return loss;
}

template class Backprop<float>;
template class Backprop<double>;

namespace {

template <class Params, class Pointer>
ParameterPointers<Pointer> bind_tensors(Params& params, bool tied) {
  std::map<std::string, Pointer> by_name;
  params.for_each(tied, [&](const std::string& name, auto& tensor) {
    if (tensor.is_int8() || tensor.f32.empty())
      throw std::invalid_argument("training needs F32 tensors; '" + name + "' is not");
    by_name[name] = tensor.f32.data();
  });
  return bind_parameters<Pointer>(tied, [&](const std::string& name) { return by_name.at(name); });
}

}  // namespace

double loss_and_gradients(const Model& model, const Batch& batch, const LossOptions& options, Parameters& gradients,
                          Backprop<float>& backprop) {
  const bool tied = model.config.tied_output;
  const auto weights = bind_tensors<const Parameters, const float*>(model.params, tied);
  const auto grads = bind_tensors<Parameters, float*>(gradients, tied);
  return backprop.run(model.config, weights, batch, options, &grads);
}

ShardedBackprop::ShardedBackprop(int threads) : threads_(threads > 0 ? threads : omp_get_max_threads()) {
  for (int i = 0; i < threads_; ++i) workers_.push_back(std::make_unique<Backprop<float>>());
  share_losses_.resize(size_t(threads_));
  share_tokens_.resize(size_t(threads_));
}

double ShardedBackprop::run(const Model& model, const std::vector<const TokenPair*>& pairs,
                            const LossOptions& options, Parameters* gradients) {
  if (pairs.empty()) throw std::invalid_argument("backprop: no sentence pairs");
  const bool tied = model.config.tied_output;
  const int shares = std::min<int>(threads_, int(pairs.size()));
  if (gradients) {
    while (share_gradients_.size() < size_t(shares)) share_gradients_.push_back(zeros_like(model.params, tied));
  }
  const auto weights = bind_tensors<const Parameters, const float*>(model.params, tied);
  std::vector<std::string> errors(static_cast<size_t>(shares));
#pragma omp parallel for schedule(static, 1) num_threads(shares)
  for (int k = 0; k < shares; ++k) {
    try {
      const size_t first = pairs.size() * size_t(k) / size_t(shares);
      const size_t last = pairs.size() * size_t(k + 1) / size_t(shares);
      const Batch batch = Batch::from_pairs(std::vector<const TokenPair*>(pairs.begin() + long(first),
                                                                          pairs.begin() + long(last)));
      LossOptions share_options = options;
      share_options.dropout_seed = SplitMix64(options.dropout_seed ^ (0xA24BAED4963EE407ull * uint64_t(k))).next();
      ParameterPointers<float*> grads;
      if (gradients) grads = bind_tensors<Parameters, float*>(share_gradients_[size_t(k)], tied);
      share_losses_[size_t(k)] =
          workers_[size_t(k)]->run(model.config, weights, batch, share_options, gradients ? &grads : nullptr);
      share_tokens_[size_t(k)] = batch.target_tokens;
    } catch (const std::exception& e) {
      errors[size_t(k)] = e.what();
    }
  }
  for (const std::string& e : errors)
    if (!e.empty()) throw std::invalid_argument(e);
  double total_tokens = 0, loss = 0;
  for (int k = 0; k < shares; ++k) total_tokens += share_tokens_[size_t(k)];
  for (int k = 0; k < shares; ++k) loss += share_losses_[size_t(k)] * share_tokens_[size_t(k)] / total_tokens;
  if (!gradients) return loss;
  // Each share's gradient is of its own mean; weight by its share of the tokens, summing in share order.
  std::vector<float*> targets;
  gradients->for_each(tied, [&](const std::string&, Tensor& t) { targets.push_back(t.f32.data()); });
  std::vector<std::vector<const float*>> sources(targets.size());
  std::vector<size_t> sizes;
  gradients->for_each(tied, [&](const std::string&, const Tensor& t) { sizes.push_back(t.f32.size()); });
  for (int k = 0; k < shares; ++k) {
    size_t i = 0;
    share_gradients_[size_t(k)].for_each(tied, [&](const std::string&, const Tensor& t) {
      sources[i++].push_back(t.f32.data());
    });
  }
  std::vector<float> weight(static_cast<size_t>(shares));
  for (int k = 0; k < shares; ++k) weight[size_t(k)] = float(share_tokens_[size_t(k)] / total_tokens);
  for (size_t i = 0; i < targets.size(); ++i) {
    const long n = long(sizes[i]);
    float* out = targets[i];
    const std::vector<const float*>& in = sources[i];
#pragma omp parallel for schedule(static) num_threads(shares) if (n > 8192)
    for (long e = 0; e < n; ++e) {
      float sum = 0;
      for (int k = 0; k < shares; ++k) sum += weight[size_t(k)] * in[size_t(k)][e];
      out[e] = sum;
    }
  }
  return loss;
}

Parameters zeros_like(const Parameters& params, bool tied_output) {
  Parameters zeros;
  std::map<std::string, const Tensor*> source;
  params.for_each(tied_output, [&](const std::string& name, const Tensor& t) { source[name] = &t; });
  zeros.for_each(tied_output, [&](const std::string& name, Tensor& t) {
    const Tensor& from = *source.at(name);
    t.shape = from.shape;
    t.f32.assign(from.numel(), 0.0f);
  });
  return zeros;
}

}  // namespace attn
