#!/usr/bin/env bash
# Training throughput: `attn train` against the same network, batch and thread count in PyTorch (OpenBLAS), on the
# fr-en configuration (E192 H256 A192, tied output, 8,000/6,000 BPE pieces, ~3,000-token batches, dropout 0.2, label
# smoothing 0.1, Adam). Writes RESULTS_DIR/train-attn.json and train-pytorch.json for scripts/bench-report.py.
#
# usage: scripts/bench-train.sh STEPS RESULTS_DIR     (run by scripts/bench.sh; needs build-native/, see below)
# Both sides run 2 threads with OMP_WAIT_POLICY=PASSIVE: on a shared machine, spinning OpenMP threads cost PyTorch
# up to 4x and the comparison would measure the neighbours. `attn train` is built with -DATTN_NATIVE=ON (its Eigen
# code uses the CPU's vector units only when compiled for them); torch's kernels pick them at run time. The attn
# figure averages over all steps; PyTorch's excludes its warm-up steps.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:?usage: scripts/bench-train.sh STEPS RESULTS_DIR}
results=${2:?usage: scripts/bench-train.sh STEPS RESULTS_DIR}
data=${ATTN_DATA:-../shared/data/tatoeba-fra-eng}
threads=2
export OMP_WAIT_POLICY=PASSIVE

cmake -S . -B build-native -G Ninja -DCMAKE_BUILD_TYPE=Release -DATTN_NATIVE=ON >/dev/null
cmake --build build-native -j "$(nproc)" --target attn >/dev/null
attn=build-native/attn
work=$results/train
mkdir -p "$work"

# The shipped model's vocabularies, so both trainers see the same pieces; the weights start random.
/usr/bin/python3 - models/fr-en.safetensors "$work" <<'PY'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    metadata = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))["__metadata__"]
for side in ("src", "tgt"):
    with open(f"{sys.argv[2]}/{side}.json", "w", encoding="utf-8") as out:
        out.write(metadata[f"{side}_tokenizer"])
PY

"$attn" train --train "$data/train.tsv" --src-vocab "$work/src.json" --tgt-vocab "$work/tgt.json" \
  --embed 192 --hidden 256 --attention 192 --tied --batch-tokens 3000 --dropout 0.2 --label-smoothing 0.1 \
  --steps "$steps" --threads $threads --seed 1 --out "$work/attn.safetensors" >"$work/attn.log" 2>&1
rate=$(sed -n 's/.* \([0-9.]*\) target tokens\/s.*/\1/p' "$work/attn.log" | tail -1)
printf '{"engine": "attn", "threads": %d, "steps": %d, "target_tokens_per_s": %s, "batch_target_tokens": 3000}\n' \
  $threads "$steps" "$rate" >"$results/train-attn.json"

"$attn" bench -m "$work/attn.safetensors" --data "$data/train.tsv" --write-workload "$work/train.jsonl" \
  --target-column 1 --runs 0 >/dev/null
OPENBLAS_NUM_THREADS=$threads scripts/torch-openblas.sh /usr/bin/python3 scripts/reference.py train-bench \
  "$work/attn.safetensors" "$work/train.jsonl" --threads $threads --steps "$steps" --batch-tokens 3000 \
  --result "$results/train-pytorch.json"
