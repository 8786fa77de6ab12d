// Test sets for evaluation: TSV lines `target<TAB>source[<TAB>group[<TAB>ignored...]]`, as in the Tatoeba splits
// (English first, French second) and the date data (whose third column names the input format).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attn {

struct ReferenceSegment {
  std::string source;
  std::vector<std::string> references;  // every distinct target given for `source`, in file order
  std::string group;                    // third column of the segment's first line; empty when absent
};

struct ReferenceSet {
  std::vector<ReferenceSegment> segments;  // one per distinct source, in order of first appearance
  bool has_groups = false;                 // some line has a third column
};

// Lines with the same source form one segment (whose group is that of its first line). A trailing '\r' is
// ignored, and the text may end with or without a newline. Throws
// std::runtime_error naming the (1-based) line for a line without a tab or with an empty source.
ReferenceSet parse_reference_set(std::string_view tsv);

}  // namespace attn
