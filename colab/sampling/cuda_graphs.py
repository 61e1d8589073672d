"""Lockstep sampling replayed from CUDA graphs: the GPU worker's fast path.

An eager sampling step launches dozens of tiny kernels (the LSTM step, the head,
the filters, the stop rules), so at 64 streams the GPU mostly waits for the host.
Here `steps` lockstep steps are recorded once per batch shape into a CUDA graph
and replayed, one launch for all of them; the host looks in between, to call
`on_sync` and to see whether every stream is done.

A shape is (rows, width, filters, capture): rows are the batch rounded up to a power
of two (the padding rows are done from the start), width is the longest max_chars
rounded up likewise. Graphs are kept in a small LRU. Finished streams stay in the
batch and idle (a graph's shapes are fixed); their text and state no longer change.
The results are the eager path's (colab/sampling/generate.py): same draws, same stop rules.
A model with styles needs nothing more: each stream's style id sits in the Lockstep's
`styles` buffer, which `load` fills in place, so a graph recorded once replays any mix
of styles.

Usage:
    graphs = LockstepGraphs(model, vocabulary, torch.device("cuda"))
    sampled = graphs.sample(logits, state, options, on_sync=None, capture=True)   # [, styles=[ids]]
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Callable, Optional, Protocol, Sequence, Tuple, Union

import torch

from colab.model.lstm import CharLSTM, State
from colab.sampling.lockstep import Lockstep, Sampled
from colab.sampling.oom import is_oom
from colab.sampling.sampler import SamplingOptions, filters_in_use

# (rows, width, (use_top_k, use_top_p), capture)
Shape = Tuple[int, int, Tuple[bool, bool], bool]


class Replayable(Protocol):
    """A recorded graph (torch.cuda.CUDAGraph, or a stand-in in tests)."""

    def replay(self) -> None:
        ...


class GraphsUnavailable(RuntimeError):
    """Recording a CUDA graph failed for a reason other than memory: sample eagerly instead."""


@functools.lru_cache(maxsize=1)
def compiled_sample() -> Callable[[Lockstep], None]:
    """Lockstep.sample compiled once for every shape (dynamic sizes): one compile, not one per shape."""
    # torch.compile is torch >= 2.0's (callers check hasattr first); the stubs type-checked here are 1.13's.
    return torch.compile(Lockstep.sample, dynamic=True)  # type: ignore[attr-defined]


def bucket(n: int, least: int = 1) -> int:
    """The power of two at or above max(n, least)."""
    size = least
    while size < n:
        size *= 2
    return size


def graphs_available(device: Union[str, torch.device]) -> bool:
    """Whether this torch can record CUDA graphs on `device`."""
    return torch.device(device).type == "cuda" and hasattr(torch.cuda, "CUDAGraph") and torch.cuda.is_available()


class LockstepGraphs:
    """CUDA graphs of `steps` lockstep steps, recorded on first use of each shape."""

    def __init__(
        self,
        model: CharLSTM,
        vocabulary: Sequence[str],
        device: Union[str, torch.device],
        steps: int = 16,
        max_graphs: int = 8,
        record: Optional[Callable[[Lockstep, int], Replayable]] = None,
        compile: bool = False,
    ) -> None:
        self.model, self.vocabulary, self.device = model, vocabulary, torch.device(device)
        self.steps, self.max_graphs = steps, max_graphs
        # torch.compile fuses a step's many small sampling kernels into a few (Triton, on a GPU).
        self.compile = compile and hasattr(torch, "compile")
        self.record = record or record_cuda_graph  # (Lockstep, steps) -> something with .replay()
        self.recorded: OrderedDict[Shape, tuple[Lockstep, Replayable]] = OrderedDict()
        self.recordings = 0

    @torch.no_grad()
    def sample(
        self,
        logits: torch.Tensor,
        state: State,
        options: Sequence[SamplingOptions],
        on_sync: Optional[Callable[[], None]] = None,
        capture: bool = False,
        styles: Optional[Sequence[int]] = None,
    ) -> Sampled:
        """Samples continuations for primed streams -> Sampled (as colab.sampling.generate.sample_streams)."""
        width = bucket(max(o.max_chars for o in options), 64)
        # Compiled steps always take top-p (the bot's default; an exact no-op where off), so one compile
        # serves nearly every batch; a batch using top-k compiles its own once.
        use_top_k, use_top_p = filters_in_use(options)
        filters = (use_top_k, True) if self.compile else (use_top_k, use_top_p)
        shape = (bucket(len(options)), width, filters, bool(capture))
        run, graph = self._recorded(shape)
        run.load(options, logits, state, styles)
        # Every stream is done within its max_chars steps; more replays would mean a bug.
        for _ in range(-(-width // self.steps) + 1):
            graph.replay()
            if on_sync is not None:
                on_sync()
            if not bool(run.settle().any()):
                return run.results(len(options))
        raise RuntimeError("storyloom: lockstep sampling did not finish within max_chars steps")

    def _recorded(self, shape: Shape) -> tuple[Lockstep, Replayable]:
        if shape in self.recorded:
            self.recorded.move_to_end(shape)
            return self.recorded[shape]
        rows, width, filters, capture = shape
        try:
            run = Lockstep(self.model, self.vocabulary, rows, width, self.device, capture, filters)
            if self.compile:
                # This run's own compiled step in place of the method, so recording and replay use it.
                run.sample = functools.partial(compiled_sample(), run)  # type: ignore[assignment]
            run.done.fill_(True)  # nothing to write while recording
            graph = self.record(run, self.steps)
        except Exception as error:  # noqa: BLE001 - out of memory goes up (the worker halves the batch)
            if is_oom(error):
                self.recorded.clear()  # give the other shapes' memory back before the batch is halved
                raise
            raise GraphsUnavailable(f"CUDA graphs could not be recorded ({type(error).__name__}: {error})") from error
        self.recorded[shape] = (run, graph)
        self.recordings += 1
        while len(self.recorded) > self.max_graphs:
            self.recorded.popitem(last=False)
        return run, graph


def record_cuda_graph(run: Lockstep, steps: int) -> torch.cuda.CUDAGraph:
    """Records `steps` lockstep steps of `run` into a CUDA graph -> torch.cuda.CUDAGraph."""
    device = run.device
    # Warm up on a side stream first (cuDNN and cuBLAS pick their kernels and workspaces).
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):
        for _ in range(2):
            run.sample()
            run.feed()
    torch.cuda.current_stream(device).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(steps):
            run.sample()
            run.feed()
    return graph
