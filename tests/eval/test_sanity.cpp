#include <catch2/catch.hpp>

#include "eval/sanity.h"

using attn::sanity_problems;
using Problems = std::vector<std::string>;

TEST_CASE("a faithful translation has no sanity problems", "[sanity]") {
  CHECK(sanity_problems("Tom a 19 ans.", "Tom is 19.", {"Tom is 19.", "Tom is 19 years old."}).empty());
  CHECK(sanity_problems("", "", {"anything"}).empty());
}

TEST_CASE("an empty output for a source with words is reported", "[sanity]") {
  CHECK(sanity_problems("Bonjour.", "", {"Hello."}) == Problems{"empty output"});
  CHECK(sanity_problems("Bonjour.", " . ", {"Hello."}) == Problems{"empty output"});
}

TEST_CASE("a phrase repeated three times in a row is reported unless a reference does the same", "[sanity]") {
  CHECK(sanity_problems("Il pleut.", "It rains rains rains.", {"It is raining."}) == Problems{"repetition: rains"});
  CHECK(sanity_problems("Viens ici.", "Come here, come here, come here.", {"Come here."}) ==
        Problems{"repetition: come here"});
  CHECK(sanity_problems("Non, non, non !", "No, no, no!", {"No, no, no!"}).empty());
  CHECK(sanity_problems("Oui.", "Yes yes.", {"Yes."}).empty());  // twice is not a loop
}

TEST_CASE("names and numbers every reference carries over must be in the output", "[sanity]") {
  CHECK(sanity_problems("Tom a 19 ans.", "He is 18.", {"Tom is 19.", "Tom is 19 years old."}) ==
        Problems{"missing: Tom", "missing: 19"});
  CHECK(sanity_problems("Rendez-vous à 2:30.", "See you at 2.", {"Meet me at 2:30."}) == Problems{"missing: 2:30"});
  CHECK(sanity_problems("Mary et Mary.", "They.", {"Mary and Mary."}) == Problems{"missing: Mary"});  // once
}

TEST_CASE("words that translate or that some reference spells out are not required", "[sanity]") {
  CHECK(sanity_problems("Il vit à Londres.", "He lives in London.", {"He lives in London."}).empty());
  CHECK(sanity_problems("Tom a 19 ans.", "Tom is nineteen.", {"Tom is 19.", "Tom is nineteen."}).empty());
  CHECK(sanity_problems("Je pars.", "I'm leaving.", {"I'm leaving."}).empty());  // "Je" is in no reference
}

TEST_CASE("numbers keep their inner separators but not trailing punctuation", "[sanity]") {
  CHECK(sanity_problems("Il coûte 3.50.", "It costs 3.50.", {"It costs 3.50."}).empty());
  CHECK(sanity_problems("Il coûte 3.50.", "It costs 3.", {"It costs 3.50."}) == Problems{"missing: 3.50"});
}

TEST_CASE("protected spans every reference keeps verbatim must come out verbatim", "[sanity]") {
  CHECK(sanity_problems("Lancez ./configure --prefix=/opt.", "Run ./configure --prefix /opt.",
                        {"Run ./configure --prefix=/opt."}) == Problems{"altered: --prefix=/opt"});
  CHECK(sanity_problems("Voir https://debian.org et https://debian.org.", "See https://debian.org.",
                        {"See https://debian.org and https://debian.org."})
            .empty());  // present once is verbatim; a span is checked once
  CHECK(sanity_problems("Tapez `ls`.", "Type ls.", {"Type `ls`.", "Enter `ls`."}) == Problems{"altered: `ls`"});
  // A span that some reference does not keep verbatim is out of the check, as is a source without references.
  CHECK(sanity_problems("Réglez %s.", "Set it.", {"Set %s.", "Set it."}).empty());
  CHECK(sanity_problems("Réglez %s.", "Set it.", {}).empty());
}
