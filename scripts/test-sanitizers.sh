#!/usr/bin/env bash
# Runs the Catch2 suite built with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/).
# The end-to-end training test, the PyTorch comparisons and the 1 MB inputs ([large]) run in the normal build; here
# they would only be slow (the sanitized 1 MB cases take minutes). The fuzzers cover hostile input under ASan.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTN_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  build-asan/attn_tests '~[dates]~[reference]~[large]'
