"""Batched generation with a character LSTM: priming, then lockstep sampling.

Every prompt primes its stream in one packed forward pass; then all streams sample
in lockstep on the device. The host looks at the batch only every `sync_every`
steps, to drop the streams that have stopped. `python -m colab.tools.generate` is
its command line. With a model that has styles, each stream may have its own style id
(one for its whole life: priming and sampling); none means `any` (0).

Usage:
    from colab.sampling.generate import generate
    results = generate(model, artifact, ["The old house"], [SamplingOptions(seed=1)])  # [(text, stop)]
    results = generate(model, artifact, ["The old house"], [SamplingOptions(seed=1)], styles=[2])  # style id 2
"""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Union

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

from colab.model.artifact import Artifact
from colab.model.lstm import CharLSTM, State
from colab.sampling.cuda_graphs import LockstepGraphs
from colab.sampling.lockstep import Lockstep, Sampled
from colab.sampling.sampler import SamplingOptions

Device = Union[str, torch.device]


def encode_prompt(artifact: Artifact, prompt: str) -> list[int]:
    """The ids that prime a stream: the artifact's prime prefix, then the normalized prompt."""
    return artifact.encode(artifact.sampling.get("prime_prefix", "")) + artifact.encode(prompt)


def style_tensor(
    model: CharLSTM, styles: Optional[Sequence[int]], count: int, device: Device
) -> Optional[torch.Tensor]:
    """Each stream's style id as a (B,) tensor for a model with styles (None: all `any`, 0); None without styles."""
    if not model.config.styled:
        if styles is not None and any(styles):
            raise ValueError("this model has no styles: every style id must be 0")
        return None
    values = list(styles) if styles is not None else [0] * count
    if len(values) != count or not all(0 <= s < model.config.num_styles for s in values):
        raise ValueError(f"style ids {values} do not fit {count} streams of a model with {model.config.num_styles}")
    return torch.tensor(values, dtype=torch.long, device=device)


@torch.no_grad()
def prime(
    model: CharLSTM,
    id_lists: Sequence[Sequence[int]],
    device: Device,
    state: Optional[State] = None,
    styles: Optional[Sequence[int]] = None,
) -> tuple[torch.Tensor, State]:
    """Runs every id list through the LSTM in one packed pass -> (logits (B, V), state); `styles`: each
    stream's style id (a model with styles; None: `any`)."""
    lengths = torch.tensor([len(ids) for ids in id_lists])
    padded = pad_sequence([torch.tensor(ids, dtype=torch.long) for ids in id_lists], batch_first=True).to(device)
    inputs = model.inputs(padded, style_tensor(model, styles, len(id_lists), device))  # (B, T, E [+ S])
    packed = pack_padded_sequence(inputs, lengths, batch_first=True, enforce_sorted=False)
    _, (h, c) = model.lstm(packed, state)  # h, c: (L, B, H), back in the callers' order
    return model.head(h[-1]), (h, c)


def fed_text(text: str, reason: str) -> str:
    """The generated text a captured final state has read: all of it after a stop rule
    (the stopping character is not kept), all but the last character at max_chars."""
    return text if reason == "stop_rule" else text[:-1]


@torch.no_grad()
def sample_streams(
    model: CharLSTM,
    vocabulary: Sequence[str],
    logits: torch.Tensor,
    state: State,
    options: Sequence[SamplingOptions],
    device: Device,
    sync_every: int = 16,
    on_sync: Optional[Callable[[], None]] = None,
    capture: bool = False,
    graphs: Optional[LockstepGraphs] = None,
    styles: Optional[Sequence[int]] = None,
) -> Sampled:
    """Samples continuations for primed streams, all in lockstep on the device -> Sampled.

    The host looks at the batch only every `sync_every` steps: to drop finished streams
    and to call `on_sync()`, which may raise to abandon the batch. With `graphs` (a
    colab.sampling.cuda_graphs.LockstepGraphs) the steps are replayed from CUDA graphs instead.
    `styles`: each stream's style id, the one it was primed with (a model with styles; None: `any`).
    """
    if graphs is not None:
        return graphs.sample(logits, state, options, on_sync, capture, styles)
    run = Lockstep.for_options(model, vocabulary, options, device, capture)
    run.load(options, logits, state, styles)
    for t in range(run.width):
        run.sample()
        if (t + 1) % sync_every == 0 or t + 1 == run.width:
            if on_sync is not None:
                on_sync()
            live = run.settle()
            if not bool(live.any()):
                break
            if not bool(live.all()):
                run.select(live)
        run.feed()
    return run.results(len(options))


def sample_batch(
    model: CharLSTM,
    vocabulary: Sequence[str],
    logits: torch.Tensor,
    state: State,
    options: Sequence[SamplingOptions],
    device: Device,
    sync_every: int = 16,
    styles: Optional[Sequence[int]] = None,
) -> list[tuple[str, str]]:
    """Samples continuations for primed streams -> list of (text, stop_reason)."""
    return sample_streams(model, vocabulary, logits, state, options, device, sync_every, styles=styles).results


def generate(
    model: CharLSTM,
    artifact: Artifact,
    prompts: Sequence[str],
    options: Sequence[SamplingOptions],
    device: Device = "cpu",
    sync_every: int = 16,
    styles: Optional[Sequence[int]] = None,
) -> list[tuple[str, str]]:
    """Continues each prompt with its options (and style id, a model with styles) -> list of (text, stop_reason)."""
    checked = [o.check() for o in options]
    logits, state = prime(model, [encode_prompt(artifact, p) for p in prompts], device, styles=styles)
    return sample_batch(model, artifact.vocabulary, logits, state, checked, device, sync_every, styles)
