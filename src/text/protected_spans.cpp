#include "text/protected_spans.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "text/normalize.h"
#include "text/utf8.h"

namespace attn {
namespace {

constexpr size_t kNoMatch = 0;  // a scanner's result when nothing matches (a match always ends after its start)

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_alnum(char c) { return is_ascii_letter(c) || (c >= '0' && c <= '9'); }
bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool one_of(char c, const char* set) { return c != '\0' && std::strchr(set, c) != nullptr; }
bool at(std::string_view text, size_t pos, char c) { return pos < text.size() && text[pos] == c; }

bool is_word_char(char32_t code) {
  if (code < 0x80) return is_ascii_alnum(static_cast<char>(code)) || code == '_';
  return is_letter_char(code);
}

// The character ending just before `pos`, or 0 at the start of the text.
char32_t char_before(std::string_view text, size_t pos) {
  if (pos == 0) return 0;
  size_t start = pos - 1;
  while (start > 0 && pos - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  const DecodedChar decoded = decode_utf8_char(text, start);
  return start + decoded.length == pos ? decoded.code : kReplacementChar;
}

char32_t char_at(std::string_view text, size_t pos) { return pos < text.size() ? decode_utf8_char(text, pos).code : 0; }

bool is_opening_quote_or_bracket(char32_t code) {
  return (code < 0x80 && one_of(static_cast<char>(code), "([{<\"'`")) || code == U'«' || code == U'“' ||
         code == U'‘';
}

// Where a path or an option may start: the text's start, after a space, or after an opening quote or bracket.
bool at_opening(std::string_view text, size_t pos) {
  const char32_t before = char_before(text, pos);
  return before == 0 || is_space_char(before) || is_opening_quote_or_bracket(before);
}

// What may follow an option: the end, a space, or closing punctuation.
bool at_closing(std::string_view text, size_t pos) {
  const char32_t next = char_at(text, pos);
  return next == 0 || is_space_char(next) || (next < 0x80 && one_of(static_cast<char>(next), ".,;:!?)]}>\"'`")) ||
         next == U'»' || next == U'”' || next == U'’';
}

// `end` moved back over trailing punctuation that ends the sentence rather than the span: . , ; : ! ? ' " …
// and a closing bracket the span does not open.
size_t trim_trailing_punctuation(std::string_view text, size_t begin, size_t end) {
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  while (end > begin) {
    const std::string_view span = text.substr(begin, end - begin);
    const char last = span.back();
    if (span.size() >= kEllipsis.size() && span.substr(span.size() - kEllipsis.size()) == kEllipsis) {
      end -= kEllipsis.size();
    } else if (one_of(last, ".,;:!?'\"")) {
      --end;
    } else if (one_of(last, ")]}")) {
      const char opener = last == ')' ? '(' : last == ']' ? '[' : '{';
      if (std::count(span.begin(), span.end(), opener) >= std::count(span.begin(), span.end(), last)) break;
      --end;
    } else {
      break;
    }
  }
  return end;
}

// ---- Code ----

size_t scan_code(std::string_view text, size_t pos) {
  if (text[pos] != '`') return kNoMatch;
  const size_t close = text.find_first_of("`\n", pos + 1);
  if (close == std::string_view::npos || text[close] != '`' || close == pos + 1) return kNoMatch;
  return text[pos + 1] == ' ' || text[close - 1] == ' ' ? kNoMatch : close + 1;
}

// ---- Url ----

// What ends a URL or an option's value: a space, a control character, or a quote or angle bracket around it.
bool ends_unspaced_run(char32_t code) {
  return code < 0x20 || is_space_char(code) || (code < 0x80 && one_of(static_cast<char>(code), "<>\"`")) ||
         code == U'«' || code == U'»' || code == U'“' || code == U'”';
}

// Where the part after "scheme://" or "www." starts, or kNoMatch.
size_t url_body(std::string_view text, size_t pos) {
  if (text.size() - pos >= 4 && (text.substr(pos, 4) == "www." || text.substr(pos, 4) == "WWW.")) return pos + 4;
  if (!is_ascii_letter(text[pos])) return kNoMatch;
  size_t end = pos + 1;
  while (end < text.size() && (is_ascii_alnum(text[end]) || one_of(text[end], "+-."))) ++end;
  return text.substr(end, 3) == "://" ? end + 3 : kNoMatch;
}

size_t scan_url(std::string_view text, size_t pos) {
  if (is_word_char(char_before(text, pos))) return kNoMatch;
  const size_t body = url_body(text, pos);
  if (body == kNoMatch) return kNoMatch;
  size_t end = body;
  while (end < text.size()) {
    const DecodedChar next = decode_utf8_char(text, end);
    if (ends_unspaced_run(next.code)) break;
    end += next.length;
  }
  end = trim_trailing_punctuation(text, pos, end);
  return end > body ? end : kNoMatch;
}

// ---- Email ----

bool is_email_local_char(char c) { return is_ascii_alnum(c) || one_of(c, "._%+-"); }
bool is_domain_char(char c) { return is_ascii_alnum(c) || c == '-'; }

size_t scan_email(std::string_view text, size_t pos) {
  const char32_t before = char_before(text, pos);
  if (!is_ascii_alnum(text[pos]) || is_word_char(before) || (before < 0x80 && one_of(char(before), ".-+%")))
    return kNoMatch;
  size_t at_sign = pos;
  while (at_sign < text.size() && is_email_local_char(text[at_sign])) ++at_sign;
  if (!at(text, at_sign, '@')) return kNoMatch;
  int labels = 0;
  size_t label_begin = at_sign + 1, label_end = label_begin;
  for (size_t i = at_sign + 1;;) {
    const size_t begin = i;
    while (i < text.size() && is_domain_char(text[i])) ++i;
    if (i == begin) break;
    ++labels;
    label_begin = begin;
    label_end = i;
    if (!(at(text, i, '.') && i + 1 < text.size() && is_domain_char(text[i + 1]))) break;
    ++i;
  }
  const std::string_view top_level = text.substr(label_begin, label_end - label_begin);
  const bool top_level_ok = top_level.size() >= 2 && std::all_of(top_level.begin(), top_level.end(), is_ascii_letter);
  return labels >= 2 && top_level_ok ? label_end : kNoMatch;
}

// ---- Path ----

bool is_path_char(char32_t code) {
  if (code < 0x80) return is_ascii_alnum(static_cast<char>(code)) || one_of(static_cast<char>(code), "._-~+@%=#$");
  return is_letter_char(code);
}

// The end of the run of path characters and `separators` from `pos`.
size_t path_run_end(std::string_view text, size_t pos, const char* separators) {
  while (pos < text.size()) {
    const DecodedChar next = decode_utf8_char(text, pos);
    if (!is_path_char(next.code) && !(next.code < 0x80 && one_of(static_cast<char>(next.code), separators))) break;
    pos += next.length;
  }
  return pos;
}

struct PathRoot {
  size_t end = kNoMatch;           // where the components start
  const char* separators = "/";
  bool may_stand_alone = false;    // "~/" and "C:\" are paths by themselves
};

// The root of an absolute, home, explicitly relative or Windows path starting at `pos`, if any.
PathRoot path_root(std::string_view text, size_t pos) {
  const char c = text[pos];
  if (c == '/') return {is_path_char(char_at(text, pos + 1)) ? pos + 1 : kNoMatch};
  if (c == '~') {
    size_t slash = pos + 1;
    while (slash < text.size() && (is_ascii_alnum(text[slash]) || one_of(text[slash], "._-"))) ++slash;
    return at(text, slash, '/') ? PathRoot{slash + 1, "/", slash == pos + 1} : PathRoot{};
  }
  if (text.substr(pos, 2) == "./") return {pos + 2};
  if (text.substr(pos, 3) == "../") return {pos + 3};
  if (text.substr(pos, 2) == "\\\\") return {pos + 2, "\\"};
  if (is_ascii_letter(c) && at(text, pos + 1, ':') && (at(text, pos + 2, '\\') || at(text, pos + 2, '/')))
    return {pos + 3, "\\/", true};
  return {};
}

bool has_letter(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const DecodedChar next = decode_utf8_char(text, pos);
    if (is_letter_char(next.code)) return true;
    pos += next.length;
  }
  return false;
}

// "main.cpp": a dot inside the name followed by 1 to 5 letters and digits, at least one a letter.
bool has_file_extension(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view extension = name.substr(dot + 1);
  return !extension.empty() && extension.size() <= 5 &&
         std::all_of(extension.begin(), extension.end(), is_ascii_alnum) &&
         std::any_of(extension.begin(), extension.end(), is_ascii_letter);
}

// "src/main.cpp", "build/": ASCII components, a file extension on the last one or a final "/".
size_t scan_bare_path(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size() && (text[end] == '/' || (is_ascii_alnum(text[end]) || one_of(text[end], "._-~+@%=#"))))
    ++end;
  end = trim_trailing_punctuation(text, pos, end);
  const std::string_view path = text.substr(pos, end - pos);
  if (is_word_char(char_at(text, end)) || path.empty() || path[0] == '/' || path.find("//") != std::string_view::npos)
    return kNoMatch;
  const size_t last_slash = path.rfind('/');
  if (last_slash == std::string_view::npos || !has_letter(path)) return kNoMatch;
  const bool directory = last_slash + 1 == path.size();
  return directory || has_file_extension(path.substr(last_slash + 1)) ? end : kNoMatch;
}

size_t scan_path(std::string_view text, size_t pos) {
  if (!at_opening(text, pos)) return kNoMatch;
  const PathRoot root = path_root(text, pos);
  if (root.end == kNoMatch) return scan_bare_path(text, pos);
  const size_t end = trim_trailing_punctuation(text, pos, path_run_end(text, root.end, root.separators));
  if (end < root.end || (end == root.end && !root.may_stand_alone)) return kNoMatch;
  if (text[pos] == '/' && !has_letter(text.substr(pos, end - pos))) return kNoMatch;
  return end;
}

// ---- Option ----

// French pronouns that follow a hyphen ("dit-il", "allons-nous"): never short options, even standing alone.
bool is_french_pronoun(std::string_view word) {
  static constexpr std::array<std::string_view, 17> kPronouns = {
      "je", "tu", "il", "ils", "elle", "elles", "on", "nous", "vous", "moi", "toi", "lui", "leur", "leurs", "en",
      "ce", "ci"};
  std::string lower(word);
  for (char& c : lower) c = is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
  return std::find(kPronouns.begin(), kPronouns.end(), lower) != kPronouns.end();
}

size_t scan_long_option(std::string_view text, size_t pos) {
  size_t end = pos + 2;
  if (end >= text.size() || !is_ascii_letter(text[end])) return kNoMatch;
  while (end < text.size() && (is_ascii_alnum(text[end]) || one_of(text[end], "_-"))) ++end;
  if (text[end - 1] == '-') return kNoMatch;
  if (at(text, end, '=')) {
    size_t value_end = end + 1;
    while (value_end < text.size() && !ends_unspaced_run(char_at(text, value_end)))
      value_end += decode_utf8_char(text, value_end).length;
    value_end = trim_trailing_punctuation(text, end + 1, value_end);
    if (value_end > end + 1) return value_end;
  }
  return at_closing(text, end) ? end : kNoMatch;
}

size_t scan_short_option(std::string_view text, size_t pos) {
  size_t end = pos + 1;
  if (end >= text.size() || !is_ascii_letter(text[end])) return kNoMatch;
  while (end < text.size() && is_ascii_alnum(text[end])) ++end;
  const std::string_view cluster = text.substr(pos + 1, end - pos - 1);
  const bool capitalized_word = cluster.size() >= 2 && is_ascii_upper(cluster[0]) && is_ascii_lower(cluster[1]);
  if (capitalized_word || is_french_pronoun(cluster) || !at_closing(text, end)) return kNoMatch;
  return end;
}

size_t scan_option(std::string_view text, size_t pos) {
  if (text[pos] != '-' || !at_opening(text, pos)) return kNoMatch;
  return at(text, pos + 1, '-') ? scan_long_option(text, pos) : scan_short_option(text, pos);
}

// ---- Format ----

bool is_identifier_char(char c) { return is_ascii_alnum(c) || c == '_'; }

// printf flags, width, precision and length modifier from `pos`; returns where the conversion should be.
size_t skip_printf_modifiers(std::string_view text, size_t pos) {
  while (pos < text.size() && one_of(text[pos], "-+#0")) ++pos;  // no " " flag: "50 % de" is prose
  if (at(text, pos, '*')) ++pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (at(text, pos, '.')) {
    ++pos;
    if (at(text, pos, '*')) ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
  }
  while (pos < text.size() && one_of(text[pos], "hlLqjzt")) ++pos;
  return pos;
}

size_t scan_percent_directive(std::string_view text, size_t pos) {
  if (is_digit(static_cast<char>(char_before(text, pos)))) return kNoMatch;
  size_t next = pos + 1;
  if (at(text, next, '(')) {  // Python: %(name)s
    size_t close = next + 1;
    while (close < text.size() && is_identifier_char(text[close])) ++close;
    if (close == next + 1 || !at(text, close, ')')) return kNoMatch;
    next = close + 1;
  } else {
    size_t digits_end = next;
    while (digits_end < text.size() && is_digit(text[digits_end])) ++digits_end;
    if (at(text, digits_end, '$') && digits_end > next) {
      next = digits_end + 1;  // positional: %1$s
    } else if (digits_end > next && digits_end - next <= 2 && text[next] != '0' &&
               !is_ascii_letter(static_cast<char>(char_at(text, digits_end))) && !at(text, digits_end, '.')) {
      return digits_end;  // Qt: %1
    }
  }
  const size_t conversion = skip_printf_modifiers(text, next);
  if (!(conversion < text.size() && one_of(text[conversion], "diouxXeEfFgGaAcspnr"))) return kNoMatch;
  return is_ascii_letter(static_cast<char>(char_at(text, conversion + 1))) ? kNoMatch : conversion + 1;
}

// {}, {0}, {name}, {0.attr[1]!r:>10}: no spaces or nested braces inside.
size_t scan_brace_field(std::string_view text, size_t pos) {
  size_t end = pos + 1;
  while (end < text.size() && (is_identifier_char(text[end]) || one_of(text[end], ".[]"))) ++end;
  if (at(text, end, '!')) end += 2;
  if (at(text, end, ':')) {
    while (end < text.size() && text[end] != '}' && text[end] != '{' && static_cast<unsigned char>(text[end]) > ' ')
      ++end;
  }
  return at(text, end, '}') ? end + 1 : kNoMatch;
}

size_t scan_shell_variable(std::string_view text, size_t pos) {
  if (is_ascii_alnum(static_cast<char>(char_before(text, pos)))) return kNoMatch;
  if (at(text, pos + 1, '{')) {
    if (pos + 2 >= text.size() || !is_identifier_char(text[pos + 2])) return kNoMatch;
    size_t close = pos + 2;
    while (close < text.size() && text[close] != '}' && text[close] != '{' &&
           static_cast<unsigned char>(text[close]) > ' ')
      ++close;
    return at(text, close, '}') ? close + 1 : kNoMatch;
  }
  if (pos + 1 >= text.size() || !(is_ascii_letter(text[pos + 1]) || text[pos + 1] == '_')) return kNoMatch;
  size_t end = pos + 1;
  while (end < text.size() && is_identifier_char(text[end])) ++end;
  return end;
}

size_t scan_format(std::string_view text, size_t pos) {
  switch (text[pos]) {
    case '%': return scan_percent_directive(text, pos);
    case '{': return scan_brace_field(text, pos);
    case '$': return scan_shell_variable(text, pos);
    default: return kNoMatch;
  }
}

// ---- Quantity ----

// Longest first, so "kbit/s" wins over "kbit" and "ms" over "s".
const std::vector<std::string_view>& neutral_units() {
  static const std::vector<std::string_view> units = [] {
    std::vector<std::string_view> list = {
        "%",    "px",   "pt",   "em",   "rem",  "dpi",  "ppi",    "fps",    "ms",     "\xC2\xB5s", "\xCE\xBCs",
        "ns",   "s",    "Hz",   "kHz",  "MHz",  "GHz",  "THz",    "B",      "kB",     "KB",        "MB",
        "GB",   "TB",   "PB",   "KiB",  "MiB",  "GiB",  "TiB",    "PiB",    "bit",    "bits",      "kbit",
        "Kbit", "Mbit", "Gbit", "bps",  "kbps", "Mbps", "Gbps",   "kbit/s", "Mbit/s", "Gbit/s",    "mm",
        "cm",   "km",   "\xC2\xB0" "C", "\xC2\xB0" "F"};
    std::stable_sort(list.begin(), list.end(),
                     [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
    return list;
  }();
  return units;
}

bool starts_number(std::string_view text, size_t pos) {
  const char32_t before = char_before(text, pos);
  if (is_word_char(before) || (before < 0x80 && one_of(static_cast<char>(before), ".,/"))) return false;
  if (!is_space_char(before)) return true;
  // A digit group after a space belongs to a number written "1 000".
  const size_t space_length = encode_utf8(std::u32string(1, before)).size();
  return !is_digit(static_cast<char>(char_before(text, pos - space_length)));
}

size_t scan_quantity(std::string_view text, size_t pos) {
  if (!is_digit(text[pos]) || !starts_number(text, pos)) return kNoMatch;
  size_t end = pos;
  while (end < text.size() && is_digit(text[end])) ++end;
  if (at(text, end, ',') && is_digit(static_cast<char>(char_at(text, end + 1)))) return kNoMatch;  // French 3,5
  if (at(text, end, '.') && is_digit(static_cast<char>(char_at(text, end + 1)))) {
    end += 1;
    while (end < text.size() && is_digit(text[end])) ++end;
    if ((at(text, end, '.') || at(text, end, ',')) && is_digit(static_cast<char>(char_at(text, end + 1))))
      return kNoMatch;  // 1.2.3 is a version, 1.000,5 a French number
  }
  for (const std::string_view space : {"", " ", "\xC2\xA0", "\xE2\x80\xAF"}) {
    if (text.substr(end, space.size()) != space) continue;
    const size_t unit = end + space.size();
    for (const std::string_view name : neutral_units()) {
      if (text.substr(unit, name.size()) == name && !is_word_char(char_at(text, unit + name.size())))
        return unit + name.size();
    }
  }
  return kNoMatch;
}

struct Scanner {
  SpanKind kind;
  size_t (*scan)(std::string_view text, size_t pos);
};

constexpr Scanner kScanners[] = {{SpanKind::Code, scan_code},     {SpanKind::Url, scan_url},
                                 {SpanKind::Email, scan_email},   {SpanKind::Path, scan_path},
                                 {SpanKind::Option, scan_option}, {SpanKind::Format, scan_format},
                                 {SpanKind::Quantity, scan_quantity}};

}  // namespace

static_assert(static_cast<int>(SpanKind::Quantity) + 1 == kSpanKindCount, "kSpanKindCount counts every kind");

const char* span_kind_name(SpanKind kind) {
  switch (kind) {
    case SpanKind::Code: return "code";
    case SpanKind::Url: return "url";
    case SpanKind::Email: return "email";
    case SpanKind::Path: return "path";
    case SpanKind::Option: return "option";
    case SpanKind::Format: return "format";
    case SpanKind::Quantity: return "quantity";
  }
  return "unknown";
}

std::vector<ProtectedSpan> find_protected_spans(std::string_view text) {
  std::vector<ProtectedSpan> spans;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = kNoMatch;
    for (const Scanner& scanner : kScanners) {
      end = scanner.scan(text, pos);
      if (end != kNoMatch) {
        spans.push_back({pos, end, scanner.kind});
        break;
      }
    }
    pos = end != kNoMatch ? end : pos + decode_utf8_char(text, pos).length;
  }
  return spans;
}

std::string placeholder(int index) {
  std::string out;
  append_utf8(out, kFirstPlaceholder + static_cast<char32_t>(index));
  return out;
}

int placeholder_at(std::string_view text, size_t pos) {
  // U+E000..U+E00F encode as EE 80 80..EE 80 8F.
  if (pos + 3 > text.size() || text[pos] != '\xEE' || text[pos + 1] != '\x80') return -1;
  const int last = static_cast<unsigned char>(text[pos + 2]);
  return last >= 0x80 && last < 0x80 + kMaxPlaceholders ? last - 0x80 : -1;
}

bool contains_placeholder(std::string_view text) {
  for (size_t pos = text.find('\xEE'); pos != std::string_view::npos; pos = text.find('\xEE', pos + 1)) {
    if (placeholder_at(text, pos) >= 0) return true;
  }
  return false;
}

MaskedText mask_protected_spans(std::string_view text) {
  MaskedText out;
  if (contains_placeholder(text)) {
    out.text = std::string(text);
    return out;
  }
  size_t cursor = 0;
  for (const ProtectedSpan& span : find_protected_spans(text)) {
    if (out.spans.size() == static_cast<size_t>(kMaxPlaceholders)) break;
    out.text.append(text, cursor, span.begin - cursor);
    out.text += placeholder(static_cast<int>(out.spans.size()));
    out.spans.emplace_back(text.substr(span.begin, span.end - span.begin));
    out.kinds.push_back(span.kind);
    cursor = span.end;
  }
  out.text.append(text, cursor, std::string_view::npos);
  return out;
}

std::string unmask(std::string_view masked, const std::vector<std::string>& spans) {
  if (spans.empty()) return std::string(masked);
  std::string out;
  for (size_t pos = 0; pos < masked.size();) {
    const int index = placeholder_at(masked, pos);
    if (index >= 0 && static_cast<size_t>(index) < spans.size()) {
      out += spans[static_cast<size_t>(index)];
      pos += 3;
    } else {
      out += masked[pos++];
    }
  }
  return out;
}

namespace {

struct Replacement {
  size_t begin, end;
  int index;  // placeholder
};

bool overlaps_any(const std::vector<Replacement>& used, size_t begin, size_t end) {
  return std::any_of(used.begin(), used.end(), [&](const Replacement& r) { return begin < r.end && r.begin < end; });
}

// A verbatim occurrence must not be part of a longer word ("10 px" inside "110 px").
bool stands_apart(std::string_view text, size_t begin, size_t end) {
  const bool word_start = is_word_char(char_at(text, begin)), word_end = is_word_char(char_before(text, end));
  return !(word_start && is_word_char(char_before(text, begin))) && !(word_end && is_word_char(char_at(text, end)));
}

// Where `span` occurs in `english`: the first unused English protected span with the same text, else the leftmost
// unused verbatim occurrence that stands apart; begin == npos when there is none.
Replacement english_occurrence(std::string_view english, const std::vector<ProtectedSpan>& english_spans,
                               const std::vector<Replacement>& used, std::string_view span) {
  for (const ProtectedSpan& candidate : english_spans) {
    if (english.substr(candidate.begin, candidate.end - candidate.begin) == span &&
        !overlaps_any(used, candidate.begin, candidate.end))
      return {candidate.begin, candidate.end, 0};
  }
  for (size_t pos = english.find(span); pos != std::string_view::npos; pos = english.find(span, pos + 1)) {
    if (!overlaps_any(used, pos, pos + span.size()) && stands_apart(english, pos, pos + span.size()))
      return {pos, pos + span.size(), 0};
  }
  return {std::string_view::npos, 0, 0};
}

std::string apply(std::string_view text, std::vector<Replacement> replacements) {
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.begin < b.begin; });
  std::string out;
  size_t cursor = 0;
  for (const Replacement& r : replacements) {
    out.append(text, cursor, r.begin - cursor);
    out += placeholder(r.index);
    cursor = r.end;
  }
  out.append(text, cursor, std::string_view::npos);
  return out;
}

}  // namespace

MaskedPair mask_pair(std::string_view english, std::string_view french) {
  MaskedPair out{std::string(english), std::string(french), {}};
  if (contains_placeholder(english) || contains_placeholder(french)) return out;
  const std::vector<ProtectedSpan> english_spans = find_protected_spans(english);
  std::vector<Replacement> in_english, in_french;
  for (const ProtectedSpan& span : find_protected_spans(french)) {
    if (in_french.size() == static_cast<size_t>(kMaxPlaceholders)) break;
    const std::string_view text = french.substr(span.begin, span.end - span.begin);
    Replacement found = english_occurrence(english, english_spans, in_english, text);
    if (found.begin == std::string_view::npos) continue;
    found.index = static_cast<int>(in_french.size());
    in_english.push_back(found);
    in_french.push_back({span.begin, span.end, found.index});
    out.kinds.push_back(span.kind);
  }
  out.english = apply(english, in_english);
  out.french = apply(french, in_french);
  return out;
}

}  // namespace attn
