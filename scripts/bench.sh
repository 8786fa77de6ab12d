#!/usr/bin/env bash
# Benchmarks every engine on the same fr-en weights and the same test sentences, in one run, and writes the figures
# into BENCHMARKS.md (between its bench markers) with plots under benchmarks/.
#
#   scripts/bench.sh            the full run (about 30 minutes on 2 cores)
#   scripts/bench.sh --smoke    a few sentences, one run per engine: checks that every engine still runs and agrees
#                               (CI runs this; it writes nothing into the repository)
#
# Engines: this project native (F32, int8), its WebAssembly builds (SIMD F32 and int8, baseline int8),
# onnxruntime-web and onnxruntime-node on the same model exported to ONNX (decode loop in JavaScript),
# onnxruntime-web on that export dynamically quantized to int8 (scripts/quantize-onnx.py), and PyTorch with
# OpenBLAS. All run one thread. F32 engines get the shipped int8 model dequantized, so every engine computes with the
# same weights; each output is compared with the native engine's of the same dtype. The full run then times wasm
# SIMD int8 and both onnxruntime-web rivals interleaved, pass by pass (scripts/bench-interleaved.mjs).
# Every run's raw results stay in runs/bench/ (or ATTN_BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-full}
case "$mode" in full | --full) mode=full ;; --smoke) mode=smoke ;; *) echo "usage: scripts/bench.sh [--smoke]" >&2; exit 2 ;; esac

data=${ATTN_DATA:-../shared/data/tatoeba-fra-eng}
results=${ATTN_BENCH_DIR:-runs/bench}
if [ "$mode" = full ]; then  # ATTN_BENCH_LIMIT / ATTN_BENCH_RUNS shorten it (e.g. 500 sentences when time is short)
  limit=${ATTN_BENCH_LIMIT:-100000} runs=${ATTN_BENCH_RUNS:-3} warmup=1 load_repeats=20 sweep_inputs=40 train_steps=40
  rounds=${ATTN_BENCH_ROUNDS:-5}
else
  limit=12 runs=1 warmup=1 load_repeats=2 sweep_inputs=2
  results=${ATTN_BENCH_DIR:-runs/bench-smoke}
fi

scripts/setup.sh
scripts/build.sh >/dev/null
NODE_PATH=/usr/share/nodejs scripts/build-web.sh >/dev/null
attn=build/attn
rm -rf "$results" && mkdir -p "$results/model"

# The same weights for every engine: int8 as shipped, F32 dequantized from it, and its ONNX export.
int8=models/fr-en.safetensors
f32=$results/model/fr-en-f32.safetensors
"$attn" quantize --dtype f32 "$int8" "$f32" >/dev/null
/usr/bin/python3 scripts/export-onnx.py "$f32" "$results/model/onnx" >/dev/null
/usr/bin/python3 scripts/quantize-onnx.py "$results/model/onnx" "$results/model/onnx-int8" >/dev/null
workload=$results/workload.jsonl
"$attn" bench -m "$int8" --data "$data/test.tsv" --limit "$limit" --runs 0 --write-workload "$workload" >/dev/null

common=(--runs "$runs" --warmup "$warmup" --load-repeats "$load_repeats")
for beam in 1 4; do
  for dtype in F32 I8; do
    model=$int8; [ $dtype = F32 ] && model=$f32
    name=$dtype-beam$beam
    echo "== native $name"
    "$attn" bench -m "$model" --data "$data/test.tsv" --limit "$limit" --beam $beam "${common[@]}" \
      --result "$results/run-native-$name.json" --outputs "$results/out-native-$name.jsonl"
    for engine in wasm-simd wasm-base; do
      [ $engine = wasm-base ] && [ $dtype = F32 ] && continue  # the baseline is compared on int8 only
      echo "== $engine $name"
      node scripts/bench-js.mjs --engine $engine --model "$model" --data "$data/test.tsv" --limit "$limit" \
        --beam $beam "${common[@]}" --result "$results/run-$engine-$name.json" \
        --outputs "$results/out-$engine-$name.jsonl"
    done
  done
  for dtype in F32 I8; do
    onnx=$results/model/onnx; [ $dtype = I8 ] && onnx=$results/model/onnx-int8
    name=$dtype-beam$beam
    for engine in onnxruntime-web onnxruntime-node; do
      [ $engine = onnxruntime-node ] && [ $dtype = I8 ] && continue  # the int8 rival is the browser's runtime
      echo "== $engine $name"
      node scripts/bench-js.mjs --engine $engine --model "$onnx" --workload "$workload" --beam $beam \
        "${common[@]}" --result "$results/run-$engine-$name.json" --outputs "$results/out-$engine-$name.jsonl"
    done
  done
  name=F32-beam$beam
  echo "== pytorch $name"
  scripts/torch-openblas.sh /usr/bin/python3 scripts/reference.py bench "$f32" "$workload" --beam $beam \
    "${common[@]}" --result "$results/run-pytorch-$name.json" --outputs "$results/out-pytorch-$name.jsonl"
done

printf '{"date": "%s", "cpu": "%s", "commit": "%s"}\n' "$(date -u +%Y-%m-%d)" \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(git rev-parse --short HEAD)" \
  >"$results/machine.json"

echo "== scaling"
"$attn" bench -m "$int8" --sweep length --data "$data/test.tsv" --inputs "$sweep_inputs" --runs "$runs" \
  --result "$results/sweep-length.json"
"$attn" bench -m "$int8" --sweep beam --data "$data/test.tsv" --limit "$sweep_inputs" --runs "$runs" \
  --result "$results/sweep-beam.json"

if [ "$mode" = smoke ]; then  # training is left out: it needs a second, CPU-specific build
  /usr/bin/python3 scripts/bench-report.py "$results" --check
  exit 0
fi

for beam in 1 4; do
  echo "== interleaved beam $beam"
  node scripts/bench-interleaved.mjs --workload "$workload" --beam $beam --rounds "$rounds" \
    --engine "wasm SIMD int8=wasm-simd:$int8" --engine "onnxruntime-web F32=onnxruntime-web:$results/model/onnx" \
    --engine "onnxruntime-web int8=onnxruntime-web:$results/model/onnx-int8" \
    --result "$results/interleaved-beam$beam.json"
done

echo "== training"
scripts/bench-train.sh "$train_steps" "$results"

/usr/bin/python3 scripts/bench-report.py "$results" --markdown BENCHMARKS.md --plots benchmarks --check
