#!/usr/bin/env bash
# Prepares the container tiers for the tests, as root: gVisor's `runsc` registered with the
# Docker engine, and the offline test image. Idempotent; safe to run on a machine where
# part of it is done already.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v busybox >/dev/null 2>&1 || need+=(busybox-static)
command -v runsc >/dev/null 2>&1 || need+=(runsc)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The engine normally runs already; start it if it does not.
if ! docker info >/dev/null 2>&1; then
    echo "starting dockerd"
    (dockerd >/var/log/dockerd-ci.log 2>&1 &)
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info >/dev/null

# Register runsc. `--network=host` makes this runsc release use the network namespace
# Docker made for the container (see docs/containers.md for why it is needed here).
runsc_path="$(command -v runsc)"
python3 - "$runsc_path" <<'PY'
import json, os, sys
path = "/etc/docker/daemon.json"
cfg = {}
if os.path.exists(path):
    with open(path) as f:
        text = f.read().strip()
        cfg = json.loads(text) if text else {}
want = {"path": sys.argv[1], "runtimeArgs": ["--network=host"]}
if cfg.get("runtimes", {}).get("runsc") != want:
    cfg.setdefault("runtimes", {})["runsc"] = want
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2)
    print("registered runsc in", path)
PY
if ! docker info --format '{{json .Runtimes}}' | grep -q '"runsc"'; then
    # dockerd reloads its runtimes on SIGHUP.
    kill -HUP "$(pidof dockerd)"
    for _ in $(seq 1 30); do
        docker info --format '{{json .Runtimes}}' | grep -q '"runsc"' && break
        sleep 1
    done
fi
docker info --format '{{json .Runtimes}}' | grep -q '"runsc"' || { echo "runsc is not registered" >&2; exit 1; }

ci/images/build-test-image.sh symbi-test-busybox:latest
