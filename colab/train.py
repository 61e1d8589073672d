"""Trains a storyloom character LSTM and writes its artifact.

Truncated backprop through time over B parallel streams of the text, AdamW, dropout,
gradient clipping, a warmup then cosine learning rate, mixed precision on a GPU. The
last 5% of the text is held out for validation. A checkpoint is saved every few
minutes; `--resume` picks it up, so a Colab disconnect costs minutes, not the run.
The best model by validation loss is written as `<out-dir>/<name>.safetensors` +
`<name>.json`, with `<name>.loss.png` beside it.

Usage:
    python -m colab.train --name small --max-minutes 60
    python -m colab.train --text my_stories.txt --name mine --hidden-size 640 --device cuda
    python -m colab.train --name small --resume          # continue after a disconnect
"""
import argparse
import math
import os
import random
import sys
import time
from datetime import datetime, timezone

import torch
from torch import nn

from colab.model import CharLSTM, ModelConfig, save_artifact, weights_bytes
from colab.normalize import DEFAULT_RULES
from colab.plot import write_loss_curve
from colab.train_state import Checkpoint, device_description, evaluate, pick_device
from colab.training_data import CorpusError, StreamBatches, read_corpus


# Logged after every checkpoint save; colab/train_sync.py watches for it.
CHECKPOINT_SAVED = "storyloom train: checkpoint saved: "


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Train a storyloom character LSTM.")
    p.add_argument("--text", default="colab/data/brown-fiction.txt", help="a UTF-8 training text (one paragraph per line is best)")
    p.add_argument("--name", default="small", help="the artifact's name: writes <name>.safetensors and <name>.json")
    p.add_argument("--out-dir", default="colab/models", help="where the artifact and its loss curve go")
    p.add_argument("--checkpoint", default=None, help="checkpoint file (default: colab/checkpoints/<name>.pt)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint if it exists")
    p.add_argument("--embedding-dim", type=int, default=64, help="size of the character embedding")
    p.add_argument("--hidden-size", type=int, default=512, help="LSTM units per layer")
    p.add_argument("--num-layers", type=int, default=2, help="number of stacked LSTM layers")
    p.add_argument("--dropout", type=float, default=0.25, help="dropout between layers and before the output")
    p.add_argument("--weight-drop", type=float, default=0.0,
                   help="DropConnect on the LSTM's hidden-to-hidden weights while training (AWD-LSTM's weight drop; 0: off)")
    p.add_argument("--batch-size", type=int, default=64, help="parallel streams per step")
    p.add_argument("--seq-len", type=int, default=128, help="characters per truncated-BPTT window")
    p.add_argument("--lr", type=float, default=3e-3, help="peak learning rate for AdamW")
    p.add_argument("--min-lr-ratio", type=float, default=0.05, help="final learning rate as a fraction of the peak")
    p.add_argument("--weight-decay", type=float, default=0.01, help="AdamW weight decay")
    p.add_argument("--clip", type=float, default=1.0, help="gradient norm clipping threshold")
    p.add_argument("--warmup-steps", type=int, default=200, help="steps of linear learning-rate warmup")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: no step limit)")
    p.add_argument("--max-minutes", type=float, default=0, help="stop after this much training time (0: no time limit)")
    p.add_argument("--eval-every", type=int, default=500, help="steps between validation runs")
    p.add_argument("--checkpoint-minutes", type=float, default=5, help="minutes between checkpoints")
    p.add_argument("--min-char-count", type=int, default=3, help="characters rarer than this leave the vocabulary")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    p.add_argument("--amp", choices=["auto", "off"], default="auto", help="mixed precision on a GPU (auto) or never")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    p.add_argument("--seed", type=int, default=1234, help="random seed")
    p.add_argument("--max-mb", type=float, default=0,
                   help="refuse to start when the weights file would exceed this many MB (10^6 bytes; 0: no limit)")
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    args = p.parse_args(argv)
    if args.max_steps <= 0 and args.max_minutes <= 0:
        p.error("give --max-steps or --max-minutes (or both)")
    return args


def learning_rate(args, step, progress):
    """Linear warmup, then cosine from the peak down to min_lr_ratio of it."""
    if step < args.warmup_steps:
        return args.lr * (step + 1) / args.warmup_steps
    cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
    return args.lr * (args.min_lr_ratio + (1 - args.min_lr_ratio) * cosine)


def progress_of(args, state, elapsed):
    parts = []
    if args.max_steps > 0:
        parts.append(state.step / args.max_steps)
    if args.max_minutes > 0:
        parts.append(elapsed / (args.max_minutes * 60))
    return max(parts)


def amp_dtype_for(device_type, amp):
    """The autocast dtype for a device -> torch.float16, or None (full precision).

    fp16 with a GradScaler on every GPU: autocast runs cuDNN's LSTM in fp16 whatever
    dtype it is asked for (so bf16 would mean fp16 without loss scaling), and
    torch.cuda.is_bf16_supported() says True even on a T4, where bf16 is emulated.
    """
    if amp == "off" or device_type != "cuda":
        return None
    return torch.float16


def grad_scaler():
    """A CUDA GradScaler, under whichever name this torch has it (torch.amp in >= 2.3)."""
    amp = getattr(torch, "amp", None)
    if amp is not None and hasattr(amp, "GradScaler"):
        try:
            return amp.GradScaler("cuda")
        except TypeError:  # an older torch.amp.GradScaler without a device argument
            pass
    return torch.cuda.amp.GradScaler()


def amp_settings(args, device):
    """-> (autocast dtype or None, GradScaler or None)."""
    dtype = amp_dtype_for(device.type, args.amp)
    return dtype, (grad_scaler() if dtype == torch.float16 else None)


def check_size(config, max_mb, log=print):
    """Logs the weights file's expected size; refuses (SystemExit) when it is over max_mb (> 0)."""
    mb = weights_bytes(config) / 1e6
    log(f"storyloom train: the artifact's weights will be {mb:.1f} MB (float32, hidden {config.hidden_size}, "
          f"{config.num_layers} layers)")
    if max_mb > 0 and mb > max_mb:
        raise SystemExit(f"storyloom train: a {mb:.1f} MB artifact is over --max-mb {max_mb:g}; "
                         "choose a smaller --hidden-size, --num-layers or --embedding-dim")
    return mb


def forward_weight_dropped(model, ids, hidden, p):
    """The model's forward pass with DropConnect on every weight_hh (one mask per window) -> logits, state.

    The dropped weights go to the same LSTM kernel nn.LSTM calls (cuDNN on a GPU);
    nn.LSTM itself always reads its own weights, so it cannot take them.
    """
    lstm = model.lstm
    x = model.embedding(ids)  # (B, T, E)
    if hidden is None:
        zeros = x.new_zeros(lstm.num_layers, ids.shape[0], lstm.hidden_size)
        hidden = (zeros, zeros)
    weights = [nn.functional.dropout(getattr(lstm, name), p, training=True) if name.startswith("weight_hh")
               else getattr(lstm, name) for name in lstm._flat_weights_names]
    y, h, c = torch._VF.lstm(x, hidden, weights, True, lstm.num_layers, lstm.dropout, lstm.training, False, True)
    return model.head(model.drop(y)), (h, c)


def train_step(model, optimizer, scaler, amp_dtype, batch, hidden, args, device):
    x, y, fresh = batch
    x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
    if fresh or hidden is None:
        hidden = None
    else:
        hidden = tuple(h.detach() for h in hidden)
    with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
        if args.weight_drop > 0:
            logits, hidden = forward_weight_dropped(model, x, hidden, args.weight_drop)
        else:
            logits, hidden = model(x, hidden)
        loss = nn.functional.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    if scaler:
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
    else:
        loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), args.clip)
    if scaler:
        scaler.step(optimizer)
        scaler.update()
    else:
        optimizer.step()
    return loss, hidden


def export(model, corpus, args, state, device, elapsed, val_loss):
    training = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("quiet",)},
        "parameters": model.parameter_count(), "chars_seen": state.chars_seen, "steps": state.step,
        "device": device_description(device), "wall_time_s": round(elapsed, 1), "minutes": round(elapsed / 60, 1),
        "torch": torch.__version__, "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    metrics = {"val_loss": round(val_loss, 4), "val_chars": int(len(corpus.val)),
               "train_loss": round(state.recent_train_loss(), 4)}
    save_artifact(model, corpus.vocabulary, args.out_dir, args.name, normalization=DEFAULT_RULES,
                  training=training, corpus=corpus.describe(), metrics=metrics)
    write_loss_curve(state.history, os.path.join(args.out_dir, f"{args.name}.loss.png"),
                     f"storyloom {args.name}: {model.parameter_count() / 1e6:.2f}M parameters")


def run(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    corpus = read_corpus(args.text, args.min_char_count)
    config = ModelConfig(len(corpus.vocabulary), args.embedding_dim, args.hidden_size, args.num_layers, args.dropout)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, flush=True))
    check_size(config, args.max_mb, log)
    model = CharLSTM(config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay, betas=(0.9, 0.99))
    amp_dtype, scaler = amp_settings(args, device)
    generator = torch.Generator().manual_seed(args.seed)
    batches = StreamBatches(corpus.train, args.batch_size, args.seq_len, generator)
    ckpt = Checkpoint(args.checkpoint or os.path.join("colab", "checkpoints", f"{args.name}.pt"))
    state = ckpt.load(args, corpus, model, optimizer, scaler, batches, generator) if args.resume else Checkpoint.fresh()
    log(f"storyloom train: {model.parameter_count():,} parameters, vocabulary {len(corpus.vocabulary)}, "
        f"{len(corpus.train):,} training chars, device {device_description(device)}, step {state.step}")
    started, hidden, last_ckpt = time.time() - state.elapsed, None, time.time()
    while True:
        elapsed = time.time() - started
        progress = progress_of(args, state, elapsed)
        if progress >= 1:
            break
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(args, state.step, progress)
        model.train()
        loss, hidden = train_step(model, optimizer, scaler, amp_dtype, batches.next(), hidden, args, device)
        state.record_step(float(loss), args.batch_size * args.seq_len)
        if state.step % args.eval_every == 0:
            val = evaluate(model, corpus.val, device, amp_dtype)
            state.record_val(val)
            log(f"step {state.step} chars {state.chars_seen / 1e6:.1f}M train {state.recent_train_loss():.4f} "
                f"val {val:.4f} lr {optimizer.param_groups[0]['lr']:.2e} {elapsed / 60:.1f} min")
            if val < state.best_val:
                state.best_val = val
                export(model, corpus, args, state, device, elapsed, val)
        if time.time() - last_ckpt > args.checkpoint_minutes * 60:
            ckpt.save(args, corpus, model, optimizer, scaler, batches, generator, state, time.time() - started)
            log(f"{CHECKPOINT_SAVED}{ckpt.path} at step {state.step}")  # the notebook copies it off the runtime
            last_ckpt = time.time()
    val = evaluate(model, corpus.val, device, amp_dtype)
    state.record_val(val)
    if val < state.best_val:
        state.best_val = val
        export(model, corpus, args, state, device, time.time() - started, val)
    ckpt.save(args, corpus, model, optimizer, scaler, batches, generator, state, time.time() - started)
    log(f"{CHECKPOINT_SAVED}{ckpt.path} at step {state.step}")
    print(f"storyloom train: done. best val loss {state.best_val:.4f} nats/char after {state.step} steps, "
          f"{(time.time() - started) / 60:.1f} min; artifact in {args.out_dir}/{args.name}.json", flush=True)
    return state.best_val


def main(argv=None):
    args = parse_args(argv)
    try:
        run(args)
    except CorpusError as e:
        print(f"storyloom train: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
