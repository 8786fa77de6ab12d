#include "search/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "kernels/kernels.h"
#include "model/forward.h"
#include "search/repetition.h"

namespace attn {
namespace {

constexpr int kMaxBeam = 16;

void validate(const SearchOptions& options, const std::vector<int>& source_ids) {
  if (options.beam < 1 || options.beam > kMaxBeam)
    throw std::invalid_argument("beam must be between 1 and " + std::to_string(kMaxBeam) + ", got " +
                                std::to_string(options.beam));
  if (options.nbest < 1 || options.nbest > options.beam)
    throw std::invalid_argument("nbest must be between 1 and the beam size (" + std::to_string(options.beam) +
                                "), got " + std::to_string(options.nbest));
  if (source_ids.empty() || source_ids.back() != Tokenizer::kEos)
    throw std::invalid_argument("source ids must end with </s>");
}

// One expansion chosen at a step: which hypothesis of the previous step it extends, with which token.
struct Candidate {
  int parent;
  int token;
  float log_prob;
  float total;  // sum of log-probabilities so far
};

// Orders candidates by total log-probability, breaking ties by parent then token so results are deterministic
// (and a beam of 1 picks exactly what greedy's first-maximum argmax picks).
bool better(const Candidate& a, const Candidate& b) {
  if (a.total != b.total) return a.total > b.total;
  if (a.parent != b.parent) return a.parent < b.parent;
  return a.token < b.token;
}

// The hypotheses alive after one decoding step, with back-pointers into the previous step.
struct StepRecord {
  std::vector<Candidate> chosen;
  std::vector<float> attention;  // [chosen.size(), S]
};

// Writes the `count` best tokens of one row of log-probabilities to `best`, best first and ties to the lower id
// (the order of a partial sort by that rule), in one pass that mostly compares with the worst token kept.
void best_tokens(const float* row, int vocab, int count, int* best) {
  int kept = 0;
  for (int token = 0; token < vocab; ++token) {
    const float value = row[token];
    if (kept == count && !(value > row[best[count - 1]])) continue;
    int at = kept < count ? kept++ : count - 1;
    for (; at > 0 && value > row[best[at - 1]]; --at) best[at] = best[at - 1];
    best[at] = token;
  }
}

// Like best_tokens, but skips the tokens that would_loop forbids after `history` (search/repetition.h), setting
// their log-probabilities to -inf; returns how many tokens it wrote (fewer than `count` only when the vocabulary
// runs out). Only the best are asked, so the check stays off the rest of the vocabulary; when some loop, twice as
// many are fetched, which bounds the passes over the row even where most continuations loop.
int best_tokens_without_loops(const Tokenizer& tokenizer, const std::vector<int>& history, size_t max_letters,
                              float* row, int vocab, int count, int* best) {
  const std::string context = loop_context(tokenizer, history);
  std::vector<int> fetched;
  for (int fetch = count;; fetch = std::min(vocab, 2 * fetch)) {
    fetched.resize(static_cast<size_t>(fetch));
    best_tokens(row, vocab, fetch, fetched.data());
    int kept = 0;
    for (int token : fetched) {
      if (kept == count) break;
      if (std::isinf(row[token]) || !would_loop(tokenizer, context, token, max_letters)) {
        best[kept++] = token;
      } else {
        row[token] = -std::numeric_limits<float>::infinity();
      }
    }
    if (kept == count || fetch == vocab) return kept;
  }
}

// The last tokens (at most the larger of the two guards' windows, oldest first) of the hypothesis at `row` of the
// latest record, read back through the back-pointers.
void recent_tokens(const std::vector<StepRecord>& steps, int row, std::vector<int>& tokens) {
  tokens.clear();
  for (size_t t = steps.size(); t-- > 0 && tokens.size() < std::max(kRepeatWindow, kLoopWindow);) {
    const Candidate& c = steps[t].chosen[row];
    tokens.push_back(c.token);
    row = c.parent;
  }
  std::reverse(tokens.begin(), tokens.end());
}

SearchHypothesis trace_back(const std::vector<StepRecord>& steps, int step, int row, int source_length) {
  SearchHypothesis h;
  const size_t S = static_cast<size_t>(source_length);
  h.tokens.resize(step + 1);
  h.probabilities.resize(step + 1);
  h.attention.resize((step + 1) * S);
  const float total = steps[step].chosen[row].total;
  for (int t = step; t >= 0; --t) {
    const Candidate& c = steps[t].chosen[row];
    h.tokens[t] = c.token;
    h.probabilities[t] = std::exp(c.log_prob);
    std::copy_n(&steps[t].attention[row * S], S, &h.attention[t * S]);
    row = c.parent;
  }
  h.score = total / static_cast<float>(step + 1);
  return h;
}

}  // namespace

int max_output_length(const SearchOptions& options, int source_length) {
  return std::max(1, static_cast<int>(options.max_length_ratio * static_cast<float>(source_length)) +
                         options.max_length_extra);
}

SearchHypothesis greedy_search(const Model& model, const std::vector<int>& source_ids, const SearchOptions& options,
                               EmbeddingCache* embeddings) {
  validate(options, source_ids);
  const int H = model.config.hidden, V = model.config.tgt_vocab;
  const EncoderOutput encoded = encode(model, source_ids);
  const int S = encoded.length, max_length = max_output_length(options, S);
  const size_t word_letters = max_word_letters(model.src_tokenizer, source_ids);
  std::vector<float> state = encoded.initial_state, next(H), logits(V), attention(S);
  std::optional<EmbeddingCache> own_embeddings;
  if (!embeddings) embeddings = &own_embeddings.emplace(model);
  DecoderWorkspace workspace;
  SearchHypothesis h;
  float total = 0;
  int previous = Tokenizer::kBos;
  for (int t = 0; t < max_length; ++t) {
    decode_step(model, encoded, &previous, state.data(), 1, next.data(), attention.data(), logits.data(), *embeddings,
                workspace);
    kernels::log_softmax_inplace(logits.data(), V);
    if (options.block_repeats) forbid_third_repeats(model.tgt_tokenizer, h.tokens, logits.data());
    int token = t + 1 == max_length ? Tokenizer::kEos : kernels::argmax(logits.data(), V);
    if (options.block_repeats &&
        would_loop(model.tgt_tokenizer, loop_context(model.tgt_tokenizer, h.tokens), token, word_letters)) {
      best_tokens_without_loops(model.tgt_tokenizer, h.tokens, word_letters, logits.data(), V, 1, &token);
    }
    h.tokens.push_back(token);
    h.probabilities.push_back(std::exp(logits[token]));
    h.attention.insert(h.attention.end(), attention.begin(), attention.end());
    total += logits[token];
    if (token == Tokenizer::kEos) break;
    previous = token;
    state.swap(next);
  }
  h.score = total / static_cast<float>(h.tokens.size());
  return h;
}

std::vector<SearchHypothesis> beam_search(const Model& model, const std::vector<int>& source_ids,
                                          const SearchOptions& options, EmbeddingCache* embeddings) {
  validate(options, source_ids);
  const int H = model.config.hidden, V = model.config.tgt_vocab, beam = options.beam;
  const EncoderOutput encoded = encode(model, source_ids);
  const int S = encoded.length, max_length = max_output_length(options, S);
  const size_t word_letters = max_word_letters(model.src_tokenizer, source_ids);

  std::vector<int> alive_rows = {0};  // rows of the previous step's record being extended (row 0: <s>)
  std::vector<int> previous_tokens = {Tokenizer::kBos};
  std::vector<float> previous_totals = {0.0f};
  std::vector<float> states = encoded.initial_state, next_states, logits, attention;
  std::vector<StepRecord> steps;
  struct Finished {
    int step, row;
    float score;
  };
  std::vector<Finished> finished;
  std::vector<Candidate> candidates;
  std::vector<int> best(std::min(beam, V)), history;
  std::optional<EmbeddingCache> own_embeddings;
  if (!embeddings) embeddings = &own_embeddings.emplace(model);
  DecoderWorkspace workspace;

  for (int t = 0; t < max_length && !alive_rows.empty() && static_cast<int>(finished.size()) < beam; ++t) {
    const int K = static_cast<int>(alive_rows.size());
    next_states.resize(static_cast<size_t>(K) * H);
    logits.resize(static_cast<size_t>(K) * V);
    attention.resize(static_cast<size_t>(K) * S);
    decode_step(model, encoded, previous_tokens.data(), states.data(), K, next_states.data(), attention.data(),
                logits.data(), *embeddings, workspace);

    candidates.clear();
    const bool last_step = t + 1 == max_length;
    for (int k = 0; k < K; ++k) {
      float* row = &logits[static_cast<size_t>(k) * V];
      kernels::log_softmax_inplace(row, V);
      if (options.block_repeats) {
        recent_tokens(steps, alive_rows[k], history);
        forbid_third_repeats(model.tgt_tokenizer, history, row);
      }
      auto push = [&](int token) { candidates.push_back({k, token, row[token], previous_totals[k] + row[token]}); };
      if (last_step) {
        push(Tokenizer::kEos);
        continue;
      }
      int found = static_cast<int>(best.size());
      if (options.block_repeats) {
        found = best_tokens_without_loops(model.tgt_tokenizer, history, word_letters, row, V, found, best.data());
      } else {
        best_tokens(row, V, found, best.data());
      }
      for (int i = 0; i < found; ++i) push(best[i]);
    }
    const size_t keep = std::min(candidates.size(), static_cast<size_t>(beam));
    std::partial_sort(candidates.begin(), candidates.begin() + keep, candidates.end(), better);
    candidates.resize(keep);

    StepRecord record;
    record.attention.resize(keep * S);
    std::vector<int> next_alive;
    std::vector<float> continuing_states;
    previous_tokens.clear();
    previous_totals.clear();
    for (size_t i = 0; i < keep; ++i) {
      Candidate c = candidates[i];
      std::copy_n(&attention[static_cast<size_t>(c.parent) * S], S, &record.attention[i * S]);
      const float* state = &next_states[static_cast<size_t>(c.parent) * H];
      c.parent = alive_rows[c.parent];  // from index among this step's inputs to row of the previous record
      record.chosen.push_back(c);
      if (c.token == Tokenizer::kEos) {
        finished.push_back({t, static_cast<int>(i), c.total / static_cast<float>(t + 1)});
        continue;
      }
      next_alive.push_back(static_cast<int>(i));
      previous_tokens.push_back(c.token);
      previous_totals.push_back(c.total);
      continuing_states.insert(continuing_states.end(), state, state + H);
    }
    steps.push_back(std::move(record));
    alive_rows = std::move(next_alive);
    states = std::move(continuing_states);
  }

  std::stable_sort(finished.begin(), finished.end(),
                   [](const Finished& a, const Finished& b) { return a.score > b.score; });
  std::vector<SearchHypothesis> results;
  for (size_t i = 0; i < finished.size() && static_cast<int>(i) < options.nbest; ++i)
    results.push_back(trace_back(steps, finished[i].step, finished[i].row, S));
  return results;
}

std::vector<SearchHypothesis> search(const Model& model, const std::vector<int>& source_ids,
                                     const SearchOptions& options, EmbeddingCache* embeddings) {
  if (options.beam == 1) return {greedy_search(model, source_ids, options, embeddings)};
  return beam_search(model, source_ids, options, embeddings);
}

}  // namespace attn
