#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "translate_batch.h"
#include "translator.h"

using namespace attn;

namespace {

const Translator& fixture_translator() {
  static const Translator translator = [] {
    std::ifstream in(ATTN_SOURCE_DIR "/tests/fixtures/tiny.safetensors", std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return Translator(bytes.data(), bytes.size());
  }();
  return translator;
}

// Texts that exercise every way a text is cut: several sentences with their own spacing, a blank line, guillemets,
// abbreviations and numbers that do not split, a sentence over 400 bytes, a 5,000-byte word, ill-formed UTF-8,
// empty and blank texts.
std::vector<std::string> varied_texts() {
  std::string long_sentence = "Le chat";
  while (long_sentence.size() < 1500) long_sentence += ", le chat noir mange une souris grise dans la cuisine";
  long_sentence += ".";
  std::string long_word;
  while (long_word.size() < 5000) long_word += "aé€😀";
  return {"Tom a 19 ans.  Il est 2:30 !\tM. Dupont visite l'Afrique.",
          "",
          "   ",
          "« Où es-tu ? » demande-t-elle. Le prix est de 3,5 euros… Vraiment ?!\n\nFin du texte.",
          long_sentence,
          "Un mot : " + long_word + " et la suite.",
          std::string("Tom \xC3\x28 a \xFF\xFE 19 ans.") + '\0' + " Mary rit.",
          "  Jane visite l'Afrique en septembre.  ",
          "Bonjour."};
}

void require_same_hypothesis(const Hypothesis& parallel, const Hypothesis& serial) {
  CHECK(parallel.translation == serial.translation);
  CHECK(parallel.target_tokens == serial.target_tokens);
  CHECK(parallel.attention == serial.attention);  // bit for bit, not approximately
  CHECK(parallel.token_probabilities == serial.token_probabilities);
  CHECK(parallel.score == serial.score);
}

void require_same_translation(const Translation& parallel, const Translation& serial) {
  CHECK(parallel.text == serial.text);
  REQUIRE(parallel.sentences.size() == serial.sentences.size());
  for (size_t i = 0; i < serial.sentences.size(); ++i) {
    INFO("sentence " << i);
    const SentenceTranslation &p = parallel.sentences[i], &s = serial.sentences[i];
    CHECK(p.source == s.source);
    CHECK(p.source_tokens == s.source_tokens);
    require_same_hypothesis(p.best, s.best);
    REQUIRE(p.nbest.size() == s.nbest.size());
    for (size_t k = 0; k < s.nbest.size(); ++k) require_same_hypothesis(p.nbest[k], s.nbest[k]);
  }
}

TranslateOptions options_with(int beam, int nbest, bool split, bool attention) {
  TranslateOptions options;
  options.beam = beam;
  options.nbest = nbest;
  options.split_sentences = split;
  options.attention = attention;
  return options;
}

}  // namespace

TEST_CASE("translate_batch gives exactly what translate gives, text by text and in order", "[parallel][translator]") {
  const std::vector<std::string> texts = varied_texts();
  for (const TranslateOptions& options :
       {options_with(1, 0, true, true), options_with(3, 2, true, true), options_with(2, 0, false, true),
        options_with(4, 0, true, false)}) {
    for (const unsigned threads : {1u, 2u, 4u}) {
      INFO("beam " << options.beam << ", nbest " << options.nbest << ", split " << options.split_sentences
                   << ", threads " << threads);
      const std::vector<BatchTranslation> batch = translate_batch(fixture_translator(), texts, options, threads);
      REQUIRE(batch.size() == texts.size());
      for (size_t i = 0; i < texts.size(); ++i) {
        INFO("text " << i);
        REQUIRE_FALSE(batch[i].error);
        require_same_translation(batch[i].translation, fixture_translator().translate(texts[i], options));
      }
    }
  }
}

TEST_CASE("one long paragraph is spread over threads and comes back as translate gives it", "[parallel][translator]") {
  std::string paragraph;
  for (int i = 0; paragraph.size() < 100000; ++i) {
    paragraph += "Tom a " + std::to_string(i % 100) + " ans. « Où es-tu ? » M. Dupont rit" +
                 (i % 7 == 0 ? ".\n\n" : "… ");
  }
  const TranslateOptions options = options_with(2, 0, true, true);
  require_same_translation(translate_parallel(fixture_translator(), paragraph, options, 3),
                           fixture_translator().translate(paragraph, options));
}

TEST_CASE("bad options are rejected before anything is translated", "[parallel][translator]") {
  const std::vector<std::string> texts = {"", "Tom a 19 ans."};
  CHECK_THROWS_AS(translate_batch(fixture_translator(), texts, options_with(0, 0, true, true), 2),
                  std::invalid_argument);
  CHECK_THROWS_WITH(translate_parallel(fixture_translator(), "", options_with(2, 3, true, true), 2),
                    Catch::Contains("nbest"));
}

TEST_CASE("a sentence that fails fails its own text only; the other texts come back whole",
          "[parallel][translator]") {
  const std::vector<std::string> texts = {"Tom a 19 ans. Mary rit.", "Il pleut. PANNE ici. Il fait beau.",
                                          "Jane visite l'Afrique."};
  const TranslateOptions options = options_with(2, 0, false, true);
  const std::vector<BatchTranslation> batch =
      translate_parts_in_parallel(texts, true, 2, [&](std::string_view part) {
        if (part.find("PANNE") != std::string_view::npos) throw std::runtime_error("cannot translate this one");
        return fixture_translator().translate(part, options);
      });
  REQUIRE(batch.size() == 3);
  REQUIRE(batch[1].error);
  CHECK_THROWS_WITH(std::rethrow_exception(batch[1].error), "cannot translate this one");
  CHECK(batch[1].translation.sentences.empty());
  TranslateOptions split = options;
  split.split_sentences = true;
  for (const size_t i : {size_t{0}, size_t{2}}) {
    REQUIRE_FALSE(batch[i].error);
    require_same_translation(batch[i].translation, fixture_translator().translate(texts[i], split));
  }
}
