"""Batched generation with a character LSTM, and a command line to try it.

Every prompt primes its stream in one packed forward pass; then all streams sample
in lockstep on the device. The host looks at the batch only every `sync_every`
steps, to drop the streams that have stopped.

Usage:
    python -m colab.generate "The old house" --model colab/models/small.json --seed 1
    python -m colab.generate --cases cases.json --json   # [{"prompt", "options"}...]
    python -m colab.generate --logits "The old house"      # logits after priming
"""
import argparse
import json
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence

from colab.artifact import load_artifact
from colab.lockstep import Lockstep
from colab.sampling import STOP_RULES, SamplingOptions


def encode_prompt(artifact, prompt):
    """The ids that prime a stream: the artifact's prime prefix, then the normalized prompt."""
    return artifact.encode(artifact.sampling.get("prime_prefix", "")) + artifact.encode(prompt)


@torch.no_grad()
def prime(model, id_lists, device, state=None):
    """Runs every id list through the LSTM in one packed pass -> (logits (B, V), state)."""
    lengths = torch.tensor([len(ids) for ids in id_lists])
    padded = pad_sequence([torch.tensor(ids, dtype=torch.long) for ids in id_lists], batch_first=True).to(device)
    packed = pack_padded_sequence(model.embedding(padded), lengths, batch_first=True, enforce_sorted=False)
    _, (h, c) = model.lstm(packed, state)  # h, c: (L, B, H), back in the callers' order
    return model.head(h[-1]), (h, c)


def fed_text(text, reason):
    """The generated text a captured final state has read: all of it after a stop rule
    (the stopping character is not kept), all but the last character at max_chars."""
    return text if reason == "stop_rule" else text[:-1]


@torch.no_grad()
def sample_streams(model, vocabulary, logits, state, options, device, sync_every=16, on_sync=None, capture=False,
                   graphs=None):
    """Samples continuations for primed streams, all in lockstep on the device -> Sampled.

    The host looks at the batch only every `sync_every` steps: to drop finished streams
    and to call `on_sync()`, which may raise to abandon the batch. With `graphs` (a
    colab.cuda_graphs.LockstepGraphs) the steps are replayed from CUDA graphs instead.
    """
    if graphs is not None:
        return graphs.sample(logits, state, options, on_sync, capture)
    run = Lockstep.for_options(model, vocabulary, options, device, capture)
    run.load(options, logits, state)
    for t in range(run.width):
        run.sample()
        if (t + 1) % sync_every == 0 or t + 1 == run.width:
            if on_sync is not None:
                on_sync()
            live = run.settle()
            if not bool(live.any()):
                break
            if not bool(live.all()):
                run.select(live)
        run.feed()
    return run.results(len(options))


def sample_batch(model, vocabulary, logits, state, options, device, sync_every=16):
    """Samples continuations for primed streams -> list of (text, stop_reason)."""
    return sample_streams(model, vocabulary, logits, state, options, device, sync_every).results


def generate(model, artifact, prompts, options, device="cpu", sync_every=16):
    """Continues each prompt with its options -> list of (text, stop_reason)."""
    options = [o.check() for o in options]
    logits, state = prime(model, [encode_prompt(artifact, p) for p in prompts], device)
    return sample_batch(model, artifact.vocabulary, logits, state, options, device, sync_every)


def _parse_args(argv):
    p = argparse.ArgumentParser(description="Continue text with a storyloom model.")
    p.add_argument("prompt", nargs="?", help="the text to continue")
    p.add_argument("--model", default="colab/models/small.json", help="the model artifact (.json)")
    p.add_argument("--temperature", type=float, default=0.8, help="0 is greedy; higher is wilder")
    p.add_argument("--top-k", type=int, default=0, help="keep only the k likeliest characters (0 = off)")
    p.add_argument("--top-p", type=float, default=1.0, help="keep the likeliest characters up to this mass")
    p.add_argument("--max-chars", type=int, default=280, help="the most characters to generate")
    p.add_argument("--min-chars", type=int, default=None, help="the sentence rule stops only after this many (default 40)")
    p.add_argument("--stop", choices=STOP_RULES, default="sentence", help="when to stop before max-chars")
    p.add_argument("--seed", type=int, default=0, help="the random seed (32-bit)")
    p.add_argument("--cases", help="a JSON file of [{prompt, options}] to run as one batch")
    p.add_argument("--logits", action="store_true", help="print the logits after priming the prompt")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--device", default="cpu", help="torch device")
    return p.parse_args(argv)


def main(argv=None):
    args = _parse_args(argv)
    torch.set_num_threads(1)
    model, artifact = load_artifact(args.model, device=args.device)
    if args.logits:
        logits, _ = prime(model, [encode_prompt(artifact, args.prompt or "")], args.device)
        print(json.dumps(logits[0].tolist()))
        return
    if args.cases:
        with open(args.cases, encoding="utf-8") as f:
            cases = json.load(f)
        prompts = [c["prompt"] for c in cases]
        options = [SamplingOptions(**c.get("options", {})) for c in cases]
    else:
        prompts = [args.prompt or ""]
        options = [SamplingOptions(args.temperature, args.top_k, args.top_p, args.max_chars,
                                   args.min_chars, args.stop, args.seed)]
    results = generate(model, artifact, prompts, options, args.device)
    if args.json:
        print(json.dumps([{"text": t, "stop": r} for t, r in results], ensure_ascii=False))
    else:
        for text, _ in results:
            print(text)


if __name__ == "__main__":
    sys.exit(main())
