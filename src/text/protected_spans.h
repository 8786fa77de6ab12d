// Spans of software text that must come out of translation verbatim (URLs, paths, options, format directives...),
// and their masking by placeholders: the i-th masked span of a sentence becomes the private-use character
// U+E000 + i (i = 0..15), which the tokenizer keeps as a unit of its own, so the model learns to copy it.
//
// find_protected_spans() scans the text left to right; at each position the kinds are tried in the order below
// and the first that matches wins, so spans never overlap. A "word character" is an ASCII letter, digit or "_",
// or any non-ASCII letter. An "opening" position is the start of the text or one after a space (any Unicode
// space) or after one of ( [ { < « “ ‘ " ' `.
//
// - Code: `inline code`, backticks included; closed on the same line, not starting or ending with a space.
// - Url: "scheme://" (scheme: a letter, then letters, digits, "+", "-", ".") or "www." not preceded by a word
//   character, followed by at least one character; runs to a space or one of < > " « » “ ” `.
// - Email: local@domain, not preceded by a word character or one of . - + %; local part of letters, digits and
//   . _ % + -; domain of two or more labels (letters, digits, "-") whose last is at least two letters.
// - Path, at an opening position: absolute "/usr/share/doc" (holding at least one letter), home "~/.config/foo"
//   or "~user/x", relative "./configure" or "../lib", Windows "C:\Windows" (also "C:/x") or "\\server\share";
//   "~/" and "C:\" stand alone, the others need a character after their root. Components hold letters (any
//   script), digits and . _ - ~ + @ % = # $; a space ends a path. A bare relative path of ASCII components is
//   one only with a file extension on its last component ("src/main.cpp") or a final "/" ("build/"), so "et/ou",
//   "km/h", "TCP/IP", "1/2" and dates (12/05/2020) are not paths; neither is "€/mois" (not an opening position).
// - Option, at an opening position: "--name" (a letter, then letters, digits, "_", "-"), optionally "=VALUE" up to
//   the next space; or "-x", a cluster "-xvf", "-O2", "-j4" (a letter, then letters and digits). Not options: a
//   lone "-" or "--", a dash inside a word ("peut-être", "a-t-il": not at an opening position), a dash before a
//   digit ("-5"), a cluster that is a French pronoun ("-il", "-elle", "-nous"...) or a capitalized word ("-Oui").
//   An option is followed by the end, a space, or closing punctuation (. , ; : ! ? ) ] } > » ” ’ and quotes).
// - Format: printf "%s", "%d", "%1$s", "%-10.3f", "%ld", "%%" excluded, not preceded by a digit ("50%d") and not
//   followed by an ASCII letter ("%dans"); Python "%(name)s"; Qt "%1" (one or two digits); braces "{}", "{0}",
//   "{name}", "{0:>10}", "{name!r}" (no spaces inside); shell "$HOME", "${VAR}", "${VAR:-x}" (no spaces inside),
//   "$" not preceded by a letter or digit and followed by a letter or "_" (so "$5" is money).
// - Quantity: a number (digits, optionally "." and digits; a decimal comma is French and changes in English, so
//   "3,5 GHz" is left alone) not preceded by a word character, "." "," "/" or by a digit and a space (so the
//   "000 px" of "1 000 px" is not taken), then nothing, a space, U+00A0 or U+202F, then a language-neutral unit
//   (%, px, pt, em, rem, dpi, ppi, fps, ms, µs, ns, s, Hz…THz, B, kB/KB…PB, KiB…PiB, bit(s), kbit…Gbit,
//   bps…Gbps, kbit/s…Gbit/s, mm, cm, km, °C, °F) that no word character follows. French units ("10 Mo", "5 Go", "3 ko") are not in the list.
//
// Urls, paths and option values then lose trailing punctuation: . , ; : ! ? ' " and a closing ) ] } that
// the span does not open ("voir https://debian.org." → the URL without the dot; "(--help)" → "--help").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attn {

enum class SpanKind { Code, Url, Email, Path, Option, Format, Quantity };
inline constexpr int kSpanKindCount = 7;
const char* span_kind_name(SpanKind kind);  // "code", "url", "email", "path", "option", "format", "quantity"

struct ProtectedSpan {
  size_t begin, end;  // byte offsets, begin < end
  SpanKind kind;
};

// The protected spans of `text`, in order and non-overlapping (rules above). Any bytes are accepted.
std::vector<ProtectedSpan> find_protected_spans(std::string_view text);

// --- placeholders ---

inline constexpr char32_t kFirstPlaceholder = 0xE000;
inline constexpr int kMaxPlaceholders = 16;

// The placeholder character for span `index` (0..15), UTF-8 encoded (3 bytes).
std::string placeholder(int index);
inline constexpr bool is_placeholder_char(char32_t code) {
  return code >= kFirstPlaceholder && code < kFirstPlaceholder + kMaxPlaceholders;
}
// The index (0..15) of the placeholder whose UTF-8 encoding starts at text[pos], or -1.
int placeholder_at(std::string_view text, size_t pos);
bool contains_placeholder(std::string_view text);

struct MaskedText {
  std::string text;                // with placeholders
  std::vector<std::string> spans;  // spans[i]: the text placeholder i stands for
  std::vector<SpanKind> kinds;     // kinds[i]: its kind
};

// Every protected span of `text` (the first 16) replaced by its placeholder. Text that already holds a
// placeholder character is returned unmasked: its placeholders could not be told from the masking's.
MaskedText mask_protected_spans(std::string_view text);
// `masked` with each placeholder i < spans.size() replaced by spans[i]; other placeholders are kept.
std::string unmask(std::string_view masked, const std::vector<std::string>& spans);

struct MaskedPair {
  std::string english, french;
  std::vector<SpanKind> kinds;  // kinds[i]: the kind of the span behind placeholder i
};

// For a training pair: every span found in the French side that also occurs verbatim in the English side is
// masked on both sides by the same placeholder, numbered in order of appearance among the French side's masked
// spans (at most 16). The English occurrence is the first English protected span with the same text not used yet,
// else the leftmost unused verbatim occurrence that does not extend a word (no word character directly before a
// span starting with one, nor after a span ending with one). Spans found on one side only stay as they are, and a
// pair that already holds a placeholder character is left unchanged.
MaskedPair mask_pair(std::string_view english, std::string_view french);

}  // namespace attn
