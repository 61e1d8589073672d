"""Sampling, with the same semantics as the TypeScript engine (src/model/sampler.ts).

Per step and per stream:
  1. temperature <= 0 means greedy: the first index of the largest logit;
  2. otherwise logits / temperature, then top-k (keep every logit >= the k-th largest;
     0 = off), then top-p (sort descending, stably; keep the shortest prefix whose
     probability mass reaches p; the first always stays; 1 = off);
  3. draw u in [0, 1) from a counter-based hash of (seed, step), the same 32-bit
     arithmetic in both languages, and take the first index, in vocabulary order,
     whose running sum of kept probabilities exceeds u * total.
Stop rules, checked on each generated character c with n characters before it:
  "line":     c is a newline (not kept);
  "sentence": c is a newline, or a space right after . ! or ? (and any closing
              quotes or parentheses), once n >= min_chars (c is not kept);
  "none":     only max_chars.
Every stream also stops at max_chars. The whole prompt primes the state.
A request for several candidate lines samples candidate i with candidate_seed(seed, i).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional, Sequence, TypeVar, Union, overload

import torch

MASK32 = 0xFFFFFFFF
STOP_RULES = ("sentence", "line", "none")
DEFAULT_MIN_CHARS = 40
TERMINALS = ".!?"
CLOSERS = "\"')"
IntOrTensor = TypeVar("IntOrTensor", int, torch.Tensor)


@dataclass
class SamplingOptions:
    """How to sample one continuation."""

    temperature: float = 0.8
    top_k: int = 0
    top_p: float = 1.0
    max_chars: int = 280
    min_chars: Optional[int] = None
    stop: str = "sentence"
    seed: int = 0

    def check(self) -> SamplingOptions:
        """Raises ValueError naming the first option out of range.

        An unset min_chars becomes the default, or max_chars when that is smaller.
        """
        if self.min_chars is None and isinstance(self.max_chars, int):
            self.min_chars = min(DEFAULT_MIN_CHARS, self.max_chars)
        if not 0 <= self.temperature <= 5:
            raise ValueError("temperature must be between 0 and 5")
        if not 0 <= self.top_k <= 100_000:
            raise ValueError("top_k must be between 0 (off) and 100000")
        if not 0 < self.top_p <= 1:
            raise ValueError("top_p must be in (0, 1]")
        if not 1 <= self.max_chars <= 10_000:
            raise ValueError("max_chars must be between 1 and 10000")
        if not 0 <= self.min_chars <= self.max_chars:
            raise ValueError("min_chars must be between 0 and max_chars")
        if self.stop not in STOP_RULES:
            raise ValueError(f"stop must be one of {', '.join(STOP_RULES)}")
        if not 0 <= self.seed <= MASK32:
            raise ValueError("seed must be a 32-bit unsigned integer")
        return self

    def to_dict(self) -> dict[str, Any]:
        """The options as a plain dict."""
        return asdict(self)


def _mul32(x: IntOrTensor, c: int) -> IntOrTensor:
    """(x * c) mod 2^32 for x in [0, 2^32), keeping every product below 2^63."""
    lo, hi = c & 0xFFFF, c >> 16
    return (x * lo + (((x * hi) & 0xFFFF) << 16)) & MASK32


def hash32(x: IntOrTensor) -> IntOrTensor:
    """A 32-bit integer hash (lowbias32); works on ints and int64 tensors alike."""
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    return x ^ (x >> 16)


@overload
def uniform(seed: int, step: int) -> float:
    ...


@overload
def uniform(seed: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
    ...


def uniform(seed: Any, step: Any) -> Union[float, torch.Tensor]:
    """The draw for (seed, step) in [0, 1): 24 bits, exact in float32. Ints or tensors."""
    x = (_mul32(seed, 0x9E3779B1) + _mul32(step + 1, 0x85EBCA77)) & MASK32
    return (hash32(hash32(x)) >> 8) * (1.0 / 16777216.0)


def candidate_seed(seed: int, i: int) -> int:
    """The seed of candidate `i` of a request whose sampling seed is `seed` (src/model/rng.ts's candidateSeed):
    the seed itself for candidate 0, so one candidate is exactly the line of a request that asks for none; else
    hash32((seed + i * 0x9E3779B9) mod 2^32), a bijection, so candidates 1 to 4 never share a seed."""
    if i == 0:
        return seed & MASK32
    return hash32((seed + i * 0x9E3779B9) & MASK32)


def uniform_table(seeds: torch.Tensor, width: int) -> torch.Tensor:
    """Every draw a batch can need: seeds (B,) int64 -> u (B, width), u[b, i] = uniform(seeds[b], i).

    A live stream with i characters so far draws uniform(seed, i); one table up front
    replaces the ~30 integer kernels of the hash at every step with one gather.
    """
    steps = torch.arange(width, dtype=torch.long, device=seeds.device)
    return uniform(seeds.unsqueeze(1), steps.unsqueeze(0)).float()


def filter_probs(
    logits: torch.Tensor,
    temperature: torch.Tensor,
    top_k: torch.Tensor,
    top_p: torch.Tensor,
    use_top_k: bool = True,
    use_top_p: bool = True,
) -> torch.Tensor:
    """logits (B, V); per-stream temperature (B,), top_k (B,), top_p (B,) -> kept probs (B, V).

    use_top_k / use_top_p False skip a filter (and its sort) that no stream in the batch
    turns on (every top_k 0, every top_p 1): the result is the same.
    """
    B, V = logits.shape
    t = temperature.clamp(min=1e-6).unsqueeze(1)  # (B, 1)
    scaled = logits / t
    if use_top_k:
        k = top_k.clamp(min=0, max=V)
        kth = torch.sort(scaled, dim=1, descending=True).values.gather(1, (k - 1).clamp(min=0).unsqueeze(1))
        scaled = torch.where((k.unsqueeze(1) > 0) & (scaled < kth), torch.full_like(scaled, float("-inf")), scaled)
    probs = torch.softmax(scaled, dim=1)  # (B, V)
    if not use_top_p:
        return probs
    sorted_p, order = torch.sort(probs, dim=1, descending=True, stable=True)
    before = torch.cumsum(sorted_p, dim=1) - sorted_p  # mass strictly before each entry
    drop_sorted = (before >= top_p.unsqueeze(1)) & (top_p.unsqueeze(1) < 1)
    drop_sorted[:, 0] = False
    drop = torch.zeros_like(drop_sorted).scatter(1, order, drop_sorted)
    return probs.masked_fill(drop, 0.0)


def choose_next(logits: torch.Tensor, probs: torch.Tensor, temperature: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """Picks one id per stream: greedy where temperature <= 0, else the inverse CDF at u."""
    greedy = torch.argmax(logits, dim=1)
    cdf = torch.cumsum(probs, dim=1)  # (B, V)
    threshold = (u * cdf[:, -1]).unsqueeze(1)
    idx = (cdf <= threshold).sum(dim=1)
    last_kept = probs.shape[1] - 1 - torch.argmax(torch.flip(probs > 0, dims=[1]).int(), dim=1)
    idx = torch.minimum(idx, last_kept)
    return torch.where(temperature <= 0, greedy, idx)


def filters_in_use(options: Sequence[SamplingOptions]) -> tuple[bool, bool]:
    """-> (use_top_k, use_top_p): whether any stream turns each filter on."""
    return any(o.top_k > 0 for o in options), any(o.top_p < 1 for o in options)


class StopTracker:
    """Which vocabulary ids are newlines, spaces, sentence terminals and closers: (V,) bool each."""

    def __init__(self, vocabulary: Sequence[str], device: Union[str, torch.device]) -> None:
        def ids_of(chars: str) -> torch.Tensor:
            # Built on the host, then one copy: a per-element write to a GPU tensor is one H2D copy each.
            return torch.tensor([ch in chars for ch in vocabulary], dtype=torch.bool).to(device)

        self.newline, self.space = ids_of("\n"), ids_of(" \n")
        self.terminal, self.closer = ids_of(TERMINALS), ids_of(CLOSERS)


def stop_step(
    tracker: StopTracker,
    rule: torch.Tensor,
    min_chars: torch.Tensor,
    max_chars: torch.Tensor,
    after_terminal: torch.Tensor,
    ids: torch.Tensor,
    n: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The stop rules for one character per stream; all (B,) tensors, ids the characters and
    n the characters before them -> (stop_here, keep_char, after_terminal for the next step)."""
    is_nl, is_space = tracker.newline[ids], tracker.space[ids]
    long_enough = n >= min_chars
    sentence = (rule == 0) & long_enough & (is_nl | (is_space & after_terminal))
    line = (rule == 1) & is_nl
    stop_on_char = sentence | line
    after = tracker.terminal[ids] | (tracker.closer[ids] & after_terminal)
    full = (n + 1) >= max_chars
    return stop_on_char | full, ~stop_on_char, after


def stop_settings(options: Sequence[SamplingOptions]) -> tuple[list[int], list[Optional[int]], list[int]]:
    """Each stream's stop rule index, min_chars and max_chars, as host lists."""
    return ([STOP_RULES.index(o.stop) for o in options], [o.min_chars for o in options], [o.max_chars for o in options])
