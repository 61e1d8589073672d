"""Generating in styles: a batch that mixes styles gives each request what it gets alone, candidates share
their request's style, the story cache keeps states apart by style, and a style the model lacks writes with
none. On a model trained a little, a style changes what comes next, toward that style's own text."""
import pytest
import torch

from colab.model.artifact import load_artifact
from colab.sampling.cuda_graphs import LockstepGraphs
from colab.sampling.engine import Engine, options_of
from colab.sampling.generate import encode_prompt, prime, sample_streams
from colab.sampling.story_cache import StoryCache
from colab.tests.helpers.mailbox import request
from colab.tests.sampling.test_cuda_graphs import EagerSteps
from colab.train.state import evaluate
from colab.train.styled import read_styled_corpus

STORY = "01JDQ3Z6A1B2C3D4E5F6G7H8J9"


@pytest.fixture(scope="module")
def chaotic(random_styled_model):
    return load_artifact(random_styled_model)  # styles any, general, austen, melville


@pytest.fixture(scope="module")
def trained(styled_model):
    return load_artifact(styled_model)  # styles any, mystery, humor, austen, melville


def engine(loaded, cache_entries=0, **kw):
    model, artifact = loaded
    return Engine(model, artifact, "cpu", StoryCache(cache_entries), **kw)


def styled(req, style):
    return req if style is None else {**req, "style": style}


def mixed_requests():
    reqs = []
    styles = [None, "any", "general", "austen", "melville", "romance"]
    for i, style in enumerate(styles):
        reqs.append(styled(request(i, "The old house ", max_chars=20 + 9 * i, stop="none"), style))
        sampled = request(50 + i, "She said", temperature=0.9, top_k=12, seed=70 + i, max_chars=50, stop="sentence")
        reqs.append(styled({**sampled, "candidates": 1 + i % 3}, style))
    return reqs


def test_a_batch_that_mixes_styles_gives_each_request_what_it_gets_alone(chaotic):
    reqs = mixed_requests()
    together = engine(chaotic, sync_every=4).generate_candidates(reqs)
    alone = [engine(chaotic).generate_candidates([r])[0] for r in reqs]
    assert together == alone
    same = [styled(request(9, "The old house ", max_chars=40), style) for style in (None, "any", "romance")]
    same += [styled(request(9, "The old house ", max_chars=40), style) for style in ("general", "austen", "melville")]
    texts = [text for text, _ in engine(chaotic).generate(same)]
    assert texts[0] == texts[1] == texts[2]  # no style, `any`, and a style the model lacks: the same line
    assert len(set(texts[2:])) == 4  # any, general, austen, melville: four different lines


def test_candidates_share_their_request_style(chaotic):
    e = engine(chaotic)
    req = {**request(1, "The sea", temperature=0.8, seed=3, max_chars=30), "candidates": 3, "style": "melville"}
    lines = e.generate_candidates([req])[0]
    for i, line in enumerate(lines):
        alone = e.generate_candidates([{**req, "candidates": 1, "sampling": {**req["sampling"], "seed": line.seed}}])
        assert alone[0][0].text == line.text, i


def test_style_of_says_which_style_a_request_gets(chaotic, chaos_model):
    e = engine(chaotic)
    assert e.style_of({"style": "austen"}) == (2, "austen") and e.style_of({"style": "any"}) == (0, "any")
    assert e.style_of({"style": "romance"}) == (0, None) and e.style_of({}) == (0, None)
    assert e.style_of({"style": 3}) == (0, None)  # read defensively
    plain = engine(load_artifact(chaos_model))
    assert plain.style_of({"style": "austen"}) == (None, None)


def test_a_model_without_styles_ignores_the_style(chaos_model):
    plain = load_artifact(chaos_model)
    reqs = [request(1, "The old house", max_chars=30), request(2, "She said", temperature=0.8, seed=4)]
    assert engine(plain).generate([styled(r, "austen") for r in reqs]) == engine(plain).generate(reqs)


def continue_story(e, n, prompt, style):
    return e.generate([styled(request(n, prompt, story=STORY, max_chars=30, stop="none"), style)])[0]


def test_the_story_cache_never_reuses_a_state_across_styles(chaotic):
    cached = engine(chaotic, cache_entries=32)
    prompt = "The lighthouse keeper climbed the stairs. "
    first = continue_story(cached, 1, prompt, "austen")
    assert first == continue_story(engine(chaotic), 1, prompt, "austen")
    primed = cached.primed_chars
    # The same story and prompt in another style: nothing of austen's state is reused; all of it primes again.
    other = continue_story(cached, 2, prompt, "melville")
    assert other == continue_story(engine(chaotic), 2, prompt, "melville") and other != first
    assert cached.primed_chars - primed == len(encode_prompt(chaotic[1], prompt))
    # Back in austen, the next line starts from austen's cached state: only the new text primes.
    longer = prompt + first[0] + " Then"
    primed, hits = cached.primed_chars, cached.cache.hits
    assert continue_story(cached, 3, longer, "austen") == continue_story(engine(chaotic), 3, longer, "austen")
    # (the line stopped at max_chars, so its last character was not fed: it primes now, before " Then")
    assert cached.cache.hits == hits + 1 and cached.primed_chars - primed == 1 + len(" Then")


def test_the_cache_keys_states_by_style():
    cache = StoryCache(8)
    h = torch.zeros(2, 4)
    cache.store("s", [1, 2, 3], torch.zeros(5), h, h, style=2)
    assert cache.lookup("s", [1, 2, 3, 4], style=2)[0] == 3
    assert cache.lookup("s", [1, 2, 3, 4], style=0) is None and cache.lookup("s", [1, 2, 3, 4]) is None
    cache.store("s", [1, 2], torch.zeros(5), h, h)
    assert cache.lookup("s", [1, 2, 3], style=0)[0] == 2 and cache.lookup("s", [1, 2, 3], style=2)[0] == 3


def test_the_cuda_graph_path_mixes_styles_as_the_eager_path_does(chaotic):
    model, artifact = chaotic
    reqs = mixed_requests()[:9]
    styles = [[0, 0, 1, 2, 3][i % 5] for i in range(len(reqs))]
    logits, state = prime(model, [encode_prompt(artifact, r["prompt"]) for r in reqs], "cpu", styles=styles)
    options = [options_of(r) for r in reqs]
    want = sample_streams(model, artifact.vocabulary, logits, state, options, "cpu", 4, capture=True, styles=styles)
    graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=EagerSteps)
    got = graphs.sample(logits, state, options, None, True, styles)
    assert got.results == want.results
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(got.final, want.final))  # rows batched apart
    # The same recorded shape, replayed with other styles, follows them.
    other = [3 - s for s in styles]
    logits, state = prime(model, [encode_prompt(artifact, r["prompt"]) for r in reqs], "cpu", styles=other)
    again = graphs.sample(logits, state, options, None, True, other)
    eager = sample_streams(model, artifact.vocabulary, logits, state, options, "cpu", 4, styles=other)
    assert graphs.recordings == 1 and again.results == eager.results != want.results


def test_on_a_trained_model_a_style_changes_what_comes_next(trained, styled_model):
    model, artifact = trained
    ids = [encode_prompt(artifact, "The ")] * len(artifact.styles)
    logits, _ = prime(model, ids, "cpu", styles=list(range(len(artifact.styles))))
    assert all(not torch.allclose(logits[a], logits[b], atol=1e-3) for a in range(5) for b in range(a))
    # Each source's held-out text is likelier in its own style than in any other (the styles were learned).
    corpus = read_styled_corpus(styled_model[: -len(".json")] + ".tsv")
    assert corpus.labels == artifact.styles
    for source in corpus.sources.values():
        own = int(source.val_styles[0])
        losses = [
            evaluate(model, source.val, torch.device("cpu"), rows=2, window=64, styles=torch.full_like(source.val, k))
            for k in range(len(artifact.styles))
        ]
        assert min(range(len(losses)), key=losses.__getitem__) == own, (source.name, losses)
