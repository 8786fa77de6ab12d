#!/usr/bin/env bash
# The project's test command: installs what is missing, builds, and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh

echo "== C++ unit tests (ctest)"
ctest --test-dir build --output-on-failure -j "$(nproc)"

echo "== kernels: wasm SIMD and baseline builds, bit-identity with native"
scripts/test-wasm-kernels.sh

echo "== WebAssembly engine and JavaScript module (node:test)"
scripts/test-js.sh

echo "== web page and embeddable elements in headless Chromium"
scripts/test-browser.sh

echo "== benchmark smoke run: every engine on a few sentences, outputs compared"
scripts/bench.sh --smoke

echo "== C++ unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
scripts/test-sanitizers.sh

echo "== fuzzing: model loader, tokenizer, translate (60 s each)"
scripts/fuzz.sh 60
