#include "model/model.h"

#include <initializer_list>
#include <limits>
#include <stdexcept>

namespace attn {

size_t Tensor::numel() const {
  size_t count = shape.empty() ? 0 : 1;
  for (int64_t dim : shape) count *= static_cast<size_t>(dim);
  return count;
}

kernels::MatrixView Tensor::view() const {
  kernels::MatrixView view;
  if (is_int8()) {
    view.i8 = i8.data();
    view.scale = scale.data();
    if (!panels.empty()) view.panels = panels.data();
  } else {
    view.f32 = f32.data();
  }
  // A vector is a single row, so the same kernels apply to it; an empty tensor (out_proj.weight of a tied
  // model) is [0, 0].
  view.rows = shape.size() == 2 ? static_cast<int>(shape[0]) : shape.empty() ? 0 : 1;
  view.cols = shape.size() == 2 ? static_cast<int>(shape[1]) : static_cast<int>(numel());
  return view;
}

kernels::MatrixView Tensor::columns(int begin, int end) const {
  if (shape.size() != 2 || begin < 0 || begin > end || end > cols())
    throw std::out_of_range("columns [" + std::to_string(begin) + ", " + std::to_string(end) +
                            ") outside a matrix of " + std::to_string(cols()) + " columns");
  kernels::MatrixView view = this->view();
  if (view.f32) view.f32 += begin;
  if (view.i8) view.i8 += begin;
  view.panels = nullptr;
  view.cols = end - begin;
  view.stride = cols();
  return view;
}

void Tensor::copy_row(int r, float* out) const {
  if (r < 0 || r >= rows())
    throw std::out_of_range("row " + std::to_string(r) + " outside a tensor of " + std::to_string(rows()) + " rows");
  const int n = cols();
  const size_t start = static_cast<size_t>(r) * static_cast<size_t>(n);
  if (is_int8()) {
    const float row_scale = scale[static_cast<size_t>(r)];
    for (int c = 0; c < n; ++c) out[c] = row_scale * static_cast<float>(i8[start + static_cast<size_t>(c)]);
  } else {
    for (int c = 0; c < n; ++c) out[c] = f32[start + static_cast<size_t>(c)];
  }
}

Tensor Tensor::zeros(std::vector<int64_t> shape) {
  Tensor tensor;
  tensor.shape = std::move(shape);
  tensor.f32.assign(tensor.numel(), 0.0f);
  return tensor;
}

void Parameters::pack_panels(bool tied_output) {
  const auto pack = [](Tensor& tensor) { tensor.panels = kernels::pack_panels(tensor.view()); };
  for (GruParams* gru : {&enc_fwd, &enc_bwd, &dec}) pack(gru->weight_hh);
  pack(dec_init_weight);
  pack(att_W);
  pack(tied_output ? tgt_embed : out_proj_weight);
}

std::map<std::string, std::vector<int64_t>> expected_shapes(const ModelConfig& config) {
  const int64_t vs = config.src_vocab, vt = config.tgt_vocab, e = config.embed, h = config.hidden,
                a = config.attention;
  std::map<std::string, std::vector<int64_t>> shapes;
  shapes["src_embed"] = {vs, e};
  shapes["tgt_embed"] = {vt, e};
  const auto gru = [&](const std::string& prefix, int64_t input) {
    shapes[prefix + ".weight_ih"] = {3 * h, input};
    shapes[prefix + ".weight_hh"] = {3 * h, h};
    shapes[prefix + ".bias_ih"] = {3 * h};
    shapes[prefix + ".bias_hh"] = {3 * h};
  };
  gru("enc_fwd", e);
  gru("enc_bwd", e);
  shapes["dec_init.weight"] = {h, h};
  shapes["dec_init.bias"] = {h};
  shapes["att.W"] = {a, h};
  shapes["att.U"] = {a, 2 * h};
  shapes["att.b"] = {a};
  shapes["att.v"] = {a};
  gru("dec", e + 2 * h);
  shapes["out_hidden.weight"] = {e, h + 2 * h + e};
  shapes["out_hidden.bias"] = {e};
  if (!config.tied_output) shapes["out_proj.weight"] = {vt, e};
  shapes["out_proj.bias"] = {vt};
  return shapes;
}

void check_config(const ModelConfig& config) {
  const auto check = [](const char* field, int value, int limit) {
    if (value <= 0 || value > limit)
      throw std::invalid_argument(std::string(field) + " must be between 1 and " + std::to_string(limit) + ", not " +
                                  std::to_string(value));
  };
  check("src_vocab_size", config.src_vocab, kMaxVocabSize);
  check("tgt_vocab_size", config.tgt_vocab, kMaxVocabSize);
  check("embed_dim", config.embed, kMaxDimension);
  check("hidden_dim", config.hidden, kMaxDimension);
  check("attention_dim", config.attention, kMaxDimension);
  for (const auto& [name, shape] : expected_shapes(config)) {
    int64_t count = 1;
    for (int64_t dim : shape) count *= dim;  // at most 1e6 * 4 * 65536: no int64 overflow
    if (count > std::numeric_limits<int>::max())
      throw std::invalid_argument("tensor '" + name + "' would have " + std::to_string(count) +
                                  " elements, more than the " + std::to_string(std::numeric_limits<int>::max()) +
                                  " supported");
  }
}

size_t Model::parameter_count() const {
  size_t count = 0;
  params.for_each(config.tied_output, [&](const std::string&, const Tensor& tensor) { count += tensor.numel(); });
  return count;
}

}  // namespace attn
