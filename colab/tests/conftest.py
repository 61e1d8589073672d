"""Shared fixtures: the repository root on sys.path, and a tiny model trained once per session."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

CORPUS = os.path.join(ROOT, "colab", "data", "brown-fiction.txt")
SMALL_MODEL = os.path.join(ROOT, "colab", "models", "small.json")


def train_tiny(out_dir, name="tiny", steps=30, extra=()):
    """Trains a tiny model on the first 60 kB of the corpus; returns its json path."""
    from colab import train

    text = os.path.join(out_dir, f"{name}.txt")
    with open(CORPUS, encoding="utf-8") as src, open(text, "w", encoding="utf-8") as dst:
        dst.write(src.read()[:60_000])
    args = ["--text", text, "--name", name, "--out-dir", str(out_dir), "--checkpoint", os.path.join(out_dir, f"{name}.pt"),
            "--hidden-size", "48", "--embedding-dim", "16", "--batch-size", "8", "--seq-len", "32",
            "--max-steps", str(steps), "--eval-every", "10", "--warmup-steps", "5", "--lr", "1e-2", "--quiet", *extra]
    assert train.main(args) == 0
    return os.path.join(out_dir, f"{name}.json")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    return train_tiny(str(tmp_path_factory.mktemp("tiny")))
