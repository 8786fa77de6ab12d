#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search/placeholders.h"
#include "text/protected_spans.h"

using namespace attn;

namespace {

const std::string P0 = placeholder(0), P1 = placeholder(1), P5 = placeholder(5);

// Character vocabularies that hold the placeholders as pieces.
const Tokenizer& characters() {
  static const Tokenizer tokenizer = Tokenizer::learn_chars({"ouvrez et open and " + P0 + P1 + P5});
  return tokenizer;
}

std::vector<int> with_end(std::vector<int> ids) {
  ids.push_back(Tokenizer::kEos);
  return ids;
}

size_t position_of(const std::vector<int>& ids, const std::string& piece) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (characters().piece(ids[i]) == piece) return i;
  FAIL("no piece " << piece);
  return 0;
}

// The search's hypothesis `target` for `source`: each target row puts all its attention on one source token, the
// one given in `aligned` for that row, else the first.
SearchHypothesis hypothesis(const std::vector<int>& source, const std::string& target,
                            const std::map<size_t, size_t>& aligned) {
  SearchHypothesis h;
  h.tokens = with_end(characters().encode(target));
  h.attention.assign(h.tokens.size() * source.size(), 0.0f);
  for (size_t t = 0; t < h.tokens.size(); ++t) {
    const auto found = aligned.find(t);
    h.attention[t * source.size() + (found == aligned.end() ? 0 : found->second)] = 1.0f;
  }
  h.probabilities.assign(h.tokens.size(), 0.9f);
  return h;
}

}  // namespace

TEST_CASE("placeholders written once each need no repair", "[placeholders]") {
  const std::vector<int> source = with_end(characters().encode("ouvrez " + P0 + " et " + P1));
  CHECK_FALSE(repair_placeholders(characters(), characters(), source,
                                  hypothesis(source, "open " + P1 + " and " + P0, {})));
  const std::vector<int> plain = with_end(characters().encode("ouvrez et"));
  CHECK_FALSE(repair_placeholders(characters(), characters(), plain, hypothesis(plain, "open and", {})));
}

TEST_CASE("a placeholder written twice keeps its first occurrence, a foreign one goes", "[placeholders]") {
  const std::vector<int> source = with_end(characters().encode("ouvrez " + P0));
  const SearchHypothesis found = hypothesis(source, "open " + P0 + " " + P5 + " and " + P0, {});
  const auto repaired = repair_placeholders(characters(), characters(), source, found);
  REQUIRE(repaired);
  CHECK(*repaired == "open " + P0 + " and");
}

TEST_CASE("a dropped placeholder goes after the word attending most to it, or at the end", "[placeholders]") {
  const std::vector<int> source = with_end(characters().encode("ouvrez " + P0 + " et " + P1));
  const size_t p0 = position_of(source, P0), p1 = position_of(source, P1);
  // "open and" in characters: token 1 ("p") attends to P1, so P1 follows "open"; P0's strongest row is </s>
  // (token 8), so it goes at the end.
  const SearchHypothesis found = hypothesis(source, "open and", {{1, p1}, {8, p0}});
  REQUIRE(found.tokens.size() == 9);
  const auto repaired = repair_placeholders(characters(), characters(), source, found);
  REQUIRE(repaired);
  CHECK(*repaired == "open " + P1 + " and " + P0);

  const auto inside = repair_placeholders(characters(), characters(), source,
                                          hypothesis(source, "open and", {{5, p0}, {6, p1}}));  // "a", "n" of "and"
  REQUIRE(inside);
  CHECK(*inside == "open and " + P0 + " " + P1);
}

TEST_CASE("a placeholder repair refuses a mismatched attention matrix", "[placeholders]") {
  const std::vector<int> source = with_end(characters().encode(P0));
  SearchHypothesis found = hypothesis(source, "open", {});
  found.attention.pop_back();
  CHECK_THROWS_AS(repair_placeholders(characters(), characters(), source, found), std::invalid_argument);
}
