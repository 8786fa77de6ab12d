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
