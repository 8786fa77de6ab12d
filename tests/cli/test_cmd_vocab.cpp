#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/run_command.h"
#include "support/tiny_model.h"
#include "text/tokenizer.h"

using namespace attn;
using namespace attn::testing;

namespace {

Tokenizer read_tokenizer(const std::string& path) { return Tokenizer::from_json(read_text_file(path)); }

// Characters outside the 256 byte pieces' fallback: learned pieces only come from the columns read.
bool has_piece(const Tokenizer& tokenizer, const std::string& piece) {
  for (int id = 0; id < tokenizer.size(); ++id) {
    if (tokenizer.piece(id) == piece) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("vocab --column 1,2 learns one vocabulary from both languages", "[cli]") {
  const TempDir dir;
  const std::string data = dir.path("pairs.tsv");
  write_text_file(data, "zzzz zzzz zzzz\tqqqq qqqq qqqq\nzzzz zzzz\tqqqq qqqq\n");

  REQUIRE(run_cli("vocab --data " + data + " --column 1,2 --char --out " + dir.path("both.json")).exit_code == 0);
  REQUIRE(run_cli("vocab --data " + data + " --column 2 --char --out " + dir.path("second.json")).exit_code == 0);
  const Tokenizer both = read_tokenizer(dir.path("both.json"));
  const Tokenizer second = read_tokenizer(dir.path("second.json"));
  CHECK(has_piece(both, "z"));
  CHECK(has_piece(both, "q"));
  CHECK_FALSE(has_piece(second, "z"));
  CHECK(has_piece(second, "q"));
}

TEST_CASE("vocab refuses a malformed --column", "[cli]") {
  const TempDir dir;
  const std::string data = dir.path("pairs.tsv");
  write_text_file(data, "a\tb\n");
  for (const std::string column : {"0", "1,", "x", "1,2,3", ""}) {
    const CommandResult result =
        run_cli("vocab --data " + data + " --column '" + column + "' --char --out " + dir.path("v.json"));
    INFO(column);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("--column") != std::string::npos);
  }
}
