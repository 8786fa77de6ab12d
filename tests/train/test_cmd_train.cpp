// `attn vocab` and `attn train` end to end through the CLI: learned vocabularies, a short run with a
// checkpoint, and the errors a resume reports.
#include <catch2/catch.hpp>

#include <string>

#include "support/run_command.h"
#include "support/tiny_model.h"

using attn::testing::read_text_file;
using attn::testing::run_cli;
using attn::testing::TempDir;
using attn::testing::write_text_file;

TEST_CASE("attn vocab and attn train run, checkpoint and refuse a bad resume", "[train][cli]") {
  TempDir dir;
  const std::string data = dir.path("dates.tsv");
  REQUIRE(run_cli("dates --count 200 --seed 4 --out " + data).exit_code == 0);
  const auto source_vocab = run_cli("vocab --data " + data + " --column 2 --char --out " + dir.path("src.json"));
  INFO(source_vocab.err);
  REQUIRE(source_vocab.exit_code == 0);
  REQUIRE(run_cli("vocab --data " + data + " --column 1 --char --out " + dir.path("tgt.json")).exit_code == 0);
  CHECK(read_text_file(dir.path("tgt.json")).find("\"-\"") != std::string::npos);  // ISO dates contain '-'
  CHECK(run_cli("vocab --data " + data + " --column 1 --out " + dir.path("x.json")).exit_code == 2);  // no --size

  const std::string common = " --train " + data + " --src-vocab " + dir.path("src.json") + " --tgt-vocab " +
                             dir.path("tgt.json") + " --char --embed 8 --hidden 8 --attention 8 --batch-tokens 300" +
                             " --eval-every 0 --threads 1 --out " + dir.path("m.safetensors") + " --checkpoint " +
                             dir.path("run.ckpt");
  const auto trained = run_cli("train" + common + " --steps 3");
  INFO(trained.err);
  REQUIRE(trained.exit_code == 0);
  CHECK(trained.out.find("after 3 steps") != std::string::npos);
  CHECK(read_text_file(dir.path("m.safetensors")).size() > 1000);

  const auto resumed = run_cli("train --resume " + dir.path("run.ckpt") + " --steps 5 --out " +
                               dir.path("m.safetensors") + " --checkpoint " + dir.path("run.ckpt") + " --threads 1");
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(resumed.out.find("after 5 steps") != std::string::npos);

  const auto changed = run_cli("train --resume " + dir.path("run.ckpt") + " --steps 7 --hidden 16 --out " +
                               dir.path("m.safetensors"));
  CHECK(changed.exit_code != 0);
  CHECK(changed.err.find("--hidden") != std::string::npos);

  std::string damaged = read_text_file(dir.path("run.ckpt"));
  damaged[damaged.size() / 3] = char(damaged[damaged.size() / 3] ^ 1);
  write_text_file(dir.path("bad.ckpt"), damaged);
  const auto corrupt = run_cli("train --resume " + dir.path("bad.ckpt") + " --steps 7 --out " + dir.path("m.safetensors"));
  CHECK(corrupt.exit_code != 0);
  CHECK(corrupt.err.find("corrupt") != std::string::npos);
}

TEST_CASE("attn train --protected-spans records the metadata a translator masks by", "[train][cli]") {
  TempDir dir;
  const std::string data = dir.path("dates.tsv");
  REQUIRE(run_cli("dates --count 50 --seed 2 --out " + data).exit_code == 0);
  const std::string common = "train --train " + data + " --char --embed 4 --hidden 4 --attention 4 --steps 1" +
                             " --eval-every 0 --threads 1 --out ";
  REQUIRE(run_cli(common + dir.path("plain.safetensors")).exit_code == 0);
  REQUIRE(run_cli(common + dir.path("masked.safetensors") + " --protected-spans").exit_code == 0);
  CHECK(run_cli("inspect " + dir.path("plain.safetensors")).out.find("protected_spans") == std::string::npos);
  const auto masked = run_cli("inspect " + dir.path("masked.safetensors"));
  REQUIRE(masked.exit_code == 0);
  CHECK(masked.out.find("protected_spans") != std::string::npos);
}
