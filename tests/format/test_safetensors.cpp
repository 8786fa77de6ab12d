#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "format/safetensors.h"

using attn::parse_safetensors;
using attn::SafetensorsRecord;
using attn::write_safetensors;
using Catch::Matchers::Contains;

namespace {

// A file assembled by hand: the header text exactly as given (unpadded), then the data bytes.
std::vector<uint8_t> raw_file(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> bytes;
  bytes.reserve(8 + header.size() + data.size());
  const uint64_t length = header.size();
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(length >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

attn::SafetensorsFile parse(const std::vector<uint8_t>& bytes) { return parse_safetensors(bytes.data(), bytes.size()); }

// A valid two-tensor file: "a" is F32 [2] at [0, 8), "b" is I8 [3] at [8, 11).
const std::string kValidHeader =
    R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}})";
const std::vector<uint8_t> kValidData(11, 0);

void require_rejected(const std::string& header, const std::vector<uint8_t>& data, const std::string& expected) {
  INFO("header: " << header);
  REQUIRE_THROWS_AS(parse(raw_file(header, data)), std::runtime_error);
  REQUIRE_THROWS_WITH(parse(raw_file(header, data)), Contains(expected));
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("safetensors: written files parse back with the same tensors and metadata", "[safetensors]") {
  const std::vector<float> weights = {1.5f, -2.0f, 0.25f, 8.0f, -0.0f, 3.0f};
  const std::vector<int8_t> codes = {-127, 0, 5, 127};
  const std::vector<SafetensorsRecord> records = {
      {"w", "F32", {2, 3}, reinterpret_cast<const uint8_t*>(weights.data()), weights.size() * 4},
      {"q", "I8", {4}, reinterpret_cast<const uint8_t*>(codes.data()), codes.size()},
      {"empty", "F32", {0, 5}, nullptr, 0}};
  const std::vector<uint8_t> bytes = write_safetensors(records, {{"k", "v"}, {"unicode", "é→"}});

  const attn::SafetensorsFile file = parse(bytes);
  REQUIRE(file.metadata == std::map<std::string, std::string>{{"k", "v"}, {"unicode", "é→"}});
  REQUIRE(file.tensors.size() == 3);
  const auto& w = file.tensors.at("w");
  REQUIRE(w.dtype == "F32");
  REQUIRE(w.shape == std::vector<int64_t>{2, 3});
  REQUIRE(w.bytes == 24);
  std::vector<float> read(6);
  std::memcpy(read.data(), w.data, 24);
  REQUIRE(read == weights);
  const auto& q = file.tensors.at("q");
  REQUIRE(q.dtype == "I8");
  REQUIRE(std::memcmp(q.data, codes.data(), 4) == 0);
  REQUIRE(file.tensors.at("empty").bytes == 0);
}

TEST_CASE("safetensors: layout is the reference one (LE length, space-padded header, data in record order)",
          "[safetensors]") {
  const std::vector<uint8_t> first = {1, 2, 3}, second = {9, 8, 7, 6, 5, 4, 3, 2};
  const std::vector<uint8_t> bytes = write_safetensors(
      {{"z_first", "U8", {3}, first.data(), 3}, {"a_second", "I16", {2, 2}, second.data(), 8}}, {});
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | bytes[static_cast<size_t>(i)];
  REQUIRE(header_length % 8 == 0);
  REQUIRE(bytes.size() == 8 + header_length + 11);
  const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(header_length));
  REQUIRE(header.front() == '{');
  REQUIRE(header.find_last_not_of(' ') == header.find_last_of('}'));

  // Checked with an independent JSON parse rather than our reader.
  const auto json = nlohmann::json::parse(header);
  REQUIRE(json["z_first"]["data_offsets"] == nlohmann::json::array({0, 3}));
  REQUIRE(json["a_second"]["data_offsets"] == nlohmann::json::array({3, 11}));
  REQUIRE(json["a_second"]["shape"] == nlohmann::json::array({2, 2}));
  REQUIRE(!json.contains("__metadata__"));
  const std::vector<uint8_t> data(bytes.begin() + 8 + static_cast<long>(header_length), bytes.end());
  REQUIRE(data == std::vector<uint8_t>{1, 2, 3, 9, 8, 7, 6, 5, 4, 3, 2});
}

TEST_CASE("safetensors: a hand-written valid file parses", "[safetensors]") {
  const auto file = parse(raw_file(kValidHeader + "   ", kValidData));
  REQUIRE(file.tensors.at("a").shape == std::vector<int64_t>{2});
  REQUIRE(file.tensors.at("b").bytes == 3);
  REQUIRE(file.metadata.empty());
}

TEST_CASE("safetensors: malformed files are rejected with a message naming the fault", "[safetensors]") {
  SECTION("too short for the length") {
    const std::vector<uint8_t> bytes = {1, 2, 3};
    REQUIRE_THROWS_WITH(parse(bytes), Contains("too short"));
  }
  SECTION("header length past the end of the file") {
    std::vector<uint8_t> bytes = raw_file(kValidHeader, kValidData);
    bytes[0] = static_cast<uint8_t>(bytes[0] + 100);
    REQUIRE_THROWS_WITH(parse(bytes), Contains("header length"));
  }
  SECTION("absurd header length") {
    std::vector<uint8_t> bytes = raw_file(kValidHeader, kValidData);
    bytes[7] = 0x7f;
    REQUIRE_THROWS_WITH(parse(bytes), Contains("exceeds the limit"));
  }
  SECTION("JSON syntax") { require_rejected(kValidHeader.substr(0, 30), kValidData, "not well-formed JSON"); }
  SECTION("trailing garbage after the object") { require_rejected(kValidHeader + "x", kValidData, "JSON"); }
  SECTION("top level") { require_rejected("[1,2]", {}, "top level"); }
  SECTION("tensor entry not an object") { require_rejected(R"({"a":[1]})", {}, "tensor 'a'"); }
  SECTION("missing key") {
    require_rejected(replaced(kValidHeader, R"("dtype":"I8",)", ""), kValidData, "tensor 'b': missing 'dtype'");
  }
  SECTION("extra key") {
    require_rejected(replaced(kValidHeader, R"("dtype":"I8",)", R"("dtype":"I8","extra":1,)"), kValidData,
                     "unexpected key 'extra'");
  }
  SECTION("duplicate key in an entry") {
    require_rejected(replaced(kValidHeader, R"("dtype":"I8",)", R"("dtype":"I8","dtype":"I8",)"), kValidData,
                     "duplicate key 'dtype'");
  }
  SECTION("duplicate tensor") {
    require_rejected(replaced(kValidHeader, R"("b":)", R"("a":)"), kValidData, "duplicate key 'a'");
  }
  SECTION("dtype of the wrong type") {
    require_rejected(replaced(kValidHeader, R"("I8")", "8"), kValidData, "tensor 'b': dtype must be a string");
  }
  SECTION("shape of the wrong type") {
    require_rejected(replaced(kValidHeader, "[3]", R"("3")"), kValidData, "tensor 'b': shape");
  }
  SECTION("negative dimension") {
    require_rejected(replaced(kValidHeader, "[3]", "[-3]"), kValidData, "tensor 'b': shape has a negative");
  }
  SECTION("fractional dimension") {
    require_rejected(replaced(kValidHeader, "[3]", "[3.0]"), kValidData, "tensor 'b': shape entries");
  }
  SECTION("nested shape") { require_rejected(replaced(kValidHeader, "[3]", "[[3]]"), kValidData, "tensor 'b'"); }
  SECTION("element count overflow") {
    require_rejected(replaced(kValidHeader, "[3]", "[4294967296,4294967296,16]"), kValidData,
                     "tensor 'b': the element count");
  }
  SECTION("dimension beyond 64 bits") {
    require_rejected(replaced(kValidHeader, "[3]", "[100000000000000000000000]"), kValidData, "tensor 'b'");
  }
  SECTION("unknown dtype") { require_rejected(replaced(kValidHeader, "I8", "Q7"), kValidData, "tensor 'b'"); }
  SECTION("byte length does not match the shape") {
    require_rejected(replaced(kValidHeader, "[3]", "[4]"), kValidData, "tensor 'b': data_offsets span 3 bytes");
  }
  SECTION("offsets outside the data block") {
    require_rejected(replaced(kValidHeader, "[8,11]", "[9,12]"), kValidData, "tensor 'b': data_offsets [9, 12]");
  }
  SECTION("offsets reversed") {
    require_rejected(replaced(kValidHeader, R"("shape":[3],"data_offsets":[8,11])",
                              R"("shape":[0],"data_offsets":[11,8])"),
                     kValidData, "tensor 'b': data_offsets [11, 8] are reversed");
  }
  SECTION("wrong number of offsets") {
    require_rejected(replaced(kValidHeader, "[8,11]", "[8,11,12]"), kValidData, "tensor 'b': data_offsets");
    require_rejected(replaced(kValidHeader, "[8,11]", "[8]"), kValidData, "tensor 'b': data_offsets");
  }
  SECTION("overlapping tensors") {
    require_rejected(replaced(kValidHeader, "[8,11]", "[6,9]"), std::vector<uint8_t>(9), "tensor 'b' overlaps");
  }
  SECTION("gap in the data block") {
    require_rejected(replaced(kValidHeader, "[8,11]", "[9,12]"), std::vector<uint8_t>(12), "before tensor 'b'");
  }
  SECTION("trailing bytes") { require_rejected(kValidHeader, std::vector<uint8_t>(12), "trailing"); }
  SECTION("metadata not an object") {
    require_rejected(R"({"__metadata__":"x"})", {}, "__metadata__");
  }
  SECTION("metadata value not a string") {
    require_rejected(R"({"__metadata__":{"k":1}})", {}, "__metadata__: value of 'k'");
    require_rejected(R"({"__metadata__":{"k":{"x":"y"}}})", {}, "__metadata__");
  }
  SECTION("deep nesting stops at once") {
    require_rejected(std::string(200000, '['), {}, "top level");
    require_rejected(R"({"a":)" + std::string(200000, '['), {}, "tensor 'a'");
  }
}

TEST_CASE("safetensors: every truncation of a valid file is rejected", "[safetensors]") {
  const std::vector<float> weights(10, 1.0f);
  const std::vector<uint8_t> bytes = write_safetensors(
      {{"w", "F32", {10}, reinterpret_cast<const uint8_t*>(weights.data()), 40}}, {{"note", "truncate me"}});
  for (size_t length = 0; length < bytes.size(); ++length) {
    INFO("length " << length);
    REQUIRE_THROWS_AS(parse_safetensors(bytes.data(), length), std::runtime_error);
  }
}

TEST_CASE("safetensors: random corruption never escapes as anything but runtime_error", "[safetensors]") {
  const std::vector<uint8_t> valid = raw_file(kValidHeader, kValidData);
  std::mt19937 random(7);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> bytes = valid;
    const int flips = 1 + static_cast<int>(random() % 3);
    for (int f = 0; f < flips; ++f) bytes[random() % bytes.size()] = static_cast<uint8_t>(random());
    try {
      parse(bytes);
    } catch (const std::runtime_error&) {
      ++rejected;
    }
  }
  // Most corruptions of a tight header must be caught (the rest hit bytes that do not matter, like tensor data).
  REQUIRE(rejected > 1500);
}

TEST_CASE("safetensors: the writer refuses records it could not describe", "[safetensors]") {
  const std::vector<uint8_t> data(8, 0);
  using Records = std::vector<SafetensorsRecord>;
  REQUIRE_THROWS_AS(write_safetensors(Records{{"a", "F32", {3}, data.data(), 8}}, {}), std::invalid_argument);
  REQUIRE_THROWS_AS(write_safetensors(Records{{"a", "F9", {2}, data.data(), 8}}, {}), std::invalid_argument);
  REQUIRE_THROWS_AS(write_safetensors(Records{{"a", "F32", {-2}, data.data(), 8}}, {}), std::invalid_argument);
  REQUIRE_THROWS_AS(write_safetensors(Records{{"__metadata__", "U8", {8}, data.data(), 8}}, {}),
                    std::invalid_argument);
  REQUIRE_THROWS_WITH(write_safetensors(Records{{"a", "U8", {4}, data.data(), 4}, {"a", "U8", {4}, data.data(), 4}}, {}),
                      Contains("tensor 'a': duplicate"));
}

TEST_CASE("safetensors: dtype sizes", "[safetensors]") {
  REQUIRE(attn::safetensors_dtype_size("F32") == 4);
  REQUIRE(attn::safetensors_dtype_size("I8") == 1);
  REQUIRE(attn::safetensors_dtype_size("BF16") == 2);
  REQUIRE(attn::safetensors_dtype_size("F64") == 8);
  REQUIRE_THROWS_WITH(attn::safetensors_dtype_size("f32"), Contains("'f32'"));
}
