#include <catch2/catch.hpp>

#include <numeric>

#include "model/model_file.h"
#include "support/tiny_model.h"
#include "translator.h"

using namespace attn;

namespace {

Translator tiny_translator() {
  const std::vector<uint8_t> bytes = save_model(attn::testing::tiny_model());
  return Translator(bytes.data(), bytes.size());
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (int k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

}  // namespace

TEST_CASE("each sentence of a paragraph gets its own translation and matrix, joined with the original spacing",
          "[translator]") {
  const Translator translator = tiny_translator();
  TranslateOptions options;
  options.beam = 2;
  const std::string paragraph = "Tom a 19 ans.  Il est 2:30 !\tM. Dupont visite l'Afrique.";
  const Translation result = translator.translate(paragraph, options);
  REQUIRE(result.sentences.size() == 3);
  REQUIRE(result.sentences[0].source == "Tom a 19 ans.");
  REQUIRE(result.sentences[1].source == "Il est 2:30 !");
  REQUIRE(result.sentences[2].source == "M. Dupont visite l'Afrique.");
  const std::string expected_text = result.sentences[0].best.translation + "  " +
                                    result.sentences[1].best.translation + "\t" +
                                    result.sentences[2].best.translation;
  REQUIRE(result.text == expected_text);
  for (const auto& s : result.sentences) {
    REQUIRE(s.source_tokens.back() == "</s>");
    REQUIRE(s.best.target_tokens.back() == "</s>");
    const size_t S = s.source_tokens.size();
    REQUIRE(s.best.attention.size() == s.best.target_tokens.size() * S);
    for (size_t r = 0; r < s.best.target_tokens.size(); ++r)
      REQUIRE(std::accumulate(&s.best.attention[r * S], &s.best.attention[r * S] + S, 0.0) ==
              Approx(1.0).margin(1e-5));
    REQUIRE(s.nbest.empty());
  }
}

TEST_CASE("n-best lists carry one matrix per hypothesis, best first", "[translator]") {
  const Translator translator = tiny_translator();
  TranslateOptions options;
  options.beam = 4;
  options.nbest = 3;
  const Translation result = translator.translate("Jane visite l'Afrique en septembre.", options);
  REQUIRE(result.sentences.size() == 1);
  const auto& s = result.sentences[0];
  REQUIRE(!s.nbest.empty());
  REQUIRE(s.nbest.size() <= 3);
  REQUIRE(s.nbest[0].translation == s.best.translation);
  for (const auto& h : s.nbest) REQUIRE(h.attention.size() == h.target_tokens.size() * s.source_tokens.size());
}

TEST_CASE("empty and whitespace-only text translate to themselves with no sentences", "[translator]") {
  const Translator translator = tiny_translator();
  for (const std::string text : {"", "   ", "\t \n"}) {
    const Translation result = translator.translate(text);
    REQUIRE(result.sentences.empty());
    REQUIRE(result.text == text);
  }
}

TEST_CASE("invalid UTF-8 input still gives valid UTF-8 output", "[translator]") {
  const Translator translator = tiny_translator();
  const std::string broken = std::string("Tom \xC3\x28 a \xFF\xFE 19 ans.") + '\0' + "fin";
  const Translation result = translator.translate(broken, {1, 0, true});
  REQUIRE(valid_utf8(result.text));
  for (const auto& s : result.sentences) {
    REQUIRE(valid_utf8(s.source));
    for (const auto& t : s.source_tokens) REQUIRE(valid_utf8(t));
  }
}

TEST_CASE("options are validated and bad model bytes are rejected with the loader's message", "[translator]") {
  const Translator translator = tiny_translator();
  REQUIRE_THROWS_AS(translator.translate("a", {0, 0, true}), std::invalid_argument);
  REQUIRE_THROWS_AS(translator.translate("a", {17, 0, true}), std::invalid_argument);
  REQUIRE_THROWS_WITH(translator.translate("a", {2, 3, true}), Catch::Contains("nbest"));
  const std::vector<uint8_t> garbage = {1, 2, 3};
  REQUIRE_THROWS_AS(Translator(garbage.data(), garbage.size()), std::runtime_error);
}

TEST_CASE("the summary describes the loaded model", "[translator]") {
  const Model model = attn::testing::tiny_model();
  const std::vector<uint8_t> bytes = save_model(model);
  const Translator translator(bytes.data(), bytes.size());
  const ModelSummary s = translator.summary();
  REQUIRE(s.source_language == "fr");
  REQUIRE(s.target_language == "en");
  REQUIRE(s.dtype == "F32");
  REQUIRE(s.file_bytes == static_cast<int64_t>(bytes.size()));
  REQUIRE(s.parameters == static_cast<int64_t>(model.parameter_count()));
  REQUIRE(s.hidden == model.config.hidden);
}
