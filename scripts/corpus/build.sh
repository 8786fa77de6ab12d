#!/usr/bin/env bash
# Builds the French–English documentation corpus from Debian packages (see scripts/corpus/README.md):
# fetch (apt-get download + dpkg -x) → extract gettext messages and parallel HTML manuals → clean, remove
# everything that overlaps the reserved evaluation packages, split dev/test by source package → corpus/*.tsv.
# The recipe is committed, the data is not: WORK defaults to runs/corpus (git-ignored).
#
# usage: scripts/corpus/build.sh [WORK]     (about 15 minutes on 2 cores; needs /usr/bin/python3 with lxml)
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-runs/corpus}
reserved=${ATTN_RESERVED:-../shared/data/reserved-for-evaluation.txt}
python=/usr/bin/python3   # Debian's python, which has python3-lxml
[ -f "$reserved" ] || { echo "build: the reserved list $reserved is missing" >&2; exit 1; }

scripts/corpus/fetch.sh "$work"
rm -rf "$work/pairs"
"$python" scripts/corpus/messages.py "$work/root" "$reserved" "$work/pairs/messages"
"$python" scripts/corpus/manuals.py "$work/root" "$work/pairs/manuals"
"$python" scripts/corpus/assemble.py "$work" models/corpus-manifest.tsv
wc -l "$work"/corpus/*.tsv
