#!/usr/bin/env bash
# Reproducible recipe for models/fr-en.safetensors: French → English for documentation and software messages,
# trained on Tatoeba plus the Debian documentation corpus (scripts/corpus/build.sh), with protected spans masked
# (attn protect). Run it again after an interruption: it resumes from its last checkpoint (written every 10 minutes
# and on SIGINT/SIGTERM); ATTN_TRAIN_MINUTES bounds one sitting (the run continues on the next invocation).
# ATTN_INIT=models/fr-en.safetensors continues from the shipped model (its weights and vocabularies; the optimizer
# starts afresh) with an annealing schedule: lr 8e-4 after 200 warm-up steps, cosine down to 4e-5 over ATTN_STEPS
# (default 7000) steps; ATTN_LR sets that peak rate, ATTN_TATOEBA_COPIES how many times Tatoeba's training pairs
# are repeated in the data (default 1).
#
# usage: scripts/train-fr-en.sh [TATOEBA_DIR]   (default ../shared/data/tatoeba-fra-eng; run scripts/build.sh first)
# Training is about 3x faster with a binary built for this CPU (see ATTN_NATIVE in CMakeLists.txt):
#   cmake -S . -B build-native -DATTN_NATIVE=ON -DBUILD_TESTING=OFF && cmake --build build-native --target attn
#   ATTN=build-native/attn scripts/train-fr-en.sh
# Work files go to runs/fr-en/ (git-ignored; ATTN_RUN_DIR overrides it), the corpus to runs/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
tatoeba=${1:-../shared/data/tatoeba-fra-eng}
attn=${ATTN:-build/attn}
work=${ATTN_RUN_DIR:-runs/fr-en}
corpus=${ATTN_CORPUS_DIR:-runs/corpus}
mkdir -p "$work"

[ -f "$corpus/corpus/train.tsv" ] || scripts/corpus/build.sh "$corpus"

# Training data: Tatoeba and the corpus, protected spans masked on both sides. Dev: the first 600 lines take turns
# between messages, manual paragraphs and Tatoeba, since the trainer scores the first --dev-sentences lines.
# (The evaluation sets stay as they are: the translator masks and restores spans itself.)
if [ ! -f "$work/train.tsv" ]; then
  # Tatoeba's names are nearly all Tom and Mary, its months rare: augment.py adds copies with other names/months.
  copies=()
  for _ in $(seq "${ATTN_TATOEBA_COPIES:-1}"); do copies+=("$tatoeba/train.tsv"); done
  cat "${copies[@]}" <(/usr/bin/python3 scripts/corpus/augment.py < "$tatoeba/train.tsv") \
    "$corpus/corpus/train.tsv" | "$attn" protect > "$work/train.tsv"
  paste -d '\n' <(head -n 200 "$corpus/corpus/dev-messages.tsv") <(head -n 200 "$corpus/corpus/dev-manuals.tsv") \
    <(head -n 200 "$tatoeba/dev.tsv") | "$attn" protect > "$work/dev.tsv"
fi

# Separate BPE vocabularies: the source side only pays an embedding lookup per piece, every target piece pays for
# the output layer (Vt × E).
[ -f "$work/src.json" ] || [ -n "${ATTN_INIT:-}" ] || "$attn" vocab --data "$work/train.tsv" --column 2 --size 10000 --out "$work/src.json"
[ -f "$work/tgt.json" ] || [ -n "${ATTN_INIT:-}" ] || "$attn" vocab --data "$work/train.tsv" --column 1 --size 8000 --out "$work/tgt.json"

start=(--src-vocab "$work/src.json" --tgt-vocab "$work/tgt.json"
  --lr 2e-3 --warmup 500 --decay inverse-sqrt --epochs 16)
[ -z "${ATTN_INIT:-}" ] || start=(--init "$ATTN_INIT"
  --lr "${ATTN_LR:-8e-4}" --warmup 200 --decay cosine --min-lr 4e-5 --steps "${ATTN_STEPS:-7000}")
options=(--train "$work/train.tsv" --dev "$work/dev.tsv" "${start[@]}"
  --embed 192 --hidden 256 --attention 192 --tied --protected-spans
  --batch-tokens 3000 --dropout 0.1 --label-smoothing 0.1
  --eval-every 1000 --dev-sentences 600 --patience 8 --seed 1 --threads 2
  --source-language fr --target-language en
  --checkpoint "$work/fr-en.ckpt" --checkpoint-minutes 10 --out "$work/fr-en-f32.safetensors")
[ -z "${ATTN_TRAIN_MINUTES:-}" ] || options+=(--minutes "$ATTN_TRAIN_MINUTES")
if [ -f "$work/fr-en.ckpt" ]; then
  "$attn" train "${options[@]}" --resume "$work/fr-en.ckpt"
else
  "$attn" train "${options[@]}"
fi

"$attn" quantize "$work/fr-en-f32.safetensors" models/fr-en.safetensors
for set in "$corpus/corpus/test-messages.tsv" "$corpus/corpus/test-manuals.tsv" "$tatoeba/test.tsv"; do
  echo "== $set"
  "$attn" eval -m models/fr-en.safetensors --data "$set" --beam 4 --split-sentences --by-length --threads 2
done
