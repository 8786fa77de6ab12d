#include "eval/sanity.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "text/protected_spans.h"
#include "text/words.h"

namespace attn {
namespace {

// The search's guard (search/repetition.h) stops a pair of letters at its fourth occurrence in a chain, so as never to
// touch a real word. The check is stricter, since it only reports (and a chain that a reference holds is not
// reported), but a chain of real words may hold a pair three times ("non-conviction": "on"), so three is a loop only
// within one word ("thethth"), four anywhere in the chain; and a run of three characters holding two letters that
// occurs three times ("watch-th-th-old-th") is a loop too.
constexpr size_t kLoopingPairRepeatsInWord = 3;
constexpr size_t kLoopingPairRepeatsInChain = 4;
constexpr size_t kLoopingTrigramRepeats = 3;

// `chain` without the punctuation around it ("tage," → "tage").
std::string_view trimmed(std::string_view chain) {
  auto is_inner = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
  while (!chain.empty() && !is_inner(chain.front())) chain.remove_prefix(1);
  while (!chain.empty() && !is_inner(chain.back())) chain.remove_suffix(1);
  return chain;
}

bool has_looping_pair(std::string_view text, size_t repeats) {
  for (size_t at = 0; at + 1 < text.size(); ++at) {
    if (letter_pair_count(text, at) >= repeats) return true;
  }
  return false;
}

bool has_looping_trigram(std::string_view chain) {
  const std::string folded = lowercase(std::string(chain));
  for (size_t at = 0; at + 2 < folded.size(); ++at) {
    const std::string_view trigram = std::string_view(folded).substr(at, 3);
    const auto letters = std::count_if(trigram.begin(), trigram.end(), [](unsigned char c) { return std::isalpha(c); });
    if (letters < 2) continue;
    size_t count = 0;
    for (size_t from = folded.find(trigram); from != std::string::npos; from = folded.find(trigram, from + 1)) ++count;
    if (count >= kLoopingTrigramRepeats) return true;
  }
  return false;
}

bool is_looping_chain(std::string_view chain) {
  if (has_looping_pair(chain, kLoopingPairRepeatsInChain) || has_looping_trigram(chain)) return true;
  const std::vector<std::string> words = words_of(chain);
  return std::any_of(words.begin(), words.end(),
                     [](const std::string& word) { return has_looping_pair(word, kLoopingPairRepeatsInWord); });
}

// "loop: <chain>" for each chain of the hypothesis (text/words.h, hyphen_chains) that is_looping_chain, as
// "pain-in-cis-pinis", unless a reference holds it too.
std::vector<std::string> looping_chain_problems(std::string_view hypothesis,
                                                const std::vector<std::string>& references) {
  std::vector<std::string> problems;
  for (const std::string& chain : hyphen_chains(hypothesis)) {
    const std::string loop(trimmed(chain));
    if (!is_looping_chain(loop)) continue;
    const bool reference_has_it = std::any_of(references.begin(), references.end(), [&](const std::string& reference) {
      return lowercase(reference).find(lowercase(loop)) != std::string::npos;
    });
    if (!reference_has_it) problems.push_back("loop: " + loop);
  }
  return problems;
}

bool contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool must_carry_over(const std::string& word) {
  const bool has_digit = std::any_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); });
  return has_digit || std::isupper(static_cast<unsigned char>(word[0]));
}

// "altered: <span>" for each protected span of the source (text/protected_spans.h) that every reference holds
// verbatim but the hypothesis does not; reported once per distinct span.
std::vector<std::string> altered_spans(std::string_view source, std::string_view hypothesis,
                                       const std::vector<std::string>& references) {
  std::vector<std::string> problems;
  std::vector<std::string> reported;
  for (const ProtectedSpan& found : find_protected_spans(source)) {
    const std::string span(source.substr(found.begin, found.end - found.begin));
    if (hypothesis.find(span) != std::string_view::npos || contains(reported, span)) continue;
    const bool every_reference_has_it =
        !references.empty() && std::all_of(references.begin(), references.end(), [&](const std::string& reference) {
          return reference.find(span) != std::string::npos;
        });
    if (every_reference_has_it) {
      problems.push_back("altered: " + span);
      reported.push_back(span);
    }
  }
  return problems;
}

}  // namespace

std::vector<std::string> sanity_problems(std::string_view source, std::string_view hypothesis,
                                         const std::vector<std::string>& references) {
  std::vector<std::string> problems;
  const std::vector<std::string> hypothesis_words = words_of(hypothesis);
  if (hypothesis_words.empty() && !words_of(source).empty()) problems.push_back("empty output");

  const std::vector<std::string> loop = tripled_run(lowercase(hypothesis_words));
  const bool reference_loops = std::any_of(references.begin(), references.end(), [&](const std::string& reference) {
    const std::vector<std::string> words = lowercase(words_of(reference));
    return std::search(words.begin(), words.end(), loop.begin(), loop.end()) != words.end();
  });
  if (!loop.empty() && !reference_loops) {
    std::string phrase;
    for (size_t i = 0; i < loop.size() / 3; ++i) phrase += (i ? " " : "") + loop[i];
    problems.push_back("repetition: " + phrase);
  }
  for (std::string& problem : looping_chain_problems(hypothesis, references)) problems.push_back(std::move(problem));

  std::vector<std::vector<std::string>> reference_words;
  for (const std::string& reference : references) reference_words.push_back(words_of(reference));
  std::vector<std::string> reported;
  for (const std::string& word : words_of(source)) {
    if (!must_carry_over(word) || contains(hypothesis_words, word) || contains(reported, word)) continue;
    const bool every_reference_has_it =
        !reference_words.empty() && std::all_of(reference_words.begin(), reference_words.end(),
                                                [&](const std::vector<std::string>& words) { return contains(words, word); });
    if (every_reference_has_it) {
      problems.push_back("missing: " + word);
      reported.push_back(word);
    }
  }
  const std::vector<std::string> altered = altered_spans(source, hypothesis, references);
  problems.insert(problems.end(), altered.begin(), altered.end());
  return problems;
}

}  // namespace attn
