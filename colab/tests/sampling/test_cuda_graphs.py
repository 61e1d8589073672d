"""The CUDA-graph sampling path's logic, on the CPU: padded rows, rounded-up widths,
finished streams left idling, recorded shapes reused, and falling back when recording
fails. A stand-in recorder replays the same steps eagerly; only the capture itself needs
a GPU (`python -m colab.tools.check_gpu` checks it there)."""
import pytest
import torch

from colab.model.artifact import load_artifact
from colab.sampling.cuda_graphs import GraphsUnavailable, LockstepGraphs, bucket, graphs_available
from colab.sampling.engine import Engine, options_of
from colab.sampling.generate import encode_prompt, prime, sample_streams
from colab.sampling.lockstep import Lockstep
from colab.sampling.story_cache import StoryCache
from colab.tests.helpers.mailbox import request
from colab.worker.batch import BatchAbandoned


class EagerSteps:
    """What a recorded graph does, run eagerly: `steps` lockstep steps per replay."""

    def __init__(self, run, steps):
        self.run, self.steps, self.replays = run, steps, 0

    def replay(self):
        self.replays += 1
        for _ in range(self.steps):
            self.run.sample()
            self.run.feed()


@pytest.fixture(scope="module")
def tiny(chaos_model):
    return load_artifact(chaos_model)


def mixed(n=5):
    reqs = []
    for i in range(n):
        reqs.append(request(i, "The old house " * (i + 1), max_chars=20 + 13 * i, stop="none"))
        reqs.append(
            request(
                50 + i,
                "She said ",
                temperature=0.9,
                top_k=12,
                top_p=0.9,
                seed=70 + i,
                max_chars=90,
                stop="sentence",
                min_chars=5,
            )
        )
        reqs.append(request(80 + i, "", temperature=1.2, seed=i, max_chars=33, stop="line"))
    return reqs


def primed(tiny, reqs):
    model, artifact = tiny
    return prime(model, [encode_prompt(artifact, r["prompt"]) for r in reqs], "cpu")


def eager(tiny, reqs, capture=True):
    model, artifact = tiny
    logits, state = primed(tiny, reqs)
    return sample_streams(
        model, artifact.vocabulary, logits, state, [options_of(r) for r in reqs], "cpu", 16, capture=capture
    )


def graphed(tiny, reqs, graphs, capture=True, on_sync=None):
    logits, state = primed(tiny, reqs)
    return graphs.sample(logits, state, [options_of(r) for r in reqs], on_sync, capture)


def test_padded_rows_and_idle_streams_give_the_eager_results(tiny):
    model, artifact = tiny
    reqs = mixed()  # 15 requests: 16 rows, one of them padding; widths 20..90 in 128 columns
    graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=EagerSteps)
    want, got = eager(tiny, reqs), graphed(tiny, reqs, graphs)
    assert got.results == want.results
    assert {reason for _, reason in got.results} >= {"stop_rule", "max_chars"}
    for mine, theirs in zip(got.final, want.final):  # the story cache's states after each line
        assert mine.shape == theirs.shape and torch.allclose(mine, theirs, atol=1e-5)  # rows batched apart


def test_each_shape_is_recorded_once_and_the_oldest_is_dropped(tiny):
    model, artifact = tiny
    graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", max_graphs=2, record=EagerSteps)
    reqs = mixed()
    for _ in range(2):
        assert graphed(tiny, reqs, graphs).results == eager(tiny, reqs).results
    assert graphs.recordings == 1
    graphed(tiny, reqs[:3], graphs)  # 3 rows -> 4: a new shape
    graphed(tiny, reqs[:3], graphs, capture=False)
    assert graphs.recordings == 3 and len(graphs.recorded) == 2
    assert eager(tiny, reqs[:3]).results == graphed(tiny, reqs[:3], graphs).results


def test_buckets_are_powers_of_two():
    assert [bucket(n) for n in (1, 2, 3, 5, 64, 65)] == [1, 2, 4, 8, 64, 128]
    assert bucket(20, 64) == 64 and bucket(280, 64) == 512


def test_the_host_looks_between_replays_and_may_abandon_the_batch(tiny):
    model, artifact = tiny
    graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", steps=8, record=EagerSteps)
    looks = []
    graphed(tiny, [request(1, "x", max_chars=30, stop="none")], graphs, on_sync=lambda: looks.append(1))
    assert len(looks) == 4  # 30 characters in replays of 8 steps

    def stop():
        raise BatchAbandoned()

    with pytest.raises(BatchAbandoned):
        graphed(tiny, mixed(), graphs, on_sync=stop)


def test_a_recording_that_fails_falls_back_to_eager_sampling_for_good(tiny):
    model, artifact = tiny
    logs = []

    def broken(run, steps):
        raise RuntimeError("operation not permitted when stream is capturing")

    engine = Engine(model, artifact, "cpu", StoryCache(8), log=logs.append)
    assert engine.graphs is None  # no GPU here
    engine.graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=broken)
    reqs = mixed(2)
    want = Engine(model, artifact, "cpu", StoryCache(8)).generate(reqs)
    assert engine.generate(reqs) == want
    assert engine.graphs is None and len(logs) == 1 and "sampling eagerly" in logs[0]


def test_out_of_memory_while_recording_goes_up_so_the_worker_halves_the_batch(tiny):
    model, artifact = tiny
    graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=EagerSteps)
    graphed(tiny, mixed(1), graphs)

    def no_memory(run, steps):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 MiB")

    graphs.record = no_memory
    with pytest.raises(RuntimeError, match="out of memory"):
        graphed(tiny, mixed(3), graphs)
    assert not graphs.recorded  # every recorded shape's memory is given back
    with pytest.raises(GraphsUnavailable):
        graphs.record = lambda run, steps: 1 / 0
        graphed(tiny, mixed(1), graphs)


def test_graphs_are_for_cuda_devices_only():
    assert not graphs_available("cpu")


def test_a_compile_that_fails_falls_back_to_uncompiled_graphs_then_to_eager(tiny, monkeypatch):
    model, artifact = tiny
    logs = []
    engine = Engine(model, artifact, "cpu", StoryCache(8), log=logs.append)
    calls = []

    def broken(run, steps):
        calls.append(run.sample)
        raise RuntimeError("triton: no kernel for this device")

    engine.graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=broken)
    engine.graphs.compile = True
    monkeypatch.setattr(
        "colab.sampling.cuda_graphs.compiled_sample", lambda: Lockstep.sample
    )  # stands in for torch.compile
    assert engine.generate(mixed(1)) == Engine(model, artifact, "cpu", StoryCache(8)).generate(mixed(1))
    assert len(calls) == 2 and engine.graphs is None
    assert "uncompiled" in logs[0] and "sampling eagerly" in logs[1]


def test_warming_up_records_a_batch_of_several_and_one_before_any_request(tiny, monkeypatch):
    model, artifact = tiny
    engine = Engine(model, artifact, "cpu", StoryCache(8))
    assert engine.warm_up() is False  # nothing to compile without a GPU
    monkeypatch.setattr(
        "colab.sampling.cuda_graphs.compiled_sample", lambda: Lockstep.sample
    )  # stands in for torch.compile
    engine.graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=EagerSteps, compile=True)
    engine.graphs.compile = True
    assert engine.warm_up() is True
    assert sorted(shape[0] for shape in engine.graphs.recorded) == [1, 64]
    assert len(engine.cache) == 0  # the warm-up leaves no story behind
    assert engine.generate(mixed(1)) == Engine(model, artifact, "cpu", StoryCache(8)).generate(mixed(1))


def test_the_gpu_check_says_plainly_when_there_is_no_gpu(capsys):
    from colab.tools import check_gpu

    assert check_gpu.main([]) == 2
    assert "no CUDA GPU here" in capsys.readouterr().out


def test_candidates_replay_from_graphs_as_they_sample_eagerly(tiny):
    model, artifact = tiny
    reqs = [{**r, "candidates": 1 + k % 5} for k, r in enumerate(mixed(2))]  # 6 jobs, 15 streams: 16 rows
    engine = Engine(model, artifact, "cpu", StoryCache(8))
    engine.graphs = LockstepGraphs(model, artifact.vocabulary, "cpu", record=EagerSteps)
    want = Engine(model, artifact, "cpu", StoryCache(8)).generate_candidates(reqs)
    assert engine.generate_candidates(reqs) == want
    assert [len(lines) for lines in want] == [1, 2, 3, 4, 5, 1] and engine.graphs.recordings == 1
