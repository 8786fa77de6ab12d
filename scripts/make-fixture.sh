#!/usr/bin/env bash
# Regenerates tests/fixtures/tiny.safetensors: a random (untrained) fr→en model of a few kilobytes with small BPE
# vocabularies learned from the dev split, so tests exercise the real tokenizer, loader and search quickly.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/tatoeba-fra-eng/dev.tsv}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/attn vocab --data "$data" --column 2 --size 400 --out "$tmp/src.json"
build/attn vocab --data "$data" --column 1 --size 400 --out "$tmp/tgt.json"
cat >"$tmp/config.json" <<'JSON'
{"embed_dim": 8, "hidden_dim": 8, "attention_dim": 8, "tied_output": false,
 "source_language": "fr", "target_language": "en"}
JSON
build/attn init --config "$tmp/config.json" --src-vocab "$tmp/src.json" --tgt-vocab "$tmp/tgt.json" --seed 1 \
  tests/fixtures/tiny.safetensors
