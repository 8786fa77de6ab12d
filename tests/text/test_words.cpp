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
