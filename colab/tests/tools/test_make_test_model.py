"""colab/tools/make_test_model.py: the same files on every run, and a reference the engine agrees with."""
import contextlib
import io
import json

import pytest

from colab.model.artifact import load_artifact
from colab.sampling.engine import Engine
from colab.tests.helpers.mailbox import request
from colab.tools import make_test_model


def make(out, *args):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert make_test_model.main(["--out", str(out), *args]) == 0
    return printed.getvalue().split()


def test_the_same_arguments_write_the_same_files(tmp_path):
    first = make(tmp_path / "a", "--styles", "--name", "tiny-styled")
    second = make(tmp_path / "b", "--styles", "--name", "tiny-styled")
    assert [p.split("/")[-1] for p in first] == [
        "tiny-styled.json",
        "tiny-styled.safetensors",
        "tiny-styled.reference.json",
    ]
    for a, b in zip(first, second):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            assert fa.read() == fb.read(), a


@pytest.mark.parametrize("styles", [["--styles"], ["--styles", "any,romance,humor"], []])
def test_the_reference_is_what_the_engine_writes(tmp_path, styles):
    model_path, _, ref_path = make(tmp_path, *styles, "--name", "m")
    model, artifact = load_artifact(model_path)
    with open(ref_path, encoding="utf-8") as f:
        ref = json.load(f)
    expected_styles = (
        []
        if not styles
        else (["any", "general", "austen", "melville"] if len(styles) == 1 else ["any", "romance", "humor"])
    )
    assert artifact.styles == ref["styles"] == expected_styles and ref["weights_sha256"] == artifact.weights_sha256
    engine = Engine(model, artifact, "cpu")
    cases = ref["cases"]
    assert [c["style"] for c in cases] == (expected_styles or [None])
    reqs = []
    for k, case in enumerate(cases):
        sampled = {**ref["sampled_options"], "min_chars": None}
        req = request(k, ref["prompt"], **sampled)
        reqs.append(req if case["style"] is None else {**req, "style": case["style"]})
        assert len(case["logits"]) == len(artifact.vocabulary) and len(case["greedy"]["text"]) == 40
    got = engine.generate(reqs)
    assert [text for text, _ in got] == [c["sampled"]["text"] for c in cases] == [m["text"] for m in ref["mixed_batch"]]
    if expected_styles:
        assert len({c["greedy"]["text"] for c in cases}) == len(cases)  # every style writes its own line
