#include "eval/reference_set.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace attn {

ReferenceSet parse_reference_set(std::string_view tsv) {
  ReferenceSet set;
  std::unordered_map<std::string, size_t> segment_of_source;
  size_t line_number = 0;
  size_t line_start = 0;
  while (line_start < tsv.size()) {
    ++line_number;
    size_t line_end = tsv.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = tsv.size();
    std::string_view line = tsv.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const size_t first_tab = line.find('\t');
    if (first_tab == std::string_view::npos) {
      throw std::runtime_error("reference set line " + std::to_string(line_number) +
                               ": expected target<TAB>source, found no tab");
    }
    const std::string_view target = line.substr(0, first_tab);
    std::string_view rest = line.substr(first_tab + 1);
    const size_t second_tab = rest.find('\t');
    const std::string_view source = rest.substr(0, second_tab);
    std::string_view group;
    if (second_tab != std::string_view::npos) {
      set.has_groups = true;
      group = rest.substr(second_tab + 1);
      group = group.substr(0, group.find('\t'));
    }
    if (source.empty()) {
      throw std::runtime_error("reference set line " + std::to_string(line_number) + ": empty source (column 2)");
    }

    const auto [entry, is_new] = segment_of_source.emplace(std::string(source), set.segments.size());
    if (is_new) set.segments.push_back({std::string(source), {}, std::string(group)});
    std::vector<std::string>& references = set.segments[entry->second].references;
    if (std::find(references.begin(), references.end(), target) == references.end()) {
      references.emplace_back(target);
    }
  }
  return set;
}

}  // namespace attn
