"""Batching and the story state cache: each request gets exactly what it gets alone, from scratch."""
import pytest
import torch

from colab.model.artifact import load_artifact
from colab.sampling.engine import Engine
from colab.sampling.generate import encode_prompt, prime
from colab.sampling.story_cache import StoryCache
from colab.tests.helpers.mailbox import request

PROMPTS = [
    "The old house ",
    "",
    "He said nothing at all, and the rain went on falling on the roof. ",
    "A" * 300,
    "Zero\u0000width, emoji \U0001F408, and a lone \ud800.",
]


@pytest.fixture(scope="module")
def tiny(chaos_model):
    return load_artifact(chaos_model)


@pytest.fixture(scope="module")
def nospace(nospace_model):
    return load_artifact(nospace_model)


def engine(tiny, cache_entries=0, **kw):
    model, artifact = tiny
    return Engine(model, artifact, "cpu", StoryCache(cache_entries), **kw)


def mixed_requests():
    reqs = []
    for i, prompt in enumerate(PROMPTS):
        reqs.append(request(i, prompt, max_chars=30 + 17 * i, stop="none"))
        reqs.append(
            request(
                100 + i,
                prompt,
                temperature=0.9,
                top_k=20,
                top_p=0.9,
                seed=1000 + i,
                max_chars=60,
                stop="sentence",
                min_chars=5,
            )
        )
    return reqs


def test_each_request_in_a_batch_gets_what_it_gets_alone(tiny):
    reqs = mixed_requests()
    together = engine(tiny, sync_every=4).generate(reqs)
    alone = [engine(tiny).generate([r])[0] for r in reqs]
    assert together == alone
    assert all(len(text) > 0 for text, _ in together[::2])


def test_priming_in_windows_is_priming_in_one_pass(tiny):
    model, artifact = tiny
    ids = [encode_prompt(artifact, p) for p in PROMPTS]
    e = engine(tiny, prime_window=7)
    windowed, _ = e.prime_all(["s"] * len(ids), ids)
    whole, _ = prime(model, [i for i in ids if i], "cpu")
    assert torch.allclose(windowed[[b for b, i in enumerate(ids) if i]], whole, atol=1e-5)


def continue_story(e, n, prompt, **sampling):
    options = {"max_chars": 80, "stop": "sentence", "min_chars": 10, **sampling}
    return e.generate([request(n, prompt, story="01JDQ3Z6A1B2C3D4E5F6G7H8J9", **options)])[0]


def test_the_cache_primes_only_the_new_text_and_changes_nothing(nospace):
    cached, fresh = engine(nospace, cache_entries=16), engine(nospace)
    story = "Thelighthousekeeperclimbedthestairs."
    for n in range(4):
        before = cached.primed_chars
        got = continue_story(cached, n, story, max_chars=30 + n, stop="none", temperature=0.7, seed=n)
        assert got == continue_story(fresh, n, story, max_chars=30 + n, stop="none", temperature=0.7, seed=n)
        if n == 0:
            assert cached.primed_chars - before == len(encode_prompt(nospace[1], story))
        else:  # cached: the state after the prompt and all but the last generated character
            assert cached.primed_chars - before == 2  # that last character, and the "."
        story = story + got[0] + "."
    assert cached.cache.hits == 3 and fresh.primed_chars > 3 * len(story) / 2


def test_cached_stories_match_fresh_ones_with_stop_rules_and_sampling(tiny):
    cached, fresh = engine(tiny, cache_entries=16), engine(tiny)
    story = "It was late when the train came in. "
    for n in range(5):
        options = {"temperature": 0.3 * (n % 3), "seed": n, "stop": ("sentence", "line", "none")[n % 3]}
        got = continue_story(cached, n, story, **options)
        assert got == continue_story(fresh, n, story, **options)
        story = story + got[0] + ("\n" if n % 2 else " ")
    assert cached.cache.hits == 4 and cached.primed_chars < fresh.primed_chars / 2


def test_an_edited_story_falls_back_to_the_longest_cached_prefix(tiny):
    cached, fresh = engine(tiny, cache_entries=16), engine(tiny)
    story = "It was late when the train came in. "
    continue_story(cached, 0, story)
    edited = story + "Nobody met her at the station."
    assert continue_story(cached, 1, edited) == continue_story(fresh, 1, edited)
    assert cached.primed_chars == len(encode_prompt(tiny[1], edited))  # the story prefix came from the cache


def test_stories_in_one_batch_share_nothing(tiny):
    cached, fresh = engine(tiny, cache_entries=16), engine(tiny)
    reqs = [request(i, "Same prompt. ", story=f"01JDQ3Z6A1B2C3D4E5F6G7H8J{i}", max_chars=50) for i in range(3)]
    assert cached.generate(reqs) == fresh.generate(reqs)
    assert cached.generate(reqs) == fresh.generate(reqs) and cached.cache.hits == 3


def test_the_cache_is_a_bounded_lru(tiny):
    cache = StoryCache(3)
    h = torch.zeros(2, 4)
    for k in range(5):
        cache.store(f"s{k}", [1, 2, k], torch.zeros(3), h, h)
    assert len(cache) == 3 and cache.lookup("s0", [1, 2, 0]) is None
    assert cache.lookup("s4", [1, 2, 4, 9])[0] == 3
    assert cache.lookup("s4", [1, 2, 5]) is None and cache.lookup("s4", [1, 2]) is None
    cache.clear()
    assert len(cache) == 0 and StoryCache(0).lookup("s", [1]) is None
