#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "eval/bleu.h"
#include "model/init.h"
#include "model/model_file.h"
#include "search/beam_search.h"
#include "train/backprop.h"
#include "train/batch.h"
#include "train/progress.h"
#include "train/random.h"

namespace attn {
namespace {

volatile std::sig_atomic_t g_stop_requested = 0;

extern "C" void request_stop(int) { g_stop_requested = 1; }

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Each epoch's batch order comes from its own seed, so resuming needs only (epoch, batch index).
uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  SplitMix64 mix(seed ^ (0xD1B54A32D192ED03ull * uint64_t(epoch + 1)));
  return mix.next();
}

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

Tokenizer load_tokenizer(const std::string& path) {
  const std::vector<uint8_t> bytes = read_whole_file(path);
  try {
    return Tokenizer::from_json(std::string(bytes.begin(), bytes.end()));
  } catch (const std::exception& e) {
    throw std::runtime_error("vocabulary '" + path + "': " + e.what());
  }
}

Tokenizer learn_tokenizer(const std::vector<std::string>& texts, bool char_level, int size) {
  return char_level ? Tokenizer::learn_chars(texts) : Tokenizer::learn_bpe(texts, size);
}

struct DevSet {
  std::vector<TokenPair> pairs;                  // for the dev loss
  std::vector<std::vector<int>> score_sources;   // for the dev score (greedy decoding)
  std::vector<std::string> score_references;     // normalized as the target tokenizer sees them
};

DevSet load_dev(const TrainOptions& o, const Model& model) {
  DevSet dev;
  if (o.dev_path.empty()) return dev;
  const auto text = read_tsv_pairs(o.dev_path, o.source_column, o.target_column);
  dev.pairs = encode_pairs(text, model.src_tokenizer, model.tgt_tokenizer, o.max_length).pairs;
  for (const auto& [source, target] : text) {
    if (int(dev.score_sources.size()) >= o.dev_sentences) break;
    std::vector<int> ids = model.src_tokenizer.encode(source);
    ids.push_back(Tokenizer::kEos);
    dev.score_sources.push_back(std::move(ids));
    dev.score_references.push_back(model.tgt_tokenizer.decode(model.tgt_tokenizer.encode(target)));
  }
  return dev;
}

struct Evaluation {
  double loss = 0;
  double score = 0;
};

Evaluation evaluate(const Model& model, const DevSet& dev, int batch_tokens, double label_smoothing,
                    ShardedBackprop& backprop) {
  Evaluation result;
  double loss_sum = 0;
  int64_t tokens = 0;
  for (const auto& indices : make_batches(dev.pairs, batch_tokens, 0)) {
    std::vector<const TokenPair*> pairs;
    int64_t batch_tokens_real = 0;
    for (int i : indices) {
      pairs.push_back(&dev.pairs[size_t(i)]);
      batch_tokens_real += int64_t(dev.pairs[size_t(i)].target.size());
    }
    LossOptions options;
    options.label_smoothing = label_smoothing;
    loss_sum += backprop.run(model, pairs, options, nullptr) * double(batch_tokens_real);
    tokens += batch_tokens_real;
  }
  result.loss = tokens > 0 ? loss_sum / double(tokens) : 0;

  const int count = int(dev.score_sources.size());
  if (count == 0) return result;
  std::vector<std::vector<int>> outputs(static_cast<size_t>(count));
  SearchOptions greedy;
  greedy.beam = 1;
  greedy.nbest = 1;
#pragma omp parallel for schedule(dynamic, 4)
  for (int i = 0; i < count; ++i) outputs[size_t(i)] = beam_search(model, dev.score_sources[size_t(i)], greedy)[0].tokens;
  std::vector<std::string> hypotheses;
  for (const auto& tokens_out : outputs) hypotheses.push_back(model.tgt_tokenizer.decode(tokens_out));
  if (model.tgt_tokenizer.mode() == TokenizerMode::Char) {
    int exact = 0;
    for (int i = 0; i < count; ++i) exact += hypotheses[size_t(i)] == dev.score_references[size_t(i)];
    result.score = 100.0 * exact / count;
  } else {
    std::vector<std::vector<std::string>> references;
    for (const auto& r : dev.score_references) references.push_back({r});
    result.score = corpus_bleu(hypotheses, references).score;
  }
  return result;
}

void write_model(const std::string& path, Model model, const TrainingProgress& progress, double dev_score) {
  model.info["training_steps"] = std::to_string(progress.step);
  if (dev_score >= 0) model.info["dev_score"] = format("%.2f", dev_score);
  write_file_durably(path, save_model(model));
}

}  // namespace

void install_stop_signal_handlers() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
}

nlohmann::json fixed_options_json(const TrainOptions& o) {
  const OptimizerOptions& a = o.optimizer;
  return {{"train", o.train_path},
          {"source-column", o.source_column},
          {"target-column", o.target_column},
          {"max-length", o.max_length},
          {"char", o.char_level},
          {"src-vocab-size", o.src_vocab_size},
          {"tgt-vocab-size", o.tgt_vocab_size},
          {"src-vocab", o.src_vocab_path},
          {"tgt-vocab", o.tgt_vocab_path},
          {"embed", o.embed},
          {"hidden", o.hidden},
          {"attention", o.attention},
          {"tied", o.tied_output},
          {"lr", a.learning_rate},
          {"warmup", a.warmup_steps},
          {"decay", decay_name(a.decay)},
          {"decay-steps", a.decay_steps},
          {"min-lr", a.min_learning_rate},
          {"beta1", a.beta1},
          {"beta2", a.beta2},
          {"adam-eps", a.epsilon},
          {"clip-norm", a.clip_norm},
          {"label-smoothing", o.label_smoothing},
          {"dropout", o.dropout},
          {"batch-tokens", o.batch_tokens},
          {"seed", o.seed}};
}

TrainOptions with_fixed_options(TrainOptions o, const nlohmann::json& f) {
  try {
    OptimizerOptions& a = o.optimizer;
    o.train_path = f.at("train").get<std::string>();
    o.source_column = f.at("source-column").get<int>();
    o.target_column = f.at("target-column").get<int>();
    o.max_length = f.at("max-length").get<int>();
    o.char_level = f.at("char").get<bool>();
    o.src_vocab_size = f.at("src-vocab-size").get<int>();
    o.tgt_vocab_size = f.at("tgt-vocab-size").get<int>();
    o.src_vocab_path = f.at("src-vocab").get<std::string>();
    o.tgt_vocab_path = f.at("tgt-vocab").get<std::string>();
    o.embed = f.at("embed").get<int>();
    o.hidden = f.at("hidden").get<int>();
    o.attention = f.at("attention").get<int>();
    o.tied_output = f.at("tied").get<bool>();
    a.learning_rate = f.at("lr").get<double>();
    a.warmup_steps = f.at("warmup").get<int>();
    a.decay = parse_decay(f.at("decay").get<std::string>());
    a.decay_steps = f.at("decay-steps").get<int64_t>();
    a.min_learning_rate = f.at("min-lr").get<double>();
    a.beta1 = f.at("beta1").get<double>();
    a.beta2 = f.at("beta2").get<double>();
    a.epsilon = f.at("adam-eps").get<double>();
    a.clip_norm = f.at("clip-norm").get<double>();
    o.label_smoothing = f.at("label-smoothing").get<double>();
    o.dropout = f.at("dropout").get<double>();
    o.batch_tokens = f.at("batch-tokens").get<int>();
    o.seed = f.at("seed").get<uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("checkpoint options are incomplete: ") + e.what());
  }
  return o;
}

TrainSummary train(const TrainOptions& o, const Checkpoint* resume, std::FILE* log) {
  const auto session_start = Clock::now();
  ProgressReporter progress_out(log, o.log_seconds);
  if (o.out_path.empty()) throw std::invalid_argument("an output model path is required");
  if (o.batch_tokens < 1) throw std::invalid_argument("batch-tokens must be positive");
  const nlohmann::json fixed = fixed_options_json(o);
  if (resume) {
    for (const auto& item : fixed.items())
      if (!resume->fixed_options.contains(item.key()) || resume->fixed_options[item.key()] != item.value())
        throw std::invalid_argument("--" + item.key() + " " + item.value().dump() + " differs from the checkpoint's " +
                                    resume->fixed_options.value(item.key(), nlohmann::json()).dump() +
                                    "; it cannot change when resuming");
  }

  // ---- data and model ----
  const auto train_text = read_tsv_pairs(o.train_path, o.source_column, o.target_column);
  Model model;
  if (resume) {
    model = resume->model;
  } else {
    std::vector<std::string> sources, targets;
    for (const auto& [s, t] : train_text) {
      sources.push_back(s);
      targets.push_back(t);
    }
    Tokenizer src = o.src_vocab_path.empty() ? learn_tokenizer(sources, o.char_level, o.src_vocab_size)
                                             : load_tokenizer(o.src_vocab_path);
    Tokenizer tgt = o.tgt_vocab_path.empty() ? learn_tokenizer(targets, o.char_level, o.tgt_vocab_size)
                                             : load_tokenizer(o.tgt_vocab_path);
    ModelConfig config;
    config.embed = o.embed;
    config.hidden = o.hidden;
    config.attention = o.attention;
    config.tied_output = o.tied_output;
    model = init_model(config, std::move(src), std::move(tgt), o.seed);
    model.info["source_language"] = o.source_language;
    model.info["target_language"] = o.target_language;
  }
  if (o.protected_spans) model.info["protected_spans"] = "1";
  ShardedBackprop backprop;
  const EncodedCorpus corpus = encode_pairs(train_text, model.src_tokenizer, model.tgt_tokenizer, o.max_length);
  if (corpus.pairs.empty()) throw std::runtime_error("no training pairs left in '" + o.train_path + "'");
  progress_out.message("training pairs: " + std::to_string(corpus.pairs.size()) + " (" +
                       std::to_string(corpus.skipped_too_long) + " skipped as longer than " +
                       std::to_string(o.max_length) + " tokens); vocabularies " +
                       std::to_string(model.config.src_vocab) + " / " + std::to_string(model.config.tgt_vocab) +
                       "; parameters " + std::to_string(model.parameter_count()) + "; threads " +
                       std::to_string(backprop.threads()));
  const DevSet dev = load_dev(o, model);
  const bool tied = model.config.tied_output;

  Adam adam(o.optimizer, model.params, tied);
  TrainingProgress p;
  p.rng_state = o.seed ^ 0x5DEECE66Dull;
  if (resume) {
    adam.restore(resume->adam_steps, resume->adam_first_moment, resume->adam_second_moment);
    p = resume->progress;
    progress_out.message("resuming at step " + std::to_string(p.step) + ", epoch " + std::to_string(p.epoch + 1));
  }
  SplitMix64 rng(p.rng_state);
  Parameters gradients = zeros_like(model.params, tied);

  auto make_checkpoint = [&]() {
    Checkpoint c;
    c.model = model;
    c.adam_steps = adam.steps_taken();
    c.adam_first_moment = adam.first_moment();
    c.adam_second_moment = adam.second_moment();
    c.progress = p;
    c.progress.rng_state = rng.state();
    c.progress.elapsed_seconds = p.elapsed_seconds + seconds_since(session_start);
    c.fixed_options = fixed;
    return c;
  };
  auto write_checkpoint = [&]() {
    if (o.checkpoint_path.empty()) return;
    save_checkpoint(o.checkpoint_path, make_checkpoint());
  };

  // ETA: whichever limit comes first.
  std::vector<std::vector<int>> batches = make_batches(corpus.pairs, o.batch_tokens, epoch_seed(o.seed, p.epoch));
  const int64_t steps_per_epoch = int64_t(batches.size());
  int64_t total_steps = o.max_steps;
  if (o.max_epochs > 0) {
    const int64_t by_epochs = o.max_epochs * steps_per_epoch;
    total_steps = total_steps > 0 ? std::min(total_steps, by_epochs) : by_epochs;
  }

  TrainSummary summary;
  const int64_t start_step = p.step;
  const int64_t start_tokens = p.target_tokens;
  double loss_sum = 0;
  int64_t loss_count = 0;
  double last_loss = 0;
  double step_seconds = 0;  // time in training steps only (no data loading, evaluation or checkpoints)
  auto last_checkpoint = Clock::now();
  int64_t last_evaluated_step = -1;

  auto run_evaluation = [&]() -> bool {  // true when early stopping triggers
    last_evaluated_step = p.step;
    if (dev.pairs.empty() && dev.score_sources.empty()) {
      write_model(o.out_path, model, p, -1);
      return false;
    }
    const Evaluation e = evaluate(model, dev, o.batch_tokens, o.label_smoothing, backprop);
    // Equal scores (a saturated exact match) are broken by the dev loss.
    const bool improved = e.score > p.best_score || (e.score == p.best_score && e.loss < p.best_dev_loss);
    std::string line = "step " + std::to_string(p.step) + ": dev loss " + format("%.4f", e.loss) + ", dev " +
                       (model.tgt_tokenizer.mode() == TokenizerMode::Char ? "exact match " : "BLEU ") +
                       format("%.2f", e.score);
    if (improved) {
      p.best_score = e.score;
      p.best_dev_loss = e.loss;
      p.best_step = p.step;
      p.evaluations_without_improvement = 0;
      write_model(o.out_path, model, p, e.score);
      line += " (best; saved " + o.out_path + ")";
    } else {
      ++p.evaluations_without_improvement;
      line += " (best " + format("%.2f", p.best_score) + " at step " + std::to_string(p.best_step) + ")";
    }
    progress_out.message(line);
    return o.patience > 0 && p.evaluations_without_improvement >= o.patience;
  };

  // A stop requested while the data and vocabularies were being prepared is honoured here, before the first step;
  // consuming it lets a later train() in the same process start afresh.
  while (true) {
    if (g_stop_requested) {
      g_stop_requested = 0;
      summary.interrupted = true;
      summary.stop_reason = "interrupted";
      break;
    }
    if (o.max_steps > 0 && p.step >= o.max_steps) {
      summary.stop_reason = "reached --steps";
      break;
    }
    if (o.max_epochs > 0 && p.epoch >= o.max_epochs) {
      summary.stop_reason = "reached --epochs";
      break;
    }
    if (o.max_minutes > 0 && p.elapsed_seconds + seconds_since(session_start) >= o.max_minutes * 60) {
      summary.stop_reason = "reached --minutes";
      break;
    }
    if (p.batch_index >= int64_t(batches.size())) {
      ++p.epoch;
      p.batch_index = 0;
      batches = make_batches(corpus.pairs, o.batch_tokens, epoch_seed(o.seed, p.epoch));
      continue;
    }
    const auto step_start = Clock::now();
    std::vector<const TokenPair*> pairs;
    int64_t batch_tokens_real = 0;
    for (int i : batches[size_t(p.batch_index)]) {
      pairs.push_back(&corpus.pairs[size_t(i)]);
      batch_tokens_real += int64_t(corpus.pairs[size_t(i)].target.size());
    }
    LossOptions loss_options;
    loss_options.label_smoothing = o.label_smoothing;
    loss_options.dropout = o.dropout;
    loss_options.dropout_seed = rng.next();
    const double loss = backprop.run(model, pairs, loss_options, &gradients);
    if (!std::isfinite(loss)) throw std::runtime_error("training diverged: loss is " + std::to_string(loss) +
                                                       " at step " + std::to_string(p.step + 1));
    adam.step(model.params, gradients);
    ++p.step;
    ++p.batch_index;
    p.target_tokens += batch_tokens_real;
    loss_sum += loss;
    ++loss_count;
    last_loss = loss;
    step_seconds += seconds_since(step_start);

    const double session_seconds = seconds_since(session_start);
    ProgressLine line;
    line.step = p.step;
    line.total_steps = total_steps;
    line.epoch = p.epoch;
    line.loss = loss_sum / double(loss_count);
    line.learning_rate = learning_rate_at(o.optimizer, p.step);
    line.tokens_per_second = double(p.target_tokens - start_tokens) / std::max(step_seconds, 1e-9);
    if (total_steps > 0 && p.step > start_step)
      line.eta_seconds = session_seconds / double(p.step - start_step) * double(total_steps - p.step);
    if (o.max_minutes > 0) {
      const double left = o.max_minutes * 60 - p.elapsed_seconds - session_seconds;
      line.eta_seconds = line.eta_seconds < 0 ? left : std::min(line.eta_seconds, left);
    }
    progress_out.update(line);
    if (loss_count >= 100) {  // the shown loss averages the most recent steps
      loss_sum = last_loss;
      loss_count = 1;
    }

    if (o.eval_every > 0 && p.step % o.eval_every == 0 && run_evaluation()) {
      summary.stop_reason = "early stop: no dev improvement in " + std::to_string(o.patience) + " evaluations";
      break;
    }
    if (!o.checkpoint_path.empty() && o.checkpoint_minutes > 0 &&
        seconds_since(last_checkpoint) >= o.checkpoint_minutes * 60) {
      write_checkpoint();
      last_checkpoint = Clock::now();
    }
  }

  const bool has_dev = !dev.pairs.empty() || !dev.score_sources.empty();
  if (last_evaluated_step != p.step && (!has_dev || !summary.interrupted)) run_evaluation();
  write_checkpoint();
  summary.steps = p.step;
  summary.epochs_completed = p.epoch;
  summary.best_score = p.best_score;
  summary.best_step = p.best_step;
  summary.seconds = seconds_since(session_start);
  summary.tokens_per_second = double(p.target_tokens - start_tokens) / std::max(step_seconds, 1e-9);
  if (summary.interrupted)
    progress_out.message("stopped at step " + std::to_string(p.step) +
                         (o.checkpoint_path.empty() ? std::string("; no --checkpoint given, progress not saved")
                                                    : "; checkpoint written to " + o.checkpoint_path +
                                                          " (continue with --resume " + o.checkpoint_path + ")"));
  return summary;
}

}  // namespace attn
