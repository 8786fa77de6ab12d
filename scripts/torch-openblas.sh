#!/usr/bin/env bash
# Runs a command with Debian's torch doing its matrix products on OpenBLAS: libtorch_cpu resolves sgemm through
# libblas.so.3, which is the (about 20x slower) reference BLAS unless the alternatives system points it at
# OpenBLAS; putting OpenBLAS's libblas.so.3 first on the library path selects it without root changes.
# OpenBLAS keeps its own thread pool, which torch.set_num_threads does not reach: OPENBLAS_NUM_THREADS defaults to
# 1 here (the single-threaded benchmark); set it to the thread count for multi-threaded training.
# On a machine whose cores are busy with other work, multi-threaded torch also wants OMP_WAIT_POLICY=PASSIVE: its
# OpenMP threads otherwise spin between the many small parallel regions of a training step (measured on 2 busy
# cores: 172 target tokens/s with the default policy, 756 with PASSIVE). This script leaves that choice to the caller.
#
# usage: scripts/torch-openblas.sh CMD [ARGS...]
#   e.g. scripts/torch-openblas.sh /usr/bin/python3 scripts/reference.py bench MODEL WORKLOAD --beam 1
set -euo pipefail
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [ ! -e "$openblas/libblas.so.3" ]; then
  echo "torch-openblas.sh: $openblas/libblas.so.3 not found (apt-get install libopenblas0-pthread)" >&2
  exit 1
fi
export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
exec "$@"
