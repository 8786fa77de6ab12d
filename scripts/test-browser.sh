#!/usr/bin/env bash
# Browser tests of the web demo and the embeddable elements (headless Chromium through playwright-core).
# Builds web/dist/ first when it is missing. Screenshots go to test-artifacts/ (git-ignored).
#   scripts/test-browser.sh                      # all tests
#   scripts/test-browser.sh tests/browser/embed.test.mjs
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ ! -d web/dist ]]; then
  scripts/build-web.sh
fi
shopt -s nullglob
models=(models/*.safetensors)
if [[ ${#models[@]} -gt 0 ]]; then
  mkdir -p web/models
  cp -u "${models[@]}" web/models/
fi
mkdir -p test-artifacts

if [[ $# -gt 0 ]]; then
  tests=("$@")
else
  tests=(tests/browser/*.test.mjs)
fi
# One file at a time: each starts its own Chromium, and the machine is small.
exec node --test --test-concurrency=1 "${tests[@]}"
