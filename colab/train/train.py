"""The training loop, and the artifact it writes: the best model by validation loss.

Truncated backprop through time over B parallel streams of the text, AdamW, dropout,
gradient clipping, a warmup then cosine learning rate, mixed precision on a GPU. The
last 5% of the text is held out for validation. A checkpoint is saved every few
minutes; `--resume` picks it up, so a Colab disconnect costs minutes, not the run.
The best model by validation loss is written as `<out-dir>/<name>.safetensors` +
`<name>.json`, with `<name>.loss.png` beside it.

A styled text (`source<TAB>style<TAB>text`, a .tsv: colab/train/styled.py) trains a model
with styles: each paragraph's style id beside its characters, style dropout to `any`, and
a validation report (the comparable held-out Brown as `any` and with its true styles,
each source's and each style's held-out loss) in the artifact's `training` block.

Usage (colab/train/main.py is the command line, `python -m colab.train`):
    best_val_loss = run(parse_args(["--name", "small", "--max-minutes", "60"]))
    best_val_loss = run(parse_args(["--corpus", "colab/data/corpus.tsv", "--preset", "styled"]))
"""
from __future__ import annotations

import argparse
import math
import os
import random
import time
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Union

import torch

from colab.model.artifact import save_artifact
from colab.model.lstm import CharLSTM, ModelConfig, weights_bytes
from colab.model.normalize import DEFAULT_RULES
from colab.train.data import Corpus, StreamBatches
from colab.train.plot import write_loss_curve
from colab.train.state import Checkpoint, TrainState, device_description, evaluate, pick_device
from colab.train.step import amp_settings, train_step
from colab.train.styled import StyledCorpus, StyledStreamBatches, load_corpus, validate


# Logged after every checkpoint save; colab/train/sync.py watches for it.
CHECKPOINT_SAVED = "storyloom train: checkpoint saved: "


def learning_rate(args: argparse.Namespace, step: int, progress: float) -> float:
    """Linear warmup, then cosine from the peak down to min_lr_ratio of it."""
    if step < args.warmup_steps:
        return args.lr * (step + 1) / args.warmup_steps
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return args.lr * (args.min_lr_ratio + (1 - args.min_lr_ratio) * cosine)


def progress_of(args: argparse.Namespace, state: TrainState, elapsed: float) -> float:
    """How far the run is, 0 to 1: the larger of steps and minutes over their limits."""
    parts = []
    if args.max_steps > 0:
        parts.append(state.step / args.max_steps)
    if args.max_minutes > 0:
        parts.append(elapsed / (args.max_minutes * 60))
    return max(parts)


def check_size(config: ModelConfig, max_mb: float, log: Callable[[str], None] = print) -> float:
    """Logs the weights file's expected size; refuses (SystemExit) when it is over max_mb (> 0)."""
    mb = weights_bytes(config) / 1e6
    styles = f", {config.num_styles} styles" if config.styled else ""
    log(
        f"storyloom train: the artifact's weights will be {mb:.1f} MB (float32, hidden {config.hidden_size}, "
        f"{config.num_layers} layers{styles})"
    )
    if max_mb > 0 and mb > max_mb:
        raise SystemExit(
            f"storyloom train: a {mb:.1f} MB artifact is over --max-mb {max_mb:g}; "
            "choose a smaller --hidden-size, --num-layers or --embedding-dim"
        )
    return mb


def export(
    model: CharLSTM,
    corpus: Corpus,
    args: argparse.Namespace,
    state: TrainState,
    device: torch.device,
    elapsed: float,
    val_loss: float,
    report: Optional[dict[str, Any]] = None,
) -> None:
    """Writes the artifact (the best model so far) and its loss curve; `report`: a styled text's validation."""
    training = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("quiet",)},
        "parameters": model.parameter_count(),
        "chars_seen": state.chars_seen,
        "steps": state.step,
        "device": device_description(device),
        "wall_time_s": round(elapsed, 1),
        "minutes": round(elapsed / 60, 1),
        "torch": torch.__version__,
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    metrics = {
        "val_loss": round(val_loss, 4),
        "val_chars": int(len(corpus.val)),
        "train_loss": round(state.recent_train_loss(), 4),
    }
    styles = corpus.styles if isinstance(corpus, StyledCorpus) else []
    if isinstance(corpus, StyledCorpus):
        training["styles"] = styles
        training["style_dropout"] = args.style_dropout if styles else 0.0
        training["corpus_sha256"] = corpus.sha256
        training["validation"] = report
        if report is not None and styles:
            metrics["val_loss_styled"] = report["val"]["styled"]
    save_artifact(
        model,
        corpus.vocabulary,
        args.out_dir,
        args.name,
        normalization=DEFAULT_RULES,
        training=training,
        corpus=corpus.describe(),
        metrics=metrics,
        styles=styles or None,
    )
    write_loss_curve(
        state.history,
        os.path.join(args.out_dir, f"{args.name}.loss.png"),
        f"storyloom {args.name}: {model.parameter_count() / 1e6:.2f}M parameters",
    )


def validation(
    model: CharLSTM, corpus: Corpus, device: torch.device, amp_dtype: Optional[torch.dtype], state: TrainState
) -> tuple[float, Optional[dict[str, Any]]]:
    """The validation loss the best model is chosen by (held-out text, fed as `any`), recorded in the history
    -> (it, a styled text's full report or None)."""
    val = evaluate(model, corpus.val, device, amp_dtype)
    if not isinstance(corpus, StyledCorpus):
        state.record_val(val)
        return val, None
    report = validate(model, corpus, device, amp_dtype, val_any=val)
    state.record_val(val, val_styled=report["val"]["styled"])
    return val, report


def report_line(report: Optional[dict[str, Any]]) -> str:
    """A styled text's validation for the log: ` (true styles 1.2345; held out: brown 1.301, ...)`, or ""."""
    if report is None:
        return ""
    sources = ", ".join(f"{name} {s['loss']:.3f}" for name, s in report["sources"].items() if s["loss"] is not None)
    return f" (true styles {report['val']['styled']:.4f}; held out: {sources})"


def run(args: argparse.Namespace) -> float:
    """Trains as the arguments say -> the best validation loss (nats per character)."""
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    corpus = load_corpus(args.text, args.min_char_count, args.styles)
    styles = corpus.styles if isinstance(corpus, StyledCorpus) else []
    config = ModelConfig(
        len(corpus.vocabulary),
        args.embedding_dim,
        args.hidden_size,
        args.num_layers,
        args.dropout,
        num_styles=len(styles),
        style_dim=args.style_dim if styles else 0,
    )
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    check_size(config, args.max_mb, log)
    model = CharLSTM(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay, betas=(0.9, 0.99))
    amp_dtype, scaler = amp_settings(args, device)
    generator = torch.Generator().manual_seed(args.seed)
    batches: Union[StreamBatches, StyledStreamBatches] = (
        StyledStreamBatches(corpus, args.batch_size, args.seq_len, generator, args.style_dropout)
        if isinstance(corpus, StyledCorpus) and styles
        else StreamBatches(corpus.train, args.batch_size, args.seq_len, generator)
    )
    ckpt = Checkpoint(args.checkpoint or os.path.join("colab", "checkpoints", f"{args.name}.pt"))
    state = ckpt.load(args, corpus, model, optimizer, scaler, batches, generator) if args.resume else Checkpoint.fresh()
    log(
        f"storyloom train: {model.parameter_count():,} parameters, vocabulary {len(corpus.vocabulary)}, "
        f"{len(corpus.train):,} training chars, device {device_description(device)}, step {state.step}"
        + (f", styles {', '.join(styles)}" if styles else "")
    )
    started, hidden, last_ckpt = time.time() - state.elapsed, None, time.time()
    while True:
        elapsed = time.time() - started
        progress = progress_of(args, state, elapsed)
        if progress >= 1:
            break
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(args, state.step, progress)
        model.train()
        if isinstance(batches, StyledStreamBatches):
            x, y, fresh, style_ids = batches.next_styled()
            loss, hidden = train_step(
                model, optimizer, scaler, amp_dtype, (x, y, fresh), hidden, args, device, style_ids
            )
        else:
            loss, hidden = train_step(model, optimizer, scaler, amp_dtype, batches.next(), hidden, args, device)
        state.record_step(float(loss), args.batch_size * args.seq_len)
        if state.step % args.eval_every == 0:
            val, report = validation(model, corpus, device, amp_dtype, state)
            log(
                f"step {state.step} chars {state.chars_seen / 1e6:.1f}M train {state.recent_train_loss():.4f} "
                f"val {val:.4f}{report_line(report)} lr {optimizer.param_groups[0]['lr']:.2e} {elapsed / 60:.1f} min"
            )
            if val < state.best_val:
                state.best_val = val
                export(model, corpus, args, state, device, elapsed, val, report)
        if time.time() - last_ckpt > args.checkpoint_minutes * 60:
            ckpt.save(args, corpus, model, optimizer, scaler, batches, generator, state, time.time() - started)
            log(f"{CHECKPOINT_SAVED}{ckpt.path} at step {state.step}")  # the notebook copies it off the runtime
            last_ckpt = time.time()
    val, report = validation(model, corpus, device, amp_dtype, state)
    if val < state.best_val:
        state.best_val = val
        export(model, corpus, args, state, device, time.time() - started, val, report)
    ckpt.save(args, corpus, model, optimizer, scaler, batches, generator, state, time.time() - started)
    log(f"{CHECKPOINT_SAVED}{ckpt.path} at step {state.step}")
    print(
        f"storyloom train: done. best val loss {state.best_val:.4f} nats/char after {state.step} steps, "
        f"{(time.time() - started) / 60:.1f} min; artifact in {args.out_dir}/{args.name}.json",
        flush=True,
    )
    return state.best_val
