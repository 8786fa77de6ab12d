// Writes generated date pairs as a TSV file (ISO<TAB>human<TAB>format, the layout `attn dates` writes).
#pragma once

#include <cstdint>
#include <string>

namespace attn::testing {

void write_dates(const std::string& path, int count, uint64_t seed);

}  // namespace attn::testing
