#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) and runs each for SECONDS (default 60).
# Crashes are written to build-fuzz/crashes/; every one found becomes a regression test under tests/.
#   scripts/fuzz.sh [SECONDS] [harness...]      harnesses: fuzz_model_loader fuzz_tokenizer fuzz_translate
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_model_loader fuzz_tokenizer fuzz_translate)

CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTN_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${harnesses[@]}"
mkdir -p build-fuzz/crashes
for harness in "${harnesses[@]}"; do
  corpus=build-fuzz/corpus/$harness
  mkdir -p "$corpus"
  [ "$harness" != fuzz_model_loader ] || cp -n tests/fixtures/tiny.safetensors "$corpus/" 2>/dev/null || true
  echo "== $harness for ${seconds}s"
  # -malloc_limit_mb: a loader must never allocate far beyond what the input justifies.
  "build-fuzz/$harness" "$corpus" -max_total_time="$seconds" -malloc_limit_mb=512 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1 2>&1 |
    grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|ERROR|SUMMARY|crash-|leak-|oom-|timeout-" || true
  if ls build-fuzz/crashes/ 2>/dev/null | grep -q .; then
    echo "FAIL: $harness found a problem; see build-fuzz/crashes/"
    exit 1
  fi
done
echo "fuzz: no crashes"
