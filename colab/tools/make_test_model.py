"""Writes a tiny model of fixed random weights, with or without styles, and its reference outputs, for tests:
the TypeScript engine's parity test loads the same files and compares its outputs with the reference.

The weights come from one seeded torch.Generator, tensor by tensor in name order, so the
same arguments write the same files on every machine with this torch. The reference
(`<name>.reference.json`) holds, for the prompt and each style (`any` and every other one;
a model without styles: none), the logits after priming, the greedy text and a sampled
text; and the same sampled texts run as one batch that mixes every style.

Usage:
    python -m colab.tools.make_test_model --styles --out /tmp/models --name tiny-styled
    python -m colab.tools.make_test_model --styles any,austen,melville --out DIR --name mine --seed 7
    python -m colab.tools.make_test_model --out DIR --name tiny-plain          # no styles
Writes <out>/<name>.json, <out>/<name>.safetensors and <out>/<name>.reference.json, and prints their paths.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import string
import sys
from typing import Any, Optional, Sequence

import torch

from colab.model.artifact import ANY_STYLE, load_artifact, save_artifact
from colab.model.lstm import CharLSTM, ModelConfig
from colab.sampling.generate import encode_prompt, generate, prime
from colab.sampling.sampler import SamplingOptions

VOCABULARY = sorted(set(string.ascii_letters + string.digits + " .,;:!?'\"-()\n"))
DEFAULT_STYLES = (ANY_STYLE, "general", "austen", "melville")
PROMPT = "The old house"
GREEDY: dict[str, Any] = {"temperature": 0.0, "top_k": 0, "top_p": 1.0, "max_chars": 40, "stop": "none", "seed": 0}
SAMPLED: dict[str, Any] = {"temperature": 0.8, "top_k": 0, "top_p": 1.0, "max_chars": 40, "stop": "none", "seed": 1}


def random_model(config: ModelConfig, seed: int, scale: float = 2.0) -> CharLSTM:
    """A CharLSTM of fixed random weights: embeddings N(0, 1), matrices N(0, (scale / sqrt(fan_in))^2),
    biases N(0, 0.1^2), drawn from one Generator(seed) in name order."""
    model = CharLSTM(config)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in sorted(model.named_parameters()):
            noise = torch.randn(tensor.shape, generator=generator)
            if "embedding" in name:
                std = 1.0
            elif tensor.dim() == 2:
                std = scale / math.sqrt(tensor.shape[1])
            else:
                std = 0.1
            tensor.copy_(noise * std)
    return model.eval()


def write_test_model(
    out: str,
    name: str,
    styles: Optional[Sequence[str]] = None,
    seed: int = 5,
    hidden_size: int = 32,
    num_layers: int = 2,
    embedding_dim: int = 16,
    style_dim: int = 8,
) -> str:
    """Writes the model (styles: its names, `any` first; None: a model without styles) -> its json path."""
    config = ModelConfig(
        len(VOCABULARY),
        embedding_dim,
        hidden_size,
        num_layers,
        0.0,
        num_styles=len(styles) if styles else 0,
        style_dim=style_dim if styles else 0,
    )
    save_artifact(random_model(config, seed), VOCABULARY, out, name, styles=list(styles) if styles else None)
    return os.path.join(out, f"{name}.json")


def reference(json_path: str, prompt: str = PROMPT) -> dict[str, Any]:
    """The reference outputs of a model: per style, the logits after priming `prompt`, greedy and sampled text."""
    torch.set_num_threads(1)
    model, artifact = load_artifact(json_path)
    names: list[Optional[str]] = list(artifact.styles) if artifact.styles else [None]
    ids: Optional[list[int]] = list(range(len(names))) if artifact.styles else None
    cases = []
    for k, style in enumerate(names):
        one = [k] if ids is not None else None
        logits, _ = prime(model, [encode_prompt(artifact, prompt)], "cpu", styles=one)
        greedy = generate(model, artifact, [prompt], [SamplingOptions(**GREEDY)], styles=one)[0]
        sampled = generate(model, artifact, [prompt], [SamplingOptions(**SAMPLED)], styles=one)[0]
        cases.append(
            {
                "style": style,
                "style_id": k if ids is not None else None,
                "logits": [round(x, 6) for x in logits[0].tolist()],
                "greedy": {"text": greedy[0], "stop": greedy[1]},
                "sampled": {"text": sampled[0], "stop": sampled[1]},
            }
        )
    mixed = generate(model, artifact, [prompt] * len(names), [SamplingOptions(**SAMPLED)] * len(names), styles=ids)
    return {
        "model": os.path.basename(json_path),
        "weights_sha256": artifact.weights_sha256,
        "styles": artifact.styles,
        "prompt": prompt,
        "prime_prefix": artifact.sampling.get("prime_prefix", ""),
        "greedy_options": GREEDY,
        "sampled_options": SAMPLED,
        "cases": cases,
        "mixed_batch": [{"style": s, "text": t, "stop": r} for s, (t, r) in zip(names, mixed)],
    }


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m colab.tools.make_test_model", description="Write a tiny test model and its reference."
    )
    p.add_argument("--out", required=True, help="the folder to write into")
    p.add_argument("--name", default="tiny-styled", help="the artifact's name")
    p.add_argument(
        "--styles",
        nargs="?",
        const=",".join(DEFAULT_STYLES),
        default=None,
        help=f"give the model styles: comma-separated, 'any' first (alone: {','.join(DEFAULT_STYLES)}); "
        "left out: a model without styles",
    )
    p.add_argument("--seed", type=int, default=5, help="the weights' random seed")
    p.add_argument("--hidden-size", type=int, default=32, help="LSTM units per layer")
    p.add_argument("--num-layers", type=int, default=2, help="LSTM layers")
    p.add_argument("--embedding-dim", type=int, default=16, help="size of the character embedding")
    p.add_argument("--style-dim", type=int, default=8, help="size of the style embedding")
    p.add_argument("--prompt", default=PROMPT, help="the reference's prompt")
    return p.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Writes the model and its reference, prints their paths -> 0."""
    args = _parse_args(argv)
    styles = [s.strip() for s in args.styles.split(",") if s.strip()] if args.styles else None
    if styles is not None and (not styles or styles[0] != ANY_STYLE):
        styles = [ANY_STYLE, *[s for s in styles or () if s != ANY_STYLE]]
    path = write_test_model(
        args.out, args.name, styles, args.seed, args.hidden_size, args.num_layers, args.embedding_dim, args.style_dim
    )
    ref_path = os.path.join(args.out, f"{args.name}.reference.json")
    with open(ref_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(reference(path, args.prompt), indent=1, ensure_ascii=False) + "\n")
    for written in (path, path[: -len(".json")] + ".safetensors", ref_path):
        print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
