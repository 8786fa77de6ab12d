#include "format/safetensors.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

namespace attn {
namespace {

using Json = nlohmann::json;

constexpr const char* kMetadataKey = "__metadata__";

std::string in_quotes(const std::string& name) { return "'" + name + "'"; }

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Element count of a shape, or false when it does not fit in 64 bits.
bool element_count(const std::vector<int64_t>& shape, uint64_t& count) {
  count = 1;
  for (int64_t dim : shape) {
    const auto d = static_cast<uint64_t>(dim);
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d) return false;
    count *= d;
  }
  return true;
}

// A tensor entry as the header describes it, before its offsets are checked against the data block.
struct HeaderEntry {
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<uint64_t> offsets;
  bool has_dtype = false, has_shape = false, has_offsets = false;
};

// Streams the header JSON and keeps only what the format allows, so a hostile header can neither nest deeply
// nor build a large document: anything outside the expected shape stops the parse with a message.
class HeaderReader : public nlohmann::json_sax<Json> {
 public:
  std::map<std::string, HeaderEntry> entries;
  std::map<std::string, std::string> metadata;
  std::string error;

  bool null() override { return unexpected(); }
  bool boolean(bool) override { return unexpected(); }
  bool number_float(number_float_t, const string_t&) override { return unexpected(); }
  bool binary(binary_t&) override { return unexpected(); }

  bool number_integer(number_integer_t) override {
    // The parser reports only negative integers here; non-negative ones arrive as number_unsigned.
    if (where_ == Where::Shape) return fail(context() + ": shape has a negative dimension");
    if (where_ == Where::Offsets) return fail(context() + ": data_offsets has a negative value");
    return unexpected();
  }

  bool number_unsigned(number_unsigned_t value) override {
    if (where_ == Where::Shape) {
      if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return fail(context() + ": shape dimension " + std::to_string(value) + " is too large");
      current().shape.push_back(static_cast<int64_t>(value));
      return true;
    }
    if (where_ == Where::Offsets) {
      if (current().offsets.size() == 2) return fail(context() + ": data_offsets must have exactly 2 entries");
      current().offsets.push_back(value);
      return true;
    }
    return unexpected();
  }

  bool string(string_t& value) override {
    if (where_ == Where::Entry && field_ == "dtype") {
      current().dtype = std::move(value);
      return true;
    }
    if (where_ == Where::Metadata) {
      metadata[field_] = std::move(value);
      return true;
    }
    return unexpected();
  }

  bool start_object(std::size_t) override {
    if (where_ == Where::Start) {
      where_ = Where::Top;
      return true;
    }
    if (where_ == Where::Top) {
      if (name_ == kMetadataKey) {
        where_ = Where::Metadata;
      } else {
        entries.emplace(name_, HeaderEntry{});
        where_ = Where::Entry;
      }
      return true;
    }
    return unexpected();
  }

  bool key(string_t& key) override {
    if (where_ == Where::Top) {
      if (entries.count(key) || (key == kMetadataKey && seen_metadata_))
        return fail("safetensors header: duplicate key " + in_quotes(key));
      if (key == kMetadataKey) seen_metadata_ = true;
      name_ = key;
      return true;
    }
    if (where_ == Where::Metadata) {
      if (metadata.count(key)) return fail(std::string(kMetadataKey) + ": duplicate key " + in_quotes(key));
      field_ = key;
      return true;
    }
    // Inside a tensor entry.
    HeaderEntry& entry = current();
    bool* seen = key == "dtype" ? &entry.has_dtype
                 : key == "shape" ? &entry.has_shape
                 : key == "data_offsets" ? &entry.has_offsets
                                         : nullptr;
    if (!seen) return fail(context() + ": unexpected key " + in_quotes(key));
    if (*seen) return fail(context() + ": duplicate key " + in_quotes(key));
    *seen = true;
    field_ = key;
    return true;
  }

  bool end_object() override {
    if (where_ == Where::Entry) {
      const HeaderEntry& entry = current();
      if (!entry.has_dtype) return fail(context() + ": missing 'dtype'");
      if (!entry.has_shape) return fail(context() + ": missing 'shape'");
      if (!entry.has_offsets) return fail(context() + ": missing 'data_offsets'");
    }
    where_ = where_ == Where::Top ? Where::Done : Where::Top;
    return true;
  }

  bool start_array(std::size_t) override {
    if (where_ == Where::Entry && field_ == "shape") {
      where_ = Where::Shape;
      return true;
    }
    if (where_ == Where::Entry && field_ == "data_offsets") {
      where_ = Where::Offsets;
      return true;
    }
    return unexpected();
  }

  bool end_array() override {
    if (where_ == Where::Offsets && current().offsets.size() != 2)
      return fail(context() + ": data_offsets must have exactly 2 entries");
    where_ = Where::Entry;
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& problem) override {
    return fail(std::string("safetensors header is not well-formed JSON: ") + problem.what());
  }

 private:
  enum class Where { Start, Top, Metadata, Entry, Shape, Offsets, Done };
  Where where_ = Where::Start;
  std::string name_;   // the current top-level key: a tensor name or "__metadata__"
  std::string field_;  // the current key inside a tensor entry or the metadata
  bool seen_metadata_ = false;

  HeaderEntry& current() { return entries.at(name_); }
  std::string context() const { return "tensor " + in_quotes(name_); }

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  // A value of a kind the format does not allow where it appears.
  bool unexpected() {
    switch (where_) {
      case Where::Start:
        return fail("safetensors header: the top level must be a JSON object");
      case Where::Top:
        if (name_ == kMetadataKey) return fail(std::string(kMetadataKey) + " must be an object of strings");
        return fail(context() + " must be an object with dtype, shape and data_offsets");
      case Where::Metadata:
        return fail(std::string(kMetadataKey) + ": value of " + in_quotes(field_) + " must be a string");
      case Where::Entry:
        if (field_ == "dtype") return fail(context() + ": dtype must be a string");
        return fail(context() + ": " + field_ + " must be an array of integers");
      case Where::Shape:
        return fail(context() + ": shape entries must be non-negative integers");
      case Where::Offsets:
        return fail(context() + ": data_offsets entries must be non-negative integers");
      case Where::Done:
        break;
    }
    return fail("safetensors header: unexpected content after the top-level object");
  }
};

uint64_t read_u64_le(const uint8_t* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

size_t safetensors_dtype_size(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"I64", 8},     {"U64", 8}, {"F64", 8}};
  const auto found = sizes.find(dtype);
  if (found == sizes.end()) throw std::runtime_error("unknown safetensors dtype " + in_quotes(dtype));
  return found->second;
}

SafetensorsFile parse_safetensors(const uint8_t* bytes, size_t size) {
  if (size < 8)
    throw std::runtime_error("safetensors file is " + std::to_string(size) +
                             " bytes, too short for the 8-byte header length");
  const uint64_t header_bytes = read_u64_le(bytes);
  if (header_bytes > kSafetensorsMaxHeaderBytes)
    throw std::runtime_error("safetensors header length " + std::to_string(header_bytes) + " exceeds the limit of " +
                             std::to_string(kSafetensorsMaxHeaderBytes) + " bytes");
  if (header_bytes > size - 8)
    throw std::runtime_error("safetensors header length " + std::to_string(header_bytes) +
                             " runs past the end of the " + std::to_string(size) + "-byte file");

  HeaderReader reader;
  const uint8_t* header = bytes + 8;
  if (!Json::sax_parse(header, header + header_bytes, &reader)) throw std::runtime_error(reader.error);

  SafetensorsFile file;
  file.metadata = std::move(reader.metadata);
  const uint8_t* data_block = header + header_bytes;
  const uint64_t data_bytes = size - 8 - header_bytes;

  struct Span {
    uint64_t begin, end;
    const std::string* name;
  };
  std::vector<Span> spans;
  // Entries move one node at a time from the reader to the result, so the two never both hold everything.
  while (!reader.entries.empty()) {
    auto node = reader.entries.extract(reader.entries.begin());
    const std::string& name = node.key();
    HeaderEntry& raw = node.mapped();
    const std::string context = "tensor " + in_quotes(name);
    size_t element_bytes = 0;
    try {
      element_bytes = safetensors_dtype_size(raw.dtype);
    } catch (const std::runtime_error& unknown) {
      throw std::runtime_error(context + ": " + unknown.what());
    }
    uint64_t count = 0;
    if (!element_count(raw.shape, count) || count > std::numeric_limits<uint64_t>::max() / element_bytes)
      throw std::runtime_error(context + ": the element count of shape " + shape_text(raw.shape) + " overflows");
    const uint64_t begin = raw.offsets[0], end = raw.offsets[1];
    if (begin > end)
      throw std::runtime_error(context + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                               "] are reversed");
    if (end > data_bytes)
      throw std::runtime_error(context + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                               "] lie outside the " + std::to_string(data_bytes) + "-byte data block");
    if (end - begin != count * element_bytes)
      throw std::runtime_error(context + ": data_offsets span " + std::to_string(end - begin) + " bytes but " +
                               raw.dtype + " " + shape_text(raw.shape) + " needs " +
                               std::to_string(count * element_bytes));
    const auto placed = file.tensors.emplace(
        std::move(node.key()), SafetensorsEntry{std::move(raw.dtype), std::move(raw.shape), data_block + begin,
                                                static_cast<size_t>(end - begin)});
    spans.push_back({begin, end, &placed.first->first});
  }

  // The data block must be exactly the tensors laid end to end.
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  uint64_t cursor = 0;
  const std::string* previous = nullptr;
  for (const Span& span : spans) {
    if (span.begin < cursor)
      throw std::runtime_error("tensor " + in_quotes(*span.name) + " overlaps tensor " + in_quotes(*previous) +
                               " in the data block");
    if (span.begin > cursor)
      throw std::runtime_error("safetensors data block has " + std::to_string(span.begin - cursor) +
                               " unused bytes before tensor " + in_quotes(*span.name));
    cursor = span.end;
    previous = span.name;
  }
  if (cursor != data_bytes)
    throw std::runtime_error("safetensors data block has " + std::to_string(data_bytes - cursor) +
                             " trailing bytes after the last tensor");
  return file;
}

std::vector<uint8_t> write_safetensors(const std::vector<SafetensorsRecord>& records,
                                       const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  uint64_t offset = 0;
  for (const SafetensorsRecord& record : records) {
    const std::string context = "tensor " + in_quotes(record.name);
    if (record.name == kMetadataKey) throw std::invalid_argument(context + ": the name is reserved");
    if (header.contains(record.name)) throw std::invalid_argument(context + ": duplicate name");
    size_t element_bytes = 0;
    try {
      element_bytes = safetensors_dtype_size(record.dtype);
    } catch (const std::runtime_error& unknown) {
      throw std::invalid_argument(context + ": " + unknown.what());
    }
    uint64_t count = 0;
    const bool negative = std::any_of(record.shape.begin(), record.shape.end(), [](int64_t d) { return d < 0; });
    if (negative || !element_count(record.shape, count) ||
        count > std::numeric_limits<uint64_t>::max() / element_bytes || count * element_bytes != record.bytes)
      throw std::invalid_argument(context + ": " + std::to_string(record.bytes) + " bytes do not hold " +
                                  record.dtype + " " + shape_text(record.shape));
    Json entry = Json::object();
    entry["dtype"] = record.dtype;
    entry["shape"] = record.shape;
    entry["data_offsets"] = std::vector<uint64_t>{offset, offset + record.bytes};
    header[record.name] = std::move(entry);
    offset += record.bytes;
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;

  std::string text;
  try {
    text = header.dump();
  } catch (const Json::exception& problem) {
    throw std::invalid_argument(std::string("safetensors header cannot be written: ") + problem.what());
  }
  // Padding keeps the data block 8-byte aligned relative to the start of the file.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<uint8_t> out;
  out.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i)));
  out.insert(out.end(), text.begin(), text.end());
  for (const SafetensorsRecord& record : records) out.insert(out.end(), record.data, record.data + record.bytes);
  return out;
}

}  // namespace attn
