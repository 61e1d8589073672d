"""OOM halving and failure isolation, with the errors injected (no GPU needed)."""
import pytest
import torch

from colab.sampling.oom import is_oom
from colab.worker.batch import BatchAbandoned, run_batch, run_halving


def fails_above(limit, error):
    calls = []

    def run(jobs):
        calls.append(list(jobs))
        if len(jobs) > limit:
            raise error
        return [f"done {j}" for j in jobs]

    return run, calls


@pytest.mark.parametrize(
    "error",
    [
        # torch 1.13's stub of this C exception takes no arguments; the class itself takes a message.
        torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),  # type: ignore[call-arg]
        RuntimeError("CUDA error: out of memory"),
        RuntimeError("cuDNN error: CUDNN_STATUS_ALLOC_FAILED"),
        RuntimeError("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`"),
    ],
)
def test_out_of_memory_halves_the_batch_and_goes_on(error):
    run, calls = fails_above(2, error)
    caps = []
    results = run_halving(list(range(8)), run, caps.append)
    assert results == [f"done {j}" for j in range(8)]
    assert caps == [4, 2, 2]  # 8 -> 4 (fails) -> 2 + 2; then the other half of 4 likewise
    assert [len(c) for c in calls] == [8, 4, 2, 2, 4, 2, 2]


def test_one_job_that_runs_out_of_memory_alone_is_an_error():
    run, _ = fails_above(0, torch.cuda.OutOfMemoryError("out of memory"))
    [(job, outcome)] = run_batch([1], run)
    assert job == 1 and is_oom(outcome)


def test_other_errors_are_not_halved_but_isolated_job_by_job():
    def run(jobs):
        if 3 in jobs:
            raise ValueError("job 3 is cursed")
        return [j * 10 for j in jobs]

    caps = []
    outcomes = run_batch([1, 2, 3, 4], run, caps.append)
    assert [o for _, o in outcomes][:2] == [10, 20] and outcomes[3] == (4, 40)
    assert isinstance(outcomes[2][1], ValueError) and caps == []


def test_abandoning_passes_through():
    def run(jobs):
        raise BatchAbandoned()

    with pytest.raises(BatchAbandoned):
        run_batch([1, 2], run)
