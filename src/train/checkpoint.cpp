#include "train/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "model/model_file.h"
#include "train/backprop.h"

namespace attn {
namespace {

constexpr char kMagic[8] = {'A', 'T', 'T', 'N', 'C', 'K', 'P', 'T'};

uint64_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x100000001b3ull;
  return hash;
}

void put_u64(std::vector<uint8_t>& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(value >> (8 * i)));
}
void put_bytes(std::vector<uint8_t>& out, const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
}

// Bounds-checked reader over the payload.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint64_t u64(const char* what) {
    need(8, what);
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= uint64_t(data_[pos_ + size_t(i)]) << (8 * i);
    pos_ += 8;
    return value;
  }
  const uint8_t* bytes(uint64_t count, const char* what) {
    need(count, what);
    const uint8_t* p = data_ + pos_;
    pos_ += size_t(count);
    return p;
  }
  size_t remaining() const { return size_ - pos_; }

 private:
  void need(uint64_t count, const char* what) const {
    if (count > size_ - pos_) throw std::runtime_error(std::string("checkpoint is truncated in ") + what);
  }
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

nlohmann::json progress_to_json(const TrainingProgress& p) {
  return {{"step", p.step},
          {"epoch", p.epoch},
          {"batch_index", p.batch_index},
          {"rng_state", p.rng_state},
          {"best_score", p.best_score},
          {"best_dev_loss", p.best_dev_loss},
          {"best_step", p.best_step},
          {"evaluations_without_improvement", p.evaluations_without_improvement},
          {"elapsed_seconds", p.elapsed_seconds},
          {"target_tokens", p.target_tokens}};
}

TrainingProgress progress_from_json(const nlohmann::json& j) {
  TrainingProgress p;
  try {
    p.step = j.at("step").get<int64_t>();
    p.epoch = j.at("epoch").get<int64_t>();
    p.batch_index = j.at("batch_index").get<int64_t>();
    p.rng_state = j.at("rng_state").get<uint64_t>();
    p.best_score = j.at("best_score").get<double>();
    p.best_dev_loss = j.at("best_dev_loss").get<double>();
    p.best_step = j.at("best_step").get<int64_t>();
    p.evaluations_without_improvement = j.at("evaluations_without_improvement").get<int64_t>();
    p.elapsed_seconds = j.at("elapsed_seconds").get<double>();
    p.target_tokens = j.at("target_tokens").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("checkpoint progress record is invalid: ") + e.what());
  }
  return p;
}

}  // namespace

std::vector<uint8_t> serialize_checkpoint(const Checkpoint& c) {
  std::vector<uint8_t> payload;
  const std::string state =
      nlohmann::json{{"progress", progress_to_json(c.progress)}, {"adam_steps", c.adam_steps},
                     {"fixed_options", c.fixed_options}}
          .dump();
  put_u64(payload, state.size());
  put_bytes(payload, state.data(), state.size());
  const std::vector<uint8_t> model = save_model(c.model);
  put_u64(payload, model.size());
  put_bytes(payload, model.data(), model.size());
  const bool tied = c.model.config.tied_output;
  for (const Parameters* moment : {&c.adam_first_moment, &c.adam_second_moment})
    moment->for_each(tied, [&](const std::string&, const Tensor& t) {
      put_bytes(payload, t.f32.data(), t.f32.size() * sizeof(float));
    });

  std::vector<uint8_t> out(kMagic, kMagic + 8);
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(kCheckpointVersion >> (8 * i)));
  put_u64(out, payload.size());
  put_bytes(out, payload.data(), payload.size());
  put_u64(out, fnv1a(payload.data(), payload.size()));
  return out;
}

Checkpoint parse_checkpoint(const uint8_t* bytes, size_t size) {
  if (size < 12 || std::memcmp(bytes, kMagic, 8) != 0)
    throw std::runtime_error("not a training checkpoint (missing ATTNCKPT magic)");
  uint32_t version = 0;
  for (int i = 0; i < 4; ++i) version |= uint32_t(bytes[8 + i]) << (8 * i);
  if (version != kCheckpointVersion)
    throw std::runtime_error("checkpoint format version " + std::to_string(version) + " is not supported (expected " +
                             std::to_string(kCheckpointVersion) + ")");
  Reader outer(bytes + 12, size - 12);
  const uint64_t payload_size = outer.u64("the header");
  const uint8_t* payload = outer.bytes(payload_size, "the payload (file cut short?)");
  const uint64_t checksum = outer.u64("the checksum");
  if (outer.remaining() != 0) throw std::runtime_error("checkpoint has trailing bytes after the checksum");
  if (checksum != fnv1a(payload, size_t(payload_size)))
    throw std::runtime_error("checkpoint checksum mismatch: the file is corrupt");

  Reader in(payload, size_t(payload_size));
  const uint64_t state_size = in.u64("the state record");
  const uint8_t* state_bytes = in.bytes(state_size, "the state record");
  const nlohmann::json state =
      nlohmann::json::parse(state_bytes, state_bytes + state_size, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || !state.contains("progress") || !state.contains("adam_steps") ||
      !state.contains("fixed_options"))
    throw std::runtime_error("checkpoint state record is not valid JSON with progress, adam_steps, fixed_options");
  Checkpoint c;
  c.progress = progress_from_json(state["progress"]);
  c.adam_steps = state["adam_steps"].get<int64_t>();
  c.fixed_options = state["fixed_options"];
  const uint64_t model_size = in.u64("the model");
  const uint8_t* model_bytes = in.bytes(model_size, "the model");
  c.model = load_model(model_bytes, size_t(model_size));
  if (c.model.is_int8()) throw std::runtime_error("checkpoint model must be F32");
  const bool tied = c.model.config.tied_output;
  for (Parameters* moment : {&c.adam_first_moment, &c.adam_second_moment}) {
    *moment = zeros_like(c.model.params, tied);
    moment->for_each(tied, [&](const std::string&, Tensor& t) {
      const uint8_t* data = in.bytes(t.f32.size() * sizeof(float), "the optimizer moments");
      std::memcpy(t.f32.data(), data, t.f32.size() * sizeof(float));
    });
  }
  if (in.remaining() != 0) throw std::runtime_error("checkpoint payload has unexpected trailing bytes");
  return c;
}

void write_file_durably(const std::string& path, const std::vector<uint8_t>& bytes) {
  const std::string temp = path + ".tmp";
  // On failure the partial temporary file goes too: on a full disk it would only hold on to the space.
  const auto fail = [&](const std::string& what, int error_number) {
    ::unlink(temp.c_str());
    throw std::runtime_error(what + ": " + std::strerror(error_number));
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create '" + temp + "': " + std::strerror(errno));
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error_number = n < 0 ? errno : EIO;
      ::close(fd);
      fail("cannot write '" + temp + "'", error_number);
    }
    written += size_t(n);
  }
  if (::fsync(fd) != 0) {
    const int error_number = errno;
    ::close(fd);
    fail("cannot flush '" + temp + "'", error_number);
  }
  if (::close(fd) != 0) fail("cannot flush '" + temp + "'", errno);
  if (std::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename '" + temp + "' to '" + path + "'", errno);
  const size_t slash = path.find_last_of('/');
  const std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dir_fd = ::open(directory.c_str(), O_RDONLY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);  // best effort: makes the rename itself durable
    ::close(dir_fd);
  }
}

std::vector<uint8_t> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  write_file_durably(path, serialize_checkpoint(checkpoint));
}

Checkpoint load_checkpoint(const std::string& path) {
  const std::vector<uint8_t> bytes = read_whole_file(path);
  try {
    return parse_checkpoint(bytes.data(), bytes.size());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("checkpoint '" + path + "': " + e.what());
  }
}

}  // namespace attn
