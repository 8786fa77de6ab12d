// End-to-end: trains a small character-level date model from scratch (well under 3 minutes on 2 cores) and
// requires at least 90% exact match on 500 fresh dates from a seed the training data never used.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "data/dates.h"
#include "model/model_file.h"
#include "search/beam_search.h"
#include "support/date_data.h"
#include "support/tiny_model.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace {

using attn::testing::write_dates;

}  // namespace

TEST_CASE("a date model trained from scratch gets at least 90% of fresh dates exactly right", "[train][dates]") {
  attn::testing::TempDir dir;
  write_dates(dir.path("train.tsv"), 20000, 1001);
  attn::TrainOptions o;
  o.train_path = dir.path("train.tsv");
  o.out_path = dir.path("dates.safetensors");
  o.char_level = true;
  o.embed = 32;
  o.hidden = 64;
  o.attention = 32;
  o.batch_tokens = 2000;
  o.dropout = 0;
  o.optimizer.learning_rate = 3e-3;
  o.optimizer.warmup_steps = 200;
  o.max_steps = 1000;
  o.eval_every = 0;
  o.seed = 3;
  o.log_seconds = 1e9;
  std::FILE* log = std::fopen("/dev/null", "w");
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  const attn::TrainSummary summary = attn::train(o, nullptr, log);
  std::fclose(log);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Processor time of all threads: under 180 s it fits in 3 minutes on 2 cores even when the machine running
  // the test is shared (wall time would make the test flaky there).
  const double cpu_seconds = double(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  INFO("trained " << summary.steps << " steps in " << seconds << " s wall, " << cpu_seconds << " s CPU");
  CHECK(summary.steps == o.max_steps);
  CHECK(cpu_seconds < 180);

  const std::vector<uint8_t> bytes = attn::read_whole_file(o.out_path);
  const attn::Model model = attn::load_model(bytes.data(), bytes.size());
  attn::DateGenerator fresh(777001);  // never used for training data
  attn::SearchOptions greedy;
  greedy.beam = 1;
  int exact = 0;
  const int count = 500;
  for (int i = 0; i < count; ++i) {
    const attn::DateExample e = fresh.next();
    std::vector<int> ids = model.src_tokenizer.encode(e.human);
    ids.push_back(attn::Tokenizer::kEos);
    exact += model.tgt_tokenizer.decode(attn::beam_search(model, ids, greedy)[0].tokens) == e.iso;
  }
  INFO("exact match " << exact << " / " << count);
  CHECK(exact >= count * 9 / 10);
}
