#!/usr/bin/env bash
# User-space instruction counts of `symbi run` and of bash doing the same work, with
# valgrind's callgrind (docs/performance.md, "Where the time goes"). Unlike timings, these
# do not change with the machine's load. Needs a release build and valgrind.
#   benches/run/instructions.sh            # totals
#   TOP=15 benches/run/instructions.sh     # and the functions that cost most, per run
set -euo pipefail
cd "$(dirname "$0")/../.."
symbi="${CARGO_TARGET_DIR:-target}/release/symbi"
cfg=benches/run/callgrind.toml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Instructions of the process started (file $1.main) and of its forks before they exec.
measure() {
  local name=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.%p" "$@" >/dev/null 2>&1
  local first
  first=$(ls -tr "$out/$name".* | head -1)
  mv "$first" "$out/$name.main"
  local main forks=0
  main=$(grep -m1 '^summary:' "$out/$name.main" | cut -d' ' -f2)
  for f in "$out/$name".*; do
    [ "$f" = "$out/$name.main" ] && continue
    forks=$((forks + $(grep -m1 '^summary:' "$f" | cut -d' ' -f2)))
  done
  printf '%-28s %14d instructions in the process, %12d in its forks before exec\n' "$name" "$main" "$forks"
  echo "$main" > "$out/$name.total"
}

measure symbi_once "$symbi" run benches/run/true_once.symbi --config "$cfg"
measure symbi_500 "$symbi" run benches/run/true_500.symbi --config "$cfg"
measure bash_once bash -c '/bin/true; :'
measure bash_500 bash -c 'for i in $(seq 500); do /bin/true; done'
once=$(cat "$out/symbi_once.total")
five=$(cat "$out/symbi_500.total")
per_call=$(( (five - once) / 499 ))
echo "symbi: per call $per_call, start-up and one call $once"
bash_once=$(cat "$out/bash_once.total")
bash_five=$(cat "$out/bash_500.total")
echo "bash:  per spawn $(( (bash_five - bash_once) / 499 )), start-up and one spawn $bash_once"
if [ -n "${TOP:-}" ]; then
  for run in symbi_once symbi_500; do
    echo "== $run"
    callgrind_annotate --inclusive=no "$out/$run.main" 2>/dev/null | sed -n "1,/^-- /d; /^-----/d; p" | head -"$TOP"
  done
fi
