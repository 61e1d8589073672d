#!/usr/bin/env bash
# The Python suite, under Debian's python3 (torch, requests, pytest, black, flake8 and mypy come from apt):
# style first (black, flake8, mypy; their settings are in colab/pyproject.toml and colab/setup.cfg), then pytest.
# It builds the multi-source corpus first when it is missing. Arguments go to pytest (e.g. a test path);
# STORYLOOM_PY_STYLE=0 skips the style checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if [ "${STORYLOOM_PY_STYLE:-1}" != 0 ]; then
  echo "== black (colab/)"
  "$PY" -m black --config colab/pyproject.toml --check --quiet colab
  echo "== flake8 (colab/)"
  "$PY" -m flake8 --config colab/setup.cfg colab
  echo "== mypy (colab/)"
  "$PY" -m mypy --config-file colab/pyproject.toml
fi
# The multi-source training text (git-ignored): a training test checks its held-out Brown text against today's.
if [ ! -f colab/data/corpus.tsv ]; then
  echo "== building colab/data/corpus.tsv (npm run build:corpus; needs r-cran-janeaustenr and r-cran-tokenizers)"
  npx tsx scripts/build-corpus.ts --tsv colab/data/corpus.tsv
fi
echo "== pytest (colab/tests)"
exec "$PY" -m pytest -q colab/tests "$@"
