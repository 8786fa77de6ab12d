#!/usr/bin/env bash
# The project's test command: installs what is missing, builds, and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh

echo "== C++ unit tests (ctest)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
