#include <catch2/catch.hpp>

#include <string>

#include "text/utf8.h"

using attn::decode_utf8;
using attn::encode_utf8;

namespace {
const std::string kFffd = "\xEF\xBF\xBD";
}

TEST_CASE("utf8: well-formed text decodes to its code points and back", "[utf8]") {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  const std::u32string codes = decode_utf8(text);
  REQUIRE(codes == std::u32string{U'a', 0xE9, 0x20AC, 0x1F600});
  CHECK(encode_utf8(codes) == text);
  CHECK(attn::is_valid_utf8(text));
  CHECK(attn::sanitize_utf8(text) == text);
}

TEST_CASE("utf8: decode_utf8_char reports lengths", "[utf8]") {
  const std::string text = "\xC3\xA9x";
  const attn::DecodedChar first = attn::decode_utf8_char(text, 0);
  CHECK(first.code == 0xE9);
  CHECK(first.length == 2);
  const attn::DecodedChar second = attn::decode_utf8_char(text, 2);
  CHECK(second.code == U'x');
  CHECK(second.length == 1);
}

TEST_CASE("utf8: ill-formed sequences become one U+FFFD per maximal subpart", "[utf8]") {
  struct Case {
    std::string input;
    std::u32string expected;
  };
  const Case cases[] = {
      {"\x80", {0xFFFD}},                                // stray continuation byte
      {"\xC3", {0xFFFD}},                                // truncated at end
      {"\xC3x", {0xFFFD, U'x'}},                         // truncated before ASCII
      {"\xC0\xAF", {0xFFFD, 0xFFFD}},                    // overlong '/': C0 is never valid
      {"\xE0\x80\xAF", {0xFFFD, 0xFFFD, 0xFFFD}},        // overlong 3-byte form
      {"\xED\xA0\x80", {0xFFFD, 0xFFFD, 0xFFFD}},        // UTF-16 surrogate D800
      {"\xF4\x90\x80\x80", {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD}},  // above U+10FFFF
      {"\xF0\x9F\x98", {0xFFFD}},                        // truncated 4-byte sequence
      {"\xF0\x9F\x98x", {0xFFFD, U'x'}},
      {"\xFF\xFE", {0xFFFD, 0xFFFD}},
  };
  for (const Case& c : cases) {
    INFO("input bytes: " << c.input.size());
    CHECK(decode_utf8(c.input) == c.expected);
    CHECK_FALSE(attn::is_valid_utf8(c.input));
    CHECK(attn::is_valid_utf8(attn::sanitize_utf8(c.input)));
  }
}

TEST_CASE("utf8: a genuine U+FFFD is valid and kept", "[utf8]") {
  const std::string text = "a" + kFffd + "b";
  CHECK(attn::is_valid_utf8(text));
  CHECK(attn::sanitize_utf8(text) == text);
  CHECK(attn::sanitize_utf8("a\xFF" "b") == text);
}

TEST_CASE("utf8: encoding replaces surrogates and out-of-range code points", "[utf8]") {
  CHECK(encode_utf8(std::u32string{0xD800}) == kFffd);
  CHECK(encode_utf8(std::u32string{0x110000}) == kFffd);
  CHECK(encode_utf8(std::u32string{0x10FFFF}) == "\xF4\x8F\xBF\xBF");
  CHECK(encode_utf8(std::u32string{0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000}) ==
        "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80");
}

TEST_CASE("utf8: every byte string sanitizes to valid UTF-8", "[utf8]") {
  // All two-byte strings cover every lead byte followed by every possible second byte.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string input{static_cast<char>(a), static_cast<char>(b)};
      const std::string clean = attn::sanitize_utf8(input);
      if (!attn::is_valid_utf8(clean)) FAIL("bytes " << a << " " << b);
    }
  }
  SUCCEED();
}
