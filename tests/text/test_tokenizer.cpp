#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "text/normalize.h"
#include "text/tokenizer.h"

using attn::Tokenizer;

namespace {

using Strings = std::vector<std::string>;

// Both columns of the Tatoeba dev set.
const Strings& dev_sentences() {
  static const Strings sentences = [] {
    std::ifstream in(ATTN_SOURCE_DIR "/../shared/data/tatoeba-fra-eng/dev.tsv");
    if (!in) throw std::runtime_error("cannot open the dev set");
    Strings out;
    std::string line;
    while (std::getline(in, line)) {
      const size_t tab = line.find('\t');
      out.push_back(line.substr(0, tab));
      if (tab != std::string::npos) out.push_back(line.substr(tab + 1));
    }
    return out;
  }();
  return sentences;
}

const Tokenizer& dev_bpe() {
  static const Tokenizer tokenizer = [] {
    const Strings& all = dev_sentences();
    return Tokenizer::learn_bpe(Strings(all.begin(), all.begin() + 2000), 1000);
  }();
  return tokenizer;
}

// Inputs that stress normalization and the byte fallback.
const Strings kTrickyInputs = {
    "",
    "   ",
    "\xE2\x96\x81",                                   // a literal "▁"
    "a\xE2\x96\x81" "b \xE2\x96\x81\xE2\x96\x81 c",
    "<s> </s> <pad> <0x41>",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD !",  // 日本語 😀👍🏽 !
    "caf\xE9 \xFF\xFE \xC3",                           // invalid UTF-8
    "e\xCC\x81t\xC3\xA9  \xE2\x80\xAF?\xE2\x80\x8B\t\n",
    "\xCC\x81" "abc 1\xCC\x81" "2",                     // combining marks after nothing and after a digit
    "l'Afrique en 2019.",
    "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xCE\xBA\xCF\x8C\xCF\x83\xCE\xBC\xCE\xB5!",  // Привет, κόσμε!
};

void check_round_trip(const Tokenizer& tokenizer, const std::string& text) {
  const std::string expected = attn::normalize(text);
  const std::string decoded = tokenizer.decode(tokenizer.encode(text));
  if (decoded != expected) FAIL("round trip failed for: " << text << "\n   decoded: " << decoded);
}

}  // namespace

TEST_CASE("tokenizer: BPE round-trips every dev sentence", "[tokenizer]") {
  const Tokenizer& tokenizer = dev_bpe();
  REQUIRE(tokenizer.size() == 1000);
  CHECK(tokenizer.mode() == attn::TokenizerMode::Bpe);
  for (const std::string& sentence : dev_sentences()) check_round_trip(tokenizer, sentence);
  for (const std::string& text : kTrickyInputs) check_round_trip(tokenizer, text);
  SUCCEED();
}

TEST_CASE("tokenizer: char mode round-trips every dev sentence", "[tokenizer]") {
  const Strings& all = dev_sentences();
  const Tokenizer tokenizer = Tokenizer::learn_chars(Strings(all.begin(), all.begin() + 500));
  CHECK(tokenizer.mode() == attn::TokenizerMode::Char);
  for (const std::string& sentence : all) check_round_trip(tokenizer, sentence);
  for (const std::string& text : kTrickyInputs) check_round_trip(tokenizer, text);
  SUCCEED();
}

TEST_CASE("tokenizer: vocabulary layout", "[tokenizer]") {
  const Tokenizer& tokenizer = dev_bpe();
  CHECK(tokenizer.piece(Tokenizer::kPad) == "<pad>");
  CHECK(tokenizer.piece(Tokenizer::kBos) == "<s>");
  CHECK(tokenizer.piece(Tokenizer::kEos) == "</s>");
  CHECK(tokenizer.piece(Tokenizer::kFirstByte) == "<0x00>");
  CHECK(tokenizer.piece(Tokenizer::kFirstByte + 0xC3) == "<0xC3>");
  CHECK(tokenizer.piece(Tokenizer::kFirstLearned - 1) == "<0xFF>");
  const std::vector<int> ids = tokenizer.encode("Bonjour !");
  CHECK(std::none_of(ids.begin(), ids.end(), [](int id) { return id < Tokenizer::kFirstByte; }));
}

TEST_CASE("tokenizer: pre-tokenization units bound the merges", "[tokenizer]") {
  // With a generous vocabulary every unit of a repeated sentence becomes one piece, so the encoding shows the units.
  const Tokenizer tokenizer = Tokenizer::learn_bpe(Strings(3, "l'Afrique en 2019."), 400);
  const Strings expected = {"\xE2\x96\x81l", "'", "Afrique", "\xE2\x96\x81" "en", "\xE2\x96\x81" "2",
                            "0", "1", "9", "."};
  CHECK(tokenizer.display_pieces(tokenizer.encode("l'Afrique en 2019.")) == expected);
  CHECK(tokenizer.display_pieces(tokenizer.encode("  l'Afrique\xC2\xA0 en 2019. ")) == expected);
}

TEST_CASE("tokenizer: BPE merges the most frequent pair first", "[tokenizer]") {
  // Units: "▁le" ×6, "▁la" ×2. Characters by count: l 8, ▁ 8 (tie: code point order), e 6, a 2.
  // Pairs: (▁,l) 8 → "▁l"; then (▁l,e) 6 → "▁le"; then (▁l,a) 2 → "▁la".
  const Strings corpus = {"le le le la", "le le le la"};
  const Tokenizer tokenizer = Tokenizer::learn_bpe(corpus, Tokenizer::kFirstLearned + 6);
  const std::string expected =
      "{\"mode\":\"bpe\",\"pieces\":[\"l\",\"\xE2\x96\x81\",\"e\",\"a\",\"\xE2\x96\x81l\",\"\xE2\x96\x81le\"],"
      "\"merges\":[[\"\xE2\x96\x81\",\"l\"],[\"\xE2\x96\x81l\",\"e\"]]}";
  CHECK(tokenizer.to_json() == expected);
  CHECK(tokenizer.display_pieces(tokenizer.encode("la le")) == Strings{"\xE2\x96\x81l", "a", "\xE2\x96\x81le"});
  // One more piece is "▁la"; no pair occurs twice after that, so learning stops short of the requested size.
  const Tokenizer larger = Tokenizer::learn_bpe(corpus, Tokenizer::kFirstLearned + 100);
  CHECK(larger.size() == Tokenizer::kFirstLearned + 7);
  CHECK(larger.piece(Tokenizer::kFirstLearned + 6) == "\xE2\x96\x81la");
}

TEST_CASE("tokenizer: rare and unseen characters fall back to bytes", "[tokenizer]") {
  // "z" occurs once: below the threshold, so not a piece.
  const Tokenizer tokenizer = Tokenizer::learn_bpe({"ab ab ab z"}, 300);
  CHECK(tokenizer.display_pieces(tokenizer.encode("z")) == Strings{"\xE2\x96\x81", "<0x7A>"});
  // CJK and emoji, never seen: their UTF-8 bytes.
  const Tokenizer& dev = dev_bpe();
  CHECK(dev.display_pieces(dev.encode("\xE6\x97\xA5\xE6\x9C\xAC")) ==
        Strings{"\xE2\x96\x81", "<0xE6>", "<0x97>", "<0xA5>", "<0xE6>", "<0x9C>", "<0xAC>"});
  CHECK(dev.display_pieces(dev.encode("\xF0\x9F\x98\x80")) == Strings{"\xE2\x96\x81", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>"});
  // A literal "▁" is always bytes, never the marker.
  CHECK(dev.display_pieces(dev.encode("\xE2\x96\x81")) == Strings{"\xE2\x96\x81", "<0xE2>", "<0x96>", "<0x81>"});
}

TEST_CASE("tokenizer: decode skips specials and repairs bad byte runs", "[tokenizer]") {
  const Tokenizer& tokenizer = dev_bpe();
  const std::vector<int> ids = tokenizer.encode("Il pleut.");
  std::vector<int> framed = {Tokenizer::kBos};
  framed.insert(framed.end(), ids.begin(), ids.end());
  framed.push_back(Tokenizer::kEos);
  framed.push_back(Tokenizer::kPad);
  CHECK(tokenizer.decode(framed) == "Il pleut.");
  const int c3 = Tokenizer::kFirstByte + 0xC3;
  const int a9 = Tokenizer::kFirstByte + 0xA9;
  CHECK(tokenizer.decode({c3, a9}) == "\xC3\xA9");
  CHECK(tokenizer.decode({c3}) == "\xEF\xBF\xBD");
  CHECK(tokenizer.decode({a9, c3}) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(tokenizer.decode({}) == "");
  CHECK_THROWS_AS(tokenizer.decode({-1}), std::invalid_argument);
  CHECK_THROWS_AS(tokenizer.decode({tokenizer.size()}), std::invalid_argument);
  CHECK_THROWS_AS(tokenizer.display_pieces({tokenizer.size()}), std::invalid_argument);
}

TEST_CASE("tokenizer: piece_bytes spells each piece as decode would, byte pieces unvalidated", "[tokenizer]") {
  const Tokenizer& tokenizer = dev_bpe();
  const std::vector<int> ids = tokenizer.encode("Il pleut à Paris, 2:30.");
  std::string spelled;
  for (int id : ids) spelled += tokenizer.piece_bytes(id);
  CHECK(spelled == " " + tokenizer.decode(ids));  // decode drops only the first word's marker
  CHECK(tokenizer.piece_bytes(Tokenizer::kEos).empty());
  CHECK(tokenizer.piece_bytes(Tokenizer::kFirstByte + 0xC3) == "\xC3");  // half a character, kept as is
  CHECK_THROWS_AS(tokenizer.piece_bytes(tokenizer.size()), std::invalid_argument);
}

TEST_CASE("tokenizer: char mode", "[tokenizer]") {
  const Tokenizer tokenizer = Tokenizer::learn_chars({"14 juillet 1789", "1er mai"});
  // Every character seen is a piece; the space is "▁".
  CHECK(tokenizer.size() == Tokenizer::kFirstLearned + 15);
  CHECK(tokenizer.display_pieces(tokenizer.encode("1 mai")) == Strings{"1", "\xE2\x96\x81", "m", "a", "i"});
  CHECK(tokenizer.display_pieces(tokenizer.encode("z")) == Strings{"<0x7A>"});
  CHECK(tokenizer.decode(tokenizer.encode(" 14  mai ")) == "14 mai");
  // Without spaces in the training text, a space falls back to the byte <0x20>.
  const Tokenizer no_space = Tokenizer::learn_chars({"abc"});
  CHECK(no_space.display_pieces(no_space.encode("a b")) == Strings{"a", "<0x20>", "b"});
  CHECK(no_space.decode(no_space.encode("a b")) == "a b");
}

TEST_CASE("tokenizer: a default tokenizer is byte-level", "[tokenizer]") {
  const Tokenizer tokenizer;
  CHECK(tokenizer.size() == Tokenizer::kFirstLearned);
  CHECK(tokenizer.display_pieces(tokenizer.encode("a b")) == Strings{"<0x20>", "<0x61>", "<0x20>", "<0x62>"});
  for (const std::string& text : kTrickyInputs) check_round_trip(tokenizer, text);
}

TEST_CASE("tokenizer: learning is deterministic and independent of sentence order", "[tokenizer]") {
  const Strings& all = dev_sentences();
  Strings part(all.begin(), all.begin() + 600);
  const std::string first = Tokenizer::learn_bpe(part, 500).to_json();
  CHECK(Tokenizer::learn_bpe(part, 500).to_json() == first);
  std::reverse(part.begin(), part.end());
  CHECK(Tokenizer::learn_bpe(part, 500).to_json() == first);
}

TEST_CASE("tokenizer: rejects a vocabulary smaller than the base pieces", "[tokenizer]") {
  CHECK_THROWS_AS(Tokenizer::learn_bpe({"abc"}, Tokenizer::kFirstLearned - 1), std::invalid_argument);
  CHECK(Tokenizer::learn_bpe({"abc"}, Tokenizer::kFirstLearned).size() == Tokenizer::kFirstLearned);
}

TEST_CASE("tokenizer: JSON round trip", "[tokenizer]") {
  const Strings& all = dev_sentences();
  const Tokenizer tokenizers[] = {dev_bpe(), Tokenizer::learn_chars(Strings(all.begin(), all.begin() + 200))};
  for (const Tokenizer& original : tokenizers) {
    const Tokenizer loaded = Tokenizer::from_json(original.to_json());
    CHECK(loaded.to_json() == original.to_json());
    CHECK(loaded.size() == original.size());
    CHECK(loaded.mode() == original.mode());
    for (size_t i = 0; i < all.size(); i += 7) {
      if (loaded.encode(all[i]) != original.encode(all[i])) FAIL("encodings differ for: " << all[i]);
    }
  }
}

TEST_CASE("tokenizer: from_json names each problem", "[tokenizer]") {
  struct Case {
    std::string json;
    std::string message;  // a fragment the error must contain
  };
  const std::string marker = "\xE2\x96\x81";
  const Case cases[] = {
      {"{\"mode\":", "not valid JSON"},
      {"[]", "expected an object"},
      {R"({"mode":"bpe","pieces":[],"merges":[],"extra":1})", "unknown field \"extra\""},
      {R"({"pieces":[],"merges":[]})", "missing field \"mode\""},
      {R"({"mode":"bpe","merges":[]})", "missing field \"pieces\""},
      {R"({"mode":"bpe","pieces":[]})", "missing field \"merges\""},
      {R"({"mode":"wordpiece","pieces":[],"merges":[]})", "\"mode\" must be"},
      {R"({"mode":3,"pieces":[],"merges":[]})", "\"mode\" must be"},
      {R"({"mode":"bpe","pieces":"abc","merges":[]})", "\"pieces\" must be an array"},
      {R"({"mode":"bpe","pieces":["a",7],"merges":[]})", "pieces[1] must be a string"},
      {R"({"mode":"bpe","pieces":[""],"merges":[]})", "pieces[0] \"\" is empty"},
      {R"({"mode":"bpe","pieces":["a b"],"merges":[]})", "contains whitespace"},
      {R"({"mode":"bpe","pieces":["<s>"],"merges":[]})", "special or byte piece"},
      {R"({"mode":"bpe","pieces":["<0x41>"],"merges":[]})", "special or byte piece"},
      {R"({"mode":"bpe","pieces":["a","b","a"],"merges":[]})", "pieces[2] \"a\" is a duplicate"},
      {"{\"mode\":\"bpe\",\"pieces\":[\"a" + marker + "\"],\"merges\":[]}", "after its first character"},
      {R"({"mode":"char","pieces":["ab"],"merges":[]})", "not a single character"},
      {R"({"mode":"char","pieces":["a","b"],"merges":[["a","b"]]})", "must be empty in char mode"},
      {R"({"mode":"bpe","pieces":["a"],"merges":{}})", "\"merges\" must be an array"},
      {R"({"mode":"bpe","pieces":["a","b","ab"],"merges":[["a"]]})", "merges[0] must be a pair of strings"},
      {R"({"mode":"bpe","pieces":["a","b","ab"],"merges":[["a",2]]})", "merges[0] must be a pair of strings"},
      {R"({"mode":"bpe","pieces":["a","ab"],"merges":[["a","b"]]})", "merges[0]: \"b\" is not a piece"},
      {R"({"mode":"bpe","pieces":["a","b"],"merges":[["a","b"]]})", "result \"ab\" is not a piece"},
      {R"({"mode":"bpe","pieces":["a","b","c","ab","abc"],"merges":[["ab","c"],["a","b"]]})",
       "merges[0]: \"ab\" is used before the merge that creates it"},
      {R"({"mode":"bpe","pieces":["a","b","ab"],"merges":[["a","b"],["a","b"]]})", "merges[1] repeats"},
      {R"({"mode":"bpe","pieces":["a","b","ab"],"merges":[]})", "pieces[2] \"ab\" is neither"},
      {R"({"mode":"bpe","mode":"bpe","pieces":[],"merges":[]})", "duplicate field \"mode\""},
      {R"({"mode":"bpe","pieces":[],"merges":[[]]})", "merges[0] must be a pair of strings"},
      {R"({"mode":"bpe","pieces":["a","b","ab"],"merges":[["a","b","ab"]]})", "merges[0] must be a pair of strings"},
      {"{\"mode\":\"bpe\",\"pieces\":[\"\\u00e9\",\"\xC3\xA9\"],\"merges\":[]}",
       "pieces[1] \"\xC3\xA9\" is a duplicate"},
      {R"({"mode":"bpe","pieces":["a\u0000"],"merges":[]})", "pieces[0] \"a\\u0000\" contains whitespace or a control"},
      // Malformed JSON, wherever it is.
      {R"({"mode":"bpe","pieces":[],"merges":[]} x)", "not valid JSON"},
      {R"({"mode":"bpe","pieces":[],"merges":[],})", "not valid JSON"},
      {R"({"mode":"bpe" "pieces":[],"merges":[]})", "not valid JSON"},
      {R"({"mode":"bpe","pieces":["a\q"],"merges":[]})", "not valid JSON"},
      {R"({"mode":"bpe","pieces":["\u12"],"merges":[]})", "not valid JSON"},
      {R"({"mode":"bpe","pieces":["\ud800"],"merges":[]})", "not valid JSON"},
      {R"({"mode":"bpe","pieces":["\udc00\ud800"],"merges":[]})", "not valid JSON"},
      {"{\"mode\":\"bpe\",\"pieces\":[\"a\tb\"],\"merges\":[]}", "not valid JSON"},  // a raw tab in a string
      {"{\"mode\":\"bpe\",\"pieces\":[\"\xC3\x28\"],\"merges\":[]}", "not valid JSON"},   // ill-formed UTF-8
      {R"({"mode":"bpe","pieces":["a)", "not valid JSON"},
      {"", "not valid JSON"},
  };
  for (const Case& c : cases) {
    INFO("json: " << c.json);
    CHECK_THROWS_WITH(Tokenizer::from_json(c.json), Catch::Contains(c.message) && Catch::Contains("tokenizer JSON"));
    CHECK_THROWS_AS(Tokenizer::from_json(c.json), std::runtime_error);
  }
  // The smallest valid documents.
  CHECK(Tokenizer::from_json(R"({"mode":"bpe","pieces":[],"merges":[]})").size() == Tokenizer::kFirstLearned);
  CHECK(Tokenizer::from_json(R"({"mode":"bpe","pieces":["a","b","ab"],"merges":[["a","b"]]})").size() ==
        Tokenizer::kFirstLearned + 3);
}

TEST_CASE("tokenizer: from_json reads any JSON spelling of the document", "[tokenizer]") {
  // Whitespace everywhere, fields in another order, escapes (\u00e9 is "é", the surrogate pair is U+1F600).
  const Tokenizer tokenizer = Tokenizer::from_json(
      " {\n\t\"merges\" : [ [ \"a\" , \"\\u0062\" ] ] ,\r\n \"pieces\" : [\"a\", \"b\", \"ab\", \"\\u00e9\", "
      "\"\\ud83d\\ude00\", \"\\\"\"], \"mode\" : \"bpe\" } ");
  REQUIRE(tokenizer.size() == Tokenizer::kFirstLearned + 6);
  CHECK(tokenizer.piece(Tokenizer::kFirstLearned + 3) == "\xC3\xA9");
  CHECK(tokenizer.piece(Tokenizer::kFirstLearned + 4) == "\xF0\x9F\x98\x80");
  CHECK(tokenizer.piece(Tokenizer::kFirstLearned + 5) == "\"");
  // (No "▁" piece: the word-start marker falls back to the byte piece of a space.)
  CHECK(tokenizer.encode("ab") == std::vector<int>{Tokenizer::kFirstByte + ' ', Tokenizer::kFirstLearned + 2});
  CHECK(tokenizer.encode("\xC3\xA9") == std::vector<int>{Tokenizer::kFirstByte + ' ', Tokenizer::kFirstLearned + 3});
}

TEST_CASE("tokenizer: byte pieces are named <0xHH>", "[tokenizer]") {
  const Tokenizer tokenizer;
  CHECK(tokenizer.display_pieces({Tokenizer::kFirstByte, Tokenizer::kFirstByte + 0x4A, Tokenizer::kFirstByte + 0xFF}) ==
        Strings{"<0x00>", "<0x4A>", "<0xFF>"});
}

TEST_CASE("tokenizer: from_json survives deep nesting and huge input", "[tokenizer]") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK_THROWS_WITH(Tokenizer::from_json(deep), Catch::Contains("expected an object"));
  CHECK_THROWS_AS(Tokenizer::from_json(std::string(100000, '{')), std::runtime_error);
}

TEST_CASE("tokenizer: concurrent encodes agree with sequential ones", "[tokenizer]") {
  const Tokenizer tokenizer = Tokenizer::from_json(dev_bpe().to_json());  // starts with an empty cache
  const Strings& all = dev_sentences();
  std::vector<std::vector<int>> expected;
  for (const std::string& sentence : all) expected.push_back(dev_bpe().encode(sentence));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < all.size() * 2; i += 3) {
        const size_t k = i % all.size();
        if (tokenizer.encode(all[k]) != expected[k]) ++mismatches[static_cast<size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

TEST_CASE("tokenizer: encodings stay right across cache resets", "[tokenizer]") {
  // More distinct units than the cache holds (100k) in one text.
  std::string text;
  for (int n = 0; n < 101000; ++n) {
    std::string word;
    for (int k = n, letters = 0; letters < 4; k /= 26, ++letters) word.push_back(static_cast<char>('a' + k % 26));
    text += word;
    text += ' ';
  }
  const Tokenizer& tokenizer = dev_bpe();
  CHECK(tokenizer.decode(tokenizer.encode(text)) == attn::normalize(text));
  CHECK(tokenizer.encode("le chat") == tokenizer.encode("le chat"));
}
