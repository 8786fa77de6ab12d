#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>

#include "format/safetensors.h"
#include "model/forward.h"
#include "model/init.h"
#include "model/model_file.h"
#include "support/tiny_model.h"

using namespace attn;
using Catch::Matchers::Contains;

namespace {

Model small_model(bool tied) {
  ModelConfig config;
  config.embed = 4;
  config.hidden = 3;
  config.attention = 5;
  config.tied_output = tied;
  Model model = init_model(config, Tokenizer::learn_chars({"le chat"}), Tokenizer::learn_chars({"the cat"}), 11);
  model.info["source_language"] = "fr";
  model.info["target_language"] = "en";
  model.info["trained_by"] = "tests";
  return model;
}

// A model file opened up for editing: tensors and metadata as plain values, written back with the generic layer.
struct EditableFile {
  struct Owned {
    std::string dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> data;
  };
  std::map<std::string, Owned> tensors;
  std::map<std::string, std::string> metadata;

  explicit EditableFile(const std::vector<uint8_t>& bytes) {
    const SafetensorsFile file = parse_safetensors(bytes.data(), bytes.size());
    metadata = file.metadata;
    for (const auto& [name, entry] : file.tensors)
      tensors[name] = {entry.dtype, entry.shape, std::vector<uint8_t>(entry.data, entry.data + entry.bytes)};
  }

  std::vector<uint8_t> bytes() const {
    std::vector<SafetensorsRecord> records;
    for (const auto& [name, t] : tensors) records.push_back({name, t.dtype, t.shape, t.data.data(), t.data.size()});
    return write_safetensors(records, metadata);
  }

  void set_float(const std::string& name, size_t index, float value) {
    std::memcpy(tensors.at(name).data.data() + 4 * index, &value, 4);
  }
};

Model load(const std::vector<uint8_t>& bytes) { return load_model(bytes.data(), bytes.size()); }

void require_load_fails(const EditableFile& file, const std::string& expected) {
  const std::vector<uint8_t> bytes = file.bytes();
  REQUIRE_THROWS_AS(load(bytes), std::runtime_error);
  REQUIRE_THROWS_WITH(load(bytes), Contains(expected));
}

}  // namespace

TEST_CASE("model file: F32 models round-trip byte for byte", "[model_file]") {
  for (bool tied : {false, true}) {
    const Model model = small_model(tied);
    const std::vector<uint8_t> bytes = save_model(model);
    const Model loaded = load(bytes);
    REQUIRE(save_model(loaded) == bytes);
    REQUIRE(loaded.config.tied_output == tied);
    REQUIRE(loaded.config.src_vocab == model.src_tokenizer.size());
    REQUIRE(loaded.info == model.info);
    REQUIRE(loaded.src_tokenizer.to_json() == model.src_tokenizer.to_json());
    REQUIRE(loaded.params.att_U.f32 == model.params.att_U.f32);
    REQUIRE(loaded.params.dec.weight_hh.f32 == model.params.dec.weight_hh.f32);
    REQUIRE(loaded.params.out_proj_weight.empty() == tied);
  }
}

TEST_CASE("model file: tensors are written in for_each order with the documented metadata", "[model_file]") {
  const Model model = small_model(false);
  const std::vector<uint8_t> bytes = save_model(model);
  const SafetensorsFile file = parse_safetensors(bytes.data(), bytes.size());
  REQUIRE(file.metadata.at("format") == "attention-translator");
  REQUIRE(file.metadata.at("format_version") == "1");
  REQUIRE(file.metadata.at("embed_dim") == "4");
  REQUIRE(file.metadata.at("hidden_dim") == "3");
  REQUIRE(file.metadata.at("attention_dim") == "5");
  REQUIRE(file.metadata.at("tied_output") == "false");
  REQUIRE(file.metadata.at("source_language") == "fr");
  const uint8_t* previous = nullptr;
  size_t count = 0;
  model.params.for_each(false, [&](const std::string& name, const Tensor& tensor) {
    const SafetensorsEntry& entry = file.tensors.at(name);
    REQUIRE(entry.dtype == "F32");
    REQUIRE(entry.shape == tensor.shape);
    REQUIRE(entry.data > previous);
    previous = entry.data;
    ++count;
  });
  REQUIRE(file.tensors.size() == count);
}

TEST_CASE("model file: int8 models round-trip and quantization error is within half a step", "[model_file]") {
  const Model model = small_model(false);
  const Model quantized = quantize(model);
  REQUIRE(quantized.is_int8());
  REQUIRE(quantized.info == model.info);
  REQUIRE(quantized.parameter_count() == model.parameter_count());

  Parameters original = model.params;
  size_t matrices = 0;
  quantized.params.for_each(false, [&](const std::string& name, const Tensor& tensor) {
    INFO(name);
    const Tensor* source = nullptr;
    original.for_each(false, [&](const std::string& other, const Tensor& t) {
      if (other == name) source = &t;
    });
    REQUIRE(source != nullptr);
    if (tensor.shape.size() == 1) {
      REQUIRE(!tensor.is_int8());
      REQUIRE(tensor.f32 == source->f32);
      return;
    }
    ++matrices;
    REQUIRE(tensor.i8.size() == source->f32.size());
    REQUIRE(tensor.scale.size() == static_cast<size_t>(tensor.rows()));
    for (int r = 0; r < tensor.rows(); ++r) {
      float largest = 0.0f;
      for (int c = 0; c < tensor.cols(); ++c)
        largest = std::max(largest, std::fabs(source->f32[static_cast<size_t>(r * tensor.cols() + c)]));
      const float scale = tensor.scale[static_cast<size_t>(r)];
      REQUIRE(scale == Approx(largest / 127.0f).epsilon(1e-6));
      for (int c = 0; c < tensor.cols(); ++c) {
        const size_t i = static_cast<size_t>(r * tensor.cols() + c);
        REQUIRE(std::abs(static_cast<int>(tensor.i8[i])) <= 127);
        REQUIRE(std::fabs(source->f32[i] - scale * tensor.i8[i]) <= scale * 0.5f * 1.0001f);
      }
    }
  });
  REQUIRE(matrices == 13);

  const std::vector<uint8_t> bytes = save_model(quantized);
  REQUIRE(bytes.size() < save_model(model).size());
  const Model loaded = load(bytes);
  REQUIRE(loaded.is_int8());
  REQUIRE(save_model(loaded) == bytes);
  REQUIRE(loaded.params.att_W.i8 == quantized.params.att_W.i8);
  REQUIRE(loaded.params.att_W.scale == quantized.params.att_W.scale);

  REQUIRE_THROWS_AS(quantize(quantized), std::invalid_argument);
}

TEST_CASE("model file: quantizing an all-zero row gives scale 1 and zeros", "[model_file]") {
  Model model = small_model(true);
  std::fill(model.params.att_W.f32.begin(), model.params.att_W.f32.begin() + 3, 0.0f);  // row 0 of [5, 3]
  const Model quantized = quantize(model);
  REQUIRE(quantized.params.att_W.scale[0] == 1.0f);
  for (int c = 0; c < 3; ++c) REQUIRE(quantized.params.att_W.i8[static_cast<size_t>(c)] == 0);
  REQUIRE(quantized.params.att_W.scale[1] > 0.0f);
}

TEST_CASE("model file: Tensor views and rows dequantize", "[model_file]") {
  Tensor matrix = Tensor::zeros({2, 3});
  REQUIRE(matrix.numel() == 6);
  REQUIRE(matrix.f32 == std::vector<float>(6, 0.0f));
  matrix.f32 = {1, 2, 3, 4, 5, 6};
  std::vector<float> row(3);
  matrix.copy_row(1, row.data());
  REQUIRE(row == std::vector<float>{4, 5, 6});
  kernels::MatrixView view = matrix.view();
  REQUIRE((view.f32 == matrix.f32.data() && view.i8 == nullptr && view.rows == 2 && view.cols == 3));

  Tensor codes;
  codes.shape = {2, 2};
  codes.i8 = {1, -2, 127, 0};
  codes.scale = {0.5f, 2.0f};
  codes.copy_row(0, row.data());
  REQUIRE((row[0] == 0.5f && row[1] == -1.0f));
  codes.copy_row(1, row.data());
  REQUIRE((row[0] == 254.0f && row[1] == 0.0f));
  view = codes.view();
  REQUIRE((view.f32 == nullptr && view.i8 == codes.i8.data() && view.scale == codes.scale.data()));
  REQUIRE_THROWS(codes.copy_row(2, row.data()));

  const Tensor vector = Tensor::zeros({7});
  view = vector.view();
  REQUIRE((view.rows == 1 && view.cols == 7));

  // A column range views the same storage with the full width as its stride; ranges outside the matrix throw.
  view = matrix.columns(1, 3);
  REQUIRE((view.f32 == matrix.f32.data() + 1 && view.rows == 2 && view.cols == 2 && view.row_stride() == 3));
  const std::vector<float> x = {1, 10};
  std::vector<float> y(2);
  kernels::linear(view, nullptr, x.data(), 1, y.data());
  REQUIRE(y == std::vector<float>{2 + 30, 5 + 60});
  view = codes.columns(1, 2);
  REQUIRE((view.i8 == codes.i8.data() + 1 && view.scale == codes.scale.data()));
  REQUIRE((view.cols == 1 && view.row_stride() == 2));
  REQUIRE_THROWS(matrix.columns(2, 4));
  REQUIRE_THROWS(matrix.columns(2, 1));
  REQUIRE_THROWS(vector.columns(0, 1));
}

TEST_CASE("model file: panels for the matrices multiplied one row at a time, where the kernels read them",
          "[model_file]") {
  ModelConfig config;
  config.embed = 8;
  config.hidden = 8;
  config.attention = 16;
  config.tied_output = false;
  Model model =
      quantize(init_model(config, Tokenizer::learn_chars({"le chat"}), Tokenizer::learn_chars({"the quick fox"}), 5));
  const Model loaded = load(save_model(model));
  for (const Model* m : {static_cast<const Model*>(&model), &loaded}) {
    m->params.for_each(false, [&](const std::string& name, const Tensor& tensor) {
      INFO(name);
      REQUIRE(tensor.panels.empty() != kernels::reads_panels());
    });
  }

  model.params.pack_panels(config.tied_output);
  const std::set<std::string> packed = {"enc_fwd.weight_hh", "enc_bwd.weight_hh", "dec.weight_hh", "dec_init.weight",
                                        "att.W", "out_proj.weight"};
  model.params.for_each(false, [&](const std::string& name, const Tensor& tensor) {
    INFO(name);
    if (!packed.count(name)) {
      REQUIRE(tensor.panels.empty());
      return;
    }
    kernels::MatrixView plain = tensor.view();
    plain.panels = nullptr;
    REQUIRE_FALSE(tensor.panels.empty());
    REQUIRE(tensor.panels == kernels::pack_panels(plain));
    REQUIRE(tensor.view().panels == tensor.panels.data());
    REQUIRE(tensor.columns(0, tensor.cols()).panels == nullptr);  // a column view reads plain rows
  });
  REQUIRE(dequantize(model).params.att_W.panels.empty());
}

TEST_CASE("model file: expected shapes and parameter count follow the configuration", "[model_file]") {
  const Model model = small_model(false);
  const int64_t vs = model.config.src_vocab, vt = model.config.tgt_vocab, e = 4, h = 3, a = 5;
  const auto shapes = expected_shapes(model.config);
  REQUIRE(shapes.at("dec.weight_ih") == std::vector<int64_t>{3 * h, e + 2 * h});
  REQUIRE(shapes.at("att.U") == std::vector<int64_t>{a, 2 * h});
  REQUIRE(shapes.at("out_hidden.weight") == std::vector<int64_t>{e, 3 * h + e});
  REQUIRE(shapes.at("out_proj.weight") == std::vector<int64_t>{vt, e});
  size_t visited = 0;
  model.params.for_each(false, [&](const std::string& name, const Tensor&) {
    REQUIRE(shapes.count(name) == 1);
    ++visited;
  });
  REQUIRE(visited == shapes.size());

  const int64_t gru_shared = 3 * h * h + 6 * h;
  const int64_t expected = vs * e + vt * e + 2 * (3 * h * e + gru_shared) + h * h + h + a * h + a * 2 * h + 2 * a +
                           (3 * h * (e + 2 * h) + gru_shared) + e * (3 * h + e) + e + vt * e + vt;
  REQUIRE(model.parameter_count() == static_cast<size_t>(expected));
  REQUIRE(small_model(true).parameter_count() == static_cast<size_t>(expected - vt * e));
}

TEST_CASE("model file: a newer format_version is refused with an upgrade hint", "[model_file]") {
  EditableFile file(save_model(small_model(false)));
  file.metadata["format_version"] = "2";
  const std::vector<uint8_t> bytes = file.bytes();
  REQUIRE_THROWS_WITH(load(bytes), "model format version 2 is newer than this build supports (1); update "
                                   "attention-translator");
  file.metadata["format_version"] = "0";
  require_load_fails(file, "model format version 0");
  file.metadata["format_version"] = "one";
  require_load_fails(file, "format_version");
  file.metadata.erase("format_version");
  require_load_fails(file, "format_version");
}

TEST_CASE("model file: bad metadata is rejected naming the key", "[model_file]") {
  const EditableFile valid(save_model(small_model(false)));
  REQUIRE_NOTHROW(load(valid.bytes()));

  SECTION("format") {
    EditableFile file = valid;
    file.metadata["format"] = "pytorch";
    require_load_fails(file, "format");
    file.metadata.erase("format");
    require_load_fails(file, "format");
  }
  SECTION("sizes") {
    for (const char* key : {"src_vocab_size", "tgt_vocab_size", "embed_dim", "hidden_dim", "attention_dim"}) {
      INFO(key);
      for (const char* bad : {"0", "-3", "4.0", "1e3", "", " 4", "99999999999999999999", "70000"}) {
        INFO(bad);
        EditableFile file = valid;
        file.metadata[key] = bad;
        require_load_fails(file, key);
      }
      EditableFile file = valid;
      file.metadata.erase(key);
      require_load_fails(file, key);
    }
  }
  SECTION("tied_output") {
    EditableFile file = valid;
    file.metadata["tied_output"] = "yes";
    require_load_fails(file, "tied_output");
  }
  SECTION("tokenizers") {
    for (const char* key : {"src_tokenizer", "tgt_tokenizer"}) {
      EditableFile file = valid;
      file.metadata[key] = "{not json";
      require_load_fails(file, key);
      file.metadata[key] = std::string(100000, '[') + std::string(100000, ']');
      require_load_fails(file, key);
      file.metadata.erase(key);
      require_load_fails(file, key);
    }
  }
  SECTION("vocabulary size disagrees with the tokenizer") {
    EditableFile file = valid;
    file.metadata["src_vocab_size"] = std::to_string(std::stoi(file.metadata["src_vocab_size"]) + 1);
    require_load_fails(file, "src_vocab_size");
    file = valid;
    file.metadata["tgt_tokenizer"] = valid.metadata.at("src_tokenizer");
    require_load_fails(file, "tgt_vocab_size");
  }
}

TEST_CASE("model file: bad tensors are rejected naming the tensor", "[model_file]") {
  const EditableFile valid(save_model(small_model(false)));
  const EditableFile valid_int8(save_model(quantize(small_model(false))));
  REQUIRE_NOTHROW(load(valid_int8.bytes()));

  SECTION("missing") {
    EditableFile file = valid;
    file.tensors.erase("att.W");
    require_load_fails(file, "missing tensor 'att.W'");
  }
  SECTION("unknown") {
    EditableFile file = valid;
    file.tensors["att.extra"] = {"F32", {1}, std::vector<uint8_t>(4)};
    require_load_fails(file, "unknown tensor 'att.extra'");
  }
  SECTION("stored projection in a tied model") {
    EditableFile file = valid;
    file.metadata["tied_output"] = "true";
    require_load_fails(file, "unknown tensor 'out_proj.weight'");
  }
  SECTION("wrong shape") {
    EditableFile file = valid;
    std::swap(file.tensors["att.U"].shape[0], file.tensors["att.U"].shape[1]);
    require_load_fails(file, "tensor 'att.U' has shape [6, 5], expected [5, 6]");
  }
  SECTION("unsupported dtype") {
    EditableFile file = valid;
    file.tensors["att.W"].dtype = "I32";
    require_load_fails(file, "tensor 'att.W'");
  }
  SECTION("vector stored as I8") {
    EditableFile file = valid_int8;
    file.tensors["att.b"] = {"I8", {5}, std::vector<uint8_t>(5)};
    require_load_fails(file, "tensor 'att.b' must be F32");
  }
  SECTION("mixed F32 and I8 matrices") {
    EditableFile file = valid;
    file.tensors["att.W"] = valid_int8.tensors.at("att.W");
    file.tensors["att.W.scale"] = valid_int8.tensors.at("att.W.scale");
    require_load_fails(file, "tensor 'att.W' is I8");
  }
  SECTION("int8 scales") {
    EditableFile file = valid_int8;
    file.tensors.erase("dec.weight_ih.scale");
    require_load_fails(file, "dec.weight_ih.scale");

    file = valid_int8;
    file.tensors["dec.weight_ih.scale"].shape = {3, 3};
    require_load_fails(file, "dec.weight_ih.scale");

    file = valid_int8;
    file.set_float("dec.weight_ih.scale", 4, 0.0f);
    require_load_fails(file, "tensor 'dec.weight_ih.scale' holds a non-positive scale at row 4");

    file = valid_int8;
    file.set_float("dec.weight_ih.scale", 2, -1.0f);
    require_load_fails(file, "dec.weight_ih.scale");

    file = valid_int8;
    file.set_float("dec.weight_ih.scale", 1, std::numeric_limits<float>::infinity());
    require_load_fails(file, "tensor 'dec.weight_ih.scale' holds a non-finite value");

    file = valid_int8;
    file.tensors["dec.weight_ih.scale"].dtype = "I32";
    require_load_fails(file, "dec.weight_ih.scale");
  }
  SECTION("non-finite weights") {
    for (const char* name : {"dec.weight_hh", "att.v", "src_embed"}) {
      EditableFile file = valid;
      file.set_float(name, 2, std::numeric_limits<float>::quiet_NaN());
      require_load_fails(file, std::string("tensor '") + name + "' holds a non-finite value");
      file = valid;
      file.set_float(name, 0, -std::numeric_limits<float>::infinity());
      require_load_fails(file, name);
    }
  }
}

TEST_CASE("model file: every truncation at 1% steps is rejected", "[model_file]") {
  for (const bool int8 : {false, true}) {
    const Model model = small_model(false);
    const std::vector<uint8_t> bytes = save_model(int8 ? quantize(model) : model);
    for (int percent = 0; percent < 100; ++percent) {
      const size_t length = bytes.size() * static_cast<size_t>(percent) / 100;
      INFO("length " << length << " of " << bytes.size());
      REQUIRE_THROWS_AS(load_model(bytes.data(), length), std::runtime_error);
    }
    REQUIRE_THROWS_AS(load_model(bytes.data(), bytes.size() - 1), std::runtime_error);
  }
}

TEST_CASE("model file: random corruption loads or throws runtime_error, never worse", "[model_file]") {
  const std::vector<uint8_t> valid = save_model(quantize(small_model(false)));
  std::mt19937 random(3);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<uint8_t> bytes = valid;
    // Corrupt the header region, where the structure lives.
    const size_t header_end = std::min<size_t>(bytes.size(), 4000);
    for (int f = 0; f < 2; ++f) bytes[random() % header_end] = static_cast<uint8_t>(random());
    try {
      load(bytes);
    } catch (const std::runtime_error&) {
      ++rejected;
    }
  }
  REQUIRE(rejected > 0);
}

TEST_CASE("model file: saving refuses models it could not load back", "[model_file]") {
  Model model = small_model(false);
  model.info["format_version"] = "7";
  REQUIRE_THROWS_WITH(save_model(model), Contains("format_version"));

  model = small_model(false);
  model.params.att_W.f32.pop_back();
  REQUIRE_THROWS_WITH(save_model(model), Contains("att.W"));

  model = small_model(false);
  model.config.src_vocab += 1;
  REQUIRE_THROWS_AS(save_model(model), std::invalid_argument);
}

TEST_CASE("model file: dequantizing an int8 model gives an F32 file with the same weights and logits",
          "[model_file]") {
  const Model int8 = quantize(testing::tiny_model());
  const std::vector<uint8_t> bytes = save_model(dequantize(int8));
  const Model f32 = load(bytes);
  REQUIRE(!f32.is_int8());
  REQUIRE(f32.info == int8.info);
  REQUIRE(f32.parameter_count() == int8.parameter_count());

  size_t matrices = 0;
  f32.params.for_each(false, [&](const std::string& name, const Tensor& tensor) {
    INFO(name);
    const Tensor* source = nullptr;
    int8.params.for_each(false, [&](const std::string& other, const Tensor& t) {
      if (other == name) source = &t;
    });
    REQUIRE(source != nullptr);
    REQUIRE(!tensor.is_int8());
    if (tensor.shape.size() == 1) {
      REQUIRE(tensor.f32 == source->f32);
      return;
    }
    ++matrices;
    REQUIRE(tensor.f32.size() == source->i8.size());
    const size_t cols = static_cast<size_t>(tensor.cols());
    for (size_t i = 0; i < tensor.f32.size(); ++i)
      REQUIRE(tensor.f32[i] == source->scale[i / cols] * static_cast<float>(source->i8[i]));
  });
  REQUIRE(matrices == 13);

  // Both files are one network: the kernels agree up to the int8 path's 16-bit activations (kernels.h).
  const std::vector<int> src = testing::source_ids(int8, "Jane visite l'Afrique en septembre.");
  std::vector<int> tgt = f32.tgt_tokenizer.encode("Jane visits Africa in September.");
  tgt.push_back(Tokenizer::kEos);
  const TeacherForced from_int8 = teacher_forced(int8, src, tgt);
  const TeacherForced from_f32 = teacher_forced(f32, src, tgt);
  REQUIRE(from_f32.logits.size() == from_int8.logits.size());
  for (size_t i = 0; i < from_f32.logits.size(); ++i)
    REQUIRE(from_f32.logits[i] == Approx(from_int8.logits[i]).margin(1e-3).epsilon(1e-3));
  for (size_t i = 0; i < from_f32.attention.size(); ++i)
    REQUIRE(from_f32.attention[i] == Approx(from_int8.attention[i]).margin(1e-4));

  REQUIRE_THROWS_WITH(dequantize(f32), Contains("already F32"));
}
