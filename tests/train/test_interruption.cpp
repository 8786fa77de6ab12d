// `attn train` interrupted the ways a real run is: SIGTERM / SIGINT, kill -9, a full disk while the checkpoint is
// written, and a damaged checkpoint file. Each drives the CLI as a child process on a small synthetic dataset.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/date_data.h"
#include "support/run_command.h"
#include "support/tiny_model.h"
#include "train/checkpoint.h"

namespace {

using attn::testing::read_text_file;
using attn::testing::run_cli;
using attn::testing::TempDir;
using attn::testing::write_dates;
using attn::testing::write_text_file;
using Clock = std::chrono::steady_clock;

constexpr auto kTimeout = std::chrono::seconds(60);  // far beyond what any step here takes; only a hang reaches it

// `attn train` running as a child process, stdout and stderr going to files.
class TrainingProcess {
 public:
  // file_size_limit > 0: RLIMIT_FSIZE in the child, with SIGXFSZ ignored, so a write beyond it fails with EFBIG
  // (what a full disk looks like to the writer).
  TrainingProcess(const TempDir& dir, const std::string& arguments, rlim_t file_size_limit = 0)
      : out_path_(dir.path("train.out")), err_path_(dir.path("train.err")) {
    std::vector<std::string> words = {ATTN_CLI_PATH, "train"};
    std::istringstream split(arguments);
    for (std::string word; split >> word;) words.push_back(word);
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      const int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(126);
      if (file_size_limit > 0) {
        signal(SIGXFSZ, SIG_IGN);
        const rlimit limit = {file_size_limit, file_size_limit};
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(126);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~TrainingProcess() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  TrainingProcess(const TrainingProcess&) = delete;
  TrainingProcess& operator=(const TrainingProcess&) = delete;

  void send(int signal_number) const { REQUIRE(kill(pid_, signal_number) == 0); }

  // Whether `attn` (not the test process forked before exec, whose handlers are Catch's) has installed a handler
  // for the signal: the "SigCgt" mask in /proc/PID/status.
  bool catches(int signal_number) const {
    const std::string proc = "/proc/" + std::to_string(pid_);
    if (read_text_file(proc + "/cmdline").rfind(std::string(ATTN_CLI_PATH) + '\0' + "train", 0) != 0) return false;
    std::istringstream status(read_text_file(proc + "/status"));
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> (signal_number - 1)) & 1;
    }
    return false;
  }

  // Waits for the child to end; returns its exit code, or 128 + the signal that killed it.
  int wait() {
    const auto deadline = Clock::now() + kTimeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        exited_ = true;
        FAIL("attn train did not exit within " << kTimeout.count() << " s; stderr:\n" << err());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  std::string out() const { return read_text_file(out_path_); }
  std::string err() const { return read_text_file(err_path_); }

 private:
  std::string out_path_, err_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

// Polls until `ready` holds; fails the test after kTimeout.
template <class Predicate>
void wait_until(Predicate ready, const char* what) {
  const auto deadline = Clock::now() + kTimeout;
  while (!ready()) {
    if (Clock::now() > deadline) FAIL("timed out waiting until " << what);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool exists(const std::string& path) { return std::filesystem::exists(path); }

int64_t checkpoint_step(const std::string& path) { return attn::load_checkpoint(path).progress.step; }

// A tiny character-level model on date pairs: each step takes about a millisecond. By default a checkpoint every
// 6 ms keeps a periodic checkpoint always recent ("0": only the final one).
std::string training_arguments(const TempDir& dir, const std::string& checkpoint_minutes = "0.0001") {
  return "--train " + dir.path("dates.tsv") + " --char --embed 8 --hidden 8 --attention 8 --batch-tokens 300" +
         " --eval-every 0 --threads 1 --seed 3 --out " + dir.path("model.safetensors") + " --checkpoint " +
         dir.path("run.ckpt") + " --checkpoint-minutes " + checkpoint_minutes + " --log-seconds 1000";
}

// `attn train --resume` for a few more steps; checks that it starts where the checkpoint left off.
void check_resumes(const TempDir& dir, int64_t from_step) {
  const std::string until = std::to_string(from_step + 3);
  const auto resumed = run_cli("train --resume " + dir.path("run.ckpt") + " --steps " + until + " --out " +
                               dir.path("resumed.safetensors") + " --checkpoint " + dir.path("run.ckpt") +
                               " --threads 1");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("resuming at step " + std::to_string(from_step) + ",") != std::string::npos);
  CHECK(resumed.out.find("after " + until + " steps") != std::string::npos);
  CHECK(checkpoint_step(dir.path("run.ckpt")) == from_step + 3);
}

}  // namespace

TEST_CASE("SIGTERM and SIGINT stop training after the current step with a checkpoint and exit 0",
          "[train][interruption]") {
  for (const int signal_number : {SIGTERM, SIGINT}) {
    INFO("signal " << signal_number);
    TempDir dir;
    write_dates(dir.path("dates.tsv"), 300, 11);
    TrainingProcess training(dir, training_arguments(dir) + " --steps 100000000");
    wait_until([&] { return exists(dir.path("run.ckpt")); }, "the first periodic checkpoint is written");
    const int64_t seen_step = checkpoint_step(dir.path("run.ckpt"));
    training.send(signal_number);
    REQUIRE(training.wait() == 0);
    const std::string out = training.out(), err = training.err();
    INFO(err);
    const size_t at = out.find("interrupted after ");
    REQUIRE(at != std::string::npos);
    const int64_t stopped_step = std::stoll(out.substr(at + 18));
    CHECK(stopped_step >= seen_step);
    CHECK(err.find("checkpoint written to " + dir.path("run.ckpt") + " (continue with --resume") != std::string::npos);
    CHECK(checkpoint_step(dir.path("run.ckpt")) == stopped_step);
    CHECK(exists(dir.path("model.safetensors")));
    check_resumes(dir, stopped_step);
  }
}

TEST_CASE("a stop signal that arrives while the data is still being prepared is not lost", "[train][interruption]") {
  TempDir dir;
  // Learning a BPE vocabulary from 20,000 pairs keeps the trainer busy before its first step.
  write_dates(dir.path("dates.tsv"), 20000, 12);
  TrainingProcess training(dir, "--train " + dir.path("dates.tsv") + " --src-vocab-size 600 --tgt-vocab-size 300" +
                                    " --embed 8 --hidden 8 --attention 8 --eval-every 0 --threads 1 --out " +
                                    dir.path("model.safetensors") + " --checkpoint " + dir.path("run.ckpt") +
                                    " --steps 100000000 --log-seconds 1000");
  wait_until([&] { return training.catches(SIGTERM); }, "attn train handles SIGTERM");
  const bool before_first_checkpoint = !exists(dir.path("run.ckpt"));
  training.send(SIGTERM);
  REQUIRE(training.wait() == 0);
  INFO(training.err());
  CHECK(before_first_checkpoint);
  CHECK(training.out().find("interrupted after ") != std::string::npos);
  check_resumes(dir, checkpoint_step(dir.path("run.ckpt")));
}

TEST_CASE("kill -9 mid-run leaves the last periodic checkpoint intact and resumable", "[train][interruption]") {
  TempDir dir;
  write_dates(dir.path("dates.tsv"), 300, 13);
  int64_t last_step = 0;
  // Several kills at arbitrary moments, some of them likely during a checkpoint write; each run resumes the last.
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    const std::string resume = round == 0 ? "" : " --resume " + dir.path("run.ckpt");
    TrainingProcess training(dir, training_arguments(dir) + resume + " --steps 100000000");
    wait_until([&] { return exists(dir.path("run.ckpt")) && checkpoint_step(dir.path("run.ckpt")) >= last_step + 2; },
               "two more steps are checkpointed");
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + 7 * round));
    training.send(SIGKILL);
    REQUIRE(training.wait() == 128 + SIGKILL);
    const attn::Checkpoint survivor = attn::load_checkpoint(dir.path("run.ckpt"));  // throws if damaged
    CHECK(survivor.progress.step >= last_step + 2);
    last_step = survivor.progress.step;
  }
  check_resumes(dir, last_step);
}

TEST_CASE("a full disk while writing the checkpoint is a clear error and keeps the previous checkpoint",
          "[train][interruption]") {
  TempDir dir;
  write_dates(dir.path("dates.tsv"), 300, 14);
  const std::string arguments = training_arguments(dir, "0");
  const auto first = run_cli("train " + arguments + " --steps 3");
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::string good_checkpoint = read_text_file(dir.path("run.ckpt"));
  const size_t model_bytes = read_text_file(dir.path("model.safetensors")).size();
  // The checkpoint holds the model and two Adam moments: a limit between the two sizes lets the model be written
  // and makes the checkpoint write fail partway.
  const size_t limit = (model_bytes + good_checkpoint.size()) / 2;
  REQUIRE(model_bytes < limit);
  REQUIRE(limit < good_checkpoint.size());

  TrainingProcess training(dir, arguments + " --resume " + dir.path("run.ckpt") + " --steps 6", limit);
  REQUIRE(training.wait() == 1);
  const std::string err = training.err();
  INFO(err);
  CHECK(err.find("error: cannot write '" + dir.path("run.ckpt.tmp") + "': File too large") != std::string::npos);
  CHECK(read_text_file(dir.path("run.ckpt")) == good_checkpoint);
  CHECK_FALSE(exists(dir.path("run.ckpt.tmp")));  // the partial file does not keep the disk full
  check_resumes(dir, 3);
}

TEST_CASE("a damaged checkpoint is refused by attn train --resume, naming the file and the damage",
          "[train][interruption]") {
  TempDir dir;
  write_dates(dir.path("dates.tsv"), 100, 15);
  const auto first = run_cli("train " + training_arguments(dir) + " --steps 1");
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  const std::string good = read_text_file(dir.path("run.ckpt"));

  std::vector<std::pair<std::string, std::string>> damaged;  // (file contents, expected word in the error)
  for (const size_t offset : {size_t(30), good.size() / 2, good.size() - 9}) {
    std::string flipped = good;
    flipped[offset] = char(flipped[offset] ^ 0x01);
    damaged.push_back({flipped, "corrupt"});
  }
  for (const size_t length : {size_t(12), size_t(19), size_t(100), good.size() / 2, good.size() - 1})
    damaged.push_back({good.substr(0, length), "truncated"});
  for (const size_t length : {size_t(0), size_t(7)})
    damaged.push_back({good.substr(0, length), "not a training checkpoint"});
  std::string huge_length = good;  // a payload length of 2^62 must not be allocated or read
  huge_length[12 + 7] = 0x40;
  damaged.push_back({huge_length, "truncated"});

  for (const auto& [contents, expected] : damaged) {
    INFO(contents.size() << " bytes, expecting '" << expected << "'");
    write_text_file(dir.path("bad.ckpt"), contents);
    const auto resumed =
        run_cli("train --resume " + dir.path("bad.ckpt") + " --steps 5 --out " + dir.path("m2.safetensors"));
    INFO(resumed.err);
    CHECK(resumed.exit_code == 1);
    CHECK(resumed.err.find(dir.path("bad.ckpt")) != std::string::npos);
    CHECK(resumed.err.find(expected) != std::string::npos);
    CHECK_FALSE(exists(dir.path("m2.safetensors")));
  }
}
