// Checks for broken translations that a corpus score averages away: an empty output, a phrase or a word looping, a
// name or number that should have been carried over from the source but was dropped or changed, and a protected span
// (URL, path, option...) that did not come out verbatim.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attn {

// Returns one line per problem found (empty when the hypothesis is sane):
// - "empty output" when the source has text but the hypothesis has none;
// - "repetition: <words>" when 1 to 4 words repeat three times in a row and no reference repeats them so;
// - "loop: <words>" when a pair of letters occurs three times or more in one word, or in a run of words that each
//   but the last hold a hyphen (text/words.h, hyphen_chains), and no reference holds those words: the loops of
//   slightly different units that the repetition check misses ("pain-in-cis-pinis-inis-pis-pinis-pinisly");
// - "missing: <word>" for a source word holding a digit or starting with a capital (Tom, Mary, 19, 2:30) that every
//   reference carries over verbatim but the hypothesis lacks. Requiring every reference keeps words that translate
//   (Londres → London) or that some translator spelled out (19 → nineteen) out of the check.
// - "altered: <span>" for a protected span of the source (a URL, path, option, format directive...; see
//   text/protected_spans.h) that every reference holds verbatim but the hypothesis does not.
// Words are those of text/words.h.
std::vector<std::string> sanity_problems(std::string_view source, std::string_view hypothesis,
                                         const std::vector<std::string>& references);

}  // namespace attn
