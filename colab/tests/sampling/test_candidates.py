"""Candidate lines on the worker's engine: the shared vectors in contract/sampling/candidates.json (the same texts
the TypeScript engine makes: test/model/candidates.test.ts checks them too), candidates that differ, each one
reproduced alone from its seed, one candidate exactly today's line, one priming per prompt, and the story cache."""
import json
import os

import pytest

from colab.model.artifact import load_artifact
from colab.protocol.schemas import MAX_CANDIDATES
from colab.sampling.engine import Candidate, Engine, candidate_count
from colab.sampling.generate import encode_prompt, generate
from colab.sampling.sampler import SamplingOptions, candidate_seed
from colab.sampling.story_cache import StoryCache
from colab.tests.conftest import ROOT

with open(os.path.join(ROOT, "contract", "sampling", "candidates.json"), encoding="utf-8") as f:
    VECTORS = json.load(f)
CASES = VECTORS["batch"]


@pytest.fixture(scope="module")
def small():
    return load_artifact(os.path.join(ROOT, VECTORS["model"]))


def engine(small, cache_entries=0):
    model, artifact = small
    return Engine(model, artifact, "cpu", StoryCache(cache_entries))


def request(case, story="s", **changes):
    doc = {"story_id": story, "prompt": case["prompt"], "sampling": dict(case["sampling"])}
    if "candidates" in case:
        doc["candidates"] = case["candidates"]
    return {**doc, **changes}


def expected(case):
    return [Candidate(c["text"], c["stop"], c["seed"]) for c in case["expected"]]


@pytest.mark.parametrize("v", VECTORS["seeds"], ids=lambda v: f"{v['seed']}-{v['i']}")
def test_candidate_seed_vectors(v):
    assert candidate_seed(v["seed"], v["i"]) == v["candidate_seed"]


def test_candidate_0_keeps_the_seed_and_the_others_never_repeat_one_another():
    for seed in (0, 1, 7, 3141592653, 0xFFFFFFFF):
        seeds = [candidate_seed(seed, i) for i in range(MAX_CANDIDATES)]
        assert seeds[0] == seed and len(set(seeds)) == MAX_CANDIDATES


def test_one_batch_gives_every_candidate_the_typescript_engine_gives(small):
    got = engine(small).generate_candidates([request(c, f"s{k}") for k, c in enumerate(CASES)])
    assert got == [expected(c) for c in CASES]


def test_each_job_in_a_batch_gets_what_it_gets_alone(small):
    e = engine(small)
    alone = [e.generate_candidates([request(c)])[0] for c in CASES]
    assert alone == [expected(c) for c in CASES]


def test_candidates_differ_when_sampling(small):
    for case in (c for c in CASES if c.get("candidates", 1) > 1 and c["sampling"]["temperature"] > 0):
        [got] = engine(small).generate_candidates([request(case)])
        assert len({c.text for c in got}) == len(got)


def test_each_candidate_is_the_line_a_one_line_request_with_its_seed_gets(small):
    model, artifact = small
    case = next(c for c in CASES if c.get("candidates") == MAX_CANDIDATES)
    [got] = engine(small).generate_candidates([request(case)])
    options = [SamplingOptions(**{**case["sampling"], "seed": c.seed}) for c in got]
    assert generate(model, artifact, [case["prompt"]] * len(got), options) == [(c.text, c.stop) for c in got]


def test_one_candidate_is_exactly_the_line_of_a_request_that_asks_for_none(small):
    model, artifact = small
    plain = next(c for c in CASES if "candidates" not in c)
    [(text, stop)] = generate(model, artifact, [plain["prompt"]], [SamplingOptions(**plain["sampling"])])
    assert [Candidate(text, stop, plain["sampling"]["seed"])] == expected(plain)
    assert engine(small).generate_candidates([request(plain, candidates=1)]) == [expected(plain)]
    many = next(c for c in CASES if c.get("candidates", 1) > 1)
    first = expected(many)[0]
    assert engine(small).generate([request(many)]) == [(first.text, first.stop)]


def test_each_prompt_primes_once_and_every_candidate_samples_in_one_lockstep(small, monkeypatch):
    e = engine(small)
    rows = []
    sample = e.sample

    def counted(logits, state, options, on_sync=None, styles=None):
        rows.append(len(options))
        return sample(logits, state, options, on_sync, styles)

    monkeypatch.setattr(e, "sample", counted)
    many = next(c for c in CASES if c.get("candidates") == 3)
    plain = next(c for c in CASES if "candidates" not in c)
    e.generate_candidates([request(many, "a"), request(plain, "b")])
    assert rows == [4]
    assert e.primed_chars == sum(len(encode_prompt(small[1], c["prompt"])) for c in (many, plain))


@pytest.mark.parametrize("n", [0, 9, 2.5, "3", True])
def test_a_number_of_candidates_out_of_range_is_refused(small, n):
    with pytest.raises(ValueError, match="candidates must be an integer from 1 to 5"):
        engine(small).generate_candidates([request(CASES[0], candidates=n)])
    assert candidate_count({}) == 1


def test_the_story_cache_keeps_every_candidate_so_whichever_the_story_goes_on_with_primes_only_its_news(small):
    cached, fresh = engine(small, cache_entries=64), engine(small)
    case = next(c for c in CASES if c.get("candidates") == 3)
    [got] = cached.generate_candidates([request(case)])
    for pick in (2, 0):
        nxt = request(case, prompt=case["prompt"] + got[pick].text + " ", candidates=2)
        before = cached.primed_chars
        assert cached.generate_candidates([nxt]) == fresh.generate_candidates([nxt])
        # From the picked candidate's own state: its last character (at max_chars) and the space, not its text.
        assert cached.primed_chars - before <= 2
