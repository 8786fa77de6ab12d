#!/usr/bin/env bash
# Builds the two WebAssembly engines (SIMD128 and baseline) into web/dist/ and copies the bundled models into
# web/models/, after which web/ alone is the deployable site. Needs Emscripten (emcmake/emcc) on PATH.
#   scripts/build-web.sh            # both builds
#   JOBS=1 scripts/build-web.sh     # parallel compile jobs (default 2)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="${JOBS:-2}"
# emcc's JavaScript optimizer needs acorn, which Debian installs under /usr/share/nodejs.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"

# Debian's package configs live outside Emscripten's sysroot, which emcmake otherwise restricts find_package to.
package_dirs=()
for candidate in /usr/share/eigen3/cmake /usr/lib/cmake/eigen3; do
  [[ -f "$candidate/Eigen3Config.cmake" ]] && package_dirs+=("-DEigen3_DIR=$candidate") && break
done
for candidate in /usr/share/cmake/nlohmann_json /usr/lib/cmake/nlohmann_json; do
  [[ -f "$candidate/nlohmann_jsonConfig.cmake" ]] && package_dirs+=("-Dnlohmann_json_DIR=$candidate") && break
done

build() {  # build DIR SIMD(ON|OFF)
  emcmake cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DATTN_WASM_SIMD="$2" \
    "${package_dirs[@]}" >/dev/null
  cmake --build "$1" --target attn_wasm -j "$jobs"
}
build build-wasm-simd ON
build build-wasm-base OFF

mkdir -p web/dist web/models
for variant in simd base; do
  cp "build-wasm-$variant/attn-$variant.js" "build-wasm-$variant/attn-$variant.wasm" web/dist/
done
# web/ must work on its own, where no package.json above marks .js files as ES modules for Node.
echo '{ "type": "module" }' > web/dist/package.json

shopt -s nullglob
models=(models/*.safetensors)
[[ ${#models[@]} -gt 0 ]] && cp "${models[@]}" web/models/

for file in web/dist/*.wasm; do
  printf '%-28s %8d bytes, %8d gzipped\n' "$file" "$(stat -c %s "$file")" "$(gzip -9c "$file" | wc -c)"
done
echo "models: ${models[*]:-none}"
