#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "text/sentence_split.h"

namespace {

std::vector<std::string> sentences(std::string_view text) {
  std::vector<std::string> out;
  for (const attn::TextSpan& span : attn::split_sentences(text)) {
    out.emplace_back(text.substr(span.begin, span.end - span.begin));
  }
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("split_sentences: basic terminators", "[sentence_split]") {
  CHECK(sentences("Il pleut. Je reste ici.") == Strings{"Il pleut.", "Je reste ici."});
  CHECK(sentences("Tu viens ? Oui ! Super...") == Strings{"Tu viens ?", "Oui !", "Super..."});
  CHECK(sentences("Quoi ?! Non\xE2\x80\xA6 Vraiment.") == Strings{"Quoi ?!", "Non\xE2\x80\xA6", "Vraiment."});
  CHECK(sentences("Pas de point final") == Strings{"Pas de point final"});
  CHECK(sentences("Il est parti. 2019 fut une bonne ann\xC3\xA9" "e.") ==
        Strings{"Il est parti.", "2019 fut une bonne ann\xC3\xA9" "e."});
  CHECK(sentences("Il est parti. \xC3\x89videmment.") == Strings{"Il est parti.", "\xC3\x89videmment."});
}

TEST_CASE("split_sentences: no split before a lowercase word", "[sentence_split]") {
  CHECK(sentences("Il a dit bonjour ! et il est parti.") == Strings{"Il a dit bonjour ! et il est parti."});
  CHECK(sentences("Attends... je r\xC3\xA9" "fl\xC3\xA9" "chis.") ==
        Strings{"Attends... je r\xC3\xA9" "fl\xC3\xA9" "chis."});
}

TEST_CASE("split_sentences: French quotes and spacing", "[sentence_split]") {
  CHECK(sentences("\xC2\xAB Bonjour ! \xC2\xBB dit-il.") == Strings{"\xC2\xAB Bonjour ! \xC2\xBB dit-il."});
  CHECK(sentences("Il a dit : \xC2\xAB Viens ! \xC2\xBB Puis il est parti.") ==
        Strings{"Il a dit : \xC2\xAB Viens ! \xC2\xBB", "Puis il est parti."});
  // Narrow no-break spaces, as typeset French uses them.
  CHECK(sentences("\xC2\xAB\xE2\x80\xAF" "Bonjour\xE2\x80\xAF!\xE2\x80\xAF\xC2\xBB Puis.") ==
        Strings{"\xC2\xAB\xE2\x80\xAF" "Bonjour\xE2\x80\xAF!\xE2\x80\xAF\xC2\xBB", "Puis."});
  CHECK(sentences("Il a dit \"Viens.\" Puis il est parti.") ==
        Strings{"Il a dit \"Viens.\"", "Puis il est parti."});
  CHECK(sentences("Il est parti. \xC2\xAB Reviens ! \xC2\xBB cria-t-elle.") ==
        Strings{"Il est parti.", "\xC2\xAB Reviens ! \xC2\xBB cria-t-elle."});
  CHECK(sentences("Il est parti. \"Reviens\", dit-elle.") == Strings{"Il est parti.", "\"Reviens\", dit-elle."});
  CHECK(sentences("Voil\xC3\xA0 (c'est fini.) Ensuite.") == Strings{"Voil\xC3\xA0 (c'est fini.)", "Ensuite."});
}

TEST_CASE("split_sentences: numbers never split", "[sentence_split]") {
  CHECK(sentences("Il mesure 3,5 m. Elle mesure 3.5 m.") == Strings{"Il mesure 3,5 m.", "Elle mesure 3.5 m."});
  CHECK(sentences("Rendez-vous \xC3\xA0 2.30 demain.") == Strings{"Rendez-vous \xC3\xA0 2.30 demain."});
}

TEST_CASE("split_sentences: abbreviations and initials", "[sentence_split]") {
  CHECK(sentences("M. Dupont est l\xC3\xA0. Mme. Martin aussi.") ==
        Strings{"M. Dupont est l\xC3\xA0.", "Mme. Martin aussi."});
  CHECK(sentences("J'ai vu MM. Durand et Mlle. Roy.") == Strings{"J'ai vu MM. Durand et Mlle. Roy."});
  CHECK(sentences("Le Dr. House et le Pr. Tournesol.") == Strings{"Le Dr. House et le Pr. Tournesol."});
  CHECK(sentences("Il habite St. Louis ou Ste. Foy.") == Strings{"Il habite St. Louis ou Ste. Foy."});
  CHECK(sentences("J. K. Rowling a \xC3\xA9" "crit ce livre.") == Strings{"J. K. Rowling a \xC3\xA9" "crit ce livre."});
  CHECK(sentences("Des fruits, p. ex. Des pommes.") == Strings{"Des fruits, p. ex. Des pommes."});
  CHECK(sentences("Mr. Smith and Mrs. Jones met Ms. Lee and Dr. Who.") ==
        Strings{"Mr. Smith and Mrs. Jones met Ms. Lee and Dr. Who."});
  CHECK(sentences("Cats vs. Dogs, e.g. Rex, i.e. Mine.") == Strings{"Cats vs. Dogs, e.g. Rex, i.e. Mine."});
  // An ordinary word before the period still ends the sentence.
  CHECK(sentences("Il aime Paris. Moi aussi.") == Strings{"Il aime Paris.", "Moi aussi."});
}

TEST_CASE("split_sentences: spans exclude surrounding whitespace", "[sentence_split]") {
  const std::string text = "  Un.\n\tDeux !  ";
  const std::vector<attn::TextSpan> spans = attn::split_sentences(text);
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].begin == 2);
  CHECK(spans[0].end == 5);
  CHECK(spans[1].begin == 7);
  CHECK(spans[1].end == 13);
}

TEST_CASE("split_sentences: blank lines end sentences; empty text has none", "[sentence_split]") {
  CHECK(sentences("un titre\n\nle texte suit") == Strings{"un titre", "le texte suit"});
  CHECK(sentences("une ligne\ncoup\xC3\xA9" "e") == Strings{"une ligne\ncoup\xC3\xA9" "e"});
  CHECK(sentences("").empty());
  CHECK(sentences(" \n\t\xC2\xA0\xE2\x80\x8B ").empty());
}

TEST_CASE("split_sentences: invalid UTF-8 is kept inside spans", "[sentence_split]") {
  const std::string text = "Caf\xE9. Oui.";
  CHECK(sentences(text) == Strings{"Caf\xE9.", "Oui."});
}

namespace {

// Checks the documented guarantees and returns the pieces.
std::vector<std::string> long_pieces(const std::string& sentence, size_t max_bytes) {
  std::vector<std::string> pieces;
  std::string non_blank_in, non_blank_out;
  for (const char c : sentence) {
    if (c != ' ') non_blank_in.push_back(c);
  }
  size_t previous_end = 0;
  for (const attn::TextSpan& span : attn::split_long_sentence(sentence, max_bytes)) {
    CHECK(span.begin >= previous_end);
    CHECK(span.end > span.begin);
    CHECK(span.end - span.begin <= max_bytes);
    // Only whitespace between pieces.
    CHECK(sentence.substr(previous_end, span.begin - previous_end).find_first_not_of(' ') == std::string::npos);
    previous_end = span.end;
    pieces.push_back(sentence.substr(span.begin, span.end - span.begin));
    for (const char c : pieces.back()) {
      if (c != ' ') non_blank_out.push_back(c);
    }
  }
  CHECK(non_blank_out == non_blank_in);
  return pieces;
}

}  // namespace

TEST_CASE("split_long_sentence: prefers ; : , then spaces, then character boundaries", "[sentence_split]") {
  CHECK(long_pieces("court", 10) == Strings{"court"});
  CHECK(long_pieces("un deux, trois quatre cinq", 20) == Strings{"un deux,", "trois quatre cinq"});
  CHECK(long_pieces("alpha ; beta, gamma delta", 16) == Strings{"alpha ; beta,", "gamma delta"});
  // The last punctuation that fits wins over an earlier one.
  CHECK(long_pieces("a: b, c d e f g h", 8) == Strings{"a: b,", "c d e f", "g h"});
  // A comma inside a number is not a cut point.
  CHECK(long_pieces("x 3,5 yyyyyyyyy", 8) == Strings{"x 3,5", "yyyyyyyy", "y"});
}

TEST_CASE("split_long_sentence: cuts words at UTF-8 boundaries when needed", "[sentence_split]") {
  // "é" is two bytes: a 5-byte limit must not cut one in half.
  const std::string word = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";  // éééé, 8 bytes
  CHECK(long_pieces(word, 5) == Strings{"\xC3\xA9\xC3\xA9", "\xC3\xA9\xC3\xA9"});
  CHECK(long_pieces("abcdefghij", 4) == Strings{"abcd", "efgh", "ij"});
  CHECK_THROWS_AS(attn::split_long_sentence("abc", 3), std::invalid_argument);
  CHECK(attn::split_long_sentence("   ", 10).empty());
}
