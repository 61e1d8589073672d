"""What the worker benchmarks share (like scripts/bench-common.ts): a random-weights model, requests,
timing with the device synchronized, and the naive one-request-at-a-time baseline.

Usage:
    path = random_artifact(hidden=512, layers=2, directory=tmp)
    seconds = timed(lambda: engine.generate(requests_for(8, prompts, 120)), device, repeats=3)
"""
from __future__ import annotations

import os
import statistics
import time
from typing import Any, Callable, Optional, Sequence

import torch

from colab.model.artifact import Artifact, save_artifact
from colab.model.lstm import CharLSTM, ModelConfig, State
from colab.sampling.generate import encode_prompt

VOCAB = sorted(set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"-()\n&*/"))


def random_artifact(hidden: int, layers: int, directory: str) -> str:
    """Writes a model of random weights shaped like (hidden, layers) -> its json path."""
    torch.manual_seed(0)
    model = CharLSTM(ModelConfig(len(VOCAB), 64, hidden, layers, 0.0))
    save_artifact(model, VOCAB, directory, "bench")
    return os.path.join(directory, "bench.json")


def sync(device: torch.device) -> None:
    """Waits for the GPU's queued work (nothing to wait for on the CPU)."""
    if device.type == "cuda":
        torch.cuda.synchronize()


@torch.no_grad()
def naive_generate(
    model: CharLSTM,
    artifact: Artifact,
    prompt: str,
    max_chars: int,
    temperature: float,
    device: torch.device,
    generator: torch.Generator,
) -> str:
    """One request, char-rnn style: prime char by char, sample with a host sync per character."""
    state: Optional[State] = None
    logits: Optional[torch.Tensor] = None
    for i in encode_prompt(artifact, prompt):
        logits, state = model(torch.tensor([[i]], device=device), state)
    out = []
    for _ in range(max_chars):
        if logits is None:
            raise ValueError("nothing to continue: the prompt and the prime prefix are empty")
        probs = torch.softmax(logits[0, -1] / temperature, dim=0)
        i = int(torch.multinomial(probs, 1, generator=generator).item())  # the host waits here, every character
        out.append(artifact.vocabulary[i])
        logits, state = model(torch.tensor([[i]], device=device), state)
    return "".join(out)


def requests_for(n: int, prompts: Sequence[str], max_chars: int, story: Optional[str] = None) -> list[dict[str, Any]]:
    """`n` requests as the worker parses them, prompts taken in turn."""
    return [
        {
            "story_id": story or f"story-{k}",
            "prompt": prompts[k % len(prompts)],
            "sampling": {
                "temperature": 0.8,
                "top_k": 0,
                "top_p": 1.0,
                "max_chars": max_chars,
                "min_chars": None,
                "stop": "none",
                "seed": k,
            },
        }
        for k in range(n)
    ]


def timed(fn: Callable[[], object], device: torch.device, repeats: int) -> float:
    """The median time of `repeats` runs of fn(), in seconds."""
    times = []
    for _ in range(repeats):
        sync(device)
        start = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
