#include "translator.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "kernels/kernels.h"
#include "model/embedding_cache.h"
#include "model/forward.h"
#include "model/model_file.h"
#include "search/beam_search.h"
#include "search/carry_over.h"
#include "search/placeholders.h"
#include "search/spelled_out.h"
#include "text/protected_spans.h"
#include "text/sentence_split.h"
#include "text/utf8.h"
#include "text/words.h"

namespace attn {
namespace {

// Sentences longer than this are cut into pieces by split_long_sentence (documented in README): the model was
// trained on short sentences, and the cost of attention grows with source × target length.
constexpr size_t kMaxSentenceBytes = 400;
// What a 400-byte piece of ordinary text encodes to at most: a token per byte plus the leading word marker.
constexpr size_t kMaxSourceTokens = kMaxSentenceBytes + 1;
constexpr size_t kMinCutBytes = 4;  // split_long_sentence's smallest limit: one UTF-8 character
constexpr int kMaxBeam = 16;
// Metadata of a model trained on data masked by `attn protect` (models/FORMAT.md).
constexpr const char* kProtectedSpansKey = "protected_spans";

void validate(const TranslateOptions& options) {
  if (options.beam < 1 || options.beam > kMaxBeam)
    throw std::invalid_argument("beam must be between 1 and " + std::to_string(kMaxBeam) + ", got " +
                                std::to_string(options.beam));
  if (options.nbest < 0 || options.nbest > options.beam)
    throw std::invalid_argument("nbest must be between 0 and the beam size (" + std::to_string(options.beam) +
                                "), got " + std::to_string(options.nbest));
}

std::vector<std::string> with_end_token(std::vector<std::string> pieces) {
  pieces.emplace_back("</s>");
  return pieces;
}

// The pieces for display, each placeholder shown as the span it stands for: a piece holding a whole placeholder
// shows it replaced; a placeholder spelled in byte pieces shows the span on its first byte and nothing on the rest.
std::vector<std::string> shown_pieces(const Tokenizer& tokenizer, const std::vector<int>& ids,
                                      const std::vector<std::string>& spans) {
  std::vector<std::string> shown = tokenizer.display_pieces(ids);
  if (spans.empty()) return shown;
  const SpelledOut spelled = spell_out(tokenizer, ids);
  for (size_t pos = 0; pos < spelled.text.size(); ++pos) {
    const int index = placeholder_at(spelled.text, pos);
    if (index < 0 || static_cast<size_t>(index) >= spans.size()) continue;
    const size_t first = size_t(spelled.piece_of_byte[pos]), last = size_t(spelled.piece_of_byte[pos + 2]);
    if (first == last) {
      shown[first] = unmask(shown[first], spans);
    } else {
      shown[first] = spans[size_t(index)];
      for (size_t piece = first + 1; piece <= last; ++piece) shown[piece].clear();
    }
    pos += 2;
  }
  return shown;
}

// `spans`: what the placeholders of a masked source stand for (empty when the source was not masked).
Hypothesis to_hypothesis(const Model& model, const SearchHypothesis& found, bool keep_attention,
                         const std::vector<std::string>& spans) {
  Hypothesis h;
  const std::vector<int> words(found.tokens.begin(), found.tokens.end() - 1);  // all but </s>
  h.translation = unmask(model.tgt_tokenizer.decode(words), spans);
  h.target_tokens = with_end_token(shown_pieces(model.tgt_tokenizer, words, spans));
  h.target_ids = found.tokens;
  if (keep_attention) h.attention = found.attention;
  h.token_probabilities = found.probabilities;
  h.score = found.score;
  return h;
}

// The hypothesis for `tokens` (ending with </s>) as the model scores it when forced to write exactly them.
SearchHypothesis forced_hypothesis(const Model& model, const std::vector<int>& source_ids, std::vector<int> tokens) {
  SearchHypothesis h;
  h.tokens = std::move(tokens);
  TeacherForced forced = teacher_forced(model, source_ids, h.tokens);
  h.attention = std::move(forced.attention);
  const size_t V = static_cast<size_t>(model.config.tgt_vocab);
  float total = 0;
  for (size_t t = 0; t < h.tokens.size(); ++t) {
    float* row = &forced.logits[t * V];
    kernels::log_softmax_inplace(row, static_cast<int>(V));
    const float log_prob = row[h.tokens[t]];
    h.probabilities.push_back(std::exp(log_prob));
    total += log_prob;
  }
  h.score = total / static_cast<float>(h.tokens.size());
  return h;
}

// `found`, or its carried-over repair (search/carry_over.h) when it garbled a name or number. A repair is kept to
// the search's length limit, which bounds its cost (a copied word may take many more target pieces).
SearchHypothesis with_copies_carried_over(const Model& model, const std::vector<int>& source_ids,
                                          const SearchOptions& options, SearchHypothesis found) {
  const std::optional<std::string> repaired =
      carry_over_copies(model.src_tokenizer, model.tgt_tokenizer, source_ids, found);
  if (!repaired) return found;
  std::vector<int> tokens = model.tgt_tokenizer.encode(*repaired);
  tokens.push_back(Tokenizer::kEos);
  const int limit = max_output_length(options, static_cast<int>(source_ids.size()));
  if (tokens.size() > static_cast<size_t>(limit)) return found;
  return forced_hypothesis(model, source_ids, std::move(tokens));
}

// `found` with each placeholder of the masked source exactly once (search/placeholders.h), re-scored by the model
// when repaired. Unlike a carry-over, a repair is kept past the search's length limit: it adds at most a few pieces
// per placeholder, and a protected span must not be lost.
SearchHypothesis with_placeholders_repaired(const Model& model, const std::vector<int>& source_ids,
                                            SearchHypothesis found) {
  const std::optional<std::string> repaired =
      repair_placeholders(model.src_tokenizer, model.tgt_tokenizer, source_ids, found);
  if (!repaired) return found;
  std::vector<int> tokens = model.tgt_tokenizer.encode(*repaired);
  tokens.push_back(Tokenizer::kEos);
  return forced_hypothesis(model, source_ids, std::move(tokens));
}

// A span of the text to translate on its own, with its encoding.
struct Piece {
  TextSpan span;
  std::vector<int> ids;
};

// `ids` encode `sentence`, or its masked text when `masked` is given (a model trained on masked data).
SentenceTranslation translate_sentence(const Model& model, EmbeddingCache& embeddings, std::string_view sentence,
                                       std::vector<int> ids, const TranslateOptions& options,
                                       const MaskedText* masked = nullptr) {
  static const std::vector<std::string> kNoSpans;
  const std::vector<std::string>& spans = masked ? masked->spans : kNoSpans;
  SentenceTranslation out;
  out.source = std::string(sentence);
  out.source_tokens = with_end_token(shown_pieces(model.src_tokenizer, ids, spans));
  ids.push_back(Tokenizer::kEos);
  out.source_ids = ids;

  SearchOptions search_options;
  search_options.beam = options.beam;
  search_options.nbest = std::max(1, options.nbest);
  // A source that repeats itself ("Non, non, non !") may be translated with the repetition.
  search_options.block_repeats = options.block_repeats && tripled_run(lowercase(words_of(sentence))).empty();
  std::vector<SearchHypothesis> found = search(model, ids, search_options, &embeddings);
  for (SearchHypothesis& h : found) {
    if (options.carry_over) h = with_copies_carried_over(model, ids, search_options, std::move(h));
    if (masked) h = with_placeholders_repaired(model, ids, std::move(h));
  }
  // A repair is re-scored by the model, which usually lowers its score: keep the list ranked by the final
  // scores (stable, so equal scores keep the search's order), or the best would not be first.
  std::stable_sort(found.begin(), found.end(),
                   [](const SearchHypothesis& a, const SearchHypothesis& b) { return a.score > b.score; });
  out.best = to_hypothesis(model, found.front(), options.attention, spans);
  if (options.nbest > 0) {
    for (const SearchHypothesis& h : found) out.nbest.push_back(to_hypothesis(model, h, options.attention, spans));
  }
  return out;
}

// The same for a model trained on masked data: the sentence is masked, translated, and its spans restored.
SentenceTranslation translate_masked_sentence(const Model& model, EmbeddingCache& embeddings,
                                              std::string_view sentence, const TranslateOptions& options) {
  const MaskedText masked = mask_protected_spans(sentence);
  return translate_sentence(model, embeddings, sentence, model.src_tokenizer.encode(masked.text), options, &masked);
}

// Cuts `span` into pieces of at most max_bytes (split_long_sentence) and appends them. Normalization can lengthen
// text (NFC decomposes a few characters, e.g. U+0344 into two marks), so a piece that still encodes to more than
// kMaxSourceTokens is cut again with half the limit: the model's cost per piece stays bounded.
void append_pieces(const Tokenizer& tokenizer, std::string_view text, TextSpan span, size_t max_bytes,
                   std::vector<Piece>& pieces) {
  for (const TextSpan& cut : split_long_sentence(text.substr(span.begin, span.end - span.begin), max_bytes)) {
    const TextSpan piece{span.begin + cut.begin, span.begin + cut.end};
    std::vector<int> ids = tokenizer.encode(text.substr(piece.begin, piece.end - piece.begin));
    if (ids.size() > kMaxSourceTokens && max_bytes / 2 >= kMinCutBytes) {
      append_pieces(tokenizer, text, piece, max_bytes / 2, pieces);
    } else {
      pieces.push_back({piece, std::move(ids)});
    }
  }
}

// The pieces to translate: sentences (or the whole trimmed text), with over-long ones cut.
std::vector<Piece> pieces_to_translate(const Tokenizer& tokenizer, std::string_view text, bool split) {
  std::vector<TextSpan> sentences = split_sentences(text);
  if (!split && !sentences.empty()) sentences = {{sentences.front().begin, sentences.back().end}};
  std::vector<Piece> pieces;
  for (const TextSpan& sentence : sentences) append_pieces(tokenizer, text, sentence, kMaxSentenceBytes, pieces);
  return pieces;
}

}  // namespace

Translator::Translator(const uint8_t* bytes, size_t size)
    : model_(std::make_unique<Model>(load_model(bytes, size))),
      embeddings_(std::make_unique<EmbeddingCache>(*model_)),
      file_bytes_(static_cast<int64_t>(size)) {}
Translator::~Translator() = default;
Translator::Translator(Translator&&) noexcept = default;
Translator& Translator::operator=(Translator&&) noexcept = default;

Translation Translator::translate(std::string_view raw_text, const TranslateOptions& options) const {
  validate(options);
  const std::string text = sanitize_utf8(raw_text);
  const auto protection = model_->info.find(kProtectedSpansKey);
  const bool protects_spans = protection != model_->info.end() && protection->second == "1";
  Translation out;
  size_t cursor = 0;
  for (Piece& piece : pieces_to_translate(model_->src_tokenizer, text, options.split_sentences)) {
    const TextSpan span = piece.span;
    out.text.append(text, cursor, span.begin - cursor);  // the original spacing between sentences
    const std::string_view sentence = std::string_view(text).substr(span.begin, span.end - span.begin);
    out.sentences.push_back(protects_spans
                                ? translate_masked_sentence(*model_, *embeddings_, sentence, options)
                                : translate_sentence(*model_, *embeddings_, sentence, std::move(piece.ids), options));
    out.text += out.sentences.back().best.translation;
    cursor = span.end;
  }
  out.text.append(text, cursor, std::string::npos);
  return out;
}

ModelSummary Translator::summary() const {
  const Model& m = *model_;
  ModelSummary s;
  auto lookup = [&](const char* key) {
    const auto it = m.info.find(key);
    return it == m.info.end() ? std::string() : it->second;
  };
  s.source_language = lookup("source_language");
  s.target_language = lookup("target_language");
  s.dtype = m.is_int8() ? "I8" : "F32";
  s.parameters = static_cast<int64_t>(m.parameter_count());
  s.file_bytes = file_bytes_;
  s.src_vocab = m.config.src_vocab;
  s.tgt_vocab = m.config.tgt_vocab;
  s.embed = m.config.embed;
  s.hidden = m.config.hidden;
  s.attention = m.config.attention;
  s.simd = kernels::simd_name();
  s.metadata = m.info;
  return s;
}

}  // namespace attn
