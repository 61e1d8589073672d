"""Lockstep sampling state: every stream of a batch, one character per step, on the device.

`Lockstep` holds all a batch's per-stream tensors and updates them in place, so the
same steps run eagerly (colab/sampling/generate.py, which also drops finished streams) and
replayed from a CUDA graph (colab/sampling/cuda_graphs.py, which keeps every row and lets
finished ones idle). Rows past the batch are padding: done from the start. A model with
styles feeds each stream's style id at every step (`styles`, a row field like the rest,
filled in place by `load`, so a recorded graph reads each batch's own styles).

Usage:
    run = Lockstep(model, vocabulary, batch=8, width=280, device="cuda")
    run.load(options, logits, state)       # logits (B, V), state ((L, B, H), (L, B, H)) [, styles: ids (B,)]
    run.sample(); run.feed()               # one character for every stream
    sampled = run.results(len(options))
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence, Tuple, Union

import torch

from colab.model.lstm import CharLSTM, State
from colab.sampling.sampler import (
    SamplingOptions,
    StopTracker,
    choose_next,
    filter_probs,
    filters_in_use,
    stop_settings,
    stop_step,
    uniform_table,
)

# Each stream's last logits (B, V), h and c (L, B, H): what the story cache keeps.
Final = Tuple[torch.Tensor, torch.Tensor, torch.Tensor]

# Tensors with one row per live stream: `select` keeps the live ones.
ROW_FIELDS = (
    "rows",
    "n",
    "done",
    "draws",
    "temperature",
    "top_k",
    "top_p",
    "rule",
    "min_chars",
    "max_chars",
    "after_terminal",
    "logits",
)


class Sampled:
    """What lockstep sampling made: results [(text, stop_reason)] and, when captured,
    each stream's last logits (B, V) and state ((L, B, H), (L, B, H)) after its prompt
    and every generated character but the one that stopped it (see `fed_text`)."""

    def __init__(self, results: list[tuple[str, str]], final: Optional[Final] = None) -> None:
        self.results, self.final = results, final


@torch.no_grad()
def step(
    model: CharLSTM, ids: torch.Tensor, state: Optional[State], styles: Optional[torch.Tensor] = None
) -> tuple[torch.Tensor, State]:
    """One character for every stream: ids (B,) [+ style ids (B,), a model with styles] -> logits (B, V), state."""
    y, after = model.lstm(model.inputs(ids.unsqueeze(1), styles), state)  # (B, 1, H)
    return model.head(y[:, 0]), after


class Lockstep:
    """A batch's sampling state, `batch` rows wide and `width` characters long."""

    def __init__(
        self,
        model: CharLSTM,
        vocabulary: Sequence[str],
        batch: int,
        width: int,
        device: Union[str, torch.device],
        capture: bool = False,
        filters: tuple[bool, bool] = (True, True),
    ) -> None:
        cfg = model.config
        L, H, V = cfg.num_layers, cfg.hidden_size, cfg.vocab_size

        def zeros(*shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
            return torch.zeros(*shape, dtype=dtype, device=device)

        self.model, self.vocabulary, self.width, self.device = model, vocabulary, width, device
        self.use_top_k, self.use_top_p = filters
        self.stops = StopTracker(vocabulary, device)
        self.rows = torch.arange(batch, device=device)
        self.logits, self.h, self.c = zeros(batch, V), zeros(L, batch, H), zeros(L, batch, H)
        # n <= max_chars <= width: column `width` takes what done streams keep writing, so no step needs a mask.
        self.draws = zeros(batch, width + 1)  # (B, W + 1): the uniform draw for each stream's i-th character
        self.out = zeros(batch, width + 1, dtype=torch.long)
        self.temperature, self.top_p = zeros(batch), zeros(batch)
        self.top_k, self.rule, self.min_chars, self.max_chars, self.n, self.n_out = (
            zeros(batch, dtype=torch.long) for _ in range(6)
        )
        self.after_terminal, self.done = zeros(batch, dtype=torch.bool), zeros(batch, dtype=torch.bool)
        self.limits: list[int] = []  # each stream's max_chars, on the host
        self.ids: torch.Tensor  # the characters just sampled, set by `sample`
        self.final = (zeros(batch, V), zeros(L, batch, H), zeros(L, batch, H)) if capture else None
        # Each stream's style id (a model with styles; padding rows `any`); None: no style input at all.
        self.styles: Optional[torch.Tensor] = zeros(batch, dtype=torch.long) if cfg.styled else None

    @classmethod
    def for_options(
        cls,
        model: CharLSTM,
        vocabulary: Sequence[str],
        options: Sequence[SamplingOptions],
        device: Union[str, torch.device],
        capture: bool = False,
    ) -> Lockstep:
        """A Lockstep exactly as wide and long as these options need."""
        width = max(o.max_chars for o in options)
        return cls(model, vocabulary, len(options), width, device, capture, filters_in_use(options))

    def load(
        self,
        options: Sequence[SamplingOptions],
        logits: torch.Tensor,
        state: State,
        styles: Optional[Sequence[int]] = None,
    ) -> None:
        """Copies a batch in: options, logits (B, V) and state after priming, and each stream's style id (a
        model with styles: the one it was primed with; None: `any`). Rows past B are padding."""
        B, pad = len(options), self.rows.shape[0] - len(options)
        rule, min_chars, max_chars = stop_settings(options)
        self.limits = max_chars

        def put(buffer: torch.Tensor, values: Iterable[Any], dtype: torch.dtype, fill: Any = 0) -> None:
            buffer.copy_(torch.tensor(list(values) + [fill] * pad, dtype=dtype))  # one host-to-device copy

        put(self.temperature, (o.temperature for o in options), torch.float32)
        put(self.top_k, (o.top_k for o in options), torch.long)
        put(self.top_p, (o.top_p for o in options), torch.float32, 1.0)
        put(self.rule, rule, torch.long)
        put(self.min_chars, min_chars, torch.long)
        put(self.max_chars, max_chars, torch.long, 1)
        put(self.done, [False] * B, torch.bool, True)
        if self.styles is not None:
            put(self.styles, styles if styles is not None else [0] * B, torch.long)
        elif styles is not None and any(styles):
            raise ValueError("this model has no styles: every style id must be 0")
        seeds = torch.tensor([o.seed for o in options] + [0] * pad, dtype=torch.long).to(self.device)
        self.draws.copy_(uniform_table(seeds, self.width + 1))
        for buffer in (self.n, self.n_out, self.after_terminal, self.out, self.logits, self.h, self.c):
            buffer.zero_()
        self.logits[:B].copy_(logits)
        self.h[:, :B].copy_(state[0])
        self.c[:, :B].copy_(state[1])
        if self.final is not None:
            for buffer, value in zip(self.final, (self.logits, self.h, self.c)):
                buffer.copy_(value)

    def sample(self) -> None:
        """Draws one character for every stream and applies the stop rules, in place."""
        u = self.draws.gather(1, self.n.unsqueeze(1)).squeeze(1)  # (B,): uniform(seed, n)
        probs = filter_probs(self.logits, self.temperature, self.top_k, self.top_p, self.use_top_k, self.use_top_p)
        self.ids = choose_next(self.logits, probs, self.temperature, u)  # (B,)
        stop, keep, after = stop_step(
            self.stops, self.rule, self.min_chars, self.max_chars, self.after_terminal, self.ids, self.n
        )
        self.after_terminal.copy_(after)
        live = ~self.done
        if self.final is not None:  # the state that chose the stopping character: prompt + kept text so far
            self._capture(self.final, stop & live)
        self.out[self.rows, self.n] = self.ids  # past the kept text unless it is kept: n moves on only then
        self.n.add_(keep & live)
        self.done.logical_or_(stop)

    def feed(self) -> None:
        """Runs the characters just sampled through the model, in place."""
        logits, (h, c) = step(self.model, self.ids, (self.h, self.c), self.styles)
        self.logits.copy_(logits)
        self.h.copy_(h)
        self.c.copy_(c)

    def _capture(self, final: Final, just: torch.Tensor) -> None:
        f_logits, f_h, f_c = final
        f_logits[self.rows] = torch.where(just.unsqueeze(1), self.logits, f_logits[self.rows])
        f_h[:, self.rows] = torch.where(just.view(1, -1, 1), self.h, f_h[:, self.rows])
        f_c[:, self.rows] = torch.where(just.view(1, -1, 1), self.c, f_c[:, self.rows])

    def settle(self) -> torch.Tensor:
        """Notes the live rows' counts -> the rows still live (b,) bool."""
        self.n_out[self.rows] = self.n
        return ~self.done

    def select(self, live: torch.Tensor) -> None:
        """Keeps only the rows in `live` (b,) bool: finished streams stop costing compute."""
        for name in ROW_FIELDS:
            setattr(self, name, getattr(self, name)[live])
        self.ids = self.ids[live]
        self.h, self.c = self.h[:, live], self.c[:, live]
        if self.styles is not None:
            self.styles = self.styles[live]

    def results(self, count: int) -> Sampled:
        """The first `count` streams' results -> Sampled (final state copied off these buffers)."""
        self.n_out[self.rows] = self.n
        out, n_out = self.out[:count].cpu(), self.n_out[:count].tolist()
        vocab = self.vocabulary
        texts = ["".join(vocab[i] for i in out[b, : n_out[b]].tolist()) for b in range(count)]
        # A stream that reached max_chars kept its last character; one stopped by its rule did not.
        reasons = ["max_chars" if n_out[b] == self.limits[b] else "stop_rule" for b in range(count)]
        final = None
        if self.final is not None:
            f_logits, f_h, f_c = self.final
            final = (f_logits[:count].clone(), f_h[:, :count].clone(), f_c[:, :count].clone())
        return Sampled(list(zip(texts, reasons)), final)
