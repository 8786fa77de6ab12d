// Batched forward and backward pass of the whole network (the math of src/model/forward.cpp, for padded
// mini-batches), producing the label-smoothed cross-entropy loss and the gradient of every parameter.
//
// The core is templated on the scalar type: training runs in float over the model's own tensors, the
// finite-difference gradient checks run in double. Batch elements are matrix rows, so every large product is
// an Eigen [rows, in] x [in, out] GEMM.
//
// Threads: ShardedBackprop splits each batch into one fixed contiguous share per OpenMP thread, runs the core
// on every share in a single parallel region (one fork per step: fine-grained regions per time step stall
// badly when cores are shared), and sums the shares' gradients in thread order, so results are deterministic
// for a given thread count.
//
// Dropout (inverted, seeded) is applied to the source and target embeddings and to the output hidden layer
// o_i (the input of the logits projection); the recurrent states themselves are left untouched so that the
// decoder sees the same dynamics in training and at inference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/model.h"
#include "train/batch.h"

namespace attn {

struct LossOptions {
  double label_smoothing = 0.1;  // ε: loss = (1-ε)(-log p_y) + ε * mean_v(-log p_v)
  double dropout = 0.0;          // probability of zeroing an element; 0 disables dropout
  uint64_t dropout_seed = 0;     // masks are a pure function of this seed and the batch shape
};

// Tensor pointers of one parameter set (values or gradients), bound by model-file name. When the output is
// tied, out_proj_weight points at tgt_embed, so gradients from both uses add up in the same buffer.
template <class Pointer>
struct ParameterPointers {
  struct Gru {
    Pointer weight_ih, weight_hh, bias_ih, bias_hh;
  };
  Pointer src_embed, tgt_embed;
  Gru enc_fwd, enc_bwd, dec;
  Pointer dec_init_weight, dec_init_bias, att_W, att_U, att_b, att_v;
  Pointer out_hidden_weight, out_hidden_bias, out_proj_weight, out_proj_bias;
};

// Binds pointers by name: lookup(name) returns the pointer for every name Parameters::for_each visits.
template <class Pointer, class Lookup>
ParameterPointers<Pointer> bind_parameters(bool tied_output, Lookup&& lookup) {
  ParameterPointers<Pointer> p;
  p.src_embed = lookup("src_embed");
  p.tgt_embed = lookup("tgt_embed");
  auto gru = [&](const std::string& prefix, typename ParameterPointers<Pointer>::Gru& g) {
    g.weight_ih = lookup(prefix + ".weight_ih");
    g.weight_hh = lookup(prefix + ".weight_hh");
    g.bias_ih = lookup(prefix + ".bias_ih");
    g.bias_hh = lookup(prefix + ".bias_hh");
  };
  gru("enc_fwd", p.enc_fwd);
  gru("enc_bwd", p.enc_bwd);
  gru("dec", p.dec);
  p.dec_init_weight = lookup("dec_init.weight");
  p.dec_init_bias = lookup("dec_init.bias");
  p.att_W = lookup("att.W");
  p.att_U = lookup("att.U");
  p.att_b = lookup("att.b");
  p.att_v = lookup("att.v");
  p.out_hidden_weight = lookup("out_hidden.weight");
  p.out_hidden_bias = lookup("out_hidden.bias");
  p.out_proj_weight = tied_output ? p.tgt_embed : lookup("out_proj.weight");
  p.out_proj_bias = lookup("out_proj.bias");
  return p;
}

// Scratch memory reused across steps so the training loop does not allocate once batch shapes have been seen.
template <class Scalar>
struct BackpropWorkspace;

template <class Scalar>
class Backprop {
 public:
  Backprop();
  ~Backprop();
  Backprop(const Backprop&) = delete;
  Backprop& operator=(const Backprop&) = delete;

  // Returns the mean loss over the batch's real target tokens and, when `gradients` is non-null, sets every
  // gradient tensor (they are overwritten, not accumulated; sizes as in expected_shapes(config)).
  Scalar run(const ModelConfig& config, const ParameterPointers<const Scalar*>& weights, const Batch& batch,
             const LossOptions& options, const ParameterPointers<Scalar*>* gradients);

 private:
  std::unique_ptr<BackpropWorkspace<Scalar>> work_;
};

extern template class Backprop<float>;
extern template class Backprop<double>;

// Data-parallel float training over a Model: one Backprop and one gradient buffer per thread.
class ShardedBackprop {
 public:
  // `threads` <= 0 means omp_get_max_threads().
  explicit ShardedBackprop(int threads = 0);

  // Mean loss over the real target tokens of `pairs`; fills `gradients` (shaped like the model's, see
  // zeros_like) unless it is null. Each share draws its dropout masks from its own seed derived from
  // options.dropout_seed.
  double run(const Model& model, const std::vector<const TokenPair*>& pairs, const LossOptions& options,
             Parameters* gradients);
  int threads() const { return threads_; }

 private:
  int threads_;
  std::vector<std::unique_ptr<Backprop<float>>> workers_;
  std::vector<Parameters> share_gradients_;
  std::vector<double> share_losses_;
  std::vector<int> share_tokens_;
};

// Float convenience over a Model: `gradients` must hold F32 tensors shaped like the model's (see
// zeros_like); returns the loss.
double loss_and_gradients(const Model& model, const Batch& batch, const LossOptions& options, Parameters& gradients,
                          Backprop<float>& backprop);

// F32 zero tensors with the shapes of `params` (out_proj.weight left empty when tied).
Parameters zeros_like(const Parameters& params, bool tied_output);

}  // namespace attn
