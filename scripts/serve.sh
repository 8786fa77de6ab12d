#!/usr/bin/env bash
# Serves the web demo (web/) on http://localhost:8000 — PORT and HOST override — after installing what is missing
# and building the WebAssembly engines (build-web.sh also copies models/ into web/models/), and prints a sample translation so that a broken engine or model shows up here
# rather than in the browser. web/ is a static site: any static server works (python's maps .wasm to
# application/wasm, which streaming compilation needs).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
port="${PORT:-8000}"
host="${HOST:-127.0.0.1}"

# A fresh machine gets its packages first; the wasm builds are incremental, so this is quick when nothing changed.
scripts/setup.sh
scripts/build-web.sh
shopt -s nullglob
models=(models/*.safetensors)

sample_model=models/fr-en.safetensors
[[ -f "$sample_model" ]] || sample_model="${models[0]:-}"
if [[ -n "$sample_model" ]]; then
  sample="Le chat dort sur le canapé rouge."
  [[ "$sample_model" == *dates* ]] && sample="Monday, March 5, 1979"
  echo "Sample translation with $sample_model:"
  echo "  $sample"
  printf '  → %s\n' "$(node web/cli.mjs translate -m "$sample_model" <<< "$sample")" || echo "  (the sample translation failed)"
else
  echo "No model in models/: the page will only accept a model file you load yourself."
fi

echo "Serving web/ on http://localhost:$port/ (Ctrl-C to stop)"
exec /usr/bin/python3 -m http.server "$port" --bind "$host" --directory web
