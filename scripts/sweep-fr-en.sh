#!/usr/bin/env bash
# Hyperparameter comparison for the fr-en model at an equal, short budget: every variant trains the same number of
# steps from the same seed with the shipped recipe (scripts/train-fr-en.sh) changed in one respect, then is scored by
# greedy BLEU/chrF2 on the whole dev set. Run it again after an interruption: finished variants are skipped.
#
# usage: scripts/sweep-fr-en.sh [DATA_DIR]     env: ATTN (binary), ATTN_SWEEP_DIR (runs/sweep), ATTN_SWEEP_STEPS (800),
#                                                   ATTN_SWEEP_THREADS (1), ATTN_SWEEP_ONLY (space-separated names)
# Prints a Markdown table; each variant's log and scores stay in its own folder.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/tatoeba-fra-eng}
attn=${ATTN:-build/attn}
work=${ATTN_SWEEP_DIR:-runs/sweep}
steps=${ATTN_SWEEP_STEPS:-800}
threads=${ATTN_SWEEP_THREADS:-1}
mkdir -p "$work"

# vocab NAME COLUMN(S) SIZE: learns one BPE vocabulary once.
vocab() {
  [ -f "$work/$1.json" ] || "$attn" vocab --data "$data/train.tsv" --column "$2" --size "$3" --out "$work/$1.json" >/dev/null
}
vocab fr8k 2 8000
vocab en6k 1 6000
vocab fr4k 2 4000
vocab en4k 1 4000
vocab joint10k 1,2 10000

# name | source vocab | target vocab | H | output tied to the target embedding | dropout
variants=(
  "shipped|fr8k|en6k|256|tied|0.2"
  "joint-bpe-10k|joint10k|joint10k|256|tied|0.2"
  "bpe-4k-4k|fr4k|en4k|256|tied|0.2"
  "untied|fr8k|en6k|256|untied|0.2"
  "hidden-384|fr8k|en6k|384|tied|0.2"
  "dropout-0.1|fr8k|en6k|256|tied|0.1"
)

for variant in "${variants[@]}"; do
  IFS='|' read -r name src tgt hidden tying dropout <<<"$variant"
  if [ -n "${ATTN_SWEEP_ONLY:-}" ] && [[ " $ATTN_SWEEP_ONLY " != *" $name "* ]]; then continue; fi
  dir="$work/$name"
  mkdir -p "$dir"
  [ -f "$dir/dev-scores.txt" ] && continue
  options=(--train "$data/train.tsv" --dev "$data/dev.tsv" --src-vocab "$work/$src.json" --tgt-vocab "$work/$tgt.json"
    --embed 192 --hidden "$hidden" --attention 192
    --batch-tokens 3000 --lr 2e-3 --warmup 500 --decay inverse-sqrt --dropout "$dropout" --label-smoothing 0.1
    --steps "$steps" --eval-every 400 --dev-sentences 500 --patience 100 --seed 1 --threads "$threads"
    --source-language fr --target-language en
    --checkpoint "$dir/model.ckpt" --checkpoint-minutes 5 --out "$dir/model.safetensors")
  [ "$tying" = tied ] && options+=(--tied)
  if [ -f "$dir/model.ckpt" ]; then
    "$attn" train "${options[@]}" --resume "$dir/model.ckpt" >>"$dir/train.log" 2>&1
  else
    "$attn" train "${options[@]}" >"$dir/train.log" 2>&1
  fi
  "$attn" eval -m "$dir/model.safetensors" --data "$data/dev.tsv" --beam 1 >"$dir/dev-eval.txt" 2>&1
  mv "$dir/dev-eval.txt" "$dir/dev-scores.txt"
done

echo "| variant | parameters | dev BLEU (greedy) | dev chrF2 | sane segments |"
echo "|---|---|---|---|---|"
for variant in "${variants[@]}"; do
  IFS='|' read -r name _ <<<"$variant"
  scores="$work/$name/dev-scores.txt"
  [ -f "$scores" ] || continue
  params=$("$attn" inspect "$work/$name/model.safetensors" | awk '/^parameters/ {print $2}')
  bleu=$(awk '/^BLEU/ {print $3; exit}' "$scores")
  chrf=$(awk '/^chrF2/ {print $3; exit}' "$scores")
  sane=$(awk '/^sane output/ {print $3; exit}' "$scores")
  echo "| $name | $params | $bleu | $chrf | $sane |"
done
