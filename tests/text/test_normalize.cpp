#include <catch2/catch.hpp>

#include <string>

#include "text/normalize.h"
#include "text/utf8.h"

using attn::normalize;

TEST_CASE("normalize: special spaces become plain spaces", "[normalize]") {
  CHECK(normalize("Vraiment\xE2\x80\xAF?") == "Vraiment ?");           // U+202F narrow no-break space
  CHECK(normalize("Bonjour\xC2\xA0!") == "Bonjour !");                 // U+00A0 no-break space
  CHECK(normalize("10\xE2\x80\x89" "000") == "10 000");                // U+2009 thin space
  CHECK(normalize("a\xE3\x80\x80" "b") == "a b");                      // U+3000 ideographic space
  CHECK(normalize("a\tb\nc\r\nd") == "a b c d");
  CHECK(normalize("a\xE2\x80\xA8" "b") == "a b");                      // U+2028 line separator
}

TEST_CASE("normalize: whitespace collapses and is trimmed", "[normalize]") {
  CHECK(normalize("  Il  pleut . \n") == "Il pleut .");
  CHECK(normalize("a \xC2\xA0\xE2\x80\xAF b") == "a b");
  CHECK(normalize(" \t\n ") == "");
  CHECK(normalize("") == "");
}

TEST_CASE("normalize: zero-width and control characters are dropped", "[normalize]") {
  CHECK(normalize("Bon\xE2\x80\x8Bjour") == "Bonjour");        // U+200B zero width space
  CHECK(normalize("\xEF\xBB\xBFSalut") == "Salut");            // U+FEFF byte order mark
  CHECK(normalize("ac\xC2\xADtion") == "action");              // U+00AD soft hyphen
  CHECK(normalize(std::string("a\0b", 3)) == "ab");            // NUL
  CHECK(normalize("a\x01\x1B\x7F" "b") == "ab");               // C0 controls and DEL
  CHECK(normalize("a\xC2\x85" "b") == "a b");                  // U+0085 next line is a line break
  CHECK(normalize("a\xC2\x9B" "b") == "ab");                   // C1 control
  CHECK(normalize("a\xE2\x80\x8D" "b") == "a\xE2\x80\x8D" "b");  // the zero width joiner is kept
}

TEST_CASE("normalize: NFC composes base letters with combining marks", "[normalize]") {
  CHECK(normalize("e\xCC\x81") == "\xC3\xA9");                      // e + U+0301 → é
  CHECK(normalize("E\xCC\x80") == "\xC3\x88");                      // È
  CHECK(normalize("c\xCC\xA7" "a") == "\xC3\xA7" "a");              // ç
  CHECK(normalize("o\xCC\x88") == "\xC3\xB6");                      // ö
  CHECK(normalize("a\xCC\x82\xCC\x81") == "\xE1\xBA\xA5");          // a + circumflex + acute → ấ (U+1EA5)
  CHECK(normalize("\xCE\xB1\xCC\x81") == "\xCE\xAC");               // Greek α + acute → ά
  CHECK(normalize("\xD0\xB5\xCC\x88") == "\xD1\x91");               // Cyrillic е + diaeresis → ё
  CHECK(normalize("\xE2\x84\xAB") == "\xC3\x85");                   // U+212B ANGSTROM SIGN → Å
  CHECK(normalize("\xC3\xA9") == "\xC3\xA9");                       // already composed
}

TEST_CASE("normalize: NFC reorders marks by combining class before composing", "[normalize]") {
  // a + acute (class 230) + dot below (class 220): the dot below composes first → ạ, then the acute stays.
  CHECK(normalize("a\xCC\x81\xCC\xA3") == "\xE1\xBA\xA1\xCC\x81");
  // ấ decomposed differently: â + acute.
  CHECK(normalize("\xC3\xA2\xCC\x81") == "\xE1\xBA\xA5");
  // A mark of the same class in between blocks composition: a + grave + acute → à + acute.
  CHECK(normalize("a\xCC\x80\xCC\x81") == "\xC3\xA0\xCC\x81");
  // A zero-width character between base and mark is dropped first, so they still compose.
  CHECK(normalize("e\xE2\x80\x8B\xCC\x81") == "\xC3\xA9");
}

TEST_CASE("normalize: invalid UTF-8 becomes U+FFFD", "[normalize]") {
  CHECK(normalize("caf\xE9") == "caf\xEF\xBF\xBD");
  CHECK(normalize("\xC3") == "\xEF\xBF\xBD");
  CHECK(attn::is_valid_utf8(normalize("\xF0\x9F\x98 \xED\xA0\x80 x")));
}

TEST_CASE("normalize: is idempotent", "[normalize]") {
  const std::string samples[] = {
      " Il a dit\xC2\xA0: \xC2\xAB Viens\xE2\x80\xAF! \xC2\xBB ",
      "\xCC\x81" "abc",  // a combining mark with no base
      "e \xCC\x81",      // a mark after a space keeps the space
      "a\xCC\x81\xCC\xA3\xE2\x80\x8B\x01  b\xFF",
  };
  for (const std::string& sample : samples) {
    const std::string once = normalize(sample);
    CHECK(normalize(once) == once);
  }
}

TEST_CASE("normalize: character classes", "[normalize]") {
  CHECK(attn::is_letter_char(U'a'));
  CHECK(attn::is_letter_char(0xE9));     // é
  CHECK(attn::is_letter_char(0x153));    // œ
  CHECK(attn::is_letter_char(0x416));    // Ж
  CHECK(attn::is_letter_char(0x65E5));   // 日 (any other script counts as letters)
  CHECK_FALSE(attn::is_letter_char(U'1'));
  CHECK_FALSE(attn::is_letter_char(U'\''));
  CHECK(attn::is_punctuation_or_symbol(U'\''));
  CHECK(attn::is_punctuation_or_symbol(0xAB));     // «
  CHECK(attn::is_punctuation_or_symbol(0x2019));   // ’
  CHECK(attn::is_punctuation_or_symbol(0x20AC));   // €
  CHECK(attn::is_punctuation_or_symbol(0x1F600));  // 😀
  CHECK(attn::is_mark_char(0x301));
  CHECK(attn::is_mark_char(0xFE0F));               // variation selector
  CHECK(attn::is_uppercase_letter(U'A'));
  CHECK(attn::is_uppercase_letter(0xC9));   // É
  CHECK(attn::is_uppercase_letter(0x152));  // Œ
  CHECK(attn::is_uppercase_letter(0x178));  // Ÿ
  CHECK(attn::is_uppercase_letter(0x391));  // Α
  CHECK(attn::is_uppercase_letter(0x416));  // Ж
  CHECK_FALSE(attn::is_uppercase_letter(0xE9));   // é
  CHECK_FALSE(attn::is_uppercase_letter(0x153));  // œ
  CHECK_FALSE(attn::is_uppercase_letter(0xD7));   // ×
  CHECK_FALSE(attn::is_uppercase_letter(0x436));  // ж
}

TEST_CASE("normalize: canonical data tables", "[normalize]") {
  CHECK(attn::canonical_combining_class(U'a') == 0);
  CHECK(attn::canonical_combining_class(0x301) == 230);
  CHECK(attn::canonical_combining_class(0x323) == 220);
  CHECK(attn::canonical_composition(U'e', 0x301) == 0xE9);
  CHECK(attn::canonical_composition(U'q', 0x301) == 0);
  CHECK(attn::canonical_decomposition(0x1EA5) == std::u32string{U'a', 0x302, 0x301});
  CHECK(attn::canonical_decomposition(U'a').empty());
}
