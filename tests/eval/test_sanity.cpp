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

TEST_CASE("a word that repeats a pair of letters three times, a chain four times, or a trigram thrice is a loop",
          "[sanity]") {
  CHECK(sanity_problems("Il a beaucoup de peine.", "He has a lot of pain-in-cis-pinis-inis-pis-pinis-pinisly.",
                        {"He is in a lot of pain."}) == Problems{"loop: pain-in-cis-pinis-inis-pis-pinis-pinisly"});
  CHECK(sanity_problems("La montre.", "The watch-rich-th-th-old-th-old-fourage when.", {"The watch."}) ==
        Problems{"loop: watch-rich-th-th-old-th-old-fourage when"});
  CHECK(sanity_problems("Tom est habile.", "Tom is a business-in-in business.", {"Tom is shrewd."}) ==
        Problems{"loop: business-in-in business"});
  CHECK(sanity_problems("C'est faux.", "It's thethth wrong.", {"It's wrong."}) == Problems{"loop: thethth"});
}

TEST_CASE("normal text is not a loop, nor a word a reference uses", "[sanity]") {
  CHECK(sanity_problems("Il attend.", "He keeps maintaining it, one-on-one, once-in-a-lifetime.",
                        {"He keeps maintaining it, one-on-one, once-in-a-lifetime."})
            .empty());
  CHECK(sanity_problems("Au cas par cas.", "On a case-by-case basis.", {"On a case-by-case basis."}).empty());
  CHECK(sanity_problems("Ha-ha !", "Ha-ha! The Mississippi is 1000000 meters long.", {"Ha-ha!"}).empty());
  CHECK(sanity_problems("Il l'entretient.", "He is maintaining it.", {"He's maintaining it."}).empty());
  // Three "on" in a chain of real words, no word holding one pair thrice: a mistranslation, not a loop.
  CHECK(sanity_problems("Son style est non-conventionnel.", "His style is non-conviction.",
                        {"His style is unconventional."})
            .empty());
  CHECK(sanity_problems("Une solution.", "A consolidation-condition.", {"A solution."}) ==
        Problems{"loop: consolidation-condition"});
}
