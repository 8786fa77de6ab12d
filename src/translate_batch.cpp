#include "translate_batch.h"

#include "parallel.h"
#include "text/utf8.h"

namespace attn {
namespace {

// The text's translation from those of its parts (the jobs from first_job on): the text between the parts kept as
// it is, the sentences in order.
BatchTranslation assemble(const TextParts& cut, size_t first_job, std::vector<Translation>& part_translations,
                          const std::vector<std::exception_ptr>& errors) {
  BatchTranslation out;
  size_t cursor = 0;
  for (size_t i = 0; i < cut.parts.size(); ++i) {
    const size_t job = first_job + i;
    if (errors[job]) return {{}, errors[job]};
    Translation& part = part_translations[job];
    out.translation.text.append(cut.text, cursor, cut.parts[i].begin - cursor);
    out.translation.text += part.text;
    for (SentenceTranslation& sentence : part.sentences) out.translation.sentences.push_back(std::move(sentence));
    cursor = cut.parts[i].end;
  }
  out.translation.text.append(cut.text, cursor, std::string::npos);
  return out;
}

}  // namespace

void check_options(const Translator& translator, const TranslateOptions& options) {
  translator.translate(std::string_view(), options);  // checks the options first; an empty text costs nothing
}

TextParts cut_into_parts(std::string_view text, bool split) {
  TextParts cut{sanitize_utf8(text), {}};
  if (split) {
    cut.parts = split_sentences(cut.text);
  } else if (!cut.text.empty()) {
    cut.parts = {{0, cut.text.size()}};
  }
  return cut;
}

std::vector<BatchTranslation> translate_parts_in_parallel(const std::vector<std::string>& texts, bool split,
                                                          unsigned threads, const PartTranslator& translate_part) {
  std::vector<TextParts> cuts;
  cuts.reserve(texts.size());  // `parts` points into them
  std::vector<size_t> first_jobs;
  std::vector<std::string_view> parts;  // every part of every text: the jobs
  for (const std::string& text : texts) {
    const TextParts& cut = cuts.emplace_back(cut_into_parts(text, split));
    first_jobs.push_back(parts.size());
    for (const TextSpan& span : cut.parts)
      parts.push_back(std::string_view(cut.text).substr(span.begin, span.end - span.begin));
  }
  std::vector<Translation> part_translations(parts.size());
  const std::vector<std::exception_ptr> errors =
      run_in_parallel(parts.size(), threads == 0 ? available_cores() : threads,
                      [&](size_t job) { part_translations[job] = translate_part(parts[job]); });
  std::vector<BatchTranslation> out;
  out.reserve(cuts.size());
  for (size_t i = 0; i < cuts.size(); ++i) out.push_back(assemble(cuts[i], first_jobs[i], part_translations, errors));
  return out;
}

std::vector<BatchTranslation> translate_batch(const Translator& translator, const std::vector<std::string>& texts,
                                              const TranslateOptions& options, unsigned threads) {
  check_options(translator, options);
  TranslateOptions part_options = options;
  part_options.split_sentences = false;  // a part is one sentence already, or a whole text not to be split
  return translate_parts_in_parallel(texts, options.split_sentences, threads, [&](std::string_view part) {
    return translator.translate(part, part_options);
  });
}

Translation translate_parallel(const Translator& translator, std::string_view text, const TranslateOptions& options,
                               unsigned threads) {
  std::vector<BatchTranslation> results = translate_batch(translator, {std::string(text)}, options, threads);
  if (results.front().error) std::rethrow_exception(results.front().error);
  return std::move(results.front().translation);
}

}  // namespace attn
