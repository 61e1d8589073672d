"""Trains a storyloom character LSTM and writes its artifact: `python -m colab.train`.

Usage:
    python -m colab.train --name small --max-minutes 60
    python -m colab.train --text my_stories.txt --name mine --hidden-size 640 --device cuda
    python -m colab.train --name small --resume          # continue after a disconnect
    python -m colab.train --corpus colab/data/corpus.tsv --preset styled   # the model with styles, on a GPU
    python -m colab.train --preset small                 # the shipped small's recipe, on brown-fiction.txt
Exit codes: 0 when the artifact is written, 2 when the training text cannot be used.

A preset sets the defaults of a recipe; flags given beside it override them.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Optional, Sequence

from colab.train.data import CorpusError
from colab.train.styled import STYLE_DROPOUT
from colab.train.train import run

# Recipes (docs/model.md): `small` is the shipped small's (on brown-fiction.txt); `styled` the model with styles,
# on colab/data/corpus.tsv, sized for the 25 MB cap and one GPU command of under ten minutes.
PRESETS: dict[str, dict[str, Any]] = {
    "small": {
        "hidden_size": 512,
        "num_layers": 2,
        "embedding_dim": 64,
        "dropout": 0.4,
        "weight_drop": 0.5,
        "weight_decay": 0.1,
        "batch_size": 256,
        "lr": 4e-3,
        "eval_every": 200,
        "max_minutes": 7.2,
        "max_mb": 25.0,
    },
    "styled": {
        "name": "styled",
        "hidden_size": 640,
        "num_layers": 2,
        "embedding_dim": 64,
        "style_dim": 16,
        "style_dropout": STYLE_DROPOUT,
        "dropout": 0.35,
        "weight_drop": 0.4,
        "weight_decay": 0.1,
        "batch_size": 256,
        "lr": 4e-3,
        "eval_every": 250,
        "checkpoint_minutes": 2.0,
        "max_minutes": 7.5,
        "max_mb": 25.0,
    },
}


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The training command line -> its arguments; exits with a usage message when they do not fit."""
    p = argparse.ArgumentParser(prog="python -m colab.train", description="Train a storyloom character LSTM.")
    p.add_argument(
        "--text",
        "--corpus",
        dest="text",
        default="colab/data/brown-fiction.txt",
        help="a UTF-8 training text (one paragraph per line is best), or a styled one: a .tsv of "
        "source<TAB>style<TAB>text lines (colab/data/corpus.tsv), which trains a model with styles",
    )
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=None,
        help="a recipe's defaults (small: the shipped small's; styled: the model with styles); flags override them",
    )
    p.add_argument(
        "--styles",
        default=None,
        help="a .tsv's styles to learn, comma-separated, in id order after 'any' (others count as 'any'); "
        "default: all of the file's, in order of first appearance; 'none': train without styles",
    )
    p.add_argument("--style-dim", type=int, default=16, help="size of the style embedding (a styled text)")
    p.add_argument(
        "--style-dropout",
        type=float,
        default=STYLE_DROPOUT,
        help="chance that a paragraph is fed as 'any' instead of its style, drawn anew each epoch (a styled text)",
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
    known, _ = p.parse_known_args(argv)
    if known.preset:
        p.set_defaults(**PRESETS[known.preset])
    args = p.parse_args(argv)
    if not 0 <= args.style_dropout < 1 or args.style_dim <= 0:
        p.error("--style-dropout must be in [0, 1) and --style-dim positive")
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
