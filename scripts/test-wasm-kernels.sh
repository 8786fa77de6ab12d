#!/usr/bin/env bash
# Builds the kernel tests with emcc twice (wasm SIMD128 and the baseline without SIMD), runs both under node,
# then proves that native (scalar and AVX2), wasm-simd and wasm-baseline kernels produce bit-identical output by
# comparing the hashes printed by scripts/kernel_digest.cpp.
#
# Usage: scripts/test-wasm-kernels.sh [build-dir]   (default: build-wasm-kernels, git-ignored)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build-wasm-kernels}"
mkdir -p "$build/include"
# The generated loaders are CommonJS; without this the repository's package.json ("type": "module") makes node
# load them as ES modules, where __dirname does not exist.
echo '{ "type": "commonjs" }' > "$build/package.json"
# Catch2 is header-only; expose just its directory (adding /usr/include would shadow emscripten's libc headers).
ln -sfn /usr/include/catch2 "$build/include/catch2"
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"  # emcc's JS optimizer needs its node modules

common_flags=(-std=c++17 -O2 -ffp-contract=off -Wall -Wextra -I"$repo/src")
# SINGLE_FILE embeds the wasm: emscripten 3.1.6 would otherwise load it with fetch(), which node 20 has
# but cannot use for file paths.
wasm_link_flags=(-sENVIRONMENT=node -sEXIT_RUNTIME=1 -sALLOW_MEMORY_GROWTH=1 -sSINGLE_FILE=1)
kernel_sources=("$repo/src/kernels/kernels.cpp")

echo "== native digest"
native_sources=("${kernel_sources[@]}")
if [[ "$(uname -m)" == "x86_64" ]]; then native_sources+=("$repo/src/kernels/kernels_avx2.cpp"); fi
"${CXX:-g++}" "${common_flags[@]}" "${native_sources[@]}" "$repo/scripts/kernel_digest.cpp" -o "$build/digest-native"
"$build/digest-native" | tee "$build/digest-native.txt"

for variant in simd baseline; do
  flags=("${common_flags[@]}")
  sources=("${kernel_sources[@]}")
  if [[ "$variant" == simd ]]; then
    flags+=(-msimd128)
    sources+=("$repo/src/kernels/kernels_wasm_simd.cpp")
  fi
  echo "== wasm $variant: building"
  em++ "${flags[@]}" -fexceptions -I"$build/include" "${wasm_link_flags[@]}" "${sources[@]}" \
    "$repo/tests/test_main.cpp" "$repo/tests/kernels/test_kernels.cpp" -o "$build/kernel-tests-$variant.js"
  em++ "${flags[@]}" "${wasm_link_flags[@]}" "${sources[@]}" "$repo/scripts/kernel_digest.cpp" \
    -o "$build/digest-$variant.js"
  echo "== wasm $variant: tests"
  node "$build/kernel-tests-$variant.js"
  echo "== wasm $variant: digest"
  node "$build/digest-$variant.js" | tee "$build/digest-$variant.txt"
done

variants_compared=("scalar" "wasm-simd128")
if ! grep -q '^wasm-simd128 ' "$build/digest-simd.txt"; then
  echo "FAIL: the SIMD wasm build did not use wasm-simd128"
  exit 1
fi
if [[ "$(uname -m)" == "x86_64" ]] && grep -q avx2 /proc/cpuinfo; then
  grep -q '^avx2 ' "$build/digest-native.txt" || { echo "FAIL: native build did not use AVX2"; exit 1; }
  variants_compared+=("avx2")
fi
hashes="$(cat "$build"/digest-{native,simd,baseline}.txt | awk '{print $2}' | sort -u)"
if [[ "$(wc -l <<<"$hashes")" -ne 1 ]]; then
  echo "FAIL: kernel digests differ between variants:"
  cat "$build"/digest-{native,simd,baseline}.txt
  exit 1
fi
echo "OK: ${variants_compared[*]} (native and wasm) all give kernel digest $hashes"
