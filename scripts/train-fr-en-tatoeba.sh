#!/usr/bin/env bash
# Reproducible recipe for models/fr-en-tatoeba.safetensors (French → English everyday sentences, Tatoeba only).
# Run it again after an interruption: it resumes from its last checkpoint (written every 10 minutes and on SIGINT/SIGTERM).
#
# usage: scripts/train-fr-en-tatoeba.sh [DATA_DIR]   (default ../shared/data/tatoeba-fra-eng; run scripts/build.sh first)
# Training is about 3x faster with a binary built for this CPU (see ATTN_NATIVE in CMakeLists.txt), which is how the
# shipped model was trained:  cmake -S . -B build-native -DATTN_NATIVE=ON && cmake --build build-native --target attn
#                             ATTN=build-native/attn scripts/train-fr-en-tatoeba.sh
# Work files go to runs/fr-en-tatoeba/ (git-ignored; ATTN_RUN_DIR overrides it, e.g. to keep checkpoints elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/tatoeba-fra-eng}
attn=${ATTN:-build/attn}
work=${ATTN_RUN_DIR:-runs/fr-en-tatoeba}
mkdir -p "$work"

# Separate BPE vocabularies: 8,000 French pieces (cheap: only an embedding lookup) and 6,000 English pieces (every
# target token pays for the output layer, Vt × E).
[ -f "$work/src.json" ] || "$attn" vocab --data "$data/train.tsv" --column 2 --size 8000 --out "$work/src.json"
[ -f "$work/tgt.json" ] || "$attn" vocab --data "$data/train.tsv" --column 1 --size 6000 --out "$work/tgt.json"

options=(--train "$data/train.tsv" --dev "$data/dev.tsv" --src-vocab "$work/src.json" --tgt-vocab "$work/tgt.json"
  --embed 192 --hidden 256 --attention 192 --tied
  --batch-tokens 3000 --lr 2e-3 --warmup 500 --decay inverse-sqrt --dropout 0.2 --label-smoothing 0.1
  --epochs 12 --eval-every 500 --dev-sentences 500 --patience 6 --seed 1 --threads 2
  --source-language fr --target-language en
  --checkpoint "$work/fr-en.ckpt" --checkpoint-minutes 10 --out "$work/fr-en-f32.safetensors")
if [ -f "$work/fr-en.ckpt" ]; then
  "$attn" train "${options[@]}" --resume "$work/fr-en.ckpt"
else
  "$attn" train "${options[@]}"
fi

"$attn" quantize "$work/fr-en-f32.safetensors" models/fr-en-tatoeba.safetensors
for model in "$work/fr-en-f32.safetensors" models/fr-en-tatoeba.safetensors; do
  "$attn" eval -m "$model" --data "$data/test.tsv" --beam 4
done
