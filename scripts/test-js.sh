#!/usr/bin/env bash
# Runs the JavaScript engine tests (tests/js/*.test.mjs, node:test). Brings the native CLI (build/attn, the
# reference the wasm builds are compared with) and the wasm builds (web/dist/) up to date first; both builds are
# incremental, so this is cheap when nothing changed.
#   scripts/test-js.sh [node --test options...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Same configuration as scripts/build.sh, so both scripts can share build/.
[[ -f build/CMakeCache.txt ]] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target attn -j 2
scripts/build-web.sh

exec node --test "$@" tests/js/*.test.mjs
