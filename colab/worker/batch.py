"""Running a batch so that no single failure stops the rest, and its responses (the twin of src/worker/batch.ts).

- CUDA out of memory (or cuDNN/cuBLAS failing to allocate): free the cache, halve the batch, and run the halves (the
  worker keeps the smaller cap for later batches, through `on_halve`).
- Any other exception in a batch of several jobs: run each job alone, so only the
  job that really fails gets an error.

A job's result is its candidate lines (one unless the request asks for `candidates`). A request that names a
style (revision 3) gets `result.style`: the style the model wrote in, or null when it has none or not that one.

Usage:
    outcomes = run_batch(jobs, run, on_halve=lambda cap: ...)   # [(job, result) or (job, exception)]
    responses, chars = batch_responses(outcomes, worker_id, loaded, device, seconds, log, style_of)
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, TypeVar, Union

from colab.sampling.engine import Candidate, requested_style
from colab.sampling.oom import free_gpu_memory, is_oom
from colab.worker.io import ModelIdentity, failure_response, ok_response

Job = TypeVar("Job")
Result = TypeVar("Result")


def _ignore(cap: int) -> None:
    pass


def run_halving(
    jobs: Sequence[Job], run: Callable[[Sequence[Job]], list[Result]], on_halve: Callable[[int], None] = _ignore
) -> list[Result]:
    """run(jobs) -> results; on OOM splits the batch in halves and runs each in turn."""
    try:
        return run(jobs)
    except Exception as error:  # noqa: BLE001 - re-raised below unless it is OOM
        if not is_oom(error) or len(jobs) <= 1:
            raise
    # Outside the except block, so the failed attempt's tensors can be freed.
    free_gpu_memory()
    half = len(jobs) // 2
    on_halve(half)
    return run_halving(jobs[:half], run, on_halve) + run_halving(jobs[half:], run, on_halve)


class BatchAbandoned(Exception):
    """The worker is stopping: the batch was given up, its requests stay for the next worker."""


def run_batch(
    jobs: Sequence[Job], run: Callable[[Sequence[Job]], list[Result]], on_halve: Callable[[int], None] = _ignore
) -> list[tuple[Job, Union[Result, Exception]]]:
    """Runs `jobs` -> [(job, result or Exception)], isolating failures job by job."""
    outcomes: list[tuple[Job, Union[Result, Exception]]]
    try:
        results = run_halving(jobs, run, on_halve)
        outcomes = list(zip(jobs, results))
        return outcomes
    except BatchAbandoned:
        raise
    except Exception as error:  # noqa: BLE001 - one bad job must not fail the others
        if len(jobs) == 1:
            return [(jobs[0], error)]
    outcomes = []
    for job in jobs:
        try:
            outcomes.append((job, run_halving([job], run, on_halve)[0]))
        except BatchAbandoned:
            raise
        except Exception as error:  # noqa: BLE001
            outcomes.append((job, error))
    return outcomes


def candidates_field(request: dict[str, Any], lines: Sequence[Candidate]) -> Optional[list[dict[str, Any]]]:
    """A response's `candidates` (revision 2): every line, when the request asked for `candidates`; else None,
    so a request that did not ask gets exactly the response it got before candidates existed."""
    if "candidates" not in request:
        return None
    return [{"text": c.text, "stop": c.stop, "seed": c.seed, "chars": len(c.text)} for c in lines]


def batch_responses(
    outcomes: Sequence[tuple[dict[str, Any], Union[Sequence[Candidate], Exception]]],
    worker_id: str,
    loaded: ModelIdentity,
    device: str,
    seconds: float,
    log: Callable[[str], None],
    style_of: Optional[Callable[[dict[str, Any]], Optional[str]]] = None,
) -> tuple[dict[str, dict[str, Any]], int]:
    """A response for each job of a batch -> ({`<job_id>.json`: response}, characters generated in all).

    `style_of(request)`: the style a job was written in (Engine.style_of's name; None: none). Only a request
    that names a style gets `result.style`, so one that does not gets exactly the response it always got."""
    responses: dict[str, dict[str, Any]] = {}
    for request, outcome in outcomes:
        job_id = request["job_id"]
        if isinstance(outcome, Exception):
            log(f"job {job_id} failed: {type(outcome).__name__}: {outcome}")
            responses[f"{job_id}.json"] = failure_response(job_id, worker_id, outcome)
        else:
            first, extra = outcome[0], candidates_field(request, outcome)
            ms = seconds * 1000
            styled = requested_style(request) is not None
            style = style_of(request) if styled and style_of is not None else None
            responses[f"{job_id}.json"] = ok_response(
                job_id, worker_id, first.text, first.stop, loaded, device, ms, extra, styled, style
            )
    chars = sum(len(c.text) for _, o in outcomes if not isinstance(o, Exception) for c in o)
    return responses, chars
