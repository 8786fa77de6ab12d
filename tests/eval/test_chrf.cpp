#include <catch2/catch.hpp>

#include <stdexcept>

#include "eval/chrf.h"

using attn::corpus_chrf;

TEST_CASE("chrF2 matches sacreBLEU's documented two-reference example", "[chrf]") {
  const std::vector<std::string> hypotheses = {"The dog bit the man.", "It wasn't surprising.",
                                               "The man had just bitten him."};
  const std::vector<std::vector<std::string>> references = {
      {"The dog bit the man.", "The dog had bitten the man."},
      {"It was not unexpected.", "No one was surprised."},
      {"The man bit him first.", "The man had bitten the dog."}};
  CHECK(corpus_chrf(hypotheses, references) == Approx(59.73).margin(0.005));
}

TEST_CASE("chrF2 of a perfect translation is 100 and ignores whitespace", "[chrf]") {
  CHECK(corpus_chrf({"The cat sat."}, {{"The cat sat."}}) == Approx(100.0));
  CHECK(corpus_chrf({"ab cd"}, {{"a b c d"}}) == Approx(100.0));
}

TEST_CASE("chrF2 is 0 for empty hypotheses and for no shared characters", "[chrf]") {
  CHECK(corpus_chrf({""}, {{"something"}}) == 0.0);
  CHECK(corpus_chrf({"xyz"}, {{"abc"}}) == 0.0);
  CHECK(corpus_chrf({}, {}) == 0.0);
}

TEST_CASE("chrF2 averages precision and recall over the orders both sides have", "[chrf]") {
  // "ab" vs "abc": unigrams P=1 R=2/3, bigrams P=1 R=1/2; trigrams have no hypothesis n-grams, higher orders no
  // reference n-grams. P=1, R=7/12, F2 = 5PR/(4P+R) = 7/11.
  CHECK(corpus_chrf({"ab"}, {{"abc"}}) == Approx(100.0 * 7 / 11));
}

TEST_CASE("chrF2 sums statistics over segments before the F-score", "[chrf]") {
  // Segment 1 is perfect ("ab": 2 unigrams, 1 bigram); segment 2 shares nothing ("cd" vs "ef").
  // Unigrams: P = R = 2/4; bigrams: P = R = 1/2 → F2 = 0.5, not the mean of per-segment scores.
  CHECK(corpus_chrf({"ab", "cd"}, {{"ab"}, {"ef"}}) == Approx(50.0));
}

TEST_CASE("chrF2 does not count hypothesis n-grams of orders the reference lacks", "[chrf]") {
  // "abcd" vs "ab": the reference has no trigrams, so the hypothesis' two trigrams are not counted. Summed:
  // unigrams P = 5/7, bigrams P = 3/5, trigrams P = 1/1 (from "xyz" alone), all recalls 1 → F2 = 135/143.
  CHECK(corpus_chrf({"abcd", "xyz"}, {{"ab"}, {"xyz"}}) == Approx(100.0 * 135 / 143));
}

TEST_CASE("chrF2 uses the reference that gives each segment its best score", "[chrf]") {
  CHECK(corpus_chrf({"abc"}, {{"xyz", "abc"}}) == Approx(100.0));
  CHECK(corpus_chrf({"abc", "xyz"}, {{"xyz", "abc"}, {"xyz", "q"}}) == Approx(100.0));
}

TEST_CASE("chrF2 counts Unicode characters, not bytes", "[chrf]") {
  // é and è share their first UTF-8 byte; as characters they differ: unigrams P = R = 1/2, bigrams 0 → 25.
  CHECK(corpus_chrf({"éa"}, {{"èa"}}) == Approx(25.0));
  CHECK(corpus_chrf({"é"}, {{"é"}}) == Approx(100.0));
}

TEST_CASE("chrF2 rejects mismatched inputs", "[chrf]") {
  CHECK_THROWS_AS(corpus_chrf({"a"}, {}), std::invalid_argument);
  CHECK_THROWS_AS(corpus_chrf({"a"}, {{}}), std::invalid_argument);
}
