#include "support/date_data.h"

#include <fstream>

#include "data/dates.h"

namespace attn::testing {

void write_dates(const std::string& path, int count, uint64_t seed) {
  std::ofstream out(path, std::ios::binary);
  DateGenerator generator(seed);
  for (int i = 0; i < count; ++i) {
    const DateExample e = generator.next();
    out << e.iso << '\t' << e.human << '\t' << e.format << '\n';
  }
}

}  // namespace attn::testing
