"""Training with styles on a styled text (source<TAB>style<TAB>text): reading it, the comparable Brown split,
style dropout, and a run end to end whose artifact loads in the engine."""
import hashlib
import json
import os

import pytest
import torch

from colab.model.artifact import load_artifact
from colab.model.lstm import ModelConfig, weights_bytes
from colab.sampling.engine import Engine
from colab.tests.conftest import CORPUS, ROOT
from colab.tests.helpers.mailbox import request
from colab.tests.helpers.styled import STYLES, train_args, train_tiny_styled, tsv_rows, write_tsv
from colab.train import main as train_main
from colab.train.data import VAL_FRACTION, CorpusError, read_corpus
from colab.train.state import load_trusted
from colab.train.styled import StyledStreamBatches, load_corpus, parse_styles, read_styled_corpus


def text_of(corpus, ids):
    return "".join(corpus.vocabulary[i] for i in ids.tolist())


def test_a_styled_text_gives_each_paragraph_its_style_and_holds_out_each_sources_tail(tmp_path):
    rows = tsv_rows(20)
    corpus = read_styled_corpus(write_tsv(tmp_path / "c.tsv", rows=rows))
    assert corpus.labels == STYLES and corpus.styles == STYLES and corpus.val_name == "brown"
    assert [int(s) for s in corpus.paragraph_styles[::20]] == [1, 2, 3, 4]
    assert list(corpus.sources) == ["brown", "austen", "mobydick"]
    for name, source in corpus.sources.items():
        text = "".join(r[2] + "\n" for r in rows if r[0] == name)
        assert source.chars == len(text) and text_of(corpus, source.val) == text[int(len(text) * (1 - VAL_FRACTION)) :]
    assert torch.equal(corpus.val, corpus.sources["brown"].val) and set(corpus.val_styles.tolist()) == {2}  # humor
    # Every training position carries its paragraph's id, the newline after the paragraph included.
    train = text_of(corpus, corpus.train)
    first = rows[0][2] + "\n"
    assert train.startswith(first) and corpus.train_paragraphs[: len(first)].tolist() == [0] * len(first)
    assert int(corpus.train_paragraphs[len(first)]) == 1
    described = corpus.describe()
    assert described["styles"] == STYLES and described["sources"]["austen"]["paragraphs"] == 20
    assert described["chars"] == sum(len(r[2]) + 1 for r in rows)


def test_the_styles_can_be_chosen_or_left_out(tmp_path):
    path = write_tsv(tmp_path / "c.tsv", 20)
    some = read_styled_corpus(path, styles=parse_styles("melville,austen"))
    assert some.labels == ["any", "melville", "austen"]
    assert sorted(set(some.paragraph_styles.tolist())) == [0, 1, 2]  # mystery and humor count as `any`
    assert int(some.paragraph_styles[-1]) == 1 and int(some.paragraph_styles[0]) == 0
    none = load_corpus(path, styles="none")
    assert none.styles == [] and none.labels == STYLES  # no style input, but the report still groups by style
    for bad in ("Austen", "a,a", ",", "x y"):
        with pytest.raises(CorpusError, match="--styles"):
            parse_styles(bad)
    with pytest.raises(CorpusError, match="needs a styled text"):
        load_corpus(CORPUS, styles="austen")
    assert load_corpus(CORPUS, 3).vocabulary == read_corpus(CORPUS, 3).vocabulary  # a .txt as always


@pytest.mark.parametrize(
    "content, message",
    [
        (b"brown\tmystery\n" * 200, "line 1: expected source<TAB>style<TAB>text"),
        (b"brown\tMystery\tSome text.\n" * 200, "line 1: expected"),
        ("brown\tmystery\tcaf\xe9\n".encode("latin-1") * 200, "not UTF-8"),
        (b"brown\tmystery\tShort.\n", "at least 1000"),
        (b"brown\tany\tNo style at all here.\n" * 200, "names no style but 'any'"),
    ],
)
def test_a_bad_styled_text_gets_a_clear_error(tmp_path, content, message):
    (tmp_path / "bad.tsv").write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        read_styled_corpus(str(tmp_path / "bad.tsv"))


def test_brown_rows_hold_out_exactly_what_the_plain_text_holds_out(tmp_path):
    with open(CORPUS, encoding="utf-8") as f:
        lines = f.read().split("\n")[:300]
    plain = tmp_path / "brown.txt"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [("austen", "austen", r[2]) for r in tsv_rows(10)[:30]]
    rows[15:15] = [("brown", "general", line) for line in lines]  # Brown's rows need not come first
    styled = read_styled_corpus(write_tsv(tmp_path / "mixed.tsv", rows=rows), 3)
    txt = read_corpus(str(plain), 3)
    assert text_of(styled, styled.val) == text_of(txt, txt.val) and len(styled.val) == len(txt.val)
    assert text_of(txt, txt.train) in text_of(styled, styled.train)


def test_style_dropout_feeds_a_fifth_of_the_paragraphs_as_any_and_draws_again_each_epoch(tmp_path):
    corpus = read_styled_corpus(write_tsv(tmp_path / "c.tsv", 500))  # 2,000 paragraphs
    batches = StyledStreamBatches(corpus, 4, 16, torch.Generator().manual_seed(1), style_dropout=0.2)
    kept = batches.kept.float().mean().item()
    assert abs(kept - 0.8) < 0.03, kept
    x, y, fresh, styles = batches.next_styled()
    true = corpus.paragraph_styles[batches.paragraph_streams[:, :16].long()]
    dropped = ~batches.kept[batches.paragraph_streams[:, :16].long()]
    assert styles.shape == x.shape and torch.equal(styles, torch.where(dropped, torch.zeros_like(true), true))
    first = batches.kept.clone()
    while not fresh:
        x, y, fresh, styles = batches.next_styled()
    assert not torch.equal(first, batches.kept) and abs(batches.kept.float().mean().item() - 0.8) < 0.03
    off = StyledStreamBatches(corpus, 4, 16, torch.Generator().manual_seed(1), style_dropout=0.0)
    assert bool(off.kept.all())


def test_training_on_a_styled_text_end_to_end_writes_an_artifact_the_engine_runs(tmp_path):
    path = train_tiny_styled(tmp_path, steps=20)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["styles"] == STYLES and doc["architecture"]["num_styles"] == 5 and doc["architecture"]["style_dim"] == 8
    training = doc["training"]
    with open(tmp_path / "tiny-styled.tsv", "rb") as f:
        assert training["corpus_sha256"] == hashlib.sha256(f.read()).hexdigest() == doc["corpus"]["sha256"]
    assert training["styles"] == STYLES and training["style_dropout"] == 0.2
    report = training["validation"]
    assert report["val"]["source"] == "brown" and report["val"]["any"] == doc["metrics"]["val_loss"]
    assert report["val"]["styled"] == doc["metrics"]["val_loss_styled"] > 0
    assert set(report["sources"]) == {"brown", "austen", "mobydick"} and set(report["styles"]) == {
        "humor",
        "austen",
        "melville",
    }
    assert all(s["loss"] > 0 and s["chars"] > 0 for s in report["sources"].values())
    assert os.path.getsize(tmp_path / "tiny-styled.loss.png") > 1000
    model, artifact = load_artifact(path)
    e = Engine(model, artifact, "cpu")
    assert e.style_of({"style": "melville"}) == (4, "melville")
    [(text, stop)] = e.generate([{**request(1, "Call me", max_chars=20), "style": "melville"}])
    assert len(text) == 20 and stop == "max_chars"


def test_a_styled_run_resumes_with_its_style_dropout_and_refuses_other_styles(tmp_path):
    train_tiny_styled(tmp_path, steps=6, extra=["--checkpoint-minutes", "0"])
    blob = load_trusted(str(tmp_path / "tiny-styled.pt"))
    assert blob["styles"] == STYLES and isinstance(blob["style_seed"], int)
    train_tiny_styled(tmp_path, steps=12, extra=["--resume"])
    assert load_trusted(str(tmp_path / "tiny-styled.pt"))["state"]["step"] == 12
    with pytest.raises(SystemExit, match="trained on another text"):
        train_tiny_styled(tmp_path, steps=14, extra=["--resume", "--styles", "austen"])


def test_styles_none_trains_a_model_without_styles_on_a_styled_text(tmp_path):
    path = train_tiny_styled(tmp_path, steps=4, extra=["--styles", "none"])
    model, artifact = load_artifact(path)
    assert artifact.styles == [] and not model.config.styled
    assert set(artifact.doc["training"]["validation"]["sources"]) == {"brown", "austen", "mobydick"}


def test_the_styled_preset_sets_the_recipe_and_fits_the_25_mb_cap(tmp_path):
    args = train_main.parse_args(["--corpus", "colab/data/corpus.tsv", "--preset", "styled"])
    assert (args.text, args.name, args.hidden_size, args.style_dim, args.style_dropout) == (
        "colab/data/corpus.tsv",
        "styled",
        640,
        16,
        0.2,
    )
    assert args.max_minutes > 0 and args.max_mb == 25
    assert train_main.parse_args(["--preset", "styled", "--hidden-size", "512"]).hidden_size == 512  # flags win
    small = train_main.parse_args(["--preset", "small"])
    assert (small.text, small.hidden_size, small.dropout, small.weight_drop) == (CORPUS[len(ROOT) + 1 :], 512, 0.4, 0.5)
    # The real corpus: 78 characters and 9 styles (any, Brown's six categories, austen, melville).
    config = ModelConfig(78, args.embedding_dim, args.hidden_size, args.num_layers, num_styles=9, style_dim=16)
    assert weights_bytes(config) / 1e6 <= args.max_mb
    with open(os.path.join(ROOT, "docs", "model.md"), encoding="utf-8") as f:
        assert "python -m colab.train --corpus colab/data/corpus.tsv --preset styled" in f.read()


def test_the_training_command_line_takes_a_styled_text(tmp_path):
    text = write_tsv(tmp_path / "c.tsv", 20)
    args = train_main.parse_args(train_args(tmp_path, "x", text, 3))
    assert args.text == text and args.styles is None and args.style_dropout == 0.2
    with pytest.raises(SystemExit):
        train_main.parse_args(train_args(tmp_path, "x", text, 3, ["--style-dropout", "1"]))


REAL_CORPUS = os.path.join(ROOT, "colab", "data", "corpus.tsv")


def test_the_real_corpus_holds_out_brown_fiction_exactly_as_today():
    # scripts/test-py.sh builds it when it is missing; run alone, build it first.
    assert os.path.exists(REAL_CORPUS), "colab/data/corpus.tsv is not built: run npm run build:corpus"
    styled, plain = read_styled_corpus(REAL_CORPUS, 3), read_corpus(CORPUS, 3)
    assert styled.labels == ["any", "general", "mystery", "science-fiction", "adventure", "romance", "humor"] + [
        "austen",
        "melville",
    ]
    assert text_of(styled, styled.val) == text_of(plain, plain.val) and len(styled.val) == 70235
