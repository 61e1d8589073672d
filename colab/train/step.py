"""One training step: mixed precision on a GPU, DropConnect on the recurrent weights, clipped gradients.

Usage:
    amp_dtype, scaler = amp_settings(args, device)
    loss, hidden = train_step(model, optimizer, scaler, amp_dtype, batches.next(), hidden, args, device)
    loss, hidden = train_step(model, optimizer, scaler, amp_dtype, (x, y, fresh), hidden, args, device, styles)
"""
from __future__ import annotations

import argparse
from typing import Any, Optional

import torch
from torch import nn

from colab.model.lstm import CharLSTM, State

# A GradScaler: torch.amp's (torch >= 2.3) or torch.cuda.amp's, whichever this torch has.
Scaler = Any


def amp_dtype_for(device_type: str, amp: str) -> Optional[torch.dtype]:
    """The autocast dtype for a device -> torch.float16, or None (full precision).

    fp16 with a GradScaler on every GPU: autocast runs cuDNN's LSTM in fp16 whatever
    dtype it is asked for (so bf16 would mean fp16 without loss scaling), and
    torch.cuda.is_bf16_supported() says True even on a T4, where bf16 is emulated.
    """
    if amp == "off" or device_type != "cuda":
        return None
    return torch.float16


def grad_scaler() -> Scaler:
    """A CUDA GradScaler, under whichever name this torch has it (torch.amp in >= 2.3)."""
    amp = getattr(torch, "amp", None)
    if amp is not None and hasattr(amp, "GradScaler"):
        try:
            return amp.GradScaler("cuda")
        except TypeError:  # an older torch.amp.GradScaler without a device argument
            pass
    return torch.cuda.amp.GradScaler()


def amp_settings(args: argparse.Namespace, device: torch.device) -> tuple[Optional[torch.dtype], Optional[Scaler]]:
    """-> (autocast dtype or None, GradScaler or None)."""
    dtype = amp_dtype_for(device.type, args.amp)
    return dtype, (grad_scaler() if dtype == torch.float16 else None)


def forward_weight_dropped(
    model: CharLSTM, ids: torch.Tensor, hidden: Optional[State], p: float, styles: Optional[torch.Tensor] = None
) -> tuple[torch.Tensor, State]:
    """The model's forward pass with DropConnect on every weight_hh (one mask per window) -> logits, state;
    `styles` (B, T): the style ids, a model with styles.

    The dropped weights go to the same LSTM kernel nn.LSTM calls (cuDNN on a GPU);
    nn.LSTM itself always reads its own weights, so it cannot take them.
    """
    lstm = model.lstm
    x = model.inputs(ids, styles)  # (B, T, E [+ S])
    if hidden is None:
        zeros = x.new_zeros(lstm.num_layers, ids.shape[0], lstm.hidden_size)
        hidden = (zeros, zeros)
    weights = [
        nn.functional.dropout(getattr(lstm, name), p, training=True)
        if name.startswith("weight_hh")
        else getattr(lstm, name)
        for name in lstm._flat_weights_names
    ]
    # torch._VF is torch's own binding of the LSTM kernel: private, so it has no type stubs.
    vf_lstm = torch._VF.lstm  # type: ignore[attr-defined]
    y, h, c = vf_lstm(x, hidden, weights, True, lstm.num_layers, lstm.dropout, lstm.training, False, True)
    return model.head(model.drop(y)), (h, c)


def train_step(
    model: CharLSTM,
    optimizer: torch.optim.Optimizer,
    scaler: Optional[Scaler],
    amp_dtype: Optional[torch.dtype],
    batch: tuple[torch.Tensor, torch.Tensor, bool],
    hidden: Optional[State],
    args: argparse.Namespace,
    device: torch.device,
    styles: Optional[torch.Tensor] = None,
) -> tuple[torch.Tensor, State]:
    """One step of truncated BPTT on a batch (with its style ids (B, T), a model with styles) -> (loss, the
    state to carry into the next window)."""
    x, y, fresh = batch
    x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
    if styles is not None:
        styles = styles.to(device, non_blocking=True)
    carried = None if fresh or hidden is None else (hidden[0].detach(), hidden[1].detach())
    with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
        if args.weight_drop > 0:
            logits, after = forward_weight_dropped(model, x, carried, args.weight_drop, styles)
        else:
            logits, after = model(x, carried, styles)
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
    return loss, after
