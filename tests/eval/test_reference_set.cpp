#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "eval/reference_set.h"

using attn::parse_reference_set;

TEST_CASE("reference sets group targets by source in first-appearance order", "[reference_set]") {
  const attn::ReferenceSet set = parse_reference_set(
      "Hello.\tBonjour.\n"
      "Hi.\tSalut.\n"
      "Good day.\tBonjour.\n"
      "Hello.\tBonjour.\n");
  REQUIRE(set.segments.size() == 2);
  CHECK(set.segments[0].source == "Bonjour.");
  CHECK(set.segments[0].references == std::vector<std::string>{"Hello.", "Good day."});
  CHECK(set.segments[1].source == "Salut.");
  CHECK(set.segments[1].references == std::vector<std::string>{"Hi."});
  CHECK_FALSE(set.has_groups);
  CHECK(set.segments[0].group.empty());
}

TEST_CASE("reference sets read a group label from the third column", "[reference_set]") {
  const attn::ReferenceSet set = parse_reference_set(
      "1979-03-05\t3/5/79\tM/d/yy\textra\r\n"
      "1979-03-05\t5 03 79\td MM yy\r\n"
      "1979-03-05\t5 03 79\tother label");
  CHECK(set.has_groups);
  REQUIRE(set.segments.size() == 2);
  CHECK(set.segments[0].group == "M/d/yy");
  CHECK(set.segments[0].references == std::vector<std::string>{"1979-03-05"});
  CHECK(set.segments[1].source == "5 03 79");
  CHECK(set.segments[1].group == "d MM yy");
}

TEST_CASE("reference sets strip carriage returns and accept a missing final newline", "[reference_set]") {
  const attn::ReferenceSet set = parse_reference_set("A.\tB.\r\nC.\tD.");
  REQUIRE(set.segments.size() == 2);
  CHECK(set.segments[0].source == "B.");
  CHECK(set.segments[1].references == std::vector<std::string>{"C."});
  CHECK(parse_reference_set("").segments.empty());
}

TEST_CASE("reference sets reject bad lines, naming the line", "[reference_set]") {
  CHECK_THROWS_WITH(parse_reference_set("a\tb\nno tab here\n"), Catch::Contains("line 2") && Catch::Contains("tab"));
  CHECK_THROWS_WITH(parse_reference_set("a\tb\nc\td\ntarget\t\n"),
                    Catch::Contains("line 3") && Catch::Contains("empty source"));
  CHECK_THROWS_WITH(parse_reference_set("a\tb\n\nc\td\n"), Catch::Contains("line 2"));
  CHECK_THROWS_AS(parse_reference_set("target\t\tgroup\n"), std::runtime_error);
}

TEST_CASE("the Tatoeba test split parses into multi-reference segments", "[reference_set][data]") {
  std::ifstream file(ATTN_SOURCE_DIR "/../shared/data/tatoeba-fra-eng/test.tsv", std::ios::binary);
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  const std::string contents = text.str();
  const attn::ReferenceSet set = parse_reference_set(contents);
  const auto lines = static_cast<size_t>(std::count(contents.begin(), contents.end(), '\n'));
  size_t references = 0;
  size_t multi_reference_segments = 0;
  for (const attn::ReferenceSegment& segment : set.segments) {
    REQUIRE_FALSE(segment.references.empty());
    references += segment.references.size();
    if (segment.references.size() > 1) ++multi_reference_segments;
  }
  CHECK(references <= lines + 1);
  CHECK(set.segments.size() < references);  // several French sentences have more than one translation
  CHECK(multi_reference_segments > 0);
  CHECK_FALSE(set.has_groups);
}
