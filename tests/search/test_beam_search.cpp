#include <catch2/catch.hpp>

#include <cctype>
#include <numeric>

#include "search/beam_search.h"
#include "search/repetition.h"
#include "support/tiny_model.h"
#include "text/words.h"

using namespace attn;
using attn::testing::source_ids;
using attn::testing::tiny_model;

namespace {

const std::vector<std::string> kSentences = {"Tom a 19 ans !", "Jane visite l'Afrique en septembre.", "a",
                                             "Il est 2:30, Mary."};

void require_well_formed(const SearchHypothesis& h, size_t source_length, int max_length) {
  REQUIRE(!h.tokens.empty());
  REQUIRE(static_cast<int>(h.tokens.size()) <= max_length);
  REQUIRE(h.tokens.back() == Tokenizer::kEos);
  REQUIRE(std::count(h.tokens.begin(), h.tokens.end(), Tokenizer::kEos) == 1);
  REQUIRE(h.probabilities.size() == h.tokens.size());
  REQUIRE(h.attention.size() == h.tokens.size() * source_length);
  for (size_t t = 0; t < h.tokens.size(); ++t) {
    const float* row = &h.attention[t * source_length];
    REQUIRE(std::accumulate(row, row + source_length, 0.0) == Approx(1.0).margin(1e-5));
  }
  double log_prob = 0;
  for (float p : h.probabilities) {
    REQUIRE(p > 0.0f);
    REQUIRE(p <= 1.0f);
    log_prob += std::log(p);
  }
  REQUIRE(h.score == Approx(log_prob / h.tokens.size()).margin(1e-4));
}

}  // namespace

TEST_CASE("a beam of one finds exactly what greedy decoding finds", "[search]") {
  for (uint64_t seed : {1, 2, 3}) {
    const Model model = tiny_model(seed == 2, seed);
    for (const auto& sentence : kSentences) {
      const auto src = source_ids(model, sentence);
      SearchOptions options;
      const SearchHypothesis greedy = greedy_search(model, src, options);
      const auto beam = beam_search(model, src, options);
      REQUIRE(beam.size() == 1);
      REQUIRE(beam[0].tokens == greedy.tokens);
      REQUIRE(beam[0].attention == greedy.attention);
      REQUIRE(beam[0].probabilities == greedy.probabilities);
      REQUIRE(beam[0].score == greedy.score);
    }
  }
}

TEST_CASE("beam search returns well-formed hypotheses ordered by normalized score", "[search]") {
  const Model model = tiny_model(false, 5, 2.0f);
  for (const auto& sentence : kSentences) {
    const auto src = source_ids(model, sentence);
    SearchOptions options;
    options.beam = 6;
    options.nbest = 4;
    const int max_length = static_cast<int>(options.max_length_ratio * src.size()) + options.max_length_extra;
    const auto found = beam_search(model, src, options);
    REQUIRE(!found.empty());
    REQUIRE(found.size() <= 4);
    for (size_t i = 0; i < found.size(); ++i) {
      require_well_formed(found[i], src.size(), max_length);
      if (i > 0) REQUIRE(found[i - 1].score >= found[i].score);
    }
    for (size_t i = 1; i < found.size(); ++i) REQUIRE(found[i].tokens != found[0].tokens);
  }
}

TEST_CASE("output length is capped relative to the input", "[search]") {
  const Model model = tiny_model(false, 9);
  const auto src = source_ids(model, "a");
  SearchOptions options;
  options.max_length_ratio = 1.0f;
  options.max_length_extra = 2;  // at most 1 * 2 + 2 = 4 tokens, </s> forced at the last one
  for (int beam : {1, 3}) {
    options.beam = beam;
    for (const auto& h : search(model, src, options)) {
      REQUIRE(h.tokens.size() <= 4);
      REQUIRE(h.tokens.back() == Tokenizer::kEos);
    }
  }
}

TEST_CASE("search options are validated", "[search]") {
  const Model model = tiny_model();
  const auto src = source_ids(model, "a");
  SearchOptions options;
  options.beam = 17;
  REQUIRE_THROWS_WITH(search(model, src, options), Catch::Contains("beam"));
  options.beam = 2;
  options.nbest = 3;
  REQUIRE_THROWS_WITH(search(model, src, options), Catch::Contains("nbest"));
  options.nbest = 1;
  REQUIRE_THROWS_WITH(search(model, {5, 6}, options), Catch::Contains("</s>"));
}

namespace {

// Whether some span of 1..4 tokens, not all digits, occurs three times in a row in `tokens`.
bool has_tripled_span(const Model& model, const std::vector<int>& tokens) {
  auto is_digit = [&](int id) {
    const std::string bytes = model.tgt_tokenizer.piece_bytes(id);
    return bytes.size() == 1 && std::isdigit(static_cast<unsigned char>(bytes[0]));
  };
  for (size_t span = 1; span <= 4; ++span) {
    for (size_t start = 0; start + 3 * span <= tokens.size(); ++start) {
      const auto first = tokens.begin() + static_cast<std::ptrdiff_t>(start);
      const auto second = first + static_cast<std::ptrdiff_t>(span), third = second + static_cast<std::ptrdiff_t>(span);
      if (std::equal(first, second, second) && std::equal(first, second, third) && !std::all_of(first, second, is_digit))
        return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("search never writes a span three times in a row unless allowed to", "[search][repetition]") {
  const std::vector<std::string> inputs = {"Tom a 19 ans !", "aaaa", "Il est 2:30, Mary.", "Jane visite l'Afrique."};
  int loops_allowed = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const Model model = tiny_model(seed % 2 == 0, seed);
    for (const auto& sentence : inputs) {
      const auto src = source_ids(model, sentence);
      for (int beam : {1, 4}) {
        SearchOptions options;
        options.beam = beam;
        options.nbest = beam;
        for (const auto& h : search(model, src, options)) REQUIRE_FALSE(has_tripled_span(model, h.tokens));
        options.block_repeats = false;
        for (const auto& h : search(model, src, options)) loops_allowed += has_tripled_span(model, h.tokens);
      }
    }
  }
  REQUIRE(loops_allowed > 0);  // the untrained models do loop, so the check above is not vacuous
}

namespace {

// The bytes the search wrote, as the guard sees them (decode() would turn stray bytes into U+FFFD).
std::string bytes_of(const Model& model, const std::vector<int>& tokens) {
  std::string text;
  for (int token : tokens) text += model.tgt_tokenizer.piece_bytes(token);
  return text;
}

// Whether `text` holds a loop as search/repetition.h defines it: a chain that holds a pair of letters more than
// kMaxLetterPairRepeats times or more than kMaxHyphensPerChain hyphens after letters, or a word over `max_letters`.
bool has_looping_word(const std::string& text, size_t max_letters) {
  for (const std::string& chain : hyphen_chains(text)) {
    size_t hyphens = 0;
    for (size_t at = 0; at < chain.size(); ++at) {
      if (letter_pair_count(chain, at) > kMaxLetterPairRepeats) return true;
      const auto before = static_cast<unsigned char>(at > 0 ? chain[at - 1] : ' ');
      hyphens += chain[at] == '-' && (std::isalpha(before) || before >= 0x80);
    }
    if (hyphens > kMaxHyphensPerChain) return true;
    for (size_t begin = 0, end; begin <= chain.size(); begin = end + 1) {
      end = std::min(chain.find(' ', begin), chain.size());
      if (letter_count(std::string_view(chain).substr(begin, end - begin)) > max_letters) return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("search never writes a looping word unless allowed to", "[search][loops]") {
  const std::vector<std::string> inputs = {"Tom a 19 ans !", "aaaa", "Il est 2:30, Mary.", "Jane visite l'Afrique."};
  int loops_allowed = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const Model model = tiny_model(seed % 2 == 0, seed);
    for (const auto& sentence : inputs) {
      const auto src = source_ids(model, sentence);
      const size_t max_letters = max_word_letters(model.src_tokenizer, src);
      for (int beam : {1, 4}) {
        SearchOptions options;
        options.beam = beam;
        options.nbest = beam;
        for (const auto& h : search(model, src, options)) {
          REQUIRE_FALSE(has_looping_word(bytes_of(model, h.tokens), max_letters));
        }
        options.block_repeats = false;
        for (const auto& h : search(model, src, options)) {
          loops_allowed += has_looping_word(bytes_of(model, h.tokens), max_letters);
        }
      }
    }
  }
  REQUIRE(loops_allowed > 0);  // the untrained models do loop, so the check above is not vacuous
}
