#include <catch2/catch.hpp>

#include "support/run_command.h"
#include "text/protected_spans.h"

using namespace attn;
using namespace attn::testing;

TEST_CASE("protect masks each pair on both sides and keeps the other columns", "[cli]") {
  const std::string input =
      "Run ./configure --prefix=/opt.\tLancez ./configure --prefix=/opt.\tCC-BY #1\n"
      "Hello.\tBonjour.\n"
      "It uses 10 MB.\tIl utilise 10 Mo et -v.\r\n";
  const CommandResult result = run_cli("protect --stats", input);
  REQUIRE(result.exit_code == 0);
  const std::string p0 = placeholder(0), p1 = placeholder(1);
  CHECK(result.out == "Run " + p0 + " " + p1 + ".\tLancez " + p0 + " " + p1 + ".\tCC-BY #1\n"
                      "Hello.\tBonjour.\n"
                      "It uses 10 MB.\tIl utilise 10 Mo et -v.\n");
  CHECK(result.err.find("masked 2 spans in 3 lines") != std::string::npos);
  CHECK(result.err.find("path: 1") != std::string::npos);
  CHECK(result.err.find("option: 1") != std::string::npos);
  CHECK(result.err.find("url: 0") != std::string::npos);
}

TEST_CASE("protect without --stats is silent on stderr", "[cli]") {
  const CommandResult result = run_cli("protect", "See https://a.org\tVoir https://a.org\n");
  REQUIRE(result.exit_code == 0);
  CHECK(result.out == "See " + placeholder(0) + "\tVoir " + placeholder(0) + "\n");
  CHECK(result.err.empty());
}

TEST_CASE("protect names the line that has fewer than two columns", "[cli]") {
  const CommandResult result = run_cli("protect", "a\tb\nno tab here\n");
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("line 2") != std::string::npos);
  CHECK(result.err.find("2 tab-separated columns") != std::string::npos);
  CHECK(run_cli("protect extra", "").exit_code == 2);
}
