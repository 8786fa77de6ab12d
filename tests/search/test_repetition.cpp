#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "search/repetition.h"

using namespace attn;

namespace {

// A byte-level tokenizer: id kFirstByte + c is the byte c, so histories read as text.
std::vector<int> ids_of(const std::string& text) {
  std::vector<int> ids;
  for (unsigned char c : text) ids.push_back(Tokenizer::kFirstByte + c);
  return ids;
}

// The bytes forbid_third_repeats rules out after `history`.
std::string forbidden_after(const std::string& history) {
  const Tokenizer bytes;
  std::vector<float> log_probs(static_cast<size_t>(bytes.size()), -1.0f);
  forbid_third_repeats(bytes, ids_of(history), log_probs.data());
  std::string forbidden;
  for (size_t id = 0; id < log_probs.size(); ++id) {
    if (std::isinf(log_probs[id])) forbidden.push_back(static_cast<char>(id - Tokenizer::kFirstByte));
    else REQUIRE(log_probs[id] == -1.0f);  // everything else untouched
  }
  return forbidden;
}

}  // namespace

TEST_CASE("a token that would repeat a span a third time in a row is forbidden", "[search][repetition]") {
  CHECK(forbidden_after("aa") == "a");        // a a a
  CHECK(forbidden_after("xababa") == "b");    // ab ab ab
  CHECK(forbidden_after("abcab") == "");      // only the second copy of abc would follow
  CHECK(forbidden_after("abcabcab") == "c");  // abc abc abc
  CHECK(forbidden_after("-th-th-t") == "h");  // the looping failure seen on the test set
  CHECK(forbidden_after("abcdabcdabc") == "d");
}

TEST_CASE("twice is allowed, spans longer than four are not checked, and digits may repeat", "[search][repetition]") {
  CHECK(forbidden_after("") == "");
  CHECK(forbidden_after("a") == "");
  CHECK(forbidden_after("ab") == "");
  CHECK(forbidden_after("abcdeabcdeabcd") == "");
  CHECK(forbidden_after("100") == "");   // "1000"
  CHECK(forbidden_after(",0,0,") == "0");  // the span "0," holds a non-digit
}

TEST_CASE("several spans can forbid several tokens at once", "[search][repetition]") {
  CHECK(forbidden_after("bbabba") == "");  // period 3 needs 8 tokens
  CHECK(forbidden_after("aabaab") == "");
  CHECK(forbidden_after("xxyxxyxx") == "xy");  // x x x, and xxy three times
}

namespace {

// What a search guarded by would_loop alone writes of `text`, one byte per token: the text up to the first byte
// that would_loop forbids (all of it when none is).
std::string written_of(const std::string& text, size_t max_letters = 1000) {
  const Tokenizer bytes;
  std::vector<int> history;
  for (int id : ids_of(text)) {
    if (would_loop(bytes, loop_context(bytes, history), id, max_letters)) break;
    history.push_back(id);
  }
  return bytes.decode(history);
}

}  // namespace

TEST_CASE("a word whose slightly different units repeat a pair of letters a fourth time is cut", "[search][loops]") {
  // "in": pain, in, pinis, then inis.
  CHECK(written_of("pain-in-cis-pinis-inis-pis-pinis-pinisly") == "pain-in-cis-pinis-i");
  CHECK(written_of("Orid-in-fit-in-in-min-miting") == "Orid-in-fit-in-in-mi");
  CHECK(written_of("tororforority") == "tororforo");  // "or" a fourth time, without hyphens
  CHECK(written_of("Thethth TH") == "Thethth TH");    // case is ignored, but a new word starts afresh
  CHECK(written_of("ththth-th") == "ththth-t");
}

TEST_CASE("a hyphenated loop is followed across a space", "[search][loops]") {
  CHECK(written_of("nis-nis- nis-nis") == "nis-nis- nis-n");
  CHECK(written_of("coris-cor- only-corin-cor") == "coris-cor- only-corin-c");  // "co": coris, cor, corin, cor
  CHECK(written_of("nis nis nis nis") == "nis nis nis nis");  // plain words are forbid_third_repeats' business
  CHECK(written_of("nis-nis nis nis") == "nis-nis nis nis");  // the chain ends with the first word without a hyphen
}

TEST_CASE("a chain may hold five hyphens after letters", "[search][loops]") {
  CHECK(written_of("a-b-c-d-e-f-g") == "a-b-c-d-e-f");
  CHECK(written_of("a-b-c- d-e-f-g") == "a-b-c- d-e-f");
  CHECK(written_of("1-800-555-01-23-45-67") == "1-800-555-01-23-45-67");  // hyphens after digits do not count
  CHECK(written_of("well--well--well") == "well--well--well");
}

TEST_CASE("a word may not outgrow the letter limit", "[search][loops]") {
  CHECK(written_of("abcdefghijk", 10) == "abcdefghij");
  CHECK(written_of("abcdefghij-k", 10) == "abcdefghij-");
  CHECK(written_of("abcdefghij123.", 10) == "abcdefghij123.");  // digits and punctuation are not letters
  CHECK(written_of("abcdefghij klmnopqrst", 10) == "abcdefghij klmnopqrst");
  CHECK(written_of("\xC3\xA9t\xC3\xA9", 2) == "\xC3\xA9t");  // é counts once, in its first byte
}

TEST_CASE("real words are never cut", "[search][loops]") {
  for (const char* word : {"maintaining", "insinuating", "confrontations", "anticonstitutionnellement",
                           "Donaudampfschifffahrtsgesellschaftskapitän",
                           "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz", "1000000",
                           "ha-ha", "one-on-one", "once-in-a-lifetime", "case-by-case basis", "Mississippi",
                           "two-and-a-half-year-old", "1-800-828-6322"}) {
    CHECK(written_of(word) == word);
  }
}

TEST_CASE("the letter limit is the source's longest word plus a margin", "[search][loops]") {
  const Tokenizer bytes;
  std::vector<int> source = ids_of("le syst\xC3\xA8me multi-utilisateur 123456789012345678");
  source.push_back(Tokenizer::kEos);
  CHECK(max_word_letters(bytes, source) == 16 + kWordLettersBeyondSource);
  CHECK(max_word_letters(bytes, {Tokenizer::kEos}) == kWordLettersBeyondSource);
}

TEST_CASE("the loop context is the current word after the hyphenated words before it", "[search][loops]") {
  const Tokenizer bytes;
  CHECK(loop_context(bytes, ids_of("a in-coris-cor- only-corin")) == "in-coris-cor- only-corin");
  CHECK(loop_context(bytes, ids_of("the black cat")) == "cat");
  CHECK(loop_context(bytes, ids_of("in-in  in")) == "in-in in");  // two spaces do not end the chain
  CHECK(loop_context(bytes, ids_of("cat ")).empty());
  CHECK(loop_context(bytes, ids_of(std::string(100, 'x'))) == std::string(kLoopWindow, 'x'));
}
