#include <catch2/catch.hpp>

#include <algorithm>

#include "text/protected_spans.h"
#include "text/tokenizer.h"

using namespace attn;
using Texts = std::vector<std::string>;

namespace {

Texts span_texts(std::string_view text) {
  Texts out;
  for (const ProtectedSpan& span : find_protected_spans(text))
    out.emplace_back(text.substr(span.begin, span.end - span.begin));
  return out;
}

std::vector<SpanKind> span_kinds(std::string_view text) {
  std::vector<SpanKind> out;
  for (const ProtectedSpan& span : find_protected_spans(text)) out.push_back(span.kind);
  return out;
}

const std::string P0 = placeholder(0), P1 = placeholder(1), P2 = placeholder(2);

}  // namespace

TEST_CASE("URLs and e-mail addresses are found without the sentence's punctuation", "[protected_spans]") {
  CHECK(span_texts("voir https://debian.org.") == Texts{"https://debian.org"});
  CHECK(span_texts("Lisez (https://fr.wikipedia.org/wiki/Linux_(noyau)), puis www.gnu.org !") ==
        Texts{"https://fr.wikipedia.org/wiki/Linux_(noyau)", "www.gnu.org"});
  CHECK(span_texts("« ftp://ftp.debian.org/debian »") == Texts{"ftp://ftp.debian.org/debian"});
  CHECK(span_texts("Écrivez à jean.dupont@example.fr.") == Texts{"jean.dupont@example.fr"});
  CHECK(span_kinds("a https://x.org b@c.fr") == std::vector<SpanKind>{SpanKind::Url, SpanKind::Email});
  CHECK(span_texts("http:// seul, x@y, moi@local et https://").empty());
}

TEST_CASE("file paths of every form are found, fractions, dates and et/ou are not", "[protected_spans]") {
  CHECK(span_texts("Le fichier /usr/share/doc et ~/.config/foo sont là.") == Texts{"/usr/share/doc", "~/.config/foo"});
  CHECK(span_texts("Ouvrez C:\\Windows\\System32, lancez ./configure puis ../bin/run.") ==
        Texts{"C:\\Windows\\System32", "./configure", "../bin/run"});
  CHECK(span_texts("Dans ~/ ou C:\\ ou \\\\serveur\\partage ou (/etc/hosts)") ==
        Texts{"~/", "C:\\", "\\\\serveur\\partage", "/etc/hosts"});
  CHECK(span_texts("Compilez src/main.cpp dans build/.") == Texts{"src/main.cpp", "build/"});
  CHECK(span_kinds("/tmp") == std::vector<SpanKind>{SpanKind::Path});
  for (const char* prose : {"Il mange 1/2 pomme.", "Le 12/05/2020 et/ou le 13.", "vitesse en km/h, en TCP/IP",
                            "oui/non/jamais", "Entrée/Sortie", "100 €/mois", "20 / 30", "/ 2", "le /2 et 3/"}) {
    INFO(prose);
    CHECK(span_texts(prose).empty());
  }
}

TEST_CASE("command-line options are found, French hyphens and dashes are not", "[protected_spans]") {
  CHECK(span_texts("Options --verbose, -x et --file=NAME.") == Texts{"--verbose", "-x", "--file=NAME"});
  CHECK(span_texts("Lancez la commande (--help) pour l'aide.") == Texts{"--help"});
  CHECK(span_texts("ls -la, gcc -O2 -j4 et apt -y.") == Texts{"-la", "-O2", "-j4", "-y"});
  CHECK(span_texts("--prefix=/usr/local; --dry-run") == Texts{"--prefix=/usr/local", "--dry-run"});
  for (const char* prose : {"Peut-être, dit-il.", "Va-t-en !", "le suffixe -il, -elle ou -nous", "Paris - Lyon",
                            "a -- b", "- Bonjour", "-Oui, dit-elle.", "il fait -5 degrés", "--", "-", "x-y --z-"}) {
    INFO(prose);
    CHECK(span_texts(prose).empty());
  }
}

TEST_CASE("format directives of printf, Python, Qt, braces and the shell are found", "[protected_spans]") {
  CHECK(span_texts("Formats %s, %d, %1$s, %-10.3f, %ld et %(name)s.") ==
        Texts{"%s", "%d", "%1$s", "%-10.3f", "%ld", "%(name)s"});
  CHECK(span_texts("{name}, {0}, {} et {0:>10}") == Texts{"{name}", "{0}", "{}", "{0:>10}"});
  CHECK(span_texts("${VAR}, $HOME et ${PATH:-/bin}") == Texts{"${VAR}", "$HOME", "${PATH:-/bin}"});
  CHECK(span_texts("Fichier %1 sur %2 : %s%s") == Texts{"%1", "%2", "%s", "%s"});
  CHECK(span_kinds("%s {x} $X") == std::vector<SpanKind>{SpanKind::Format, SpanKind::Format, SpanKind::Format});
  for (const char* prose : {"le signe % de", "Il coûte $5.", "{voir plus bas}", "%dans", "50%d"}) {
    INFO(prose);
    CHECK(span_texts(prose).empty());
  }
}

TEST_CASE("inline code keeps its backticks", "[protected_spans]") {
  CHECK(span_texts("Tapez `make install` puis `ls`.") == Texts{"`make install`", "`ls`"});
  CHECK(span_texts("`` et ` espace ` et `non fermé").empty());
}

TEST_CASE("numbers with language-neutral units are found, French units and plain numbers are not",
          "[protected_spans]") {
  CHECK(span_texts("10 px, 5 ms, 3.5 GHz, 100 MB, 2 KiB, 50 %, 300 dpi.") ==
        Texts{"10 px", "5 ms", "3.5 GHz", "100 MB", "2 KiB", "50 %", "300 dpi"});
  CHECK(span_texts("12px et 20\xC2\xA0%, 8 Mbit/s, 25 \xC2\xB0" "C") ==
        Texts{"12px", "20\xC2\xA0%", "8 Mbit/s", "25 \xC2\xB0" "C"});
  for (const char* prose : {"10 Mo", "5 Go", "3 ko", "3,5", "3,5 GHz", "1 000 px", "42", "5 secondes", "v1.2.3 ms",
                            "10 pxl"}) {
    INFO(prose);
    CHECK(span_texts(prose).empty());
  }
}

TEST_CASE("spans never overlap and follow each other in order", "[protected_spans]") {
  const std::string text = "--out=/tmp/x.log https://a.org/?q=%s `a --b` 5 ms {0}";
  CHECK(span_texts(text) == Texts{"--out=/tmp/x.log", "https://a.org/?q=%s", "`a --b`", "5 ms", "{0}"});
  size_t previous_end = 0;
  for (const ProtectedSpan& span : find_protected_spans(text)) {
    CHECK(span.begin >= previous_end);
    CHECK(span.begin < span.end);
    previous_end = span.end;
  }
}

TEST_CASE("placeholders are U+E000 + i, found and replaced back", "[protected_spans]") {
  CHECK(placeholder(0) == "\xEE\x80\x80");
  CHECK(placeholder(15) == "\xEE\x80\x8F");
  CHECK(placeholder_at("a\xEE\x80\x8F", 1) == 15);
  CHECK(placeholder_at("a\xEE\x80\x90", 1) == -1);  // U+E010 is not one
  CHECK(contains_placeholder("x" + P2));
  CHECK_FALSE(contains_placeholder("\xEE\x80"));

  const MaskedText masked = mask_protected_spans("Lancez ./configure --prefix=/opt puis make.");
  CHECK(masked.text == "Lancez " + P0 + " " + P1 + " puis make.");
  CHECK(masked.spans == Texts{"./configure", "--prefix=/opt"});
  CHECK(masked.kinds == std::vector<SpanKind>{SpanKind::Path, SpanKind::Option});
  CHECK(unmask("Run " + P0 + " " + P1 + " then " + P2 + ".", masked.spans) ==
        "Run ./configure --prefix=/opt then " + P2 + ".");

  CHECK(mask_protected_spans("déjà " + P0 + " /etc").text == "déjà " + P0 + " /etc");  // cannot be told apart
  std::string many;
  for (int i = 0; i < 20; ++i) many += "-x ";
  const MaskedText limited = mask_protected_spans(many);
  CHECK(limited.spans.size() == 16);
  CHECK(limited.text.substr(limited.text.size() - 12) == "-x -x -x -x ");  // the 17th and later stay
}

TEST_CASE("mask_pair masks the French spans found verbatim in the English side", "[protected_spans]") {
  const MaskedPair pair = mask_pair("Run ls -la in /tmp and see https://debian.org.",
                                    "Lancez ls -la dans /tmp, puis voyez https://debian.org.");
  CHECK(pair.french == "Lancez ls " + P0 + " dans " + P1 + ", puis voyez " + P2 + ".");
  CHECK(pair.english == "Run ls " + P0 + " in " + P1 + " and see " + P2 + ".");
  CHECK(pair.kinds == std::vector<SpanKind>{SpanKind::Option, SpanKind::Path, SpanKind::Url});

  // Numbered in French order; the English occurrences may come in another order.
  const MaskedPair reordered = mask_pair("Copy /b to /a.", "Copiez vers /a depuis /b.");
  CHECK(reordered.french == "Copiez vers " + P0 + " depuis " + P1 + ".");
  CHECK(reordered.english == "Copy " + P1 + " to " + P0 + ".");

  // A span found twice uses two English occurrences, left to right.
  CHECK(mask_pair("%s and %s", "%s et %s").english == P0 + " and " + P1);

  // Spans on one side only, or changed by translation, stay as they are.
  const MaskedPair one_sided = mask_pair("It takes 3.5 GHz and 10 MB.", "Il faut 3,5 GHz, 10 Mo et /etc.");
  CHECK(one_sided.french == "Il faut 3,5 GHz, 10 Mo et /etc.");
  CHECK(one_sided.english == "It takes 3.5 GHz and 10 MB.");
  CHECK(one_sided.kinds.empty());

  // A verbatim occurrence must not be part of a longer word or number.
  CHECK(mask_pair("110 px wide", "10 px de large").french == "10 px de large");
  CHECK(mask_pair("the 10 px margin", "la marge de 10 px").english == "the " + P0 + " margin");
}

TEST_CASE("the tokenizer keeps a placeholder as a unit of its own, even next to letters", "[protected_spans]") {
  const std::string glued = "ab" + P0 + "cd";
  const Tokenizer tokenizer = Tokenizer::learn_bpe({glued, glued, glued, glued}, 400);
  const std::vector<int> ids = tokenizer.encode(glued);
  const std::vector<std::string> pieces = tokenizer.display_pieces(ids);
  CHECK(std::find(pieces.begin(), pieces.end(), P0) != pieces.end());
  CHECK(tokenizer.decode(ids) == glued);
}
