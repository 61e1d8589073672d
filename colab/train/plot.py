"""Writes a loss-curve PNG (matplotlib, which Colab preinstalls).

Usage:
    write_loss_curve(state.history, "colab/models/small.loss.png", "storyloom small")
"""
from __future__ import annotations

from typing import Any


def write_loss_curve(history: list[dict[str, Any]], path: str, title: str) -> bool:
    """history: list of {"chars", "train_loss", "val_loss"?, "val_styled"?}. Returns False without matplotlib.

    A styled text's history also has `val_styled` (the same held-out text with its true styles): a third line."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("storyloom: matplotlib is not installed; skipping the loss curve", flush=True)
        return False
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    train = [(h["chars"] / 1e6, h["train_loss"]) for h in history if h.get("train_loss") is not None]
    val = [(h["chars"] / 1e6, h["val_loss"]) for h in history if h.get("val_loss") is not None]
    styled = [(h["chars"] / 1e6, h["val_styled"]) for h in history if h.get("val_styled") is not None]
    if train:
        ax.plot(*zip(*train), label="train", linewidth=1)
    if val:
        ax.plot(*zip(*val), label="validation (as any)" if styled else "validation", marker="o", markersize=3)
    if styled:
        ax.plot(*zip(*styled), label="validation (true styles)", marker="s", markersize=3)
    ax.set_xlabel("characters seen (millions)")
    ax.set_ylabel("loss (nats per character)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True
