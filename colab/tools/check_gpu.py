"""Checks the GPU fast path against the eager one, on a real GPU (not part of the test suite).

For a batch of mixed requests (greedy and sampled, every filter and stop rule, several
lengths) it compares the CUDA-graph sampler with eager lockstep sampling, reports how
many greedy requests in a batch get what they get alone (GPU rounding depends on the
batch's shape, so a near-tie may flip), and checks that continuing from the story cache
gives what priming from scratch gives. Exit status 1 if graphs and eager sampling, or the
cache and priming from scratch, give different greedy text. With a model that has styles,
the requests cycle through its styles, so every batch mixes them.

Usage:
    python -m colab.tools.check_gpu --model colab/models/small.json
    python -m colab.tools.check_gpu --model colab/models/styled.json     # a model with styles
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Optional, Sequence

import torch

from colab.model.artifact import load_artifact
from colab.sampling.engine import Engine
from colab.sampling.story_cache import StoryCache

PROMPTS = [
    "The old house stood at the end of the lane, ",
    "",
    "She said nothing at all. ",
    "It was late in the autumn of that year, and the rain had not stopped for a week. " * 8,
]


def requests(n: int, greedy: bool, styles: Sequence[str] = ()) -> list[dict[str, Any]]:
    """`n` mixed requests: every filter and stop rule, several lengths (and styles); greedy or sampled."""
    reqs = []
    for k in range(n):
        sampling = {
            "temperature": 0.0 if greedy else 0.5 + (k % 5) * 0.2,
            "top_k": 0 if greedy else (k % 3) * 10,
            "top_p": 1.0 if greedy else (1.0, 0.9, 0.7)[k % 3],
            "max_chars": 40 + (k * 37) % 240,
            "min_chars": None,
            "stop": ("sentence", "line", "none")[k % 3],
            "seed": 1000 + k,
        }
        prompt = PROMPTS[k % len(PROMPTS)] + f"({k}) "
        req: dict[str, Any] = {"story_id": f"s{k}", "prompt": prompt, "sampling": sampling}
        reqs.append({**req, "style": styles[k % len(styles)]} if styles else req)
    return reqs


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the checks -> 0, 1 on a mismatch, 2 without a GPU."""
    p = argparse.ArgumentParser(description="Check storyloom's CUDA-graph sampling against eager sampling.")
    p.add_argument("--model", default="colab/models/small.json")
    p.add_argument("--streams", type=int, default=64)
    p.add_argument(
        "--compile", choices=["on", "off"], default="on", help="torch.compile the steps (the worker's default)"
    )
    args = p.parse_args(argv)
    if not torch.cuda.is_available():
        print("storyloom check_gpu: no CUDA GPU here (torch.cuda.is_available() is False); run it on a GPU runtime")
        return 2
    device = torch.device("cuda")
    model, artifact = load_artifact(args.model, device=device)
    graphed = Engine(model, artifact, device, StoryCache(256), compile=args.compile == "on")
    eager = Engine(model, artifact, device, StoryCache(0), cuda_graphs=False)
    print(
        f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}, model {artifact.name}; "
        f"CUDA graphs {'on' if graphed.graphs is not None else 'UNAVAILABLE'}"
        + (f"; styles {', '.join(artifact.styles)}" if artifact.styles else "")
    )
    failures, styles = 0, artifact.styles
    reqs = requests(args.streams, True, styles)
    together = graphed.generate(reqs)
    alone = [eager.generate([r])[0] for r in reqs]
    differ = [k for k, (x, y) in enumerate(zip(together, alone)) if x != y]
    # Not a failure: GPU kernels round differently for different batch shapes, so a near-tie can flip
    # (on the CPU, where the tests run, every request in a batch gets exactly what it gets alone).
    print(
        f"greedy: {len(reqs) - len(differ)}/{len(reqs)} requests in a batch of {len(reqs)} identical to alone"
        + "".join(f"; #{k} differs from char {_first_difference(together[k][0], alone[k][0])}" for k in differ)
    )
    for greedy in (True, False):
        reqs = requests(args.streams, greedy, styles)
        a, b = graphed.generate(reqs), eager.generate(reqs)
        same = sum(x == y for x, y in zip(a, b))
        print(f"{'greedy' if greedy else 'sampled'}: {same}/{len(reqs)} requests identical, graphs vs eager")
        failures += greedy and same < len(reqs)
    reqs = requests(8, True, styles)
    first = graphed.generate(reqs)
    nxt = [dict(r, prompt=r["prompt"] + text + " ") for r, (text, _) in zip(reqs, first)]
    hits_before = graphed.cache.hits
    cached, fresh = graphed.generate(nxt), eager.generate(nxt)
    same = sum(x == y for x, y in zip(cached, fresh))
    print(
        f"story cache: {graphed.cache.hits - hits_before} hits; {same}/{len(nxt)} next lines identical to "
        f"priming from scratch"
    )
    failures += same < len(nxt)
    print(
        f"graphs recorded: {graphed.graphs.recordings if graphed.graphs else 0}; "
        f"{'OK' if not failures else 'MISMATCH'}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
