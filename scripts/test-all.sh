#!/usr/bin/env bash
# The one command that runs every suite (`npm test`): typecheck, vitest (which
# includes the parity and browser tests), and the Python worker's pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "== typecheck"
npx tsc --noEmit
echo "== vitest"
npx vitest run
echo "== pytest"
bash scripts/test-py.sh
echo "storyloom: all suites passed"
