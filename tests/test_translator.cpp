#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "model/model_file.h"
#include "search/beam_search.h"
#include "support/tiny_model.h"
#include "text/normalize.h"
#include "text/protected_spans.h"
#include "text/utf8.h"
#include "translator.h"

using namespace attn;

namespace {

// Sentences longer than this are cut into pieces (the rule documented in README and src/text/sentence_split.h).
constexpr size_t kMaxSentenceBytes = 400;

Translator tiny_translator() {
  const std::vector<uint8_t> bytes = save_model(attn::testing::tiny_model());
  return Translator(bytes.data(), bytes.size());
}

Translator translator_from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) throw std::runtime_error("cannot read " + path);
  return Translator(bytes.data(), bytes.size());
}

// The committed fixture: a random model with real BPE vocabularies, fast enough for megabyte inputs.
const Translator& fixture_translator() {
  static const Translator translator = translator_from_file(ATTN_SOURCE_DIR "/tests/fixtures/tiny.safetensors");
  return translator;
}

// Whitespace and the invisible characters that sentence spans never start or end with.
bool is_blank_text(std::string_view text) {
  for (const char32_t code : decode_utf8(text))
    if (!is_space_char(code) && !is_ignorable_char(code)) return false;
  return true;
}

// Checks the documented shape of a result: the sentences' sources appear in the (UTF-8-sanitized) input in order,
// with only blanks between and around them, so nothing is dropped; `text` is those blanks joined with the
// translations; every string is valid UTF-8; each sentence is at most kMaxSentenceBytes and its token counts,
// hence its matrix, are bounded; attention rows sum to 1. Returns the first problem found, or "".
std::string layout_problem(std::string_view input, const Translation& result) {
  const std::string text = sanitize_utf8(input);
  std::string rebuilt;
  size_t cursor = 0;
  for (size_t i = 0; i < result.sentences.size(); ++i) {
    const SentenceTranslation& s = result.sentences[i];
    const std::string where = "sentence " + std::to_string(i) + ": ";
    const size_t at = s.source.empty() ? std::string::npos : text.find(s.source, cursor);
    if (at == std::string::npos) return where + "source not found in the input after the previous one";
    if (!is_blank_text(std::string_view(text).substr(cursor, at - cursor)))
      return where + "non-blank input skipped before it";
    rebuilt.append(text, cursor, at - cursor);
    rebuilt += s.best.translation;
    cursor = at + s.source.size();
    if (s.source.size() > kMaxSentenceBytes) return where + std::to_string(s.source.size()) + " bytes";
    // At most what 400 bytes of plain text give (a token per byte, the leading "▁"), plus </s>, even when
    // normalization lengthens the text. The search stops at 2 × source + 10 target tokens.
    const size_t S = s.source_tokens.size(), T = s.best.target_tokens.size();
    if (S < 1 || S > kMaxSentenceBytes + 2) return where + std::to_string(S) + " source tokens";
    if (T < 1 || T > 2 * S + 10) return where + std::to_string(T) + " target tokens";
    if (s.source_tokens.back() != "</s>" || s.best.target_tokens.back() != "</s>") return where + "no </s>";
    if (s.best.attention.size() != T * S) return where + "attention is not target × source";
    for (size_t r = 0; r < T; ++r) {
      const double sum = std::accumulate(&s.best.attention[r * S], &s.best.attention[r * S] + S, 0.0);
      if (std::abs(sum - 1.0) > 1e-4)
        return where + "attention row " + std::to_string(r) + " sums to " + std::to_string(sum);
    }
    if (!is_valid_utf8(s.source) || !is_valid_utf8(s.best.translation)) return where + "invalid UTF-8";
    for (const auto* tokens : {&s.source_tokens, &s.best.target_tokens})
      for (const std::string& token : *tokens)
        if (!is_valid_utf8(token)) return where + "invalid UTF-8 token";
  }
  if (!is_blank_text(std::string_view(text).substr(cursor))) return "non-blank input after the last sentence";
  rebuilt.append(text, cursor, std::string::npos);
  if (result.text != rebuilt) return "text is not the translations joined with the input's spacing";
  if (!is_valid_utf8(result.text)) return "text is invalid UTF-8";
  return "";
}

std::vector<std::string> sources_of(const Translation& result) {
  std::vector<std::string> sources;
  for (const auto& s : result.sentences) sources.push_back(s.source);
  return sources;
}

// The pieces the 400-byte rule gives for a text of single-space-separated units that contains no ";", ":" or
// ",": as many whole units as fit; a unit longer than the limit is cut at the last character boundary that fits.
std::vector<std::string> expected_pieces(const std::vector<std::string>& units) {
  std::vector<std::string> pieces;
  std::string piece;
  for (const std::string& unit : units) {
    if (!piece.empty() && piece.size() + 1 + unit.size() <= kMaxSentenceBytes) {
      piece += ' ' + unit;
      continue;
    }
    if (!piece.empty()) pieces.push_back(piece);
    piece.clear();
    for (size_t pos = 0; pos < unit.size();) {
      const size_t length = decode_utf8_char(unit, pos).length;
      if (piece.size() + length > kMaxSentenceBytes) {
        pieces.push_back(piece);
        piece.clear();
      }
      piece.append(unit, pos, length);
      pos += length;
    }
  }
  if (!piece.empty()) pieces.push_back(piece);
  return pieces;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

// A string literal with embedded NULs, whole.
template <size_t N>
std::string bytes_of(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

// Deterministic pseudo-random numbers for building large inputs.
struct Lcg {
  uint64_t state;
  size_t below(size_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return size_t(state >> 33) % n;
  }
};

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

TEST_CASE("attention = false gives the same translations without matrices", "[translator]") {
  const std::string text = "Tom a 19 ans. Il est 2:30, Mary !";
  TranslateOptions with_matrices;
  with_matrices.nbest = 2;
  TranslateOptions without = with_matrices;
  without.attention = false;
  const Translation full = fixture_translator().translate(text, with_matrices);
  const Translation bare = fixture_translator().translate(text, without);
  CHECK(bare.text == full.text);
  REQUIRE(bare.sentences.size() == full.sentences.size());
  for (size_t i = 0; i < bare.sentences.size(); ++i) {
    CHECK(bare.sentences[i].best.target_tokens == full.sentences[i].best.target_tokens);
    CHECK_FALSE(full.sentences[i].best.attention.empty());
    CHECK(bare.sentences[i].best.attention.empty());
    REQUIRE(bare.sentences[i].nbest.size() == 2);
    for (const Hypothesis& h : bare.sentences[i].nbest) CHECK(h.attention.empty());
  }
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
  REQUIRE(is_valid_utf8(result.text));
  for (const auto& s : result.sentences) {
    REQUIRE(is_valid_utf8(s.source));
    for (const auto& t : s.source_tokens) REQUIRE(is_valid_utf8(t));
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

// ---- hostile input: size ----

TEST_CASE("a 1 MB paragraph translates sentence by sentence, nothing dropped or merged",
          "[translator][hardening][large]") {
  // One sentence each, by the documented rule: numbers, an abbreviation, guillemets, "?!" and "…" do not split
  // inside them, and each is followed by a capital or «.
  const std::vector<std::string> patterns = {"Tom a # ans.", "Il est #:30, Mary !", "M. Dupont a vu # chats.",
                                             "« Où es-tu ? » demande-t-elle # fois.", "Le prix est de #,5 euros…",
                                             "Vraiment ?!", "Jane visite l'Afrique en septembre."};
  Lcg random{1};
  std::vector<std::string> sentences;
  std::string paragraph;
  while (paragraph.size() < (1u << 20)) {
    std::string sentence = patterns[random.below(patterns.size())];
    const size_t hash = sentence.find('#');
    if (hash != std::string::npos) sentence.replace(hash, 1, std::to_string(random.below(1000)));
    if (!paragraph.empty()) paragraph += random.below(10) == 0 ? "\n" : " ";
    paragraph += sentence;
    sentences.push_back(sentence);
  }
  const Translation result = fixture_translator().translate(paragraph, {1, 0, true});
  REQUIRE(result.sentences.size() == sentences.size());
  CHECK(sources_of(result) == sentences);
  CHECK(layout_problem(paragraph, result) == "");
}

TEST_CASE("a 1 MB sentence without punctuation is cut between words into pieces of at most 400 bytes",
          "[translator][hardening][large]") {
  const std::vector<std::string> vocabulary = {"le", "chat", "noir", "mange", "une", "souris", "grise", "dans",
                                               "la", "cuisine", "très", "tranquillement", "à", "côté", "de", "Tom"};
  Lcg random{2};
  std::vector<std::string> words;
  size_t bytes = 0;
  while (bytes < (1u << 20)) {
    words.push_back(vocabulary[random.below(vocabulary.size())]);
    bytes += words.back().size() + 1;
  }
  const std::string sentence = join(words, " ");
  const Translation result = fixture_translator().translate(sentence, {1, 0, true});
  const std::vector<std::string> expected = expected_pieces(words);
  REQUIRE(expected.size() > sentence.size() / kMaxSentenceBytes);
  REQUIRE(result.sentences.size() == expected.size());
  CHECK(sources_of(result) == expected);
  CHECK(layout_problem(sentence, result) == "");
}

TEST_CASE("a 5,000-character word is cut at character boundaries into 400-byte pieces, never truncated",
          "[translator][hardening]") {
  // ASCII, then characters of 1 to 4 bytes so that pieces end before a character that would cross the limit.
  std::string ascii_word;
  while (ascii_word.size() < 5000) ascii_word += "anticonstitutionnellement";
  ascii_word.resize(5000);
  std::string mixed_word;
  for (int i = 0; i < 1250; ++i) mixed_word += "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  REQUIRE(decode_utf8(mixed_word).size() == 5000);

  for (const std::string& word : {ascii_word, mixed_word}) {
    const Translation result = fixture_translator().translate(word, {1, 0, true});
    const std::vector<std::string> expected = expected_pieces({word});
    CHECK(sources_of(result) == expected);
    CHECK(join(sources_of(result), "") == word);
    CHECK(layout_problem(word, result) == "");
  }
  CHECK(fixture_translator().translate(ascii_word, {1, 0, true}).sentences.size() == 13);  // 12 × 400 + 200
  // Inside a sentence the word is cut the same way; the words around it stay whole.
  const std::string in_sentence = "Il a dit " + ascii_word + " hier.";
  const Translation result = fixture_translator().translate(in_sentence, {1, 0, true});
  CHECK(sources_of(result) == expected_pieces({"Il", "a", "dit", ascii_word, "hier."}));
  CHECK(layout_problem(in_sentence, result) == "");
}

// ---- hostile input: characters ----

namespace {

struct NamedText {
  const char* name;
  std::string text;
};

// Scripts, planes and code points a translator meets in the wild (or in an attack).
std::vector<NamedText> unusual_texts() {
  std::string zalgo = "Z";
  for (char32_t i = 0; i < 300; ++i) append_utf8(zalgo, 0x300 + i % 0x70);  // U+0300..U+036F
  zalgo += "algo est là.";
  return {
      {"Arabic (right to left)", "مرحبا بالعالم. كيف حالك؟"},
      {"Hebrew (right to left)", "שלום עולם. מה שלומך?"},
      {"bidi overrides around French", "\u202EJe suis ici.\u202C \u2067Tom a 19 ans.\u2069"},
      {"decomposed é", "Le cafe\u0301 est tre\u0300s chaud."},
      {"a stack of 300 combining marks (600 bytes in one word)", zalgo},
      {"every plane", "BMP 中文 ; SMP 😀🎉 ; SIP 𠀀𪜶 ; TIP \U00030000 ; plane 14 \U000E0001\U000E0068\U000E0100 ; "
                      "private use \uE000 \U000F0000 \U0010FFFD."},
      {"noncharacters", "Fin \uFDD0 \uFFFE \uFFFF \U0001FFFE \U0010FFFF."},
      {"lone surrogates encoded in UTF-8", "Tom \xED\xA0\x80 a \xED\xBF\xBF 19 ans. \xED\xA0\xBD\xED\xB8\x80 !"},
      {"other invalid UTF-8", "Il \xC0\xAF est \xF5\x80 \xE2\x82 2:30 \xFF."},
      {"NUL and controls", bytes_of("Tom\0 a\x01 19\x1B[31m ans\x7F.\xC2\x80 Il est l\xC2\x9F\xC3\xA0.")},
      {"Japanese", "私は学生です。東京に住んでいます。"},
      {"Russian", "Привет, мир! Как дела? Я живу в Москве."},
      {"German", "Ich heiße Jürgen. Die Straße ist sehr groß, nicht wahr?"},
      {"emoji sequences", "Famille 👨‍👩‍👧‍👦, drapeau 🇫🇷, peau 👍🏽."},
  };
}

}  // namespace

TEST_CASE("text that normalization lengthens is cut shorter, so no piece exceeds 401 tokens",
          "[translator][hardening]") {
  // NFC decomposes U+0344 (2 bytes) into U+0308 U+0301 (4 bytes): 400 bytes of it would be 801 tokens.
  std::string text;
  for (int i = 0; i < 2500; ++i) text += "\u0344";
  const Translation result = fixture_translator().translate(text, {1, 0, true});
  CHECK(join(sources_of(result), "") == text);
  CHECK(result.sentences.size() >= 2 * text.size() / kMaxSentenceBytes);
  CHECK(layout_problem(text, result) == "");
}

TEST_CASE("unusual scripts, planes and code points translate into valid UTF-8 with nothing dropped",
          "[translator][hardening]") {
  for (const NamedText& input : unusual_texts()) {
    INFO(input.name);
    for (const int beam : {1, 3}) {
      const Translation result = fixture_translator().translate(input.text, {beam, 0, true});
      CHECK(!result.sentences.empty());
      CHECK(layout_problem(input.text, result) == "");
    }
  }
}

TEST_CASE("ill-formed UTF-8 becomes U+FFFD and never a character it does not encode", "[translator][hardening]") {
  const Translation surrogates =
      fixture_translator().translate("a\xED\xA0\x80z \xED\xA0\xBD\xED\xB8\x80", {1, 0, true});
  REQUIRE(surrogates.sentences.size() == 1);
  const std::string& source = surrogates.sentences[0].source;
  CHECK(source.find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(source.find("\xED") == std::string::npos);
  CHECK(source.find("😀") == std::string::npos);  // the CESU-8 pair is not decoded as the emoji it would encode
  CHECK(source.front() == 'a');
  CHECK(source.find('z') != std::string::npos);
}

TEST_CASE("controls are ignored and decomposed accents compose: same tokens as the clean text",
          "[translator][hardening]") {
  const auto tokens = [](const std::string& text) {
    const Translation result = fixture_translator().translate(text, {2, 0, true});
    REQUIRE(result.sentences.size() == 1);
    return std::make_pair(result.sentences[0].source_tokens, result.text);
  };
  const std::string with_controls = bytes_of("Tom\0 a\x01 19\x1B ans\x7F\xC2\x80.");
  CHECK(tokens(with_controls) == tokens("Tom a 19 ans."));
  CHECK(tokens("Le cafe\u0301 est tre\u0300s chaud.") == tokens("Le café est très chaud."));
  CHECK(tokens("Tom\u200B a\u00AD 19\uFEFF ans.") == tokens("Tom a 19 ans."));
}

TEST_CASE("text of only invisible characters has no sentences and comes back unchanged", "[translator][hardening]") {
  for (const std::string& text : {bytes_of("\0\0"), bytes_of("\u200B\uFEFF \x01"), bytes_of("\u2029\u3000")}) {
    const Translation result = fixture_translator().translate(text);
    CHECK(result.sentences.empty());
    CHECK(result.text == text);
  }
}

TEST_CASE("the shipped fr-en model handles the same unusual texts", "[translator][hardening][shipped]") {
  const Translator translator = translator_from_file(ATTN_SOURCE_DIR "/models/fr-en.safetensors");
  for (const NamedText& input : unusual_texts()) {
    INFO(input.name);
    const Translation result = translator.translate(input.text, {2, 0, true});
    CHECK(!result.sentences.empty());
    CHECK(layout_problem(input.text, result) == "");
  }
  // A long word through the real vocabulary: cut, not truncated.
  const std::string word(1000, 'a');
  const Translation result = translator.translate(word, {1, 0, true});
  CHECK(join(sources_of(result), "") == word);
  CHECK(layout_problem(word, result) == "");
}

TEST_CASE("the shipped model's garbled names are carried over and re-scored by the model", "[translator][shipped]") {
  const Translator translator = translator_from_file(ATTN_SOURCE_DIR "/models/fr-en-tatoeba.safetensors");
  // Sentences of test.tsv where beam 4 garbles a name or number ("Manan", "ten", "Kunki", "Promammed").
  const std::vector<std::pair<std::string, std::string>> cases = {{"Je travaille à Milan.", "Milan"},
                                                                   {"Je me suis marié il y a 8 ans.", "8"},
                                                                   {"Kunihiko atteignit la cible du premier coup.", "Kunihiko"},
                                                                   {"Saddam rejeta l'ultimatum.", "Saddam"}};
  TranslateOptions raw;
  raw.carry_over = false;
  int garbled = 0;
  for (const auto& [source, name] : cases) {
    INFO(source);
    const std::string raw_text = translator.translate(source, raw).text;
    const Translation result = translator.translate(source);
    const Hypothesis& best = result.sentences.at(0).best;
    CHECK(best.translation.find(name) != std::string::npos);
    garbled += raw_text.find(name) == std::string::npos;
    // The repaired output comes with the model's own alignment and probabilities for exactly its tokens.
    const size_t S = result.sentences[0].source_tokens.size(), T = best.target_tokens.size();
    REQUIRE(best.attention.size() == T * S);
    REQUIRE(best.token_probabilities.size() == T);
    double log_prob = 0;
    for (size_t t = 0; t < T; ++t) {
      CHECK(std::accumulate(&best.attention[t * S], &best.attention[t * S] + S, 0.0) == Approx(1.0).margin(1e-5));
      log_prob += std::log(best.token_probabilities[t]);
    }
    CHECK(best.score == Approx(log_prob / T).margin(1e-4));
  }
  CHECK(garbled == static_cast<int>(cases.size()));  // the repair, not the search, put every name back
}

TEST_CASE("n-best lists are ranked by the scores after the carry-over's re-scoring", "[translator][shipped]") {
  // Each of these puts a re-scored repair (a number or name put back) below an alternative the search ranked lower:
  // the list came back as -0.099, -3.526, -0.699, -0.704 for the date.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/models/dates.safetensors", "Monday, March 5, 1979"},
      {"/models/fr-en.safetensors", "Pierre a acheté 3 kilos de pommes pour 12 euros à Lyon."},
      {"/models/fr-en.safetensors", "Je me suis marié il y a 8 ans."}};
  TranslateOptions options;
  options.beam = 4;
  options.nbest = 4;
  for (const auto& [model, text] : cases) {
    INFO(text);
    const Translator translator = translator_from_file(std::string(ATTN_SOURCE_DIR) + model);
    const SentenceTranslation s = translator.translate(text, options).sentences.at(0);
    REQUIRE(s.nbest.size() > 1);
    CHECK(s.nbest[0].translation == s.best.translation);
    CHECK(s.nbest[0].score == s.best.score);
    for (size_t i = 1; i < s.nbest.size(); ++i) CHECK(s.nbest[i - 1].score >= s.nbest[i].score);
  }
}

TEST_CASE("a source that repeats itself may be translated with the repetition", "[translator][repetition]") {
  const Translator translator = tiny_translator();
  const Model& model = translator.model();
  TranslateOptions options;
  options.beam = 1;
  options.carry_over = false;
  int loops = 0;
  for (const std::string source : {"la la la", "Non, non, non !", "ha ha ha ha"}) {
    INFO(source);
    std::vector<int> ids = model.src_tokenizer.encode(source);
    ids.push_back(Tokenizer::kEos);
    SearchOptions search_options;
    search_options.block_repeats = false;
    std::vector<int> looping = greedy_search(model, ids, search_options).tokens;
    looping.pop_back();
    CHECK(translator.translate(source, options).text == model.tgt_tokenizer.decode(looping));
    search_options.block_repeats = true;
    std::vector<int> guarded = greedy_search(model, ids, search_options).tokens;
    guarded.pop_back();
    loops += guarded != looping;
  }
  CHECK(loops > 0);  // the guard would have changed these outputs
}

namespace {

// `model` saved with the metadata of a model trained on masked data.
Translator protecting_translator(Model model) {
  model.info["protected_spans"] = "1";
  const std::vector<uint8_t> bytes = save_model(model);
  return Translator(bytes.data(), bytes.size());
}

size_t occurrences(const std::string& text, const std::string& span) {
  size_t count = 0;
  for (size_t at = text.find(span); at != std::string::npos; at = text.find(span, at + span.size())) ++count;
  return count;
}

// The displayed pieces joined back into text ("▁" as a space).
std::string joined(const std::vector<std::string>& pieces) {
  std::string text;
  for (const std::string& piece : pieces) text += piece;
  for (size_t at = text.find("\xE2\x96\x81"); at != std::string::npos; at = text.find("\xE2\x96\x81", at))
    text.replace(at, 3, " ");
  return text;
}

}  // namespace

TEST_CASE("a model trained on masked data gives back every protected span verbatim, exactly once",
          "[translator][protected_spans]") {
  const Translator character_model = protecting_translator(attn::testing::tiny_model());
  const std::vector<uint8_t> fixture = save_model(fixture_translator().model());
  const Translator bpe_model = protecting_translator(load_model(fixture.data(), fixture.size()));
  const std::vector<std::string> sentences = {"Lancez ./configure --prefix=/opt puis voyez https://debian.org.",
                                              "Le fichier %(name)s fait 10 px avec `make install` et {0} !",
                                              "Bonjour."};
  for (const Translator* translator : {&character_model, &bpe_model}) {
    for (const int beam : {1, 4}) {
      for (const bool attention : {true, false}) {
        TranslateOptions options;
        options.beam = beam;
        options.nbest = beam > 1 ? 2 : 0;
        options.attention = attention;
        for (const std::string& sentence : sentences) {
          INFO(sentence << " beam " << beam << " attention " << attention);
          const Translation result = translator->translate(sentence, options);
          REQUIRE(result.sentences.size() == 1);
          const SentenceTranslation& s = result.sentences[0];
          CHECK_FALSE(contains_placeholder(result.text));
          CHECK_FALSE(contains_placeholder(joined(s.source_tokens)));
          CHECK_FALSE(contains_placeholder(joined(s.best.target_tokens)));
          for (const ProtectedSpan& span : find_protected_spans(sentence)) {
            const std::string text = sentence.substr(span.begin, span.end - span.begin);
            CHECK(occurrences(result.text, text) == 1);
            CHECK(joined(s.source_tokens).find(text) != std::string::npos);  // the page shows the span
            for (const Hypothesis& h : s.nbest) CHECK(occurrences(h.translation, text) == 1);
          }
          const size_t S = s.source_tokens.size(), T = s.best.target_tokens.size();
          // The ids are what the search read and wrote: placeholders where the tokens show the spans.
          const MaskedText masked = mask_protected_spans(sentence);
          std::vector<int> source_ids = translator->model().src_tokenizer.encode(masked.text);
          source_ids.push_back(Tokenizer::kEos);
          CHECK(s.source_ids == source_ids);
          REQUIRE(s.best.target_ids.size() == T);
          CHECK(s.best.target_ids.back() == Tokenizer::kEos);
          const std::string written = translator->model().tgt_tokenizer.decode(
              std::vector<int>(s.best.target_ids.begin(), s.best.target_ids.end() - 1));
          CHECK(contains_placeholder(written) == !masked.spans.empty());
          CHECK(unmask(written, masked.spans) == s.best.translation);
          CHECK(s.best.attention.size() == (attention ? T * S : 0));
          CHECK(s.best.token_probabilities.size() == T);
        }
      }
    }
  }
}

TEST_CASE("only a model with the protected_spans metadata masks its input", "[translator][protected_spans]") {
  const Model model = attn::testing::tiny_model();
  const std::vector<uint8_t> bytes = save_model(model);
  const Translator plain(bytes.data(), bytes.size());
  const Translator protecting = protecting_translator(model);
  const std::string sentence = "Voir https://debian.org et /usr/share/doc.";
  const auto source_length = [&](const Translator& translator, const std::string& text) {
    return translator.translate(text).sentences.at(0).source_tokens.size();
  };
  CHECK(source_length(plain, sentence) == model.src_tokenizer.encode(sentence).size() + 1);
  CHECK(source_length(protecting, sentence) ==
        model.src_tokenizer.encode(mask_protected_spans(sentence).text).size() + 1);
  CHECK(source_length(protecting, sentence) < source_length(plain, sentence));
  // Input that already holds a placeholder character is translated unmasked.
  const std::string holding = "Voir " + placeholder(0) + " et /usr/share/doc.";
  CHECK(source_length(protecting, holding) == model.src_tokenizer.encode(holding).size() + 1);
}
