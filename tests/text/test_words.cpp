#include <catch2/catch.hpp>

#include "text/words.h"

using namespace attn;
using Words = std::vector<std::string>;

TEST_CASE("words are runs of letters and digits with inner joiners", "[words]") {
  CHECK(words_of("Tom, it's 2:30 or 3.5 - end.") == Words{"Tom", "it", "s", "2:30", "or", "3.5", "end"});
  CHECK(words_of("1,000 élèves") == Words{"1,000", "élèves"});
  CHECK(words_of("") == Words{});
  CHECK(words_of(" ... ") == Words{});
}

TEST_CASE("word spans are byte offsets into the text", "[words]") {
  const std::string text = "\"Où, Tom ?\"";
  const std::vector<WordSpan> spans = word_spans(text);
  REQUIRE(spans.size() == 2);
  CHECK(text.substr(spans[0].begin, spans[0].end - spans[0].begin) == "Où");
  CHECK(text.substr(spans[1].begin, spans[1].end - spans[1].begin) == "Tom");
}

TEST_CASE("a tripled run is found for spans of one to four words", "[words]") {
  CHECK(tripled_run(lowercase(words_of("No, no, NO!"))) == Words{"no", "no", "no"});
  CHECK(tripled_run(words_of("come here come here come here")) == Words{"come", "here", "come", "here", "come", "here"});
  CHECK(tripled_run(words_of("a b c d a b c d a b c d")).size() == 12);
  CHECK(tripled_run(words_of("a b c d e a b c d e a b c d e")).empty());
  CHECK(tripled_run(words_of("yes yes")).empty());
}

TEST_CASE("lowercase changes ASCII letters only, in a word or a list", "[words]") {
  CHECK(lowercase(std::string("NeTTOyez 2:30 É")) == "nettoyez 2:30 É");
  CHECK(lowercase(Words{"Tom", "GIF"}) == Words{"tom", "gif"});
}

TEST_CASE("a letter pair is counted wherever it occurs, ignoring case", "[words]") {
  const std::string loop = "pain-in-cis-pinis-inis";
  CHECK(letter_pair_count(loop, loop.find("in")) == 4);
  CHECK(letter_pair_count(loop, loop.find("is")) == 3);
  CHECK(letter_pair_count("Thethth", 0) == 3);
  CHECK(letter_pair_count("aaaa", 1) == 3);  // every position counts
  CHECK(letter_pair_count("in-in", 2) == 0);  // "-" is not a letter
  CHECK(letter_pair_count("1000000", 0) == 0);  // digits never pair
  CHECK(letter_pair_count("\xC3\xA9\xC3\xA9\xC3\xA9", 0) == 0);  // nor do the bytes of accented letters
  CHECK(letter_pair_count("ab", 1) == 0);
}

TEST_CASE("letters are ASCII letters and non-ASCII characters", "[words]") {
  CHECK(letter_count("syst\xC3\xA8me") == 7);
  CHECK(letter_count("multi-utilisateur") == 16);
  CHECK(letter_count("1-800, ok?") == 2);
  CHECK(letter_count("") == 0);
}

TEST_CASE("hyphenated words chain into the word after them", "[words]") {
  CHECK(hyphen_chains("a in-coris-cor- only-corin use it") == Words{"a", "in-coris-cor- only-corin use", "it"});
  CHECK(hyphen_chains("  three-year-old  child. ") == Words{"three-year-old child."});
  CHECK(hyphen_chains("tie-dyed T-shirts") == Words{"tie-dyed T-shirts"});
  CHECK(hyphen_chains("no hyphen here") == Words{"no", "hyphen", "here"});
  CHECK(hyphen_chains("") == Words{});
}
