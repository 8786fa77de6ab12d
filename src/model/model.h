// The network's parameters and configuration (Bahdanau et al. 2014, with PyTorch nn.GRU gate layout).
//
// One struct serves inference (F32 or int8 tensors) and training (F32 tensors; gradients and optimizer moments
// are further `Parameters` of the same shapes). `for_each` visits every tensor with its model-file name, so
// loading, saving, initialisation, quantization and the optimizer never list the tensors twice.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "text/tokenizer.h"

namespace attn {

struct ModelConfig {
  int src_vocab = 0;  // Vs
  int tgt_vocab = 0;  // Vt
  int embed = 0;      // E
  int hidden = 0;     // H (annotations are 2H)
  int attention = 0;  // A
  bool tied_output = false;  // out_proj.weight is tgt_embed (not stored)
};

// A tensor of rank 1 or 2. F32 tensors fill `f32`; int8 tensors fill `i8` and one `scale` per row.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> f32;
  std::vector<int8_t> i8;
  std::vector<float> scale;
  std::vector<int8_t> panels;  // i8 regrouped by kernels::pack_panels, when the kernels read them; else empty

  bool is_int8() const { return !i8.empty(); }
  bool empty() const { return shape.empty(); }
  int rows() const { return shape.empty() ? 0 : static_cast<int>(shape[0]); }
  int cols() const { return shape.size() == 2 ? static_cast<int>(shape[1]) : 1; }
  size_t numel() const;
  kernels::MatrixView view() const;
  // The columns [begin, end) of a matrix, as a view into this tensor's data (no copy, no panels).
  kernels::MatrixView columns(int begin, int end) const;
  // Copies row r as floats (dequantized when int8) into out[cols()].
  void copy_row(int r, float* out) const;

  static Tensor zeros(std::vector<int64_t> shape);
};

struct GruParams {
  Tensor weight_ih;  // [3H, input]   gates r, z, n
  Tensor weight_hh;  // [3H, H]
  Tensor bias_ih;    // [3H]
  Tensor bias_hh;    // [3H]
};

struct Parameters {
  Tensor src_embed;        // [Vs, E]
  Tensor tgt_embed;        // [Vt, E]
  GruParams enc_fwd;       // input E
  GruParams enc_bwd;       // input E
  Tensor dec_init_weight;  // [H, H]  s0 = tanh(W ←h_1 + b)
  Tensor dec_init_bias;    // [H]
  Tensor att_W;            // [A, H]
  Tensor att_U;            // [A, 2H]
  Tensor att_b;            // [A]
  Tensor att_v;            // [A]
  GruParams dec;           // input E + 2H
  Tensor out_hidden_weight;  // [E, H + 2H + E]
  Tensor out_hidden_bias;    // [E]
  Tensor out_proj_weight;    // [Vt, E]; empty when tied to tgt_embed
  Tensor out_proj_bias;      // [Vt]

  // Visits (model-file name, tensor) for every tensor, in a fixed order. Skips out_proj.weight when tied.
  template <class Visit>
  void for_each(bool tied_output, Visit&& visit);
  template <class Visit>
  void for_each(bool tied_output, Visit&& visit) const;

  // The matrix that produces logits: out_proj.weight, or tgt_embed when tied.
  const Tensor& output_projection(bool tied_output) const { return tied_output ? tgt_embed : out_proj_weight; }
  // Fills `panels` of the int8 matrices that the encoder and decoder multiply by one row at a time: the recurrent
  // weights, dec_init, att.W and the output projection. The model loader and quantize() call it when the kernels
  // read panels (kernels::reads_panels()).
  void pack_panels(bool tied_output);
};

// Shapes every tensor must have for a configuration (keyed by model-file name).
std::map<std::string, std::vector<int64_t>> expected_shapes(const ModelConfig& config);

// Largest vocabulary and dimension a configuration may have.
constexpr int kMaxVocabSize = 1000000;
constexpr int kMaxDimension = 65536;
// Throws std::invalid_argument naming the field when a size is not positive, exceeds the bounds above, or gives a
// tensor more elements than an int indexes (the kernels use int offsets).
void check_config(const ModelConfig& config);

struct Model {
  ModelConfig config;
  Tokenizer src_tokenizer;
  Tokenizer tgt_tokenizer;
  // Free-form descriptive metadata: languages, provenance, training command... (strings, stored in the file).
  std::map<std::string, std::string> info;
  Parameters params;

  bool is_int8() const { return params.src_embed.is_int8(); }
  size_t parameter_count() const;
};

// --- implementation of the visitors ---

template <class Params, class Visit>
void visit_parameters(Params& p, bool tied_output, Visit&& visit) {
  visit("src_embed", p.src_embed);
  visit("tgt_embed", p.tgt_embed);
  auto gru = [&](const char* prefix, auto& g) {
    const std::string pre = prefix;
    visit(pre + ".weight_ih", g.weight_ih);
    visit(pre + ".weight_hh", g.weight_hh);
    visit(pre + ".bias_ih", g.bias_ih);
    visit(pre + ".bias_hh", g.bias_hh);
  };
  gru("enc_fwd", p.enc_fwd);
  gru("enc_bwd", p.enc_bwd);
  visit("dec_init.weight", p.dec_init_weight);
  visit("dec_init.bias", p.dec_init_bias);
  visit("att.W", p.att_W);
  visit("att.U", p.att_U);
  visit("att.b", p.att_b);
  visit("att.v", p.att_v);
  gru("dec", p.dec);
  visit("out_hidden.weight", p.out_hidden_weight);
  visit("out_hidden.bias", p.out_hidden_bias);
  if (!tied_output) visit("out_proj.weight", p.out_proj_weight);
  visit("out_proj.bias", p.out_proj_bias);
}

template <class Visit>
void Parameters::for_each(bool tied_output, Visit&& visit) {
  visit_parameters(*this, tied_output, visit);
}
template <class Visit>
void Parameters::for_each(bool tied_output, Visit&& visit) const {
  visit_parameters(*this, tied_output, visit);
}

}  // namespace attn
