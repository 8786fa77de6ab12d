#include "model/model_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>

#include "format/safetensors.h"

// Tensor data is copied with memcpy, which is only the safetensors layout on little-endian hosts (x86, ARM, wasm).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the model file loader assumes a little-endian host");

namespace attn {
namespace {

constexpr const char* kFormatName = "attention-translator";

// Metadata keys that describe the network; every other key is free-form and lives in Model::info.
const std::set<std::string>& reserved_keys() {
  static const std::set<std::string> keys = {"format",        "format_version", "src_vocab_size", "tgt_vocab_size",
                                             "embed_dim",     "hidden_dim",     "attention_dim",  "tied_output",
                                             "src_tokenizer", "tgt_tokenizer"};
  return keys;
}

std::string in_quotes(const std::string& text) { return "'" + text + "'"; }

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

std::string scale_name(const std::string& name) { return name + ".scale"; }

const std::string& required(const std::map<std::string, std::string>& metadata, const std::string& key) {
  const auto found = metadata.find(key);
  if (found == metadata.end()) throw std::runtime_error("model file metadata is missing " + in_quotes(key));
  return found->second;
}

bool all_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A size in 1..limit written as plain decimal digits.
int read_size(const std::map<std::string, std::string>& metadata, const std::string& key, int limit) {
  const std::string& text = required(metadata, key);
  // Ten digits or fewer cannot overflow a 64-bit value; anything longer is out of range anyway.
  const long long value = all_digits(text) && text.size() <= 10 ? std::stoll(text) : -1;
  if (value < 1 || value > limit)
    throw std::runtime_error("model file metadata " + in_quotes(key) + " must be an integer between 1 and " +
                             std::to_string(limit) + ", not " + in_quotes(text));
  return static_cast<int>(value);
}

void check_format_version(const std::map<std::string, std::string>& metadata) {
  const std::string& text = required(metadata, "format_version");
  if (!all_digits(text) || text.size() > 9)
    throw std::runtime_error("model file metadata 'format_version' must be a decimal integer, not " +
                             in_quotes(text));
  const int version = std::stoi(text);
  if (version > kModelFormatVersion)
    throw std::runtime_error("model format version " + std::to_string(version) +
                             " is newer than this build supports (" + std::to_string(kModelFormatVersion) +
                             "); update attention-translator");
  if (version != kModelFormatVersion)
    throw std::runtime_error("model format version " + std::to_string(version) + " is not supported (this build reads " +
                             std::to_string(kModelFormatVersion) + ")");
}

Tokenizer read_tokenizer(const std::map<std::string, std::string>& metadata, const std::string& key) {
  const std::string& json = required(metadata, key);
  try {
    return Tokenizer::from_json(json);
  } catch (const std::exception& problem) {
    throw std::runtime_error("model file metadata " + in_quotes(key) + " is not a valid tokenizer: " + problem.what());
  }
}

void read_metadata(const std::map<std::string, std::string>& metadata, Model& model) {
  const auto format = metadata.find("format");
  if (format == metadata.end() || format->second != kFormatName)
    throw std::runtime_error(std::string("not an attention-translator model: metadata 'format' must be '") +
                             kFormatName + "'");
  check_format_version(metadata);

  ModelConfig& config = model.config;
  config.src_vocab = read_size(metadata, "src_vocab_size", kMaxVocabSize);
  config.tgt_vocab = read_size(metadata, "tgt_vocab_size", kMaxVocabSize);
  config.embed = read_size(metadata, "embed_dim", kMaxDimension);
  config.hidden = read_size(metadata, "hidden_dim", kMaxDimension);
  config.attention = read_size(metadata, "attention_dim", kMaxDimension);
  const std::string& tied = required(metadata, "tied_output");
  if (tied != "true" && tied != "false")
    throw std::runtime_error("model file metadata 'tied_output' must be 'true' or 'false', not " + in_quotes(tied));
  config.tied_output = tied == "true";
  try {
    check_config(config);
  } catch (const std::invalid_argument& problem) {
    throw std::runtime_error(std::string("model file: ") + problem.what());
  }

  model.src_tokenizer = read_tokenizer(metadata, "src_tokenizer");
  model.tgt_tokenizer = read_tokenizer(metadata, "tgt_tokenizer");
  if (model.src_tokenizer.size() != config.src_vocab)
    throw std::runtime_error("model file metadata 'src_vocab_size' is " + std::to_string(config.src_vocab) +
                             " but 'src_tokenizer' has " + std::to_string(model.src_tokenizer.size()) + " pieces");
  if (model.tgt_tokenizer.size() != config.tgt_vocab)
    throw std::runtime_error("model file metadata 'tgt_vocab_size' is " + std::to_string(config.tgt_vocab) +
                             " but 'tgt_tokenizer' has " + std::to_string(model.tgt_tokenizer.size()) + " pieces");

  for (const auto& [key, value] : metadata)
    if (!reserved_keys().count(key)) model.info[key] = value;
}

std::vector<float> read_floats(const std::string& name, const SafetensorsEntry& entry) {
  if (entry.dtype != "F32")
    throw std::runtime_error("tensor " + in_quotes(name) + " must be F32, not " + entry.dtype);
  std::vector<float> values(entry.bytes / sizeof(float));
  if (entry.bytes) std::memcpy(values.data(), entry.data, entry.bytes);
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw std::runtime_error("tensor " + in_quotes(name) + " holds a non-finite value (NaN or Inf) at element " +
                               std::to_string(i));
  return values;
}

void read_tensors(const SafetensorsFile& file, const ModelConfig& config, Parameters& params) {
  const auto shapes = expected_shapes(config);
  std::set<std::string> used;
  std::string first_matrix;  // the matrix whose dtype every other matrix must share
  bool matrices_int8 = false;

  params.for_each(config.tied_output, [&](const std::string& name, Tensor& tensor) {
    const auto found = file.tensors.find(name);
    if (found == file.tensors.end()) throw std::runtime_error("model file is missing tensor " + in_quotes(name));
    const SafetensorsEntry& entry = found->second;
    used.insert(name);
    const std::vector<int64_t>& shape = shapes.at(name);
    if (entry.shape != shape)
      throw std::runtime_error("tensor " + in_quotes(name) + " has shape " + shape_text(entry.shape) + ", expected " +
                               shape_text(shape));
    tensor.shape = shape;
    if (shape.size() == 1) {
      tensor.f32 = read_floats(name, entry);
      return;
    }

    if (entry.dtype != "F32" && entry.dtype != "I8")
      throw std::runtime_error("tensor " + in_quotes(name) + " has dtype " + entry.dtype + "; matrices are F32 or I8");
    const bool int8 = entry.dtype == "I8";
    if (first_matrix.empty()) {
      first_matrix = name;
      matrices_int8 = int8;
    } else if (int8 != matrices_int8) {
      throw std::runtime_error("tensor " + in_quotes(name) + " is " + entry.dtype + " but " + in_quotes(first_matrix) +
                               " is " + (matrices_int8 ? "I8" : "F32") + "; a model's matrices are all F32 or all I8");
    }
    if (!int8) {
      tensor.f32 = read_floats(name, entry);
      return;
    }

    // assign() copies the bytes in one go; resize() + memcpy would first zero-fill megabytes.
    const auto* values = reinterpret_cast<const int8_t*>(entry.data);
    tensor.i8.assign(values, values + entry.bytes);
    const std::string scales = scale_name(name);
    const auto scale_entry = file.tensors.find(scales);
    if (scale_entry == file.tensors.end())
      throw std::runtime_error("model file is missing tensor " + in_quotes(scales) + " (the row scales of int8 " +
                               in_quotes(name) + ")");
    used.insert(scales);
    if (scale_entry->second.shape != std::vector<int64_t>{shape[0]})
      throw std::runtime_error("tensor " + in_quotes(scales) + " has shape " + shape_text(scale_entry->second.shape) +
                               ", expected [" + std::to_string(shape[0]) + "]");
    tensor.scale = read_floats(scales, scale_entry->second);
    for (size_t r = 0; r < tensor.scale.size(); ++r)
      if (!(tensor.scale[r] > 0.0f))
        throw std::runtime_error("tensor " + in_quotes(scales) + " holds a non-positive scale at row " +
                                 std::to_string(r));
  });

  for (const auto& [name, entry] : file.tensors)
    if (!used.count(name))
      throw std::runtime_error("model file has unknown tensor " + in_quotes(name) +
                               (name == "out_proj.weight" && config.tied_output ? " (tied_output is true)" : ""));
}

// Refuses to write what load_model would reject, so a saved model always loads.
void check_savable(const Model& model) {
  check_config(model.config);
  if (model.src_tokenizer.size() != model.config.src_vocab || model.tgt_tokenizer.size() != model.config.tgt_vocab)
    throw std::invalid_argument("model vocabulary sizes do not match its tokenizers");
  for (const auto& [key, value] : model.info)
    if (reserved_keys().count(key)) throw std::invalid_argument("model info key " + in_quotes(key) + " is reserved");

  const auto shapes = expected_shapes(model.config);
  const bool int8 = model.is_int8();
  model.params.for_each(model.config.tied_output, [&](const std::string& name, const Tensor& tensor) {
    const size_t count = tensor.numel();
    bool consistent = tensor.shape == shapes.at(name);
    if (tensor.shape.size() == 1 || !int8)
      consistent = consistent && !tensor.is_int8() && tensor.f32.size() == count;
    else
      consistent = consistent && tensor.f32.empty() && tensor.i8.size() == count &&
                   tensor.scale.size() == static_cast<size_t>(tensor.rows());
    if (!consistent)
      throw std::invalid_argument("tensor " + in_quotes(name) + " does not match the model's configuration or kind");
  });
}

}  // namespace

Model load_model(const uint8_t* bytes, size_t size) {
  const SafetensorsFile file = parse_safetensors(bytes, size);
  Model model;
  read_metadata(file.metadata, model);
  read_tensors(file, model.config, model.params);
  if (kernels::reads_panels()) model.params.pack_panels(model.config.tied_output);
  return model;
}

std::vector<uint8_t> save_model(const Model& model) {
  check_savable(model);
  std::map<std::string, std::string> metadata = model.info;
  const ModelConfig& config = model.config;
  metadata["format"] = kFormatName;
  metadata["format_version"] = std::to_string(kModelFormatVersion);
  metadata["src_vocab_size"] = std::to_string(config.src_vocab);
  metadata["tgt_vocab_size"] = std::to_string(config.tgt_vocab);
  metadata["embed_dim"] = std::to_string(config.embed);
  metadata["hidden_dim"] = std::to_string(config.hidden);
  metadata["attention_dim"] = std::to_string(config.attention);
  metadata["tied_output"] = config.tied_output ? "true" : "false";
  metadata["src_tokenizer"] = model.src_tokenizer.to_json();
  metadata["tgt_tokenizer"] = model.tgt_tokenizer.to_json();

  std::vector<SafetensorsRecord> records;
  model.params.for_each(config.tied_output, [&](const std::string& name, const Tensor& tensor) {
    if (!tensor.is_int8()) {
      records.push_back({name, "F32", tensor.shape, reinterpret_cast<const uint8_t*>(tensor.f32.data()),
                         tensor.f32.size() * sizeof(float)});
      return;
    }
    records.push_back(
        {name, "I8", tensor.shape, reinterpret_cast<const uint8_t*>(tensor.i8.data()), tensor.i8.size()});
    records.push_back({scale_name(name), "F32", {tensor.shape[0]},
                       reinterpret_cast<const uint8_t*>(tensor.scale.data()), tensor.scale.size() * sizeof(float)});
  });
  return write_safetensors(records, metadata);
}

Model quantize(const Model& model) {
  if (model.is_int8()) throw std::invalid_argument("the model is already int8");
  Model quantized = model;
  quantized.params.for_each(model.config.tied_output, [&](const std::string& name, Tensor& tensor) {
    if (tensor.shape.size() != 2) return;  // vectors stay F32
    const size_t rows = static_cast<size_t>(tensor.rows()), cols = static_cast<size_t>(tensor.cols());
    if (tensor.f32.size() != rows * cols)
      throw std::invalid_argument("tensor " + in_quotes(name) + " does not hold F32 data of its shape");
    tensor.i8.resize(rows * cols);
    tensor.scale.resize(rows);
    for (size_t r = 0; r < rows; ++r) {
      const float* row = tensor.f32.data() + r * cols;
      float largest = 0.0f;
      for (size_t c = 0; c < cols; ++c) {
        if (!std::isfinite(row[c]))
          throw std::invalid_argument("tensor " + in_quotes(name) + " holds a non-finite value in row " +
                                      std::to_string(r));
        largest = std::max(largest, std::fabs(row[c]));
      }
      // Symmetric: the largest magnitude maps to ±127. An all-zero row (or one so tiny its scale underflows) gets
      // scale 1, since a file's scales must be positive.
      float row_scale = largest / 127.0f;
      if (!(row_scale > 0.0f)) row_scale = 1.0f;
      tensor.scale[r] = row_scale;
      for (size_t c = 0; c < cols; ++c) {
        const float q = std::round(row[c] / row_scale);
        tensor.i8[r * cols + c] = static_cast<int8_t>(std::max(-127.0f, std::min(127.0f, q)));
      }
    }
    tensor.f32.clear();
    tensor.f32.shrink_to_fit();
  });
  if (kernels::reads_panels()) quantized.params.pack_panels(model.config.tied_output);
  return quantized;
}

Model dequantize(const Model& model) {
  if (!model.is_int8()) throw std::invalid_argument("the model is already F32");
  Model dequantized = model;
  dequantized.params.for_each(model.config.tied_output, [&](const std::string& name, Tensor& tensor) {
    if (!tensor.is_int8()) return;  // vectors are F32 already
    const size_t rows = static_cast<size_t>(tensor.rows()), cols = static_cast<size_t>(tensor.cols());
    if (tensor.i8.size() != rows * cols || tensor.scale.size() != rows)
      throw std::invalid_argument("tensor " + in_quotes(name) + " does not hold int8 data of its shape");
    tensor.f32.resize(rows * cols);
    for (size_t r = 0; r < rows; ++r) tensor.copy_row(static_cast<int>(r), tensor.f32.data() + r * cols);
    tensor.i8.clear();
    tensor.i8.shrink_to_fit();
    tensor.panels.clear();
    tensor.panels.shrink_to_fit();
    tensor.scale.clear();
    tensor.scale.shrink_to_fit();
  });
  return dequantized;
}

}  // namespace attn
