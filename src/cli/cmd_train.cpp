// attn train: trains a model from TSV sentence pairs (see src/train/trainer.h), or resumes a checkpoint.
#include <omp.h>

#include <cstdio>
#include <set>
#include <string>

#include "cli/args.h"
#include "cli/command.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace attn::cli {
namespace {

constexpr long long kMaxCount = 1000000000000LL;

TrainOptions parse_options(const Args& args, TrainOptions o) {
  o.train_path = args.get("train", o.train_path);
  if (o.train_path.empty()) throw UsageError("missing required option --train");
  o.dev_path = args.get("dev", o.dev_path);
  o.source_column = int(args.get_int("source-column", o.source_column, 1, 1000));
  o.target_column = int(args.get_int("target-column", o.target_column, 1, 1000));
  o.max_length = int(args.get_int("max-length", o.max_length, 1, 100000));
  o.init_path = args.get("init", o.init_path);
  o.src_vocab_path = args.get("src-vocab", o.src_vocab_path);
  o.tgt_vocab_path = args.get("tgt-vocab", o.tgt_vocab_path);
  o.src_vocab_size = int(args.get_int("src-vocab-size", o.src_vocab_size, 259, 1000000));
  o.tgt_vocab_size = int(args.get_int("tgt-vocab-size", o.tgt_vocab_size, 259, 1000000));
  o.char_level = o.char_level || args.has("char");
  o.embed = int(args.get_int("embed", o.embed, 1, 8192));
  o.hidden = int(args.get_int("hidden", o.hidden, 1, 8192));
  o.attention = int(args.get_int("attention", o.attention, 1, 8192));
  o.tied_output = o.tied_output || args.has("tied");
  o.protected_spans = o.protected_spans || args.has("protected-spans");
  o.source_language = args.get("source-language", o.source_language);
  o.target_language = args.get("target-language", o.target_language);
  OptimizerOptions& a = o.optimizer;
  a.learning_rate = args.get_double("lr", a.learning_rate, 1e-12, 10);
  a.warmup_steps = int(args.get_int("warmup", a.warmup_steps, 0, 100000000));
  a.decay = parse_decay(args.get("decay", decay_name(a.decay)));
  a.min_learning_rate = args.get_double("min-lr", a.min_learning_rate, 0, 10);
  a.beta1 = args.get_double("beta1", a.beta1, 0, 0.999999);
  a.beta2 = args.get_double("beta2", a.beta2, 0, 0.999999);
  a.epsilon = args.get_double("adam-eps", a.epsilon, 1e-20, 1);
  a.clip_norm = args.get_double("clip-norm", a.clip_norm, 0, 1e9);
  o.label_smoothing = args.get_double("label-smoothing", o.label_smoothing, 0, 0.999);
  o.dropout = args.get_double("dropout", o.dropout, 0, 0.95);
  o.batch_tokens = int(args.get_int("batch-tokens", o.batch_tokens, 1, 100000000));
  o.seed = uint64_t(args.get_int("seed", (long long)o.seed, 0, (1LL << 53)));
  o.max_steps = args.get_int("steps", o.max_steps, 0, kMaxCount);
  o.max_epochs = args.get_int("epochs", o.max_epochs, 0, kMaxCount);
  o.max_minutes = args.get_double("minutes", o.max_minutes, 0, 1e9);
  o.eval_every = args.get_int("eval-every", o.eval_every, 0, kMaxCount);
  o.dev_sentences = int(args.get_int("dev-sentences", o.dev_sentences, 0, 100000000));
  o.patience = args.get_int("patience", o.patience, 0, kMaxCount);
  o.out_path = args.require("out");
  o.checkpoint_path = args.get("checkpoint", o.checkpoint_path);
  o.checkpoint_minutes = args.get_double("checkpoint-minutes", o.checkpoint_minutes, 0, 1e9);
  o.log_seconds = args.get_double("log-seconds", o.log_seconds, 0, 1e9);
  // Cosine decay spans the run unless told otherwise.
  a.decay_steps = args.get_int("decay-steps", a.decay_steps, 0, kMaxCount);
  if (a.decay == LearningRateDecay::Cosine && a.decay_steps == 0) {
    if (o.max_steps == 0) throw UsageError("--decay cosine needs --decay-steps or --steps");
    a.decay_steps = std::max<int64_t>(1, o.max_steps - a.warmup_steps);
  }
  if (o.max_steps == 0 && o.max_epochs == 0 && o.max_minutes == 0 && (o.dev_path.empty() || o.patience == 0))
    throw UsageError("give a limit: --steps, --epochs, --minutes, or --dev with --patience");
  return o;
}

int run_train(const std::vector<std::string>& argv) {
  const Args args(argv,
                  {"train", "dev", "source-column", "target-column", "max-length", "init", "src-vocab", "tgt-vocab",
                   "src-vocab-size", "tgt-vocab-size", "embed", "hidden", "attention", "source-language",
                   "target-language", "lr", "warmup", "decay", "decay-steps", "min-lr", "beta1", "beta2", "adam-eps",
                   "clip-norm", "label-smoothing", "dropout", "batch-tokens", "seed", "steps", "epochs", "minutes",
                   "eval-every", "dev-sentences", "patience", "out", "checkpoint", "checkpoint-minutes", "resume",
                   "threads", "log-seconds"},
                  {"char", "tied", "protected-spans"});
  args.expect_positional(0, "no positional arguments");
  if (args.has("threads")) {
    const int threads = int(args.get_int("threads", 1, 1, 1024));
    omp_set_num_threads(threads);
  }
  TrainOptions defaults;
  Checkpoint checkpoint;
  const bool resuming = args.has("resume");
  if (resuming) {
    checkpoint = load_checkpoint(args.get("resume", ""));
    defaults = with_fixed_options(defaults, checkpoint.fixed_options);
  }
  const TrainOptions options = parse_options(args, defaults);
  install_stop_signal_handlers();
  const TrainSummary summary = train(options, resuming ? &checkpoint : nullptr, stderr);
  std::printf("%s after %lld steps (%lld epochs) in %.1f s, %.0f target tokens/s", summary.stop_reason.c_str(),
              (long long)summary.steps, (long long)summary.epochs_completed, summary.seconds,
              summary.tokens_per_second);
  if (summary.best_score >= 0)
    std::printf("; best dev score %.2f at step %lld", summary.best_score, (long long)summary.best_step);
  std::printf("\n");
  return 0;
}

const CommandRegistration registration(
    {"train",
     "attn train --train TSV --out MODEL [--dev TSV] [--char] [--embed E --hidden H --attention A] [--tied]\n"
     "  [--steps N | --epochs N | --minutes M] [--batch-tokens N] [--lr X --warmup N --decay inverse-sqrt|cosine|"
     "constant]\n"
     "  [--dropout P] [--label-smoothing E] [--eval-every N --dev-sentences N --patience N] [--seed S]\n"
     "  [--checkpoint PATH --checkpoint-minutes M] [--resume PATH] [--threads N] [--src-vocab JSON --tgt-vocab "
     "JSON]\n"
     "  [--source-column 2 --target-column 1] [--max-length N] [--init MODEL] [--protected-spans]",
     "train a model (or resume a checkpoint) from TSV sentence pairs", run_train});

}  // namespace
}  // namespace attn::cli
