#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "eval/bleu.h"

using attn::corpus_bleu;
using attn::tokenize_13a;

TEST_CASE("BLEU matches sacreBLEU's documented two-reference example", "[bleu]") {
  const std::vector<std::string> hypotheses = {"The dog bit the man.", "It wasn't surprising.",
                                               "The man had just bitten him."};
  const std::vector<std::vector<std::string>> references = {
      {"The dog bit the man.", "The dog had bitten the man."},
      {"It was not unexpected.", "No one was surprised."},
      {"The man bit him first.", "The man had bitten the dog."}};
  const attn::BleuScore bleu = corpus_bleu(hypotheses, references);
  CHECK(bleu.score == Approx(48.53).margin(0.005));
  CHECK(bleu.precisions[0] == Approx(100.0 * 14 / 17));
  CHECK(bleu.precisions[1] == Approx(50.0));
  CHECK(bleu.precisions[2] == Approx(100.0 * 5 / 11));
  CHECK(bleu.precisions[3] == Approx(37.5));
  CHECK(bleu.hyp_len == 17);
  CHECK(bleu.ref_len == 18);
  CHECK(bleu.brevity_penalty == Approx(std::exp(1.0 - 18.0 / 17.0)));
  CHECK(attn::format_bleu(bleu) ==
        "BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)");
}

TEST_CASE("BLEU of a perfect translation is 100", "[bleu]") {
  const attn::BleuScore bleu = corpus_bleu({"The cat sat on the mat ."}, {{"The cat sat on the mat ."}});
  CHECK(bleu.score == Approx(100.0));
  CHECK(bleu.brevity_penalty == 1.0);
}

TEST_CASE("BLEU of empty hypotheses is 0", "[bleu]") {
  const attn::BleuScore bleu = corpus_bleu({"", "   "}, {{"a reference"}, {"another one"}});
  CHECK(bleu.score == 0.0);
  CHECK(bleu.hyp_len == 0);
  CHECK(bleu.ref_len == 4);
  CHECK(bleu.brevity_penalty == 0.0);
}

TEST_CASE("BLEU of an empty corpus is 0", "[bleu]") { CHECK(corpus_bleu({}, {}).score == 0.0); }

TEST_CASE("BLEU without any match is small but nonzero under exp smoothing", "[bleu]") {
  // 5 tokens, nothing matches: precisions 100/(2*5), 100/(4*4), 100/(8*3), 100/(16*2).
  const attn::BleuScore bleu = corpus_bleu({"a b c d e"}, {{"f g h i j"}});
  const double expected = std::exp((std::log(10.0) + std::log(6.25) + std::log(100.0 / 24) + std::log(3.125)) / 4);
  CHECK(bleu.precisions[0] == Approx(10.0));
  CHECK(bleu.precisions[3] == Approx(3.125));
  CHECK(bleu.score == Approx(expected));
}

TEST_CASE("BLEU is 0 when the corpus has no 4-grams at all", "[bleu]") {
  const attn::BleuScore bleu = corpus_bleu({"Hello world"}, {{"Hello world"}});
  CHECK(bleu.precisions[0] == Approx(100.0));
  CHECK(bleu.precisions[1] == Approx(100.0));
  CHECK(bleu.precisions[2] == 0.0);
  CHECK(bleu.score == 0.0);
}

TEST_CASE("BLEU clips counts at the largest count in any single reference", "[bleu]") {
  // "the" 7 times; one reference has it twice, the other three times → 3 of 7 unigrams count.
  const attn::BleuScore bleu =
      corpus_bleu({"the the the the the the the"}, {{"the cat is on the mat", "the the the dog"}});
  CHECK(bleu.precisions[0] == Approx(100.0 * 3 / 7));
}

TEST_CASE("BLEU uses the closest reference length, the shorter on a tie", "[bleu]") {
  // Hypothesis 5 tokens, references 4 and 6 tokens: both are 1 away, so 4 is used and there is no penalty.
  const attn::BleuScore tie = corpus_bleu({"a b c d e"}, {{"a b c d e f", "a b c d"}});
  CHECK(tie.ref_len == 4);
  CHECK(tie.brevity_penalty == 1.0);
  const attn::BleuScore closer = corpus_bleu({"a b c d e"}, {{"a b c d e f g h", "a b c d e f g"}});
  CHECK(closer.ref_len == 7);
  CHECK(closer.brevity_penalty == Approx(std::exp(1.0 - 7.0 / 5.0)));
}

TEST_CASE("BLEU strips trailing whitespace before tokenizing, as sacreBLEU does", "[bleu]") {
  // Without the strip, 13a would join the final "-\n" and the hypothesis would lose its last token's dash.
  CHECK(corpus_bleu({"one two three four-\n"}, {{"one two three four-"}}).score == Approx(100.0));
}

TEST_CASE("BLEU rejects mismatched inputs", "[bleu]") {
  CHECK_THROWS_AS(corpus_bleu({"a", "b"}, {{"a"}}), std::invalid_argument);
  CHECK_THROWS_AS(corpus_bleu({"a"}, {{}}), std::invalid_argument);
}

TEST_CASE("13a tokenization splits punctuation and symbols like mteval-v13a", "[bleu][tokenizer]") {
  CHECK(tokenize_13a("Hello, world.") == "Hello , world .");
  CHECK(tokenize_13a("It costs $5 (or 3.5 euros); 1,000 times!") ==
        "It costs $ 5 ( or 3.5 euros ) ; 1,000 times !");
  CHECK(tokenize_13a("don't stop") == "don't stop");
  CHECK(tokenize_13a("well-known 1990-1995") == "well-known 1990 - 1995");
  CHECK(tokenize_13a("U.S.A.") == "U . S . A .");
  CHECK(tokenize_13a("end.5 and 5.x") == "end . 5 and 5 . x");
  CHECK(tokenize_13a("Wait...") == "Wait . . .");
  CHECK(tokenize_13a("a/b@c#d") == "a / b @ c # d");
  CHECK(tokenize_13a("[x]{y}~z^_`") == "[ x ] { y } ~ z ^ _ `");
  CHECK(tokenize_13a("  many   spaces\there  ") == "many spaces here");
  CHECK(tokenize_13a("") == "");
}

TEST_CASE("13a tokenization unescapes entities and drops skip markers", "[bleu][tokenizer]") {
  CHECK(tokenize_13a("&quot;hi&quot; &amp; &lt;b&gt;") == "\" hi \" & < b >");
  CHECK(tokenize_13a("&amp;quot;") == "& quot ;");  // entities are replaced one after the other, not repeatedly
  CHECK(tokenize_13a("a <skipped> b") == "a b");
  CHECK(tokenize_13a("hyphen-\nated\nline") == "hyphenated line");
}

TEST_CASE("13a tokenization treats text as Unicode", "[bleu][tokenizer]") {
  CHECK(tokenize_13a("Café, déjà vu.") == "Café , déjà vu .");
  CHECK(tokenize_13a("a\u00a0b\u3000c") == "a b c");  // Python's str.split() treats these as spaces
  CHECK(tokenize_13a("\xff\xfe.") == "\xff\xfe .");    // malformed UTF-8 passes through unchanged
}
