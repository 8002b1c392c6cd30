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

# Instructions of the process started, all its threads. (Its forks write files of their own,
# named by their pid, which is 1 or 2 inside a call's PID namespace; they start with a copy
# of the parent's counts, so they are not added.)
measure() {
  local name=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.%p" "$@" >/dev/null 2>&1
  local main
  main=$(ls "$out/$name".* | grep -v -E "\.(1|2)$" | xargs grep -l -m1 '^summary:' | head -1)
  mv "$main" "$out/$name.main"
  grep -m1 '^summary:' "$out/$name.main" | cut -d' ' -f2 > "$out/$name.total"
  printf '%-12s %14d instructions\n' "$name" "$(cat "$out/$name.total")"
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
    echo "== $run: the functions with the most instructions of their own"
    callgrind_annotate --auto=no --inclusive=no "$out/$run.main" 2>/dev/null \
      | sed -n '/^Ir/,$p' | sed -n "3,$((TOP + 2))p"
  done
fi
