// The training loop behind `attn train`: data, vocabularies, model initialisation, Adam steps over bucketed
// batches, periodic dev evaluation with best-model keeping and early stopping, checkpoints and resume.
//
// Determinism: for a given seed and thread count, the batch order of every epoch and every dropout mask are
// pure functions of (seed, epoch, step), and all reductions run in a fixed order, so an interrupted and resumed
// run ends with exactly the weights of an uninterrupted one.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "train/checkpoint.h"
#include "train/optimizer.h"

namespace attn {

struct TrainOptions {
  // data: TSV files, 1-based columns
  std::string train_path;
  std::string dev_path;  // optional
  int source_column = 2;
  int target_column = 1;
  int max_length = 100;  // pairs longer than this many tokens (</s> included) on either side are skipped
  // vocabularies: tokenizer JSON files, or learned from the training data
  std::string src_vocab_path, tgt_vocab_path;
  int src_vocab_size = 8000, tgt_vocab_size = 8000;
  bool char_level = false;
  // network
  int embed = 256, hidden = 256, attention = 256;
  bool tied_output = false;
  std::string source_language = "fr", target_language = "en";
  // The data was masked by `attn protect`: the model records "protected_spans": "1", so translation masks too.
  bool protected_spans = false;
  // optimization
  OptimizerOptions optimizer;
  double label_smoothing = 0.1;
  double dropout = 0.2;
  int batch_tokens = 2000;  // padded tokens per batch (longer side)
  uint64_t seed = 1;
  // stopping and evaluation (0 = no limit)
  int64_t max_steps = 0;
  int64_t max_epochs = 0;
  double max_minutes = 0;
  int64_t eval_every = 1000;
  int dev_sentences = 500;
  int64_t patience = 10;
  // output
  std::string out_path;
  std::string checkpoint_path;
  double checkpoint_minutes = 10;
  double log_seconds = 10;
};

// The options a resumed run must keep (keyed by their `attn train` option names, values typed).
nlohmann::json fixed_options_json(const TrainOptions& options);
// `options` with every fixed option replaced by the value recorded in `fixed` (a checkpoint's).
TrainOptions with_fixed_options(TrainOptions options, const nlohmann::json& fixed);

struct TrainSummary {
  int64_t steps = 0;
  int64_t epochs_completed = 0;
  double best_score = -1;  // exact match % (char) or BLEU; -1 without dev data
  int64_t best_step = 0;
  double seconds = 0;      // this session's wall time
  double tokens_per_second = 0;  // real target tokens per second of training steps
  bool interrupted = false;
  std::string stop_reason;
};

// Trains from scratch, or continues `resume` (whose fixed options must equal those of `options`; throws
// std::invalid_argument naming the first one that differs). Progress and messages go to `log`.
TrainSummary train(const TrainOptions& options, const Checkpoint* resume, std::FILE* log);

// Set by SIGINT/SIGTERM while train() runs: it finishes the current step, writes the checkpoint and returns.
void install_stop_signal_handlers();

}  // namespace attn
