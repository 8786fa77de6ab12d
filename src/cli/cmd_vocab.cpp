// attn vocab: learns a tokenizer (BPE, or characters with --char) from one column of a TSV file.
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

int run_vocab(const std::vector<std::string>& argv) {
  const Args args(argv, {"data", "column", "size", "out"}, {"char"});
  args.expect_positional(0, "no positional arguments");
  const std::string data = args.require("data");
  const int column = int(args.get_int("column", 1, 1, 1000));
  const bool char_level = args.has("char");
  if (!char_level && !args.has("size")) throw UsageError("--size is required for a BPE vocabulary");
  const int size = int(args.get_int("size", Tokenizer::kFirstLearned, Tokenizer::kFirstLearned, 1000000));
  const std::string out = args.require("out");
  std::vector<std::string> sentences;
  for (auto& pair : read_tsv_pairs(data, column, column)) sentences.push_back(std::move(pair.first));
  const Tokenizer tokenizer = char_level ? Tokenizer::learn_chars(sentences) : Tokenizer::learn_bpe(sentences, size);
  const std::string json = tokenizer.to_json();
  write_file_atomic(out, std::vector<uint8_t>(json.begin(), json.end()));
  std::printf("wrote %s: %d pieces (%s) from %zu sentences\n", out.c_str(), tokenizer.size(),
              char_level ? "characters" : "BPE", sentences.size());
  return 0;
}

const CommandRegistration registration({"vocab", "attn vocab --data TSV --column N (--size N | --char) --out JSON",
                                        "learn a BPE (or character) vocabulary from a TSV column", run_vocab});

}  // namespace
}  // namespace attn::cli
