#!/usr/bin/env bash
# Installs the editors whose language clients tests/editor/ drives against `symbi lsp`:
# Neovim (built-in client) and Emacs with Eglot, from Debian's packages. Idempotent.
set -euo pipefail

need=()
command -v nvim >/dev/null 2>&1 || need+=(neovim)
command -v emacs >/dev/null 2>&1 || need+=(emacs-nox)
ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1 || need+=(elpa-eglot)
if [ "${#need[@]}" -gt 0 ]; then
    echo "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
nvim --version | head -1
emacs --version | head -1
