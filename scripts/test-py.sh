#!/usr/bin/env bash
# The Python suite, under Debian's python3 (torch, requests and pytest come from apt).
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 -m pytest -q colab/tests "$@"
