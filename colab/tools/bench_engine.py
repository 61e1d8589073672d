"""PyTorch's side of the CPU engine benchmark (scripts/bench-engine.ts runs both).

Generates `--chars` characters at batch 1 on one thread, two ways, and prints JSON:
  storyloom: colab.sampling.generate's batched sampler at batch 1 (what the worker runs);
  plain:     the simplest torch loop: step, softmax, multinomial, .item() per char.
The faster of the two is the fair baseline.

Usage:
    python -m colab.tools.bench_engine --model colab/models/small.json --chars 2000 --repeats 5
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Callable

import torch

from colab.model.artifact import Artifact, load_artifact
from colab.model.lstm import CharLSTM
from colab.sampling.generate import encode_prompt, generate, prime
from colab.sampling.lockstep import step
from colab.sampling.sampler import SamplingOptions

PROMPT = "The old house stood at the end of the lane, "


@torch.no_grad()
def plain_loop(model: CharLSTM, artifact: Artifact, chars: int, seed: int) -> None:
    """The simplest torch loop: step, softmax, multinomial, .item() per character."""
    torch.manual_seed(seed)
    logits, state = prime(model, [encode_prompt(artifact, PROMPT)], "cpu")
    for _ in range(chars):
        probs = torch.softmax(logits / 0.8, dim=1)
        nxt = int(torch.multinomial(probs, 1).item())
        logits, state = step(model, torch.tensor([nxt]), state)


def timed(fn: Callable[[], object], repeats: int) -> float:
    """The median time of `repeats` runs of fn(), in seconds."""
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    """Times both ways and prints one JSON line."""
    p = argparse.ArgumentParser(description="Time PyTorch generation at batch 1 on one CPU thread.")
    p.add_argument("--model", default="colab/models/small.json", help="the model artifact")
    p.add_argument("--chars", type=int, default=2000, help="characters per run")
    p.add_argument("--repeats", type=int, default=5, help="runs; the median is reported")
    args = p.parse_args()
    torch.set_num_threads(1)
    model, artifact = load_artifact(args.model)
    options = [SamplingOptions(temperature=0.8, max_chars=args.chars, stop="none", seed=1)]
    prime_ids = encode_prompt(artifact, PROMPT)
    generate(model, artifact, [PROMPT], options)  # warm up
    storyloom = timed(lambda: generate(model, artifact, [PROMPT], options), args.repeats)
    plain = timed(lambda: plain_loop(model, artifact, args.chars, 1), args.repeats)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "prime_chars": len(prime_ids),
                "chars": args.chars,
                "storyloom_s": storyloom,
                "plain_s": plain,
            }
        )
    )


if __name__ == "__main__":
    main()
