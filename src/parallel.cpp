#include "parallel.h"

#include <algorithm>
#include <atomic>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define ATTN_HAVE_THREADS 0
#else
#define ATTN_HAVE_THREADS 1
#include <system_error>
#include <thread>
#endif

#if ATTN_HAVE_THREADS && defined(__linux__)
#include <sched.h>
#endif

namespace attn {

unsigned available_cores() {
#if !ATTN_HAVE_THREADS
  return 1;
#else
#if defined(__linux__)
  // hardware_concurrency() counts every processor of the machine, also those this process is barred from
  // (taskset, container CPU sets); more threads than allowed processors only adds switching.
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0)
    return static_cast<unsigned>(CPU_COUNT(&allowed));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
#endif
}

std::vector<std::exception_ptr> run_in_parallel(size_t count, unsigned threads,
                                                const std::function<void(size_t)>& job) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<size_t> next{0};
  const auto take_jobs = [&] {
    for (size_t i = next++; i < count; i = next++) {
      try {
        job(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
#if ATTN_HAVE_THREADS
  const size_t wanted = std::min<size_t>(std::max(threads, 1u), count);  // the calling thread included
  std::vector<std::thread> pool;
  for (size_t t = 1; t < wanted; ++t) {
    try {
      pool.emplace_back(take_jobs);
    } catch (const std::system_error&) {  // the system refused another thread: fewer threads, same results
      break;
    }
  }
  take_jobs();
  for (std::thread& thread : pool) thread.join();
#else
  (void)threads;
  take_jobs();
#endif
  return errors;
}

}  // namespace attn
