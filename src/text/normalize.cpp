#include "text/normalize.h"

#include <algorithm>
#include <iterator>

#include "text/utf8.h"

namespace attn {

namespace {

struct CodeRange {
  char32_t first, last;
};

bool in_ranges(char32_t code, const CodeRange* begin, const CodeRange* end) {
  const CodeRange* range =
      std::lower_bound(begin, end, code, [](const CodeRange& r, char32_t c) { return r.last < c; });
  return range != end && range->first <= code;
}

// Every range table below is sorted and non-overlapping, for binary search.
const CodeRange kSpaces[] = {
    {0x09, 0x0D},     {0x20, 0x20},     {0x85, 0x85},     {0xA0, 0xA0},     {0x1680, 0x1680},
    {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}};

const CodeRange kIgnorables[] = {
    {0x00, 0x08},     {0x0E, 0x1F},     {0x7F, 0x84},     {0x86, 0x9F},     {0xAD, 0xAD},
    {0x061C, 0x061C}, {0x180E, 0x180E}, {0x200B, 0x200B}, {0x200E, 0x200F}, {0x202A, 0x202E},
    {0x2060, 0x2064}, {0x2066, 0x206F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB}};

// Marks with combining class 0 (enclosing marks, variation selectors...) plus the attaching characters;
// everything with a non-zero combining class is a mark too.
const CodeRange kZeroClassMarks[] = {
    {0x0488, 0x0489},   {0x200C, 0x200D},   {0x20DD, 0x20E0},   {0x20E2, 0x20E4},
    {0xFE00, 0xFE0F},   {0x1F3FB, 0x1F3FF}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF}};

// Non-ASCII punctuation and symbols.
const CodeRange kPunctuationAndSymbols[] = {
    {0x00A1, 0x00A9},   {0x00AB, 0x00B4},   {0x00B6, 0x00B9},   {0x00BB, 0x00BF},   {0x00D7, 0x00D7},
    {0x00F7, 0x00F7},   {0x02C2, 0x02C5},   {0x02D2, 0x02DF},   {0x02E5, 0x02EB},   {0x02ED, 0x02ED},
    {0x02EF, 0x02FF},   {0x0375, 0x0375},   {0x037E, 0x037E},   {0x0384, 0x0385},   {0x0387, 0x0387},
    {0x03F6, 0x03F6},   {0x0482, 0x0482},   {0x055A, 0x055F},   {0x0589, 0x058A},   {0x05BE, 0x05BE},
    {0x05C0, 0x05C0},   {0x05C3, 0x05C3},   {0x05C6, 0x05C6},   {0x05F3, 0x05F4},   {0x0606, 0x060F},
    {0x061B, 0x061F},   {0x066A, 0x066D},   {0x06D4, 0x06D4},   {0x0964, 0x0965},   {0x0E3F, 0x0E3F},
    {0x0E4F, 0x0E4F},   {0x0E5A, 0x0E5B},   {0x2010, 0x2027},   {0x2030, 0x205E},   {0x2070, 0x209F},
    {0x20A0, 0x20CF},   {0x2100, 0x2BFF},   {0x2E00, 0x2E7F},   {0x3001, 0x3004},   {0x3008, 0x3020},
    {0x3030, 0x3030},   {0x303D, 0x303F},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6B},   {0xFF01, 0xFF0F},
    {0xFF1A, 0xFF20},   {0xFF3B, 0xFF40},   {0xFF5B, 0xFF65},   {0xFFE0, 0xFFEE},   {0xFFFC, 0xFFFD},
    {0x1D100, 0x1D1FF}, {0x1F000, 0x1F3FA}, {0x1F400, 0x1FAFF}};

template <size_t N>
bool in_table(char32_t code, const CodeRange (&table)[N]) {
  return in_ranges(code, table, table + N);
}

// Canonical ordering: each run of non-starters is stably sorted by combining class.
void reorder_marks(std::u32string& codes) {
  for (size_t start = 0; start < codes.size();) {
    if (canonical_combining_class(codes[start]) == 0) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < codes.size() && canonical_combining_class(codes[end]) != 0) ++end;
    std::stable_sort(codes.begin() + static_cast<std::ptrdiff_t>(start),
                     codes.begin() + static_cast<std::ptrdiff_t>(end), [](char32_t a, char32_t b) {
                       return canonical_combining_class(a) < canonical_combining_class(b);
                     });
    start = end;
  }
}

// Canonical composition of a canonically ordered, fully decomposed sequence (UAX #15).
std::u32string compose(const std::u32string& decomposed) {
  std::u32string out;
  out.reserve(decomposed.size());
  size_t starter = std::u32string::npos;
  int last_class = 0;  // class of the last character appended after the starter
  for (const char32_t code : decomposed) {
    const int combining_class = canonical_combining_class(code);
    if (starter != std::u32string::npos) {
      const bool adjacent = out.size() == starter + 1;
      // A character between the starter and `code` blocks it unless its class is non-zero and lower.
      const bool blocked = !adjacent && (last_class == 0 || last_class >= combining_class);
      const char32_t composite = blocked ? 0 : canonical_composition(out[starter], code);
      if (composite != 0) {
        out[starter] = composite;
        continue;
      }
    }
    if (combining_class == 0) starter = out.size();
    last_class = combining_class;
    out.push_back(code);
  }
  return out;
}

std::u32string to_nfc(const std::u32string& codes) {
  std::u32string decomposed;
  decomposed.reserve(codes.size() + 8);
  for (const char32_t code : codes) {
    const std::u32string_view parts = canonical_decomposition(code);
    if (parts.empty()) {
      decomposed.push_back(code);
    } else {
      decomposed.append(parts);
    }
  }
  reorder_marks(decomposed);
  return compose(decomposed);
}

}  // namespace

bool is_space_char(char32_t code) { return in_table(code, kSpaces); }

bool is_ignorable_char(char32_t code) { return in_table(code, kIgnorables); }

bool is_mark_char(char32_t code) {
  return canonical_combining_class(code) != 0 || in_table(code, kZeroClassMarks);
}

bool is_punctuation_or_symbol(char32_t code) {
  if (code < 0x80) return code > 0x20 && code < 0x7F && !is_ascii_digit(code) && !is_letter_char(code);
  return in_table(code, kPunctuationAndSymbols);
}

bool is_letter_char(char32_t code) {
  if (code < 0x80) return (code >= 'a' && code <= 'z') || (code >= 'A' && code <= 'Z');
  return !is_space_char(code) && !is_ignorable_char(code) && !is_mark_char(code) &&
         !is_punctuation_or_symbol(code);
}

bool is_ascii_digit(char32_t code) { return code >= '0' && code <= '9'; }

bool is_uppercase_letter(char32_t code) {
  const bool even = code % 2 == 0;
  if (code < 0x80) return code >= 'A' && code <= 'Z';
  if (code >= 0xC0 && code <= 0xDE) return code != 0xD7;
  if (code >= 0x100 && code <= 0x137) return even;
  if (code >= 0x139 && code <= 0x148) return !even;
  if (code >= 0x14A && code <= 0x177) return even;
  if (code == 0x178) return true;
  if (code >= 0x179 && code <= 0x17E) return !even;
  if (code >= 0x218 && code <= 0x21B) return even;  // Romanian Ș, Ț
  if (code == 0x386 || (code >= 0x388 && code <= 0x38F)) return code != 0x38B && code != 0x38D;
  if (code >= 0x391 && code <= 0x3A9) return code != 0x3A2;
  if (code >= 0x400 && code <= 0x42F) return true;
  if ((code >= 0x460 && code <= 0x481) || (code >= 0x48A && code <= 0x4BF) || (code >= 0x4D0 && code <= 0x52F)) {
    return even;
  }
  if (code == 0x4C0) return true;
  if (code >= 0x4C1 && code <= 0x4CE) return !even;
  if (code >= 0x1E00 && code <= 0x1E95) return even;
  if (code == 0x1E9E) return true;
  if (code >= 0x1EA0 && code <= 0x1EFF) return even;
  return false;
}

std::string normalize(std::string_view text) {
  std::u32string mapped;
  mapped.reserve(text.size());
  for (const char32_t code : decode_utf8(text)) {
    if (is_ignorable_char(code)) continue;
    mapped.push_back(is_space_char(code) ? U' ' : code);
  }
  const std::u32string composed = to_nfc(mapped);

  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char32_t code : composed) {
    if (code == U' ') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    append_utf8(out, code);
  }
  return out;
}

}  // namespace attn
