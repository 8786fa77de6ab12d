#!/usr/bin/env bash
# The matrix products of one fr-en decoder step, timed natively (AVX2 when the CPU has it) and in wasm SIMD128 under
# node (scripts/kernel_bench.cpp): the kernel share of the native/wasm gap in BENCHMARKS.md.
#
# Usage: scripts/bench-kernels.sh [build-dir]   (default: build-kernel-bench, git-ignored)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build-kernel-bench}"
mkdir -p "$build"
echo '{ "type": "commonjs" }' > "$build/package.json"  # see scripts/test-wasm-kernels.sh
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"

flags=(-std=c++17 -O3 -ffp-contract=off -I"$repo/src")
"${CXX:-g++}" "${flags[@]}" "$repo/src/kernels/kernels.cpp" "$repo/src/kernels/kernels_avx2.cpp" \
  "$repo/scripts/kernel_bench.cpp" -o "$build/kernel-bench-native"
em++ "${flags[@]}" -msimd128 -sENVIRONMENT=node -sSINGLE_FILE=1 "$repo/src/kernels/kernels.cpp" \
  "$repo/src/kernels/kernels_wasm_simd.cpp" "$repo/scripts/kernel_bench.cpp" -o "$build/kernel-bench-wasm.js"

echo "== native"
"$build/kernel-bench-native"
echo "== wasm (node $(node --version))"
node "$build/kernel-bench-wasm.js"
