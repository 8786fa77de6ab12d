#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "parallel.h"

using namespace attn;

TEST_CASE("run_in_parallel runs every job exactly once, whatever the thread count", "[parallel]") {
  for (const unsigned threads : {1u, 2u, 3u, 8u}) {
    for (const size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
      std::vector<std::atomic<int>> runs(count);
      const std::vector<std::exception_ptr> errors = run_in_parallel(count, threads, [&](size_t i) { ++runs[i]; });
      REQUIRE(errors.size() == count);
      for (size_t i = 0; i < count; ++i) {
        INFO("threads " << threads << ", job " << i << " of " << count);
        CHECK(runs[i] == 1);
        CHECK_FALSE(errors[i]);
      }
    }
  }
}

TEST_CASE("a job that throws keeps its error and the other jobs still run", "[parallel]") {
  const size_t count = 100;
  std::vector<std::atomic<int>> runs(count);
  const std::vector<std::exception_ptr> errors = run_in_parallel(count, 4, [&](size_t i) {
    ++runs[i];
    if (i % 10 == 3) throw std::runtime_error("job " + std::to_string(i) + " failed");
  });
  for (size_t i = 0; i < count; ++i) {
    INFO("job " << i);
    CHECK(runs[i] == 1);
    if (i % 10 != 3) {
      CHECK_FALSE(errors[i]);
      continue;
    }
    REQUIRE(errors[i]);
    CHECK_THROWS_WITH(std::rethrow_exception(errors[i]), "job " + std::to_string(i) + " failed");
  }
}

TEST_CASE("jobs run at the same time when several threads are asked for", "[parallel]") {
  REQUIRE(available_cores() >= 1);
  // Each of the first two jobs waits for the other to start: only two threads running at once finish both
  // without the (generous) wait running out.
  std::mutex mutex;
  std::condition_variable started;
  int running = 0;
  std::vector<bool> met(2, false);
  const std::vector<std::exception_ptr> errors = run_in_parallel(2, 2, [&](size_t i) {
    std::unique_lock<std::mutex> lock(mutex);
    ++running;
    started.notify_all();
    met[i] = started.wait_for(lock, std::chrono::seconds(30), [&] { return running == 2; });
  });
  CHECK_FALSE(errors[0]);
  CHECK_FALSE(errors[1]);
  CHECK(met[0]);
  CHECK(met[1]);
}
