"""Benchmark: the batched worker engine against a naive one-request-at-a-time loop.

The naive loop serves requests one after another, priming character by character
and sampling with a host sync per character (`.item()`), the way textgenrnn and
char-rnn sample. The worker engine serves all requests in one batch: one packed
priming pass, then lockstep sampling on the device. Aggregate chars/s at 1, 8 and
64 concurrent requests, and the time for the next line of a 5,000-character story
with and without the story state cache. Medians over --repeats runs. The chars/s
figures include priming each request's prompt; a separate figure gives the time of
one lockstep sampling step at 64 streams, the sampling loop alone (on CUDA, timed
between torch.cuda.synchronize() calls). Without --model the weights are random,
shaped like the size given (by default like `small`: 2 x 512, 64-d embedding), so the
speed is a trained model's but the text is noise. With --candidates N, also the cost of
one job asking for N candidate lines against one asking for one line (a story of
--candidate-story-chars, lines of --candidate-chars), cold and with the story cache warm.

Usage:
    python -m colab.tools.bench_worker                                   # CPU, random weights shaped like `small`
    python -m colab.tools.bench_worker --model colab/models/small.json
    python -m colab.tools.bench_worker --device cuda --hidden-size 1024 --layers 3
    python -m colab.tools.bench_worker --model colab/models/small.json --candidates 3 --concurrency 1 --step-streams 0
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from typing import Any, Optional, Sequence

import torch

from colab.model.artifact import Artifact, load_artifact
from colab.model.lstm import CharLSTM
from colab.sampling.engine import Engine, options_of
from colab.sampling.generate import encode_prompt, sample_streams
from colab.sampling.story_cache import StoryCache
from colab.tools.bench_common import naive_generate, random_artifact, requests_for, sync, timed

CORPUS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "brown-fiction.txt")


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The benchmark's command line."""
    p = argparse.ArgumentParser(description="Batched worker vs naive per-request sampling.")
    p.add_argument("--model", help="a model artifact (default: random weights shaped by --hidden-size and --layers)")
    p.add_argument("--hidden-size", type=int, default=512, help="hidden size of the random-weights model")
    p.add_argument("--layers", type=int, default=2, help="LSTM layers of the random-weights model")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--concurrency", default="1,8,64", help="numbers of concurrent requests")
    p.add_argument("--max-chars", type=int, default=120, help="characters generated per request")
    p.add_argument("--prompt-chars", type=int, default=100, help="prompt length per request")
    p.add_argument(
        "--naive-sample",
        type=int,
        default=8,
        help="time the naive loop on at most this many requests and scale (it serves them one by one)",
    )
    p.add_argument("--story-chars", type=int, default=5000, help="story length for the cache test")
    p.add_argument("--repeats", type=int, default=3, help="runs per measurement (the median is shown)")
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    p.add_argument(
        "--cuda-graphs",
        choices=["on", "off"],
        default="on",
        help="on a GPU, sample from CUDA graphs (the worker's default) or eagerly",
    )
    p.add_argument(
        "--compile",
        choices=["on", "off"],
        default="on",
        help="on a GPU, torch.compile the sampling step too (the worker's default)",
    )
    p.add_argument(
        "--step-streams",
        type=int,
        default=64,
        help="concurrent streams for the time-per-sampling-step figure (0: skip it)",
    )
    p.add_argument(
        "--candidates", type=int, default=0, help="also time one job of this many candidate lines vs one line (0: skip)"
    )
    p.add_argument("--candidate-story-chars", type=int, default=1500, help="story length for the candidates figure")
    p.add_argument("--candidate-chars", type=int, default=280, help="line length for the candidates figure")
    return p.parse_args(argv)


def engine_for(
    model: CharLSTM,
    artifact: Artifact,
    device: torch.device,
    args: argparse.Namespace,
    cache: Optional[StoryCache] = None,
    cuda_graphs: Optional[bool] = None,
) -> Engine:
    """A Engine with the run's --cuda-graphs and --compile (cuda_graphs overrides the first)."""
    graphs = args.cuda_graphs == "on" if cuda_graphs is None else cuda_graphs
    return Engine(model, artifact, device, cache, cuda_graphs=graphs, compile=args.compile == "on")


def bench_concurrency(
    model: CharLSTM, artifact: Artifact, device: torch.device, args: argparse.Namespace, prompts: Sequence[str]
) -> None:
    """Aggregate chars/s, naive and batched, at each --concurrency."""
    generator = torch.Generator(device=device).manual_seed(0)
    print(f"{'requests':>8} {'naive chars/s':>14} {'batched chars/s':>16} {'ratio':>7}")
    for n in (int(x) for x in args.concurrency.split(",")):
        chars, timed_n = n * args.max_chars, min(n, args.naive_sample)
        naive = (
            timed(
                lambda: [
                    naive_generate(model, artifact, prompts[k % len(prompts)], args.max_chars, 0.8, device, generator)
                    for k in range(timed_n)
                ],
                device,
                args.repeats,
            )
            * n
            / timed_n
        )
        engine = engine_for(model, artifact, device, args)
        engine.generate(requests_for(n, prompts, args.max_chars))  # warm-up: cuDNN plans, CUDA graph recording
        batched = timed(lambda: engine.generate(requests_for(n, prompts, args.max_chars)), device, args.repeats)
        note = f"  (naive timed on {timed_n} of {n}, scaled)" if timed_n < n else ""
        print(f"{n:>8} {chars / naive:>14,.0f} {chars / batched:>16,.0f} {naive / batched:>6.1f}x{note}", flush=True)


def bench_step(
    model: CharLSTM,
    artifact: Artifact,
    device: torch.device,
    args: argparse.Namespace,
    prompts: Sequence[str],
    cuda_graphs: bool,
) -> float:
    """Time per lockstep sampling step at --step-streams streams: the sampling loop only.

    Priming runs before the clock starts. The loop's own sync points call `mark`, which
    synchronizes the device and notes the time; the last one comes right after the last
    step's sampling, so the figure leaves out the final copy to the host and decoding.
    Every stream runs all --max-chars steps (stop rule "none").
    """
    n = args.step_streams
    engine = engine_for(model, artifact, device, args, cuda_graphs=cuda_graphs)
    requests = requests_for(n, prompts, args.max_chars)
    options = [options_of(r) for r in requests]
    id_lists = [encode_prompt(artifact, r["prompt"]) for r in requests]
    per_step: list[float] = []
    for _ in range(args.repeats + 1):  # the first run warms up (cuDNN, allocator) and is not counted
        logits, state = engine.prime_all([r["story_id"] for r in requests], id_lists)
        marks: list[float] = []

        def mark() -> None:
            sync(device)
            marks.append(time.perf_counter())

        sync(device)
        start = time.perf_counter()
        sample_streams(
            model, artifact.vocabulary, logits, state, options, device, engine.sync_every, mark, graphs=engine.graphs
        )
        per_step.append((marks[-1] - start) / args.max_chars)
    us = statistics.median(per_step[1:]) * 1e6
    how = "eager" if engine.graphs is None else "CUDA graphs" + (" + torch.compile" if engine.graphs.compile else "")
    print(
        f"sampling step at {n} streams, {how}: {us:,.1f} us per lockstep step ({n * 1e6 / us:,.0f} chars/s; "
        f"sampling loop only, priming excluded, {args.max_chars} steps, median of {args.repeats})",
        flush=True,
    )
    return us


def bench_cache(model: CharLSTM, artifact: Artifact, device: torch.device, args: argparse.Namespace, text: str) -> None:
    """The next line of a long story, with and without the story cache."""
    story = text[: args.story_chars]
    cached = engine_for(model, artifact, device, args, StoryCache(16))
    line, _ = cached.generate(requests_for(1, [story], 120, story="s"))[0]
    nxt = requests_for(1, [story + line + " "], 120, story="s")

    def with_cache() -> None:
        cached.generate(nxt)  # every repeat finds the state after the story and the previous line

    without = engine_for(model, artifact, device, args)
    t_cache = timed(with_cache, device, args.repeats)
    t_fresh = timed(lambda: without.generate(nxt), device, args.repeats)
    print(
        f"next line of a {len(story):,}-char story: {t_fresh * 1000:,.0f} ms without the cache, "
        f"{t_cache * 1000:,.0f} ms with it ({t_fresh / t_cache:.1f}x)"
    )


def bench_candidates(
    model: CharLSTM, artifact: Artifact, device: torch.device, args: argparse.Namespace, text: str
) -> None:
    """One job of --candidates lines against one job of one line, for a story of --candidate-story-chars and lines
    of --candidate-chars (stop rule "none"; temperature 0.8, top_p 0.95, as the bot asks): cold (the whole prompt
    primes) and warm (the cache holds the story up to its previous line, written by this engine). Medians of
    --repeats runs, alternating; scripts/bench-candidates.ts measures the TypeScript engine the same way."""
    n, width = args.candidates, args.candidate_chars
    cut = text[: args.candidate_story_chars]
    end = cut.rfind(". ")
    prompt = (cut[: end + 1] if end > 0 else cut) + " "

    def job(p: str, count: int) -> list[dict[str, Any]]:
        [request] = requests_for(1, [p], width, story="story")
        request["sampling"]["top_p"] = 0.95
        return [{**request, "candidates": count}]

    engine = engine_for(model, artifact, device, args, StoryCache(16))
    previous = Engine(model, artifact, device).generate(job(prompt, 1))[0][0]
    warm_prompt = prompt + previous + " "
    engine.generate(job(prompt, 1))  # warm-up

    def once(count: int, warm: bool) -> float:
        engine.cache.clear()
        if warm:
            engine.generate(job(prompt, 1))  # the story's previous line: the cache now holds the state after it
        primed = engine.primed_chars
        sync(device)
        start = time.perf_counter()
        engine.generate_candidates(job(warm_prompt if warm else prompt, count))
        sync(device)
        seconds = time.perf_counter() - start
        if warm and engine.primed_chars - primed > 2:
            raise RuntimeError("the warm case missed the story cache")
        return seconds

    print(
        f"candidates: a {len(prompt):,}-char story, {width}-char lines (stop none), {n} candidates vs 1 line, "
        f"median of {args.repeats}"
    )
    for warm in (False, True):
        one, many = [], []
        for _ in range(args.repeats):
            one.append(once(1, warm))
            many.append(once(n, warm))
        a, b = statistics.median(one), statistics.median(many)
        label = "warm (story cache: 2 chars to prime)" if warm else f"cold ({len(prompt):,} chars to prime)"
        print(f"  {label:<38} 1 line {a * 1000:,.0f} ms, {n} candidates {b * 1000:,.0f} ms: {b / a:.2f}x", flush=True)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Runs every measurement and prints it."""
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.model or random_artifact(args.hidden_size, args.layers, tmp)
        model, artifact = load_artifact(path, device=device)
    with open(CORPUS, encoding="utf-8") as f:
        text = f.read(200_000)
    paragraphs = [p for p in text.split("\n") if len(p) >= args.prompt_chars]
    prompts = [p[: args.prompt_chars] for p in paragraphs[:64]]
    where = (
        torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else f"{platform.processor() or 'cpu'}, {args.threads} thread(s)"
    )
    what = artifact.name if args.model else "with random weights (not a trained model: speed only)"
    print(
        f"model {what}: {model.parameter_count():,} parameters (hidden {model.config.hidden_size}, "
        f"{model.config.num_layers} layers); device {device.type} ({where}); torch {torch.__version__}; "
        f"{args.max_chars} chars per request, {args.prompt_chars}-char prompts; median of {args.repeats}"
    )
    bench_concurrency(model, artifact, device, args, prompts)
    print("(chars/s count whole requests: priming the prompt, then sampling)")
    if args.step_streams > 0:
        if device.type == "cuda" and args.cuda_graphs == "on":
            bench_step(model, artifact, device, args, prompts, cuda_graphs=False)  # for comparison, same run
        started = time.perf_counter()
        bench_step(model, artifact, device, args, prompts, cuda_graphs=args.cuda_graphs == "on")
        print(
            f"(that figure took {time.perf_counter() - started:.1f} s to measure, with any recording and compiling "
            "not done earlier in this run)"
        )
    bench_cache(model, artifact, device, args, text)
    if args.candidates > 0:
        bench_candidates(model, artifact, device, args, text)


if __name__ == "__main__":
    main()
