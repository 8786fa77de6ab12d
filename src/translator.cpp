#include "translator.h"

#include <stdexcept>
#include <string>

#include "kernels/kernels.h"
#include "model/model_file.h"
#include "search/beam_search.h"
#include "text/sentence_split.h"
#include "text/utf8.h"

namespace attn {
namespace {

// Sentences longer than this are cut into pieces by split_long_sentence (documented in README): the model was
// trained on short sentences, and the cost of attention grows with source × target length.
constexpr size_t kMaxSentenceBytes = 400;
constexpr int kMaxBeam = 16;

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

Hypothesis to_hypothesis(const Model& model, const SearchHypothesis& found) {
  Hypothesis h;
  const std::vector<int> words(found.tokens.begin(), found.tokens.end() - 1);  // all but </s>
  h.translation = model.tgt_tokenizer.decode(words);
  h.target_tokens = with_end_token(model.tgt_tokenizer.display_pieces(words));
  h.attention = found.attention;
  h.token_probabilities = found.probabilities;
  h.score = found.score;
  return h;
}

SentenceTranslation translate_sentence(const Model& model, std::string_view sentence, const TranslateOptions& options) {
  SentenceTranslation out;
  out.source = std::string(sentence);
  std::vector<int> ids = model.src_tokenizer.encode(sentence);
  out.source_tokens = with_end_token(model.src_tokenizer.display_pieces(ids));
  ids.push_back(Tokenizer::kEos);

  SearchOptions search_options;
  search_options.beam = options.beam;
  search_options.nbest = std::max(1, options.nbest);
  const std::vector<SearchHypothesis> found = search(model, ids, search_options);
  out.best = to_hypothesis(model, found.front());
  if (options.nbest > 0) {
    for (const SearchHypothesis& h : found) out.nbest.push_back(to_hypothesis(model, h));
  }
  return out;
}

// The spans to translate: sentences (or the whole trimmed text), with over-long ones cut into pieces.
std::vector<TextSpan> spans_to_translate(std::string_view text, bool split) {
  std::vector<TextSpan> sentences = split_sentences(text);
  if (!split && !sentences.empty()) sentences = {{sentences.front().begin, sentences.back().end}};
  std::vector<TextSpan> spans;
  for (const TextSpan& s : sentences) {
    for (const TextSpan& piece : split_long_sentence(text.substr(s.begin, s.end - s.begin), kMaxSentenceBytes)) {
      spans.push_back({s.begin + piece.begin, s.begin + piece.end});
    }
  }
  return spans;
}

}  // namespace

Translator::Translator(const uint8_t* bytes, size_t size)
    : model_(std::make_unique<Model>(load_model(bytes, size))), file_bytes_(static_cast<int64_t>(size)) {}
Translator::~Translator() = default;
Translator::Translator(Translator&&) noexcept = default;
Translator& Translator::operator=(Translator&&) noexcept = default;

Translation Translator::translate(std::string_view raw_text, const TranslateOptions& options) const {
  validate(options);
  const std::string text = sanitize_utf8(raw_text);
  Translation out;
  size_t cursor = 0;
  for (const TextSpan& span : spans_to_translate(text, options.split_sentences)) {
    out.text.append(text, cursor, span.begin - cursor);  // the original spacing between sentences
    out.sentences.push_back(
        translate_sentence(*model_, std::string_view(text).substr(span.begin, span.end - span.begin), options));
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
