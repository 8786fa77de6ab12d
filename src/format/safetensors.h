// The safetensors container (https://github.com/huggingface/safetensors), independent of what the tensors mean:
// an 8-byte little-endian header length N, N bytes of JSON describing each tensor, then one contiguous data block.
//
// Parsing is strict and bounded (it never allocates much more than the header itself), so untrusted files only
// ever produce a std::runtime_error naming the field or tensor at fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attn {

// Largest JSON header accepted, as in the reference implementation.
constexpr uint64_t kSafetensorsMaxHeaderBytes = 100000000;

// A view of one tensor inside the parsed buffer (valid while the buffer lives). `data` may be unaligned.
struct SafetensorsEntry {
  std::string dtype;  // "F32", "I8", ...
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t bytes = 0;
};

struct SafetensorsFile {
  std::map<std::string, std::string> metadata;  // the optional "__metadata__" object
  std::map<std::string, SafetensorsEntry> tensors;
};

// One tensor to write; `data` holds `bytes` little-endian bytes.
struct SafetensorsRecord {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t bytes = 0;
};

// Bytes per element of a safetensors dtype name; throws std::runtime_error for an unknown one.
size_t safetensors_dtype_size(const std::string& dtype);

// Validates the whole layout (see the checks in safetensors.cpp); throws std::runtime_error on any fault.
SafetensorsFile parse_safetensors(const uint8_t* bytes, size_t size);

// Lays the records out contiguously in the given order, header padded with spaces to a multiple of 8 bytes.
// Throws std::invalid_argument for a duplicate or reserved name, an unknown dtype or a byte count that does not
// match the shape.
std::vector<uint8_t> write_safetensors(const std::vector<SafetensorsRecord>& records,
                                       const std::map<std::string, std::string>& metadata);

}  // namespace attn
