import contextlib
import inspect
import io
import json
import os
import time

import pytest
import torch

from colab import train
from colab.artifact import load_artifact
from colab.tests.conftest import train_tiny
from colab.training_data import CorpusError, read_corpus


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
    blob = torch.load(os.path.join(tmp_path, "tiny.pt"))
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
        train.parse_args(["--help"])
    assert "--hidden-size" in out.getvalue()
    source = inspect.getsource(train.parse_args)
    assert source.count("add_argument(") == source.count("help=")
