"""Training end to end on a tiny text: artifacts, checkpoints, resuming, the command line."""
import contextlib
import inspect
import io
import json
import os
import time

import pytest
import torch

from colab.model.artifact import load_artifact
from colab.tests.conftest import ROOT, train_tiny
from colab.train import main as train_main
from colab.train import train
from colab.train.data import CorpusError, read_corpus
from colab.train.state import load_trusted


def test_a_few_steps_train_quickly_and_record_everything(tmp_path):
    started = time.time()
    path = train_tiny(str(tmp_path), steps=20)
    assert time.time() - started < 60
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["metrics"]["val_loss"] > 0
    assert doc["training"]["parameters"] == sum(p.numel() for p in load_artifact(path)[0].parameters())
    assert doc["training"]["chars_seen"] == 20 * 8 * 32
    assert doc["training"]["device"].startswith("cpu")
    assert doc["training"]["wall_time_s"] > 0 and "minutes" in doc["training"]
    assert len(doc["corpus"]["sha256"]) == 64
    assert doc["training"]["settings"]["seq_len"] == 32
    assert os.path.getsize(os.path.join(tmp_path, "tiny.loss.png")) > 1000


def test_resume_continues_from_the_checkpoint(tmp_path):
    train_tiny(str(tmp_path), steps=10)
    train_tiny(str(tmp_path), steps=20, extra=["--resume"])
    blob = load_trusted(os.path.join(tmp_path, "tiny.pt"))
    assert blob["state"]["step"] == 20
    assert blob["state"]["chars_seen"] == 20 * 8 * 32


def test_resume_refuses_another_architecture(tmp_path):
    train_tiny(str(tmp_path), steps=5)
    with pytest.raises(SystemExit, match="architecture"):
        train_tiny(str(tmp_path), steps=10, extra=["--resume", "--num-layers", "3"])


def test_any_utf8_text_trains(tmp_path):
    text = tmp_path / "mine.txt"
    text.write_text("Ünïcödé stories — with “quotes” and emoji 🐈.\n" * 200, encoding="utf-8")
    corpus = read_corpus(str(text))
    assert "\n" in corpus.vocabulary and " " in corpus.vocabulary
    assert len(corpus.val) == pytest.approx(0.05 * (len(corpus.train) + len(corpus.val)), abs=2)


def test_bad_texts_get_a_clear_error(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1") * 500)
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_corpus(str(tmp_path / "latin1.txt"))
    (tmp_path / "short.txt").write_text("too short")
    with pytest.raises(CorpusError, match="at least 1000"):
        read_corpus(str(tmp_path / "short.txt"))
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(str(tmp_path / "missing.txt"))


def test_every_flag_has_help():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        train_main.parse_args(["--help"])
    assert "--hidden-size" in out.getvalue()
    source = inspect.getsource(train_main.parse_args)
    assert source.count("add_argument(") == source.count("help=")


def test_the_expected_artifact_size_is_printed_and_a_limit_refuses_up_front(tmp_path, capsys):
    path = train_tiny(str(tmp_path), steps=2)
    weights = os.path.getsize(path[: -len(".json")] + ".safetensors")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        train.check_size(load_artifact(path)[0].config, 0, print)
    mb = float(out.getvalue().split("will be ")[1].split(" MB")[0])
    assert abs(mb - weights / 1e6) < 0.1
    for sub in ("capped", "fits"):
        os.makedirs(tmp_path / sub)
    with pytest.raises(SystemExit, match="over --max-mb 0.01"):
        train_tiny(str(tmp_path / "capped"), steps=2, extra=["--max-mb", "0.01"])
    assert not os.path.exists(tmp_path / "capped" / "tiny.pt")
    train_tiny(str(tmp_path / "fits"), steps=2, extra=["--max-mb", "25"])


def test_the_documented_medium_recipe_fits_the_25_mb_cap():
    import re

    from colab.model.lstm import ModelConfig, weights_bytes

    with open(os.path.join(ROOT, "docs", "model.md"), encoding="utf-8") as f:
        readme = f.read()
    hidden = int(re.search(r"colab\.train --name medium\s+--hidden-size (\d+)", readme).group(1))
    assert weights_bytes(ModelConfig(77, 64, hidden, 2)) / 1e6 <= 25
    assert weights_bytes(ModelConfig(77, 64, 512, 2)) == 4 * 3_329_421  # the shipped small's parameters


def test_each_checkpoint_is_announced_for_the_notebook(tmp_path):
    train_tiny(str(tmp_path), steps=1)  # writes the text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert (
            train_main.main(
                [
                    "--text",
                    str(tmp_path / "tiny.txt"),
                    "--name",
                    "tiny",
                    "--out-dir",
                    str(tmp_path),
                    "--checkpoint",
                    str(tmp_path / "tiny.pt"),
                    "--hidden-size",
                    "16",
                    "--embedding-dim",
                    "8",
                    "--batch-size",
                    "4",
                    "--seq-len",
                    "16",
                    "--max-steps",
                    "3",
                    "--eval-every",
                    "100",
                    "--checkpoint-minutes",
                    "0",
                ]
            )
            == 0
        )
    lines = [x for x in out.getvalue().splitlines() if x.startswith(train.CHECKPOINT_SAVED)]
    assert len(lines) == 4 and lines[-1].endswith("tiny.pt at step 3")  # after steps 1, 2, 3, and the final save


def test_checkpoints_load_with_the_full_unpickler_whatever_torch_defaults_to(tmp_path, monkeypatch):
    from colab.train import state as train_state

    train_tiny(str(tmp_path), steps=2)
    calls = []
    real_load = torch.load

    def load_defaulting_to_weights_only(f, map_location=None, *, weights_only=True, **kw):  # torch >= 2.6
        calls.append(weights_only)
        return real_load(f, map_location=map_location, **kw)

    monkeypatch.setattr(torch, "load", load_defaulting_to_weights_only)
    assert train_state.load_trusted(os.path.join(tmp_path, "tiny.pt"))["state"]["step"] == 2
    assert calls == [False]

    def load_without_the_argument(f, map_location=None, **kw):  # an old torch
        assert "weights_only" not in kw
        return real_load(f, map_location=map_location)

    monkeypatch.setattr(torch, "load", load_without_the_argument)
    assert train_state.load_trusted(os.path.join(tmp_path, "tiny.pt"))["state"]["step"] == 2


def test_a_run_with_weight_drop_trains_and_records_the_setting(tmp_path):
    path = train_tiny(str(tmp_path), steps=12, extra=("--weight-drop", "0.3"))
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["training"]["settings"]["weight_drop"] == 0.3 and doc["metrics"]["val_loss"] > 0
