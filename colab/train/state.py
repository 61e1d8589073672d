"""Training bookkeeping: progress, validation, devices, and resumable checkpoints.

Usage:
    checkpoint = Checkpoint("colab/checkpoints/small.pt")
    state = checkpoint.load(args, corpus, model, optimizer, scaler, batches, generator)   # or TrainState()
    checkpoint.save(args, corpus, model, optimizer, scaler, batches, generator, state, elapsed)
"""
from __future__ import annotations

import argparse
import inspect
import os
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

import torch
from torch import nn

from colab.model.lstm import CharLSTM, config_dict
from colab.train.data import Corpus, StreamBatches


@dataclass
class TrainState:
    """What the training loop has done so far; saved in every checkpoint."""

    step: int = 0
    chars_seen: int = 0
    elapsed: float = 0.0
    best_val: float = float("inf")
    history: list[dict[str, Any]] = field(default_factory=list)
    recent: list[float] = field(default_factory=list)

    def record_step(self, loss: float, chars: int) -> None:
        """One training step on `chars` characters."""
        self.step += 1
        self.chars_seen += chars
        self.recent = (self.recent + [loss])[-100:]
        if self.step % 50 == 0:
            self.history.append({"step": self.step, "chars": self.chars_seen, "train_loss": self.recent_train_loss()})

    def record_val(self, val: float, **more: Any) -> None:
        """One validation loss (and `more`, e.g. val_styled), in the history."""
        self.history.append({"step": self.step, "chars": self.chars_seen, "val_loss": val, **more})

    def recent_train_loss(self) -> float:
        """The mean training loss of the last 100 steps (NaN before the first)."""
        return sum(self.recent) / len(self.recent) if self.recent else float("nan")


@torch.no_grad()
def evaluate(
    model: CharLSTM,
    ids: torch.Tensor,
    device: torch.device,
    amp_dtype: Optional[torch.dtype] = None,
    rows: int = 8,
    window: int = 256,
    styles: Optional[torch.Tensor] = None,
) -> float:
    """Mean cross-entropy in nats per character over `ids`, carrying state along rows; `styles` (N,): the style
    id fed with each character (a model with styles; None: `any`)."""
    model.eval()
    n = (len(ids) - 1) // rows
    x_all = ids[: n * rows].view(rows, n)
    y_all = ids[1 : n * rows + 1].view(rows, n)
    s_all = styles[: n * rows].view(rows, n) if styles is not None else None
    total, count, state = 0.0, 0, None
    for start in range(0, n, window):
        x = x_all[:, start : start + window].to(device)
        y = y_all[:, start : start + window].to(device)
        s = s_all[:, start : start + window].to(device) if s_all is not None else None
        with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            logits, state = model(x, state, s)
        loss = nn.functional.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum")
        total += float(loss)
        count += y.numel()
    return total / count


def pick_device(name: str) -> torch.device:
    """`auto`: cuda, else mps, else cpu; any other name as it is."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        return torch.device("mps" if mps is not None and mps.is_available() else "cpu")
    return torch.device(name)


def device_description(device: torch.device) -> str:
    """The device for logs and the artifact: `cuda (Tesla T4)`, `cpu (2 threads)`."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return device.type


def load_trusted(path: str) -> Any:
    """torch.load of a file this project wrote itself (a training checkpoint), on the CPU.

    A checkpoint holds more than tensors (the args dict, RNG states, the history), so it
    needs the full unpickler: torch >= 2.6 defaults to weights_only=True, which refuses it.
    Only for trusted local files; model artifacts are safetensors and never go through here.
    """
    kwargs = {}
    if "weights_only" in inspect.signature(torch.load).parameters:
        kwargs["weights_only"] = False
    return torch.load(path, map_location="cpu", **kwargs)


class Checkpoint:
    """A resumable training checkpoint, written atomically."""

    def __init__(self, path: str) -> None:
        self.path = path

    @staticmethod
    def fresh() -> TrainState:
        """The state of a run that starts from nothing."""
        return TrainState()

    def save(
        self,
        args: argparse.Namespace,
        corpus: Corpus,
        model: CharLSTM,
        optimizer: torch.optim.Optimizer,
        scaler: Optional[Any],
        batches: StreamBatches,
        generator: torch.Generator,
        state: TrainState,
        elapsed: float,
    ) -> None:
        """Writes everything a resumed run needs, atomically."""
        state.elapsed = elapsed
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        blob = {
            "config": config_dict(model.config),
            "corpus_sha256": corpus.sha256,
            "vocabulary": corpus.vocabulary,
            "styles": getattr(corpus, "styles", []),
            "style_seed": getattr(batches, "style_seed", None),
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scaler": scaler.state_dict() if scaler else None,
            "pos": batches.pos,
            "generator": generator.get_state(),
            "torch_rng": torch.get_rng_state(),
            "python_rng": random.getstate(),
            "state": asdict(state),
            "args": vars(args),
        }
        tmp = f"{self.path}.tmp"
        torch.save(blob, tmp)
        os.replace(tmp, self.path)

    def load(
        self,
        args: argparse.Namespace,
        corpus: Corpus,
        model: CharLSTM,
        optimizer: torch.optim.Optimizer,
        scaler: Optional[Any],
        batches: StreamBatches,
        generator: torch.Generator,
    ) -> TrainState:
        """Restores everything from the checkpoint, or starts fresh when there is none."""
        if not os.path.exists(self.path):
            print(f"storyloom train: no checkpoint at {self.path}; starting fresh", flush=True)
            return TrainState()
        blob = load_trusted(self.path)
        if (
            blob["corpus_sha256"] != corpus.sha256
            or blob["vocabulary"] != corpus.vocabulary
            or blob.get("styles", []) != getattr(corpus, "styles", [])
        ):
            raise SystemExit(
                f"storyloom train: checkpoint {self.path} was trained on another text; "
                "pass --checkpoint with a new path, or the same --text (and --styles)"
            )
        if blob["config"] != config_dict(model.config):
            raise SystemExit(
                f"storyloom train: checkpoint {self.path} has architecture {blob['config']}, "
                "which differs from the flags given"
            )
        model.load_state_dict(blob["model"])
        optimizer.load_state_dict(blob["optimizer"])
        if scaler and blob["scaler"]:
            scaler.load_state_dict(blob["scaler"])
        batches.pos = blob["pos"]
        restore_styles = getattr(batches, "restore_styles", None)
        if restore_styles is not None and blob.get("style_seed") is not None:
            restore_styles(blob["style_seed"])  # this epoch's style dropout, as it was
        generator.set_state(blob["generator"])
        torch.set_rng_state(blob["torch_rng"])
        random.setstate(blob["python_rng"])
        state = TrainState(**blob["state"])
        print(f"storyloom train: resumed {self.path} at step {state.step}", flush=True)
        return state
