"""colab/sampling/sampler.py on the shared vectors in contract/sampling/, its options, and its stop rules."""
import json
import os

import pytest
import torch

from colab.model.artifact import load_artifact
from colab.sampling.generate import generate
from colab.sampling.sampler import (
    SamplingOptions,
    StopTracker,
    choose_next,
    filter_probs,
    hash32,
    stop_settings,
    stop_step,
    uniform,
)
from colab.tests.conftest import ROOT

with open(os.path.join(ROOT, "contract", "sampling", "vectors.json"), encoding="utf-8") as f:
    VECTORS = json.load(f)


@pytest.mark.parametrize("r", VECTORS["rng"], ids=lambda r: f"{r['seed']}-{r['step']}")
def test_rng_vectors(r):
    assert hash32(r["seed"]) == r["hash32"]
    assert uniform(r["seed"], r["step"]) == r["u"]
    tensor_u = uniform(torch.tensor([r["seed"]]), torch.tensor([r["step"]]))
    assert float(tensor_u[0]) == r["u"]


@pytest.mark.parametrize("c", VECTORS["cases"])
def test_sampler_vectors(c):
    logits = torch.tensor([VECTORS["logits"][c["logits"]]])
    t, k, p = torch.tensor([c["temperature"]]), torch.tensor([c["top_k"]]), torch.tensor([c["top_p"]])
    probs = filter_probs(logits, t, k, p)
    assert [i for i, v in enumerate(probs[0].tolist()) if v > 0] == c["kept"]
    u = torch.tensor([uniform(c["seed"], c["step"])], dtype=torch.float32)
    assert int(choose_next(logits, probs, t, u)[0]) == c["expected"]


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(temperature=-1), "temperature"),
        (dict(top_k=-1), "top_k"),
        (dict(top_p=0), "top_p"),
        (dict(max_chars=0), "max_chars"),
        (dict(min_chars=999), "min_chars"),
        (dict(stop="word"), "stop"),
        (dict(seed=2**32), "seed"),
    ],
)
def test_options_out_of_range_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        SamplingOptions(**options).check()


def run_stop(text, **options):
    vocab = sorted(set(text))
    opts = SamplingOptions(**options).check()
    tracker = StopTracker(vocab, "cpu")
    rule, min_chars, max_chars = (torch.tensor(values) for values in stop_settings([opts]))
    after, out = torch.tensor([False]), ""
    for ch in text:
        stop, keep, after = stop_step(
            tracker, rule, min_chars, max_chars, after, torch.tensor([vocab.index(ch)]), torch.tensor([len(out)])
        )
        if bool(keep[0]):
            out += ch
        if bool(stop[0]):
            break
    return out


TEXT = 'He ran. "Why?" she asked. The end came at last.\nNext paragraph here.'


def test_sentence_rule():
    assert run_stop(TEXT, stop="sentence", min_chars=0) == "He ran."
    assert run_stop(TEXT, stop="sentence", min_chars=9) == 'He ran. "Why?"'
    assert run_stop(TEXT, stop="sentence", min_chars=20) == 'He ran. "Why?" she asked.'
    assert run_stop("no stop here\nmore", stop="sentence", min_chars=5) == "no stop here"


def test_line_none_and_max_chars_rules():
    assert run_stop(TEXT, stop="line") == 'He ran. "Why?" she asked. The end came at last.'
    assert run_stop(TEXT, stop="none", max_chars=30, min_chars=0) == TEXT[:30]
    assert run_stop(TEXT, stop="line", max_chars=5, min_chars=0) == "He ra"


@pytest.fixture(scope="module")
def tiny(tiny_model):
    return load_artifact(tiny_model)


def gen(tiny, prompt="The old house ", **options):
    model, artifact = tiny
    opts = SamplingOptions(**{"max_chars": 120, "stop": "none", **options})
    return generate(model, artifact, [prompt], [opts])[0][0]


def test_temperature_zero_near_zero_and_top_k_one_are_greedy(tiny):
    greedy = gen(tiny, temperature=0)
    assert gen(tiny, temperature=1e-4, seed=5) == greedy
    assert gen(tiny, temperature=0.9, top_k=1, seed=6) == greedy


def test_a_fixed_seed_reproduces_and_another_differs(tiny):
    a = gen(tiny, temperature=1.0, seed=42)
    assert gen(tiny, temperature=1.0, seed=42) == a
    assert gen(tiny, temperature=1.0, seed=43) != a


def test_stop_reasons(tiny):
    model, artifact = tiny
    [(text, reason)] = generate(model, artifact, ["The "], [SamplingOptions(max_chars=7, stop="none")])
    assert len(text) == 7 and reason == "max_chars"


def test_no_input_character_breaks_sampling(tiny):
    assert isinstance(gen(tiny, prompt="\u0000\u202e\u05e9\U0001F600Z\u0334a\ud800" + "x" * 3000, max_chars=20), str)


def test_streams_that_stop_early_keep_their_text_in_a_batch(tiny):
    """Regression: compacting finished streams out of the batch must not lose their text."""
    model, artifact = tiny
    prompts = ["The old house ", "She opened the door and looked at the long hallway. ", "It "]
    options = [SamplingOptions(temperature=0.8, seed=100 + i, max_chars=40 + 60 * i, stop="none") for i in range(3)]
    together = generate(model, artifact, prompts, options, sync_every=4)
    alone = [generate(model, artifact, [p], [o], sync_every=4)[0] for p, o in zip(prompts, options)]
    assert together == alone
    assert [len(text) for text, _ in together] == [40, 100, 160]


def test_stop_tracker_masks_are_built_on_the_host_and_moved_in_one_copy(monkeypatch):
    vocab = list("ab .!?\"')\n")
    copies = []
    real_to = torch.Tensor.to

    def counting_to(self, *args, **kwargs):
        copies.append(args)
        return real_to(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", counting_to)
    tracker = StopTracker(vocab, "cpu")
    assert len(copies) == 4  # one per mask, none per vocabulary entry

    def chars(mask):
        return "".join(ch for ch, m in zip(vocab, mask.tolist()) if m)

    assert (chars(tracker.newline), chars(tracker.space)) == ("\n", " \n")
    assert (chars(tracker.terminal), chars(tracker.closer)) == (".!?", "\"')")
    assert tracker.newline.dtype == torch.bool and tracker.newline.shape == (len(vocab),)
