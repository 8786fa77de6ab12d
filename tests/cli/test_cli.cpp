#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "model/model_file.h"
#include "support/run_command.h"
#include "support/tiny_model.h"
#include "text/utf8.h"

using namespace attn;
using namespace attn::testing;

namespace {

// Writes the tiny model to a temp dir and returns its path.
std::string write_tiny_model(const TempDir& dir) {
  const std::vector<uint8_t> bytes = save_model(tiny_model());
  write_text_file(dir.path("tiny.safetensors"), std::string(bytes.begin(), bytes.end()));
  return dir.path("tiny.safetensors");
}

size_t count_lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

}  // namespace

TEST_CASE("translate writes exactly one line per input line and keeps empty lines empty", "[cli]") {
  const TempDir dir;
  const std::string model = write_tiny_model(dir);
  const auto result = run_cli("translate -m " + model + " --beam 2", "Tom a 19 ans.\n\nIl est 2:30. Mary rit.\n");
  REQUIRE(result.exit_code == 0);
  REQUIRE(count_lines(result.out) == 3);
  REQUIRE(result.out.find("\n\n") != std::string::npos);  // the empty line survived in place
}

TEST_CASE("translate --json writes one object per line with the documented keys", "[cli]") {
  const TempDir dir;
  const std::string model = write_tiny_model(dir);
  const auto result = run_cli("translate --model " + model + " --json --beam 3 --nbest 2", "Tom a 19 ans.\nTom rit. Mary dort.\n");
  REQUIRE(result.exit_code == 0);
  std::istringstream lines(result.out);
  std::string line;
  std::getline(lines, line);
  const auto first = nlohmann::json::parse(line);
  for (const char* key : {"source", "translation", "source_tokens", "target_tokens", "attention", "score", "nbest"})
    REQUIRE(first.contains(key));
  REQUIRE(first["source"] == "Tom a 19 ans.");
  REQUIRE(first["attention"].size() == first["target_tokens"].size());
  REQUIRE(first["attention"][0].size() == first["source_tokens"].size());
  REQUIRE(first["nbest"].size() >= 1);
  std::getline(lines, line);
  const auto second = nlohmann::json::parse(line);  // two sentences: block-diagonal matrix over both
  REQUIRE(second["sentences"].size() == 2);
  const size_t first_columns = second["sentences"][0]["source_tokens"].size();
  REQUIRE(second["source_tokens"].size() == first_columns + second["sentences"][1]["source_tokens"].size());
  const auto& last_row = second["attention"].back();
  for (size_t c = 0; c < first_columns; ++c) REQUIRE(last_row[c].get<float>() == 0.0f);
}

TEST_CASE("show-attention draws a heat map on stderr without disturbing stdout", "[cli]") {
  const TempDir dir;
  const std::string model = write_tiny_model(dir);
  const auto result = run_cli("translate -m " + model + " --show-attention --beam 1", "Tom a 19 ans.\n");
  REQUIRE(result.exit_code == 0);
  REQUIRE(count_lines(result.out) == 1);
  REQUIRE(result.err.find("</s>") != std::string::npos);
}

TEST_CASE("usage errors exit with 2 and name the problem", "[cli]") {
  auto no_command = run_cli("");
  REQUIRE(no_command.exit_code == 2);
  auto unknown = run_cli("frobnicate");
  REQUIRE(unknown.exit_code == 2);
  REQUIRE(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
  auto bad_beam = run_cli("translate -m x --beam 99");
  REQUIRE(bad_beam.exit_code == 2);
  REQUIRE(bad_beam.err.find("--beam") != std::string::npos);
  auto missing_model = run_cli("translate");
  REQUIRE(missing_model.exit_code == 2);
  REQUIRE(missing_model.err.find("--model") != std::string::npos);
  auto unknown_option = run_cli("inspect --colour x y");
  REQUIRE(unknown_option.exit_code == 2);
}

TEST_CASE("other errors exit with 1 and one clear line", "[cli]") {
  const TempDir dir;
  auto missing = run_cli("inspect " + dir.path("nope.safetensors"));
  REQUIRE(missing.exit_code == 1);
  REQUIRE(missing.err.find("nope.safetensors") != std::string::npos);
  REQUIRE(count_lines(missing.err) == 1);
  write_text_file(dir.path("junk.safetensors"), "this is not a model");
  auto junk = run_cli("translate -m " + dir.path("junk.safetensors"), "Bonjour.\n");
  REQUIRE(junk.exit_code == 1);
  REQUIRE(count_lines(junk.err) == 1);
}

TEST_CASE("inspect lists metadata and tensors; quantize writes a smaller model that still translates", "[cli]") {
  const TempDir dir;
  const std::string model = write_tiny_model(dir);
  const auto inspect = run_cli("inspect " + model);
  REQUIRE(inspect.exit_code == 0);
  for (const char* name : {"src_embed", "enc_bwd.weight_hh", "att.v", "out_proj.weight", "F32", "parameters"})
    REQUIRE(inspect.out.find(name) != std::string::npos);
  const std::string compact = dir.path("tiny-int8.safetensors");
  const auto quantize = run_cli("quantize " + model + " " + compact);
  REQUIRE(quantize.exit_code == 0);
  REQUIRE(read_text_file(compact).size() < read_text_file(model).size());
  const auto inspect_compact = run_cli("inspect " + compact);
  REQUIRE(inspect_compact.out.find("I8") != std::string::npos);
  const auto translate = run_cli("translate -m " + compact, "Tom a 19 ans.\n");
  REQUIRE(translate.exit_code == 0);
  REQUIRE(count_lines(translate.out) == 1);
}

TEST_CASE("init writes a random model from a config and two vocabularies", "[cli]") {
  const TempDir dir;
  const Model tiny = tiny_model();
  write_text_file(dir.path("src.json"), tiny.src_tokenizer.to_json());
  write_text_file(dir.path("tgt.json"), tiny.tgt_tokenizer.to_json());
  write_text_file(dir.path("config.json"),
                  R"({"embed_dim": 4, "hidden_dim": 3, "attention_dim": 2, "tied_output": true,
                      "source_language": "fr", "target_language": "en"})");
  const std::string files = " --src-vocab " + dir.path("src.json") + " --tgt-vocab " + dir.path("tgt.json");
  const auto init = run_cli("init --config " + dir.path("config.json") + files + " --seed 3 " + dir.path("m.safetensors"));
  REQUIRE(init.exit_code == 0);
  const std::string bytes = read_text_file(dir.path("m.safetensors"));
  const Model loaded = load_model(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  REQUIRE(loaded.config.hidden == 3);
  REQUIRE(loaded.config.tied_output);
  write_text_file(dir.path("bad.json"), R"({"embed_dim": 4, "hidden_dim": "three", "attention_dim": 2})");
  const auto bad = run_cli("init --config " + dir.path("bad.json") + files + " " + dir.path("x.safetensors"));
  REQUIRE(bad.exit_code == 1);
  REQUIRE(bad.err.find("hidden_dim") != std::string::npos);
}

// ---- hostile input on stdin (the fixture model: real BPE vocabularies, fast) ----

namespace {

const std::string kFixture = ATTN_SOURCE_DIR "/tests/fixtures/tiny.safetensors";

template <size_t N>
std::string bytes_of(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

std::vector<std::string> output_lines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream stream(out);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("translate turns hostile bytes on stdin into exactly one valid UTF-8 line per input line",
          "[cli][hardening]") {
  std::string long_word;
  while (long_word.size() < 5000) long_word += "anticonstitutionnellement";
  long_word.resize(5000);
  const std::vector<std::string> lines = {
      bytes_of("Tom \xFF\xFE a \xC0\xAF 19 ans \xE2\x82."),             // invalid bytes, an overlong, a cut sequence
      bytes_of("Il \xED\xA0\x80 est \xED\xA0\xBD\xED\xB8\x80 ici."),     // lone surrogates, a CESU-8 pair
      bytes_of("Tom\0 a\x01 19\x1B[0m ans\x7F."),                        // NUL and controls
      "مرحبا بالعالم. שלום עולם.",                                      // right to left
      "中文 😀 𠀀 \U000E0001 \U000F0000 \U0010FFFF \uFFFE.",             // every plane, noncharacters
      "私は学生です。Привет, мир! Ich heiße Jürgen.",                     // other languages
      "Je suis là.\r",                                                  // CRLF
      "",
      long_word,                                                       // a 5,000-character word
  };
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  input += "Dernière ligne sans fin de ligne.";
  const size_t expected_lines = lines.size() + 1;

  const auto text = run_cli("translate -m " + kFixture + " --beam 1", input);
  INFO(text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(is_valid_utf8(text.out));
  CHECK(output_lines(text.out).size() == expected_lines);
  CHECK(output_lines(text.out)[7].empty());  // the empty line stays empty

  const auto as_json = run_cli("translate -m " + kFixture + " --beam 1 --json", input);
  REQUIRE(as_json.exit_code == 0);
  CHECK(is_valid_utf8(as_json.out));
  const std::vector<std::string> json_lines = output_lines(as_json.out);
  REQUIRE(json_lines.size() == expected_lines);
  for (const std::string& line : json_lines) {
    const auto object = nlohmann::json::parse(line);
    for (const auto& sentence : object["sentences"]) {
      CHECK(sentence["source"].get<std::string>().size() <= 400);
      CHECK(sentence["attention"].size() == sentence["target_tokens"].size());
    }
  }
  const auto surrogates = nlohmann::json::parse(json_lines[1]);
  CHECK(surrogates["sentences"][0]["source"].get<std::string>().find("\uFFFD") != std::string::npos);
  CHECK(surrogates["sentences"][0]["source"].get<std::string>().find("😀") == std::string::npos);
  const auto word = nlohmann::json::parse(json_lines[8]);
  REQUIRE(word["sentences"].size() == 13);  // 12 × 400 bytes + 200
  std::string pieces;
  for (const auto& sentence : word["sentences"]) pieces += sentence["source"].get<std::string>();
  CHECK(pieces == long_word);
}

TEST_CASE("translate handles a 1 MB line: one output line, valid UTF-8", "[cli][hardening][large]") {
  std::string paragraph;
  for (int i = 0; paragraph.size() < (1u << 20); ++i)
    paragraph += "Tom a " + std::to_string(i % 100) + " ans. Il est là, dit-il " + std::to_string(i) + " ";
  const auto result = run_cli("translate -m " + kFixture + " --beam 1", paragraph + "\nFin.\n");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(is_valid_utf8(result.out));
  const std::vector<std::string> lines = output_lines(result.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].size() > 1000);
}

TEST_CASE("translate --json stays linear in the line's length: no line-wide matrix for many sentences",
          "[cli][hardening]") {
  std::string few, many;
  for (int i = 0; i < 3; ++i) few += "Tom a " + std::to_string(i) + " ans. ";
  for (int i = 0; i < 2000; ++i) many += "Tom a " + std::to_string(i) + " ans. ";
  const auto result = run_cli("translate -m " + kFixture + " --beam 1 --json", few + "\n" + many + "\n");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::vector<std::string> lines = output_lines(result.out);
  REQUIRE(lines.size() == 2);
  const auto small = nlohmann::json::parse(lines[0]);
  CHECK(small["attention"].size() == small["target_tokens"].size());
  const auto large = nlohmann::json::parse(lines[1]);
  CHECK(large["sentences"].size() == 2000);
  CHECK(large["attention"].is_null());
  size_t per_sentence_bytes = 0, malformed = 0;
  for (const auto& sentence : large["sentences"]) {
    per_sentence_bytes += sentence.dump().size();
    malformed += sentence["attention"].size() != sentence["target_tokens"].size();
  }
  CHECK(malformed == 0);
  // Linear: little beyond the per-sentence objects, not 2000 × 2000 blocks of zeros.
  CHECK(lines[1].size() < 2 * per_sentence_bytes);
}

TEST_CASE("eval --by-length scores each source-length bucket", "[cli]") {
  const TempDir dir;
  const std::string model = write_tiny_model(dir);
  // Two segments of 1-10 words, one of 11-20, none of 21-40, one of 41+ (a paragraph of two sentences).
  std::string long_source;
  for (int i = 0; i < 21; ++i) long_source += "Tom rit. ";
  write_text_file(dir.path("set.tsv"), "Tom laughs.\tTom rit.\nMary sleeps.\tMary dort.\n"
                                       "Tom is 19.\tTom a 19 ans et Mary a 20 ans et Tom rit et Mary dort.\n"
                                       "Tom laughs.\t" + long_source + "\n");
  const auto result = run_cli("eval -m " + model + " --data " + dir.path("set.tsv") + " --beam 1 --by-length "
                              "--split-sentences", "");
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("BLEU by source length (words):") != std::string::npos);
  CHECK(result.out.find("1-10       2 segments") != std::string::npos);
  CHECK(result.out.find("11-20      1 segments") != std::string::npos);
  CHECK(result.out.find("21-40") == std::string::npos);  // empty buckets are left out
  CHECK(result.out.find("41+        1 segments") != std::string::npos);
}

TEST_CASE("translate --threads: the same lines, in the same order, on any number of threads", "[cli][parallel]") {
  std::string input = "Tom a 19 ans.\n\nIl est 2:30. Mary rit.\r\n« Où es-tu ? » demande-t-elle.\n";
  for (int i = 0; i < 40; ++i) input += "Jane a " + std::to_string(i) + " chats. Il pleut.\n";
  std::string paragraph;  // one line of many sentences, spread over the threads
  for (int i = 0; i < 300; ++i) paragraph += "Tom a " + std::to_string(i) + " ans. ";
  input += paragraph + "\nFin.";  // the last line has no newline
  for (const std::string format : {"", " --json"}) {
    const auto one = run_cli("translate -m " + kFixture + " --beam 2 --threads 1" + format, input);
    const auto three = run_cli("translate -m " + kFixture + " --beam 2 --threads 3" + format, input);
    INFO(one.err << three.err);
    REQUIRE(one.exit_code == 0);
    REQUIRE(three.exit_code == 0);
    CHECK(output_lines(one.out).size() == 46);
    CHECK(three.out == one.out);
  }
  const auto zero = run_cli("translate -m " + kFixture + " --threads 0", "Bonjour.\n");
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("--threads must be between 1 and") != std::string::npos);
}

TEST_CASE("eval --threads: the same scores and hypotheses on any number of threads", "[cli][parallel]") {
  const TempDir dir;
  std::string tsv;
  for (int i = 0; i < 30; ++i)
    tsv += "Tom is " + std::to_string(i) + ".\tTom a " + std::to_string(i) + " ans.\tgroup" + std::to_string(i % 3) + "\n";
  write_text_file(dir.path("test.tsv"), tsv);
  std::string reports[2], hypotheses[2];
  for (const int threads : {1, 2}) {
    const std::string out = dir.path("hyps" + std::to_string(threads) + ".txt");
    const auto result = run_cli("eval -m " + kFixture + " --data " + dir.path("test.tsv") + " --beam 2 --threads " +
                                std::to_string(threads) + " --out " + out);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const std::string threads_said = threads == 1 ? "on 1 thread)" : "on 2 threads)";
    CHECK(result.out.find(threads_said) != std::string::npos);
    reports[threads - 1] = result.out.substr(0, result.out.find("speed:"));  // all but the timing
    hypotheses[threads - 1] = read_text_file(out);
  }
  CHECK(count_lines(hypotheses[0]) == 30);
  CHECK(reports[1] == reports[0]);
  CHECK(hypotheses[1] == hypotheses[0]);
}
