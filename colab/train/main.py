"""Trains a storyloom character LSTM and writes its artifact: `python -m colab.train`.

Usage:
    python -m colab.train --name small --max-minutes 60
    python -m colab.train --text my_stories.txt --name mine --hidden-size 640 --device cuda
    python -m colab.train --name small --resume          # continue after a disconnect
Exit codes: 0 when the artifact is written, 2 when the training text cannot be used.
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from colab.train.data import CorpusError
from colab.train.train import run


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The training command line -> its arguments; exits with a usage message when they do not fit."""
    p = argparse.ArgumentParser(prog="python -m colab.train", description="Train a storyloom character LSTM.")
    p.add_argument(
        "--text", default="colab/data/brown-fiction.txt", help="a UTF-8 training text (one paragraph per line is best)"
    )
    p.add_argument("--name", default="small", help="the artifact's name: writes <name>.safetensors and <name>.json")
    p.add_argument("--out-dir", default="colab/models", help="where the artifact and its loss curve go")
    p.add_argument("--checkpoint", default=None, help="checkpoint file (default: colab/checkpoints/<name>.pt)")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint if it exists")
    p.add_argument("--embedding-dim", type=int, default=64, help="size of the character embedding")
    p.add_argument("--hidden-size", type=int, default=512, help="LSTM units per layer")
    p.add_argument("--num-layers", type=int, default=2, help="number of stacked LSTM layers")
    p.add_argument("--dropout", type=float, default=0.25, help="dropout between layers and before the output")
    p.add_argument(
        "--weight-drop",
        type=float,
        default=0.0,
        help="DropConnect on the LSTM's hidden-to-hidden weights while training (AWD-LSTM's weight drop; 0: off)",
    )
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
    p.add_argument(
        "--max-mb",
        type=float,
        default=0,
        help="refuse to start when the weights file would exceed this many MB (10^6 bytes; 0: no limit)",
    )
    p.add_argument("--quiet", action="store_true", help="print only the final summary")
    args = p.parse_args(argv)
    if args.max_steps <= 0 and args.max_minutes <= 0:
        p.error("give --max-steps or --max-minutes (or both)")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Trains -> the exit code (see above)."""
    args = parse_args(argv)
    try:
        run(args)
    except CorpusError as e:
        print(f"storyloom train: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
