// attn vocab: learns a tokenizer (BPE, or characters with --char) from one column of a TSV file, or from two
// (--column 1,2) for a vocabulary shared by both languages.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/command.h"
#include "cli/io.h"
#include "text/tokenizer.h"
#include "train/batch.h"

namespace attn::cli {
namespace {

// "N" or "N,M": the TSV column(s) to learn from, 1-based.
std::vector<int> parse_columns(const std::string& text) {
  std::vector<int> columns;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const bool digits = !item.empty() && item.size() <= 4 && item.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(item) < 1) {
      throw UsageError("--column must be a column number or two joined by a comma (1,2), got '" + text + "'");
    }
    columns.push_back(std::stoi(item));
    start = comma + 1;
  }
  if (columns.size() > 2) throw UsageError("--column takes at most two columns, got '" + text + "'");
  return columns;
}

int run_vocab(const std::vector<std::string>& argv) {
  const Args args(argv, {"data", "column", "size", "out"}, {"char"});
  args.expect_positional(0, "no positional arguments");
  const std::string data = args.require("data");
  const std::vector<int> columns = parse_columns(args.get("column", "1"));
  const bool char_level = args.has("char");
  if (!char_level && !args.has("size")) throw UsageError("--size is required for a BPE vocabulary");
  const int size = int(args.get_int("size", Tokenizer::kFirstLearned, Tokenizer::kFirstLearned, 1000000));
  const std::string out = args.require("out");
  std::vector<std::string> sentences;
  for (auto& pair : read_tsv_pairs(data, columns.front(), columns.back())) {
    sentences.push_back(std::move(pair.first));
    if (columns.size() == 2) sentences.push_back(std::move(pair.second));
  }
  const Tokenizer tokenizer = char_level ? Tokenizer::learn_chars(sentences) : Tokenizer::learn_bpe(sentences, size);
  const std::string json = tokenizer.to_json();
  write_file_atomic(out, std::vector<uint8_t>(json.begin(), json.end()));
  std::printf("wrote %s: %d pieces (%s) from %zu sentences\n", out.c_str(), tokenizer.size(),
              char_level ? "characters" : "BPE", sentences.size());
  return 0;
}

const CommandRegistration registration({"vocab", "attn vocab --data TSV --column N[,M] (--size N | --char) --out JSON",
                                        "learn a BPE (or character) vocabulary from a TSV column", run_vocab});

}  // namespace
}  // namespace attn::cli
