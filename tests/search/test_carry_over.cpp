#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search/carry_over.h"
#include "text/words.h"

using namespace attn;

namespace {

std::vector<std::string> repeated(const std::vector<std::string>& sentences, int times) {
  std::vector<std::string> out;
  for (int i = 0; i < times; ++i) out.insert(out.end(), sentences.begin(), sentences.end());
  return out;
}

// Vocabularies that hold the everyday words whole and spell names in several pieces.
const Tokenizer& french() {
  static const Tokenizer tokenizer = Tokenizer::learn_bpe(
      repeated({"je travaille à la maison", "nettoyez la chambre", "il a huit ans", "atteignit la cible",
                "Je travaille", "Il a"},
               5),
      420);
  return tokenizer;
}
const Tokenizer& english() {
  static const Tokenizer tokenizer = Tokenizer::learn_bpe(
      repeated({"I'm working in London", "clean the room", "he is ten", "reached the target", "He is"}, 5), 420);
  return tokenizer;
}

std::vector<int> with_end(std::vector<int> ids) {
  ids.push_back(Tokenizer::kEos);
  return ids;
}

// The word (text/words.h) each piece belongs to, "" for pieces between words.
std::vector<std::string> word_of_piece(const Tokenizer& tokenizer, const std::vector<int>& ids) {
  std::string text;
  std::vector<size_t> piece_of_byte;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string bytes = tokenizer.piece_bytes(ids[i]);
    text += bytes;
    piece_of_byte.insert(piece_of_byte.end(), bytes.size(), i);
  }
  std::vector<std::string> words(ids.size());
  for (const WordSpan& span : word_spans(text)) {
    const std::string word = text.substr(span.begin, span.end - span.begin);
    for (size_t b = span.begin; b < span.end; ++b) words[piece_of_byte[b]] = word;
  }
  return words;
}

size_t pieces_of(const Tokenizer& tokenizer, const std::string& word) { return tokenizer.encode(word).size(); }

// A source sentence and the search's hypothesis for it, whose target words attend, with all their weight, to the
// first piece of the source word `alignment` names (unnamed ones to </s>), with the probability `unsure_words` gives
// them, else 0.9.
struct Translation {
  std::vector<int> source_ids;
  SearchHypothesis found;
};

Translation translation(const std::string& source, const std::string& target,
                        const std::map<std::string, std::string>& alignment,
                        const std::map<std::string, float>& unsure_words) {
  Translation t;
  t.source_ids = with_end(french().encode(source));
  t.found.tokens = with_end(english().encode(target));
  const std::vector<std::string> source_words = word_of_piece(french(), t.source_ids);
  const std::vector<std::string> target_words = word_of_piece(english(), t.found.tokens);
  const size_t S = t.source_ids.size();
  t.found.attention.assign(t.found.tokens.size() * S, 0.0f);
  for (size_t i = 0; i < t.found.tokens.size(); ++i) {
    const auto aligned = alignment.find(target_words[i]);
    size_t column = S - 1;
    if (aligned != alignment.end()) {
      column = static_cast<size_t>(std::find(source_words.begin(), source_words.end(), aligned->second) -
                                   source_words.begin());
      REQUIRE(column < S);
    }
    t.found.attention[i * S + column] = 1.0f;
    const auto unsure = unsure_words.find(target_words[i]);
    t.found.probabilities.push_back(unsure == unsure_words.end() ? 0.9f : unsure->second);
  }
  return t;
}

std::optional<std::string> carried_over(const Translation& t) {
  return carry_over_copies(french(), english(), t.source_ids, t.found);
}

const std::map<std::string, std::string> kWorkingIn = {{"I", "Je"}, {"m", "Je"}, {"working", "travaille"},
                                                       {"in", "à"}, {"Manan", "Milan"}, {"London", "Milan"}};

}  // namespace

TEST_CASE("a garbled name is replaced by the source word its attention points at", "[carry_over]") {
  REQUIRE(pieces_of(french(), "Milan") >= 2);
  REQUIRE(pieces_of(english(), "Manan") >= 2);
  const auto repaired = carried_over(translation("Je travaille à Milan.", "I'm working in Manan.", kWorkingIn,
                                                 {{"Manan", 0.2f}}));
  REQUIRE(repaired.has_value());
  CHECK(*repaired == "I'm working in Milan.");
}

TEST_CASE("confident words, whole-vocabulary translations and names already there are kept", "[carry_over]") {
  CHECK_FALSE(carried_over(translation("Je travaille à Milan.", "I'm working in Manan.", kWorkingIn,
                                       {{"Manan", 0.8f}})));  // the model was sure
  REQUIRE(pieces_of(english(), "London") == 1);
  CHECK_FALSE(carried_over(translation("Je travaille à Milan.", "I'm working in London.", kWorkingIn,
                                       {{"London", 0.2f}})));  // one piece: a translation, not a spelling
  CHECK_FALSE(carried_over(translation("Je travaille à Milan.", "I'm working in Milan.", kWorkingIn,
                                       {{"Milan", 0.2f}})));
  const std::map<std::string, std::string> to_milan = {{"Milan", "Milan"}, {"Manan", "Milan"}};
  CHECK_FALSE(carried_over(translation("Je travaille à Milan.", "Milan, Manan.", to_milan, {{"Manan", 0.2f}})));
  // A target word that is itself a source word is never overwritten.
  const std::map<std::string, std::string> to_kunihiko = {{"Milan", "Kunihiko"}};
  CHECK_FALSE(carried_over(translation("Milan et Kunihiko.", "Milan and Milan.", to_kunihiko, {{"Milan", 0.1f}})));
}

TEST_CASE("a number the model turned into a wrong word is put back", "[carry_over]") {
  const std::map<std::string, std::string> ages = {{"He", "Il"}, {"is", "a"}, {"ten", "8"}};
  const auto repaired = carried_over(translation("Il a 8 ans.", "He is ten.", ages, {{"ten", 0.05f}}));
  REQUIRE(repaired.has_value());
  CHECK(*repaired == "He is 8.");
  CHECK_FALSE(carried_over(translation("Il a 8 ans.", "He is ten.", ages, {})));  // written with confidence
}

TEST_CASE("at a sentence's start only words rare in lowercase too are names", "[carry_over]") {
  const std::map<std::string, std::string> reached = {{"Kunki", "Kunihiko"}, {"reached", "atteignit"},
                                                      {"the", "la"}, {"target", "cible"}};
  const auto repaired = carried_over(translation("Kunihiko atteignit la cible.", "Kunki reached the target.", reached,
                                                 {{"Kunki", 0.3f}}));
  REQUIRE(repaired.has_value());
  CHECK(*repaired == "Kunihiko reached the target.");

  REQUIRE(pieces_of(french(), "Nettoyez") >= 3);
  REQUIRE(pieces_of(french(), "nettoyez") < pieces_of(french(), "Nettoyez"));
  const std::map<std::string, std::string> clean = {{"Clanen", "Nettoyez"}, {"the", "la"}, {"room", "chambre"}};
  CHECK_FALSE(carried_over(translation("Nettoyez la chambre.", "Clanen the room.", clean, {{"Clanen", 0.1f}})));
  // The same word inside a sentence is a name.
  CHECK(carried_over(translation("Je Nettoyez la chambre.", "Clanen the room.", clean, {{"Clanen", 0.1f}})) ==
        std::optional<std::string>("Nettoyez the room."));
}

TEST_CASE("attention and probabilities must match the ids", "[carry_over]") {
  Translation t = translation("Je travaille à Milan.", "I'm working in Manan.", kWorkingIn, {});
  t.found.probabilities.pop_back();
  CHECK_THROWS_WITH(carried_over(t), Catch::Contains("probabilities"));
  t = translation("Je travaille à Milan.", "I'm working in Manan.", kWorkingIn, {});
  t.found.attention.pop_back();
  CHECK_THROWS_WITH(carried_over(t), Catch::Contains("attention"));
}
