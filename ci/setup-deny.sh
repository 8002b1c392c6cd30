#!/usr/bin/env bash
# Installs cargo-deny (the dependency policy check of .ci/run) when it is not on PATH.
# Building it from crates.io takes a few minutes on a 2-core machine (measured: see
# CONTRIBUTING.md); a runner that caches ~/.cargo/bin pays that once.
set -euo pipefail
if command -v cargo-deny >/dev/null 2>&1; then
    cargo deny --version
    exit 0
fi
start=$(date +%s)
cargo install --locked cargo-deny
echo "cargo-deny installed in $(( $(date +%s) - start ))s"
