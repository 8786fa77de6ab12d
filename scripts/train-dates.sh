#!/usr/bin/env bash
# Reproducible recipe for models/dates.safetensors: character-level date normalization (human-readable English
# dates → ISO 8601), trained from scratch on 2 threads, evaluated on 5,000 fresh dates, shipped as int8.
#
# usage: scripts/train-dates.sh [ATTN_BINARY]   (default build/attn; run scripts/build.sh first)
# Data and intermediate files go to runs/dates/ (ignored by git). Seeds: training 1, dev 2, test 3.
set -euo pipefail
cd "$(dirname "$0")/.."
attn=${1:-build/attn}
work=runs/dates
mkdir -p "$work"

"$attn" dates --count 50000 --seed 1 --out "$work/train.tsv"
"$attn" dates --count 1000 --seed 2 --out "$work/dev.tsv"
"$attn" dates --count 5000 --seed 3 --out "$work/test.tsv"

# ISO is column 1 (target), the human-readable date column 2 (source): the trainer's default columns.
"$attn" train --train "$work/train.tsv" --dev "$work/dev.tsv" --char \
  --embed 32 --hidden 64 --attention 32 \
  --batch-tokens 2000 --lr 3e-3 --warmup 200 --decay inverse-sqrt --dropout 0.1 --label-smoothing 0.1 \
  --steps 2000 --eval-every 250 --dev-sentences 1000 --patience 0 --seed 1 --threads 2 \
  --source-language en --target-language iso \
  --checkpoint "$work/dates.ckpt" --out "$work/dates-f32.safetensors"

"$attn" quantize "$work/dates-f32.safetensors" models/dates.safetensors
"$attn" eval -m "$work/dates-f32.safetensors" --data "$work/test.tsv"
"$attn" eval -m models/dates.safetensors --data "$work/test.tsv"
