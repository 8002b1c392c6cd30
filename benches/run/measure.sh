#!/usr/bin/env bash
# Measures `symbi run` against bash doing the same work (docs/performance.md, "Running").
# Needs a release build (`cargo build --release`) and hyperfine (Debian: `apt-get install hyperfine`).
set -euo pipefail
cd "$(dirname "$0")/../.."
symbi="${CARGO_TARGET_DIR:-target}/release/symbi"
cfg=benches/run/config.toml
runs="${RUNS:-30}"

hyperfine -N --warmup 3 --runs "$runs" \
  "$symbi run benches/run/true_once.symbi --config $cfg" \
  "bash -c '/bin/true; :'"

hyperfine -N --warmup 1 --runs "$(( runs / 5 > 3 ? runs / 5 : 3 ))" \
  "$symbi run benches/run/true_500.symbi --config $cfg" \
  "bash -c 'for i in \$(seq 500); do /bin/true; done'"

for agent in true_once true_500; do
  /usr/bin/time -f "$agent: peak RSS %M KiB, %e s" "$symbi" run "benches/run/$agent.symbi" --config "$cfg" 2>&1 >/dev/null | tail -1
done
