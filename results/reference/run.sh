#!/usr/bin/env bash
# Regenerates the committed reference runs (results/reference/e1 … e5) from the grids in
# results/reference/configs/, then the notebooks in notebooks/. Runtimes: README.md, section
# "Runtimes" (about 55 min in all on 2 cores); run one experiment with
# `bash results/reference/run.sh e2`. Existing run directories are moved aside, not overwritten.
set -euo pipefail
cd "$(dirname "$0")/../.."
experiments=("${@:-e3 e1 e4 e2 e5}")
for e in ${experiments[*]}; do
  dir="results/reference/$e"
  if [ -e "$dir" ]; then mv "$dir" "$dir.old-$(date -u +%Y%m%dT%H%M%SZ)"; fi
  start=$(date +%s)
  node harness/bin.mjs sweep --config "results/reference/configs/$e.json" --out "$dir"
  echo "$e: $(( $(date +%s) - start )) s" >&2
done
runs=()
for e in e1 e2 e3 e4 e5; do [ -f "results/reference/$e/summary.csv" ] && runs+=("results/reference/$e"); done
node harness/bin.mjs notebooks "${runs[@]}" --out notebooks
