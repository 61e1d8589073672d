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
from colab.sampling import STOP_RULES, SamplingOptions, StopTracker, choose, filter_probs, uniform

STOP_REASONS = ("", "stop_rule", "max_chars")


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


@torch.no_grad()
def step(model, ids, state):
    """One character for every stream: ids (B,) -> logits (B, V), state."""
    y, state = model.lstm(model.embedding(ids.unsqueeze(1)), state)  # (B, 1, H)
    return model.head(y[:, 0]), state


class Sampled:
    """What lockstep sampling made: results [(text, stop_reason)] and, when captured,
    each stream's last logits (B, V) and state ((L, B, H), (L, B, H)) after its prompt
    and every generated character but the one that stopped it (see `fed_text`)."""

    def __init__(self, results, final=None):
        self.results, self.final = results, final


def fed_text(text, reason):
    """The generated text a captured final state has read: all of it after a stop rule
    (the stopping character is not kept), all but the last character at max_chars."""
    return text if reason == "stop_rule" else text[:-1]


@torch.no_grad()
def sample_streams(model, vocabulary, logits, state, options, device, sync_every=16, on_sync=None, capture=False):
    """Samples continuations for primed streams, all in lockstep on the device -> Sampled.

    The host looks at the batch only every `sync_every` steps: to drop finished streams
    and to call `on_sync()`, which may raise to abandon the batch.
    """
    B = len(options)
    temperature = torch.tensor([o.temperature for o in options], device=device)
    top_k = torch.tensor([o.top_k for o in options], device=device)
    top_p = torch.tensor([o.top_p for o in options], device=device)
    seeds = torch.tensor([o.seed for o in options], dtype=torch.long, device=device)
    longest = max(o.max_chars for o in options)
    out = torch.zeros(B, longest, dtype=torch.long, device=device)
    n_out = torch.zeros(B, dtype=torch.long, device=device)
    reason = torch.zeros(B, dtype=torch.long, device=device)
    rows = torch.arange(B, device=device)
    n = torch.zeros(B, dtype=torch.long, device=device)
    done = torch.zeros(B, dtype=torch.bool, device=device)
    tracker = StopTracker(vocabulary, options, device)
    final = (logits.clone(), state[0].clone(), state[1].clone()) if capture else None
    for t in range(longest):
        u = uniform(seeds, n).float()
        ids = choose(logits, filter_probs(logits, temperature, top_k, top_p), temperature, u)
        stop, keep = tracker.step(ids, n)
        if capture:  # the state that chose the stopping character: prompt + kept text so far
            _capture(final, rows, stop & ~done, logits, state)
        write = keep & ~done
        out[rows, n.clamp(max=longest - 1)] = torch.where(write, ids, out[rows, n.clamp(max=longest - 1)])
        n = n + write.long()
        reason[rows] = torch.where(stop & ~done, torch.where(keep, 2, 1), reason[rows])
        done = done | stop
        if (t + 1) % sync_every == 0 or t + 1 == longest:
            if on_sync is not None:
                on_sync()
            n_out[rows] = n  # before compaction drops the finished streams' counts
            live = ~done
            if not bool(live.any()):
                break
            if not bool(live.all()):
                rows, n, done, seeds = rows[live], n[live], done[live], seeds[live]
                temperature, top_k, top_p = temperature[live], top_k[live], top_p[live]
                ids, state = ids[live], (state[0][:, live], state[1][:, live])
                tracker.select(live)
        logits, state = step(model, ids, state)
    n_out[rows] = n
    out, n_out, reason = out.cpu(), n_out.cpu(), reason.cpu()
    texts = ["".join(vocabulary[i] for i in out[b, : n_out[b]].tolist()) for b in range(B)]
    return Sampled([(texts[b], STOP_REASONS[int(reason[b])] or "max_chars") for b in range(B)], final)


def _capture(final, rows, just, logits, state):
    """Copies logits (b, V) and state (L, b, H) of the streams that `just` (b,) stopped."""
    f_logits, f_h, f_c = final
    f_logits[rows] = torch.where(just.unsqueeze(1), logits, f_logits[rows])
    f_h[:, rows] = torch.where(just.view(1, -1, 1), state[0], f_h[:, rows])
    f_c[:, rows] = torch.where(just.view(1, -1, 1), state[1], f_c[:, rows])


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
