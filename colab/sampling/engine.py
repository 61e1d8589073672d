"""The worker's generator: a loaded model that continues many requests in one batch.

Every request's primed ids start from the longest state the story cache holds for
its story (or from zeros) and only the rest is run, in one packed pass per window
of `prime_window` characters; then all streams sample in lockstep on the device
(colab/sampling/generate.py). A request for several candidate lines (`candidates`) primes once,
and its state is forked into one stream per candidate, candidate i sampling with
candidate_seed(seed, i); they sample in the same lockstep as every other stream. After the
batch, the cache keeps each story's state after its prompt, and after its prompt plus each
generated text, for the story's next line.

Styles: a request's `style` (protocol revision 3) picks the model's style id of that name;
a model without styles, or without that one, writes with none (`any`, or no style input at
all) and `style_of` says so (name None). A stream keeps its style for priming and sampling,
a request's candidates share it, a batch may mix styles, and the story cache keys states by
style too.

Usage:
    engine = Engine(model, artifact, "cuda", StoryCache(256))
    results = engine.generate(requests)   # requests as colab/protocol/parse.py parses them -> [(text, stop)]
    lines = engine.generate_candidates(requests)   # -> [[Candidate(text, stop, seed)]], every candidate of each
    style_id, style_name = engine.style_of(request)   # the style a request is written in (name None: none)
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, NamedTuple, Optional, Sequence, Union

import torch

from colab.model.artifact import Artifact
from colab.model.lstm import CharLSTM, State
from colab.protocol.schemas import MAX_CANDIDATES
from colab.sampling.cuda_graphs import GraphsUnavailable, LockstepGraphs, graphs_available
from colab.sampling.generate import encode_prompt, fed_text, prime, sample_streams
from colab.sampling.lockstep import Sampled
from colab.sampling.sampler import SamplingOptions, candidate_seed
from colab.sampling.story_cache import StoryCache


def options_of(request: dict[str, Any]) -> SamplingOptions:
    """The request's sampling settings, checked."""
    s = request["sampling"]
    return SamplingOptions(
        s["temperature"], s["top_k"], s["top_p"], s["max_chars"], s.get("min_chars"), s["stop"], s["seed"]
    ).check()


def requested_style(request: dict[str, Any]) -> Optional[str]:
    """The style a request asks for (revision 3's `style`), or None; read defensively (any non-string: none)."""
    style = request.get("style")
    return style if isinstance(style, str) and style else None


def candidate_count(request: dict[str, Any]) -> int:
    """How many candidate lines the request asks for (1 when it does not say); ValueError outside 1..5."""
    n = request.get("candidates", 1)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CANDIDATES:
        raise ValueError(f"candidates must be an integer from 1 to {MAX_CANDIDATES}")
    return n


class Candidate(NamedTuple):
    """One candidate line of a request: its text, why it stopped, and the seed it was sampled with."""

    text: str
    stop: str
    seed: int


def fork(logits: torch.Tensor, state: State, rows: Sequence[int]) -> tuple[torch.Tensor, State]:
    """Primed streams as candidate streams: row r copies stream rows[r] -> logits (R, V), state ((L, R, H), ...)."""
    if list(rows) == list(range(logits.shape[0])):  # one candidate each: the streams themselves
        return logits, state
    index = torch.tensor(rows, dtype=torch.long, device=logits.device)
    h, c = state  # (L, B, H) each
    return logits[index], (h[:, index], c[:, index])


class Engine:
    """Generates for batches of requests, remembering story states between batches."""

    def __init__(
        self,
        model: CharLSTM,
        artifact: Artifact,
        device: Union[str, torch.device],
        cache: Optional[StoryCache] = None,
        sync_every: int = 16,
        prime_window: int = 1024,
        cuda_graphs: bool = True,
        compile: bool = True,
        log: Optional[Callable[[str], None]] = None,
    ) -> None:
        self.model, self.artifact, self.device = model, artifact, device
        self.cache = cache if cache is not None else StoryCache(0)
        # On a GPU, sampling replays CUDA graphs of sync_every steps (colab/sampling/cuda_graphs.py).
        self.graphs: Optional[LockstepGraphs] = (
            LockstepGraphs(model, artifact.vocabulary, device, sync_every, compile=compile)
            if cuda_graphs and graphs_available(device)
            else None
        )
        self.log: Callable[[str], None] = log or (lambda text: None)
        self.sync_every, self.prime_window = sync_every, prime_window
        self.index = {ch: i for i, ch in enumerate(artifact.vocabulary)}
        self.primed_chars = 0  # characters run through priming: what the cache saves
        self.generated_chars = 0

    def style_of(self, request: dict[str, Any]) -> tuple[Optional[int], Optional[str]]:
        """The style a request is written in -> (style id, name): (None, None) on a model without styles,
        (0, None) when it has styles but the request asks for none or for one it lacks (unconditioned, `any`),
        else the id and name asked for."""
        if not self.model.config.styled:
            return None, None
        name = requested_style(request)
        style_id = self.artifact.style_id(name)
        return (0, None) if style_id is None else (style_id, name)

    def generate(
        self, requests: Sequence[dict[str, Any]], on_sync: Optional[Callable[[], None]] = None
    ) -> list[tuple[str, str]]:
        """Continues every request's prompt -> list of (text, stop_reason), in order: each one's candidate 0."""
        return [(first.text, first.stop) for first, *_ in self.generate_candidates(requests, on_sync)]

    @torch.no_grad()
    def generate_candidates(
        self, requests: Sequence[dict[str, Any]], on_sync: Optional[Callable[[], None]] = None
    ) -> list[list[Candidate]]:
        """Every request's candidate lines -> [[Candidate]], in order: each prompt primes once, its state is
        forked into one stream per candidate (in the request's style), and all the streams sample in lockstep."""
        counts = [candidate_count(r) for r in requests]
        stories = [r["story_id"] for r in requests]
        id_lists = [encode_prompt(self.artifact, r["prompt"]) for r in requests]
        options = [options_of(r) for r in requests]
        # Each request's style id (a model with styles), None without styles: no style input at all.
        styles = [self.style_of(r)[0] or 0 for r in requests] if self.model.config.styled else None
        logits, state = self.prime_all(stories, id_lists, styles)
        rows = [b for b, n in enumerate(counts) for _ in range(n)]  # the request of each stream
        seeds = [candidate_seed(options[b].seed, i) for b, n in enumerate(counts) for i in range(n)]
        logits, state = fork(logits, state, rows)
        stream_styles = [styles[b] for b in rows] if styles is not None else None  # candidates share the style
        stream_options = [replace(options[b], seed=s) for b, s in zip(rows, seeds)]
        sampled = self.sample(logits, state, stream_options, on_sync, stream_styles)
        if self.cache.enabled and sampled.final is not None:  # captured whenever the cache is on
            f_logits, f_h, f_c = sampled.final
            for r, (b, (text, reason)) in enumerate(zip(rows, sampled.results)):
                ids = id_lists[b] + [self.index[ch] for ch in fed_text(text, reason)]
                style = styles[b] if styles is not None else 0
                self.cache.store(stories[b], ids, f_logits[r], f_h[:, r], f_c[:, r], style)
        self.generated_chars += sum(len(text) for text, _ in sampled.results)
        lines: list[list[Candidate]] = [[] for _ in requests]
        for b, seed, (text, reason) in zip(rows, seeds, sampled.results):
            lines[b].append(Candidate(text, reason, seed))
        return lines

    def sample(
        self,
        logits: torch.Tensor,
        state: State,
        options: Sequence[SamplingOptions],
        on_sync: Optional[Callable[[], None]] = None,
        styles: Optional[Sequence[int]] = None,
    ) -> Sampled:
        """Samples the primed streams (each in its style id, a model with styles) -> Sampled; CUDA graphs when
        there are, else eagerly."""
        try:
            return sample_streams(
                self.model,
                self.artifact.vocabulary,
                logits,
                state,
                options,
                self.device,
                self.sync_every,
                on_sync,
                capture=self.cache.enabled,
                graphs=self.graphs,
                styles=styles,
            )
        except GraphsUnavailable as error:
            graphs = self.graphs  # only the CUDA-graph path raises it
            if graphs is not None and graphs.compile:
                self.log(f"{error}; recording uncompiled steps from now on")
                graphs.compile = False
                graphs.recorded.clear()
            else:
                self.log(f"{error}; sampling eagerly from now on")
                self.graphs = None
            return self.sample(logits, state, options, on_sync, styles)

    def warm_up(self) -> bool:
        """Compiles and records the sampling step before any request needs it -> whether there was work.

        On a GPU with torch.compile the first batch compiles for about 20 s (one batch
        of 1 and one of many cover every later shape); this moves the wait to startup.
        """
        if self.graphs is None or not self.graphs.compile:
            return False
        cfg = self.model.config
        # A batch size equal to another size in the step would be specialized on it (torch's duck sizing).
        many = next(n for n in (64, 32, 16, 8) if n not in (cfg.num_layers, cfg.hidden_size, cfg.vocab_size))
        for n in (many, 1):
            ids = [encode_prompt(self.artifact, "Warm up.")] * n
            logits, state = prime(self.model, ids, self.device)
            self.sample(logits, state, [SamplingOptions(max_chars=8, stop="none", seed=k).check() for k in range(n)])
        return True

    def prime_all(
        self,
        stories: Sequence[str],
        id_lists: Sequence[Sequence[int]],
        styles: Optional[Sequence[int]] = None,
    ) -> tuple[torch.Tensor, State]:
        """Primes every stream from its cached prefix (in its style id, a model with styles; None: `any`)
        -> logits (B, V), state ((L, B, H), (L, B, H))."""
        cfg = self.model.config
        B, L, H = len(id_lists), cfg.num_layers, cfg.hidden_size
        h = torch.zeros(L, B, H, device=self.device)
        c = torch.zeros(L, B, H, device=self.device)
        logits = self.model.head(h[-1])  # (B, V): what an empty prompt gives
        starts = [0] * B
        keys = list(styles) if styles is not None else [0] * B  # the style each state is cached under
        for b, (story, ids) in enumerate(zip(stories, id_lists)):
            hit = self.cache.lookup(story, ids, keys[b])
            if hit:
                starts[b], logits[b], h[:, b], c[:, b] = hit
        todo = [b for b in range(B) if len(id_lists[b]) > starts[b]]
        if todo:
            rest = [id_lists[b][starts[b] :] for b in todo]
            todo_styles = [styles[b] for b in todo] if styles is not None else None
            t_logits, (t_h, t_c) = self.prime_windows(rest, (h[:, todo], c[:, todo]), todo_styles)
            logits[todo], h[:, todo], c[:, todo] = t_logits, t_h, t_c
        for b in range(B):
            self.cache.store(stories[b], id_lists[b], logits[b], h[:, b], c[:, b], keys[b])
        return logits, (h, c)

    def prime_windows(
        self, id_lists: Sequence[Sequence[int]], state: State, styles: Optional[Sequence[int]] = None
    ) -> tuple[torch.Tensor, State]:
        """Runs id lists on from `state` (each in its style id), `prime_window` characters at a time (bounded
        memory)."""
        h, c = state  # (L, B, H) each
        logits = torch.zeros(len(id_lists), self.model.config.vocab_size, device=self.device)
        longest = max(len(ids) for ids in id_lists)
        for start in range(0, longest, self.prime_window):
            live = [b for b, ids in enumerate(id_lists) if len(ids) > start]
            chunk = [id_lists[b][start : start + self.prime_window] for b in live]
            chunk_styles = [styles[b] for b in live] if styles is not None else None
            w_logits, (w_h, w_c) = prime(self.model, chunk, self.device, (h[:, live], c[:, live]), chunk_styles)
            logits[live], h[:, live], c[:, live] = w_logits, w_h, w_c
            self.primed_chars += sum(len(ids) for ids in chunk)
        return logits, (h, c)
