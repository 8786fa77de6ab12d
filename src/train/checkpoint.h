// Training checkpoints: everything needed to continue a run exactly where it stopped (weights, Adam moments,
// step, random state, position in the data, early-stopping state and the options that must not change).
//
// File layout: "ATTNCKPT" magic, u32 format version, u64 payload length, payload, u64 FNV-1a checksum of the
// payload. Payload: u64-length-prefixed JSON state, u64-length-prefixed model file (model_file.h), then the
// Adam first and second moments as raw little-endian F32 tensors in Parameters::for_each order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/model.h"

namespace attn {

constexpr uint32_t kCheckpointVersion = 1;

struct TrainingProgress {
  int64_t step = 0;            // optimizer steps taken
  int64_t epoch = 0;           // current epoch (0-based)
  int64_t batch_index = 0;     // next batch in this epoch's shuffled order
  uint64_t rng_state = 0;      // trainer random stream (dropout seeds)
  double best_score = -1;      // best dev score so far (-1: none yet)
  double best_dev_loss = 0;
  int64_t best_step = 0;
  int64_t evaluations_without_improvement = 0;
  double elapsed_seconds = 0;  // training time before this session
  int64_t target_tokens = 0;   // real target tokens trained on
};

struct Checkpoint {
  Model model;  // F32
  int64_t adam_steps = 0;
  Parameters adam_first_moment, adam_second_moment;
  TrainingProgress progress;
  nlohmann::json fixed_options;  // the training options a resumed run must keep
};

std::vector<uint8_t> serialize_checkpoint(const Checkpoint& checkpoint);
// Throws std::runtime_error saying what is wrong (not a checkpoint, unsupported version, truncated, checksum
// mismatch: the file is corrupt).
Checkpoint parse_checkpoint(const uint8_t* bytes, size_t size);

// Writes PATH.tmp, fsyncs it, renames it over PATH and fsyncs the directory: a crash leaves either the old
// file or the new one, never a mix.
void write_file_durably(const std::string& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> read_whole_file(const std::string& path);

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);
Checkpoint load_checkpoint(const std::string& path);

}  // namespace attn
