// Independent jobs spread over threads. The native build uses std::thread; the WebAssembly build has no threads
// (no pthreads, so it runs on any static host without cross-origin isolation), and there every job runs on the
// calling thread, in order.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <vector>

namespace attn {

// What "all cores" means: the processors this process may run on (at least 1); 1 where there are no threads.
unsigned available_cores();

// Calls job(i) once for every i in [0, count) on up to `threads` threads, the calling thread included. Each thread
// takes the next index when it finishes one, so jobs of uneven cost stay balanced. Every job runs even when others
// throw; the result holds what each job threw (null where it returned normally).
std::vector<std::exception_ptr> run_in_parallel(size_t count, unsigned threads,
                                                const std::function<void(size_t)>& job);

}  // namespace attn
