"""Running a batch so that no single failure stops the rest.

- CUDA out of memory (or cuDNN/cuBLAS failing to allocate): free the cache, halve the batch, and run the halves (the
  worker keeps the smaller cap for later batches, through `on_halve`).
- Any other exception in a batch of several jobs: run each job alone, so only the
  job that really fails gets an error.

Usage:
    outcomes = run_batch(jobs, run, on_halve=lambda cap: ...)   # [(job, result) or (job, exception)]
"""
import torch


# What cuDNN and cuBLAS say when they cannot allocate their workspace: memory, too.
OOM_MESSAGES = ("out of memory", "CUDNN_STATUS_ALLOC_FAILED", "CUBLAS_STATUS_ALLOC_FAILED")


def is_oom(error):
    """Whether `error` is the GPU running out of memory (torch's OOM, or a cuDNN/cuBLAS alloc failure)."""
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(error, oom_type):
        return True
    return isinstance(error, RuntimeError) and any(m in str(error) for m in OOM_MESSAGES)


def _free_gpu_memory():
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def run_halving(jobs, run, on_halve=lambda cap: None):
    """run(jobs) -> results; on OOM splits the batch in halves and runs each in turn."""
    try:
        return run(jobs)
    except Exception as error:  # noqa: BLE001 - re-raised below unless it is OOM
        if not is_oom(error) or len(jobs) <= 1:
            raise
    # Outside the except block, so the failed attempt's tensors can be freed.
    _free_gpu_memory()
    half = len(jobs) // 2
    on_halve(half)
    return run_halving(jobs[:half], run, on_halve) + run_halving(jobs[half:], run, on_halve)


class BatchAbandoned(Exception):
    """The worker is stopping: the batch was given up, its requests stay for the next worker."""


def run_batch(jobs, run, on_halve=lambda cap: None):
    """Runs `jobs` -> [(job, result or Exception)], isolating failures job by job."""
    try:
        return list(zip(jobs, run_halving(jobs, run, on_halve)))
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
