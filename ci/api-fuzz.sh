#!/usr/bin/env bash
# Fuzzes the API of `symbi up` from its own OpenAPI document with schemathesis (PyPI):
# every operation gets generated valid and invalid requests; the run fails on any 5xx
# answer or a crash. Serves one agent whose trigger runs `true` natively.
#
#   ci/api-fuzz.sh [path/to/symbi]   (default: target/debug/symbi, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

symbi="${1:-target/debug/symbi}"
[ -x "$symbi" ] || cargo build --bin symbi
symbi="$(realpath "$symbi")"
command -v schemathesis >/dev/null || python3 -m pip install --quiet "schemathesis>=4,<5"

work="$(mktemp -d)"
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/fuzz.symbi" <<'AGENT'
agent Hello {
    security { tier: None capabilities: ["network"] }
    on trigger "go" (input) {
        execute_native("true")
    }
    on schedule "0 0 3 * * *" as "nightly" (fire) {
        execute_native("true")
    }
    on webhook "push" secret "FUZZ_PUSH_SECRET" (event) {
        execute_native("true")
    }
}
AGENT
# Commands run in run/, so the audit log is outside their reach (symbi refuses it otherwise).
mkdir "$work/run"
cat > "$work/config.toml" <<CONFIG
[security]
allow_native_execution = true
[native_execution]
allowed_executables = ["true"]
working_directory = "$work/run"
[api]
port = 0
max_body_size = 65536
[storage]
audit_log = "$work/audit.jsonl"
CONFIG

token="fuzz-$RANDOM-$RANDOM"
(cd "$work" && SYMBIONT_API_TOKEN="$token" FUZZ_PUSH_SECRET="fuzz-secret" exec "$symbi" up . --config config.toml >"$work/stdout" 2>"$work/stderr") &
pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/stdout" 2>/dev/null && break
    sleep 0.1
done
base="$(sed -n 's/^listening on //p' "$work/stdout" | head -1)"
[ -n "$base" ] || { cat "$work/stderr"; echo "symbi up did not start"; exit 1; }

schemathesis run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error \
    --max-examples "${API_FUZZ_EXAMPLES:-50}" \
    --generation-deterministic \
    --workers 1 \
    --warnings off

kill -0 "$pid" || { cat "$work/stderr"; echo "symbi up crashed during the fuzz run"; exit 1; }
echo "api fuzz: no 5xx, no crash"
