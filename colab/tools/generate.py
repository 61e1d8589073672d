"""Continues text with a storyloom model, on the command line (the parity tests run it against src/).

Usage:
    python -m colab.tools.generate "The old house" --model colab/models/small.json --seed 1
    python -m colab.tools.generate --cases cases.json --json   # [{"prompt", "options"[, "candidates"]}...]
    python -m colab.tools.generate "The old house" --candidates 3 --seed 1   # 3 candidate lines, as a worker makes
    python -m colab.tools.generate --logits "The old house"      # logits after priming
    python -m colab.tools.generate "The old house" --model tiny-styled.json --style austen   # in a style
A case may name its own "style"; a style the model lacks (or any, on a model without styles) writes with none.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Optional, Sequence

import torch

from colab.model.artifact import load_artifact
from colab.sampling.engine import Engine
from colab.sampling.generate import encode_prompt, generate, prime
from colab.sampling.sampler import STOP_RULES, SamplingOptions


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Continue text with a storyloom model.")
    p.add_argument("prompt", nargs="?", help="the text to continue")
    p.add_argument("--model", default="colab/models/small.json", help="the model artifact (.json)")
    p.add_argument("--temperature", type=float, default=0.8, help="0 is greedy; higher is wilder")
    p.add_argument("--top-k", type=int, default=0, help="keep only the k likeliest characters (0 = off)")
    p.add_argument("--top-p", type=float, default=1.0, help="keep the likeliest characters up to this mass")
    p.add_argument("--max-chars", type=int, default=280, help="the most characters to generate")
    p.add_argument(
        "--min-chars", type=int, default=None, help="the sentence rule stops only after this many (default 40)"
    )
    p.add_argument("--stop", choices=STOP_RULES, default="sentence", help="when to stop before max-chars")
    p.add_argument("--seed", type=int, default=0, help="the random seed (32-bit)")
    p.add_argument("--candidates", type=int, default=None, help="candidate lines to write (1 to 5), as a worker does")
    p.add_argument("--cases", help="a JSON file of [{prompt, options, candidates?}] to run as one batch")
    p.add_argument("--logits", action="store_true", help="print the logits after priming the prompt")
    p.add_argument("--style", default=None, help="the style to write in (a model with styles; default: any)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--device", default="cpu", help="torch device")
    return p.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Prints the continuations (or the logits) the arguments ask for -> the exit code, 0."""
    args = _parse_args(argv)
    torch.set_num_threads(1)
    model, artifact = load_artifact(args.model, device=args.device)

    def style_ids(names: Sequence[Optional[str]]) -> Optional[list[int]]:
        """Style names -> the model's ids (a style it lacks: 0, `any`), or None on a model without styles."""
        return [artifact.style_id(n) or 0 for n in names] if artifact.styles else None

    if args.logits:
        ids = style_ids([args.style])
        logits, _ = prime(model, [encode_prompt(artifact, args.prompt or "")], args.device, styles=ids)
        print(json.dumps(logits[0].tolist()))
        return 0
    if args.cases:
        with open(args.cases, encoding="utf-8") as f:
            cases = json.load(f)
        prompts = [c["prompt"] for c in cases]
        options = [SamplingOptions(**c.get("options", {})) for c in cases]
        counts = [c.get("candidates") for c in cases]
        styles = [c.get("style", args.style) for c in cases]
    else:
        prompts = [args.prompt or ""]
        options = [
            SamplingOptions(
                args.temperature, args.top_k, args.top_p, args.max_chars, args.min_chars, args.stop, args.seed
            )
        ]
        counts = [args.candidates]
        styles = [args.style]
    if any(n is not None for n in counts):
        engine = Engine(model, artifact, args.device)
        return _print_candidates(engine, prompts, options, counts, styles, args.json)
    results = generate(model, artifact, prompts, options, args.device, styles=style_ids(styles))
    if args.json:
        print(json.dumps([{"text": t, "stop": r} for t, r in results], ensure_ascii=False))
    else:
        for text, _ in results:
            print(text)
    return 0


def _print_candidates(
    engine: Engine,
    prompts: Sequence[str],
    options: Sequence[SamplingOptions],
    counts: Sequence[Optional[int]],
    styles: Sequence[Optional[str]],
    as_json: bool,
) -> int:
    """Runs the cases as a worker runs requests (a story each, no cache) and prints every candidate -> 0."""
    requests: list[dict[str, Any]] = []
    for k, (prompt, o, n, style) in enumerate(zip(prompts, options, counts, styles)):
        request: dict[str, Any] = {"story_id": f"case-{k}", "prompt": prompt, "sampling": o.check().to_dict()}
        if style is not None:
            request["style"] = style
        requests.append(request if n is None else {**request, "candidates": n})
    lines = engine.generate_candidates(requests)
    if as_json:
        out = [
            {"text": case[0].text, "stop": case[0].stop, "candidates": [c._asdict() for c in case]} for case in lines
        ]
        print(json.dumps(out, ensure_ascii=False))
    else:
        for k, case in enumerate(lines):
            for i, c in enumerate(case):
                print(f"[{k}.{i} seed {c.seed}] {c.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
