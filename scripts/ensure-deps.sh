#!/usr/bin/env bash
# Makes sure everything the test suites need is on this machine: node_modules,
# Debian's Python with torch, requests, pytest and matplotlib, the Python style
# tools (black, flake8, mypy with typeshed's stubs), Chromium for the browser test, R's
# janeaustenr and tokenizers for the multi-source corpus (Jane Austen's novels and Moby-Dick),
# and podman, runc, mmdebstrap and podman-compose for the container test (scripts/container/ensure-tools.sh).
# Installs what is missing when it can (root with apt-get), and otherwise stops with a
# message that names exactly what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "storyloom: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

PY=/usr/bin/python3
APT_PACKAGES=(python3-torch python3-requests python3-pytest python3-matplotlib black flake8 python3-mypy
  python3-typeshed chromium fonts-noto-color-emoji)
missing=()
[ -x "$PY" ] || missing+=(python3)
if [ -x "$PY" ]; then
  "$PY" -c 'import torch' 2>/dev/null || missing+=(python3-torch)
  "$PY" -c 'import requests' 2>/dev/null || missing+=(python3-requests)
  "$PY" -c 'import pytest' 2>/dev/null || missing+=(python3-pytest)
  "$PY" -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
  "$PY" -c 'import black' 2>/dev/null || missing+=(black)
  "$PY" -c 'import flake8' 2>/dev/null || missing+=(flake8)
  "$PY" -c 'import mypy' 2>/dev/null || missing+=(python3-mypy)
  # requests' type stubs, for mypy (typeshed's third-party stubs, as Debian packages them).
  [ -d /usr/lib/python3/dist-packages/requests-stubs ] || missing+=(python3-typeshed)
fi
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Emoji in progress messages; without it, browser screenshots show empty boxes.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
# The multi-source corpus (npm run build:corpus, test/corpus.test.ts): their R data, read with Rscript.
# Without recommends they bring only r-base-core, not R's compilers and documentation.
r_missing=()
[ -d /usr/lib/R/site-library/janeaustenr/data ] || r_missing+=(r-cran-janeaustenr)
[ -d /usr/lib/R/site-library/tokenizers/data ] || r_missing+=(r-cran-tokenizers)

all_missing=("${missing[@]}" "${r_missing[@]}")
if [ ${#all_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "storyloom: installing Debian packages: ${all_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    [ ${#missing[@]} -eq 0 ] || apt-get install -y -q "${missing[@]}" >/dev/null
    [ ${#r_missing[@]} -eq 0 ] || apt-get install -y -q --no-install-recommends "${r_missing[@]}" >/dev/null
  else
    echo "storyloom: missing Debian packages: ${all_missing[*]}" >&2
    [ ${#missing[@]} -eq 0 ] || echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
    [ ${#r_missing[@]} -eq 0 ] ||
      echo "install them with: sudo apt-get install -y --no-install-recommends ${r_missing[*]}" >&2
    exit 1
  fi
fi

# The container test (test/process/container.test.ts) builds and runs the Dockerfile with podman.
bash scripts/container/ensure-tools.sh
