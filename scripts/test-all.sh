#!/usr/bin/env bash
# The one command that runs every suite (`npm test`): typecheck, Biome's lint and format check, vitest
# (which includes the parity, browser and process tests), and the Python side's style checks and pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "== typecheck"
npx tsc --noEmit
echo "== lint and format (Biome; npm run format fixes what it can)"
npx biome check
echo "== vitest"
npx vitest run
echo "== pytest"
bash scripts/test-py.sh
echo "storyloom: all suites passed"
