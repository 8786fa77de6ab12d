// Checkpoint/resume: an interrupted-and-resumed run ends with exactly the weights of an uninterrupted one, and
// damaged checkpoints are reported clearly.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "data/dates.h"
#include "model/model_file.h"
#include "support/date_data.h"
#include "support/tiny_model.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace {

using attn::testing::write_dates;

using attn::testing::TempDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

attn::TrainOptions tiny_options(const TempDir& dir) {
  attn::TrainOptions o;
  o.train_path = dir.path("train.tsv");
  o.char_level = true;
  o.embed = 8;
  o.hidden = 12;
  o.attention = 8;
  o.batch_tokens = 300;
  o.dropout = 0.1;  // exercises the dropout random stream across the resume
  o.optimizer.learning_rate = 3e-3;
  o.optimizer.warmup_steps = 5;
  o.eval_every = 0;
  o.seed = 17;
  o.log_seconds = 1e9;
  return o;
}

struct NullLog {
  std::FILE* file = std::fopen("/dev/null", "w");
  ~NullLog() { std::fclose(file); }
};

}  // namespace

TEST_CASE("a resumed run ends with the same weights as an uninterrupted one", "[train][resume]") {
  TempDir dir;
  // 300 pairs at ~12 per batch: the 30 steps cross an epoch boundary and the halfway point lies mid-epoch.
  write_dates(dir.path("train.tsv"), 300, 5);
  NullLog log;

  attn::TrainOptions straight = tiny_options(dir);
  straight.max_steps = 30;
  straight.out_path = dir.path("straight.safetensors");
  const attn::TrainSummary full = attn::train(straight, nullptr, log.file);
  REQUIRE(full.steps == 30);
  REQUIRE(full.epochs_completed >= 1);

  attn::TrainOptions first_half = tiny_options(dir);
  first_half.max_steps = 15;
  first_half.out_path = dir.path("half.safetensors");
  first_half.checkpoint_path = dir.path("run.ckpt");
  attn::train(first_half, nullptr, log.file);

  const attn::Checkpoint checkpoint = attn::load_checkpoint(dir.path("run.ckpt"));
  CHECK(checkpoint.progress.step == 15);
  attn::TrainOptions second_half = tiny_options(dir);
  second_half.max_steps = 30;
  second_half.out_path = dir.path("resumed.safetensors");
  second_half.checkpoint_path = dir.path("run.ckpt");
  const attn::TrainSummary resumed = attn::train(second_half, &checkpoint, log.file);
  CHECK(resumed.steps == 30);

  const std::string straight_bytes = read_bytes(dir.path("straight.safetensors"));
  CHECK(straight_bytes.size() > 1000);
  CHECK(straight_bytes == read_bytes(dir.path("resumed.safetensors")));
  CHECK(straight_bytes != read_bytes(dir.path("half.safetensors")));
}

TEST_CASE("resuming refuses changed training options", "[train][resume]") {
  TempDir dir;
  write_dates(dir.path("train.tsv"), 100, 6);
  NullLog log;
  attn::TrainOptions options = tiny_options(dir);
  options.max_steps = 2;
  options.out_path = dir.path("m.safetensors");
  options.checkpoint_path = dir.path("run.ckpt");
  attn::train(options, nullptr, log.file);
  const attn::Checkpoint checkpoint = attn::load_checkpoint(dir.path("run.ckpt"));
  options.max_steps = 4;
  options.hidden = 16;
  CHECK_THROWS_WITH(attn::train(options, &checkpoint, log.file), Catch::Contains("--hidden"));
}

TEST_CASE("damaged checkpoints are reported", "[train][resume]") {
  TempDir dir;
  write_dates(dir.path("train.tsv"), 50, 7);
  NullLog log;
  attn::TrainOptions options = tiny_options(dir);
  options.max_steps = 1;
  options.out_path = dir.path("m.safetensors");
  options.checkpoint_path = dir.path("run.ckpt");
  attn::train(options, nullptr, log.file);
  const std::string good = read_bytes(dir.path("run.ckpt"));
  REQUIRE(good.size() > 100);

  std::string flipped = good;
  flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x10);
  CHECK_THROWS_WITH(attn::parse_checkpoint(reinterpret_cast<const uint8_t*>(flipped.data()), flipped.size()),
                    Catch::Contains("corrupt"));
  const std::string truncated = good.substr(0, good.size() - 100);
  CHECK_THROWS_WITH(attn::parse_checkpoint(reinterpret_cast<const uint8_t*>(truncated.data()), truncated.size()),
                    Catch::Contains("truncated"));
  std::string wrong_magic = good;
  wrong_magic[0] = 'X';
  CHECK_THROWS_WITH(attn::parse_checkpoint(reinterpret_cast<const uint8_t*>(wrong_magic.data()), wrong_magic.size()),
                    Catch::Contains("not a training checkpoint"));
  CHECK_NOTHROW(attn::parse_checkpoint(reinterpret_cast<const uint8_t*>(good.data()), good.size()));
}

TEST_CASE("a warm start continues from a model file's weights and vocabularies", "[train][resume]") {
  TempDir dir;
  write_dates(dir.path("train.tsv"), 200, 8);
  NullLog log;
  attn::TrainOptions first = tiny_options(dir);
  first.max_steps = 20;
  first.out_path = dir.path("first.safetensors");
  attn::train(first, nullptr, log.file);

  // One more step at a negligible learning rate from the first model: the weights barely move, so the written
  // model equals its starting point to float precision, while a random start would be far from it.
  attn::TrainOptions warm = tiny_options(dir);
  warm.init_path = dir.path("first.safetensors");
  warm.hidden = 99;  // ignored: the shapes come from the model file
  warm.max_steps = 1;
  warm.optimizer.learning_rate = 1e-12;
  warm.optimizer.warmup_steps = 0;
  warm.out_path = dir.path("warm.safetensors");
  attn::train(warm, nullptr, log.file);

  const std::string first_bytes = read_bytes(dir.path("first.safetensors"));
  const std::string warm_bytes = read_bytes(dir.path("warm.safetensors"));
  const attn::Model a = attn::load_model(reinterpret_cast<const uint8_t*>(first_bytes.data()), first_bytes.size());
  const attn::Model b = attn::load_model(reinterpret_cast<const uint8_t*>(warm_bytes.data()), warm_bytes.size());
  CHECK(b.config.hidden == a.config.hidden);
  CHECK(b.src_tokenizer.to_json() == a.src_tokenizer.to_json());
  CHECK(b.tgt_tokenizer.to_json() == a.tgt_tokenizer.to_json());
  const attn::Tensor& wa = a.params.src_embed;
  const attn::Tensor& wb = b.params.src_embed;
  REQUIRE(wa.f32.size() == wb.f32.size());
  for (size_t i = 0; i < wa.f32.size(); ++i) CHECK(wb.f32[i] == Approx(wa.f32[i]).margin(1e-6));

  warm.src_vocab_path = dir.path("src.json");
  CHECK_THROWS_WITH(attn::train(warm, nullptr, log.file), Catch::Contains("--init brings its model's vocabularies"));
}
