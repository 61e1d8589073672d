"""The worker on a local mailbox, in process: jobs, bad requests, expiry, memory, failures, OOM."""
import json

import pytest
import torch

from colab.protocol.parse import parse_file
from colab.sampling.engine import Engine
from colab.sampling.sampler import candidate_seed
from colab.tests.helpers.mailbox import ulid, request
from colab.tests.helpers.worker import heartbeat, make_worker, put, put_request, response


@pytest.fixture
def worker(tmp_path, chaos_model):
    return make_worker(tmp_path / "mailbox", chaos_model)


def alone(w, req):
    return Engine(w.loaded.engine.model, w.loaded.engine.artifact, "cpu").generate([req])[0]


def test_answers_every_waiting_request_round_robin(worker):
    reqs = [request(i, f"Story {i}. ", user="ann" if i < 6 else "bob") for i in range(10)]
    for r in reqs:
        put_request(worker, r)
    worker.step()  # batch_max 8: ann's oldest 6 would crowd bob out without round robin
    answered = {r["job_id"] for r in reqs if response(worker, r["job_id"])}
    assert len(answered) == 8 and {ulid(6), ulid(7), ulid(8), ulid(9)} <= answered
    worker.step()
    for r in reqs:
        res = response(worker, r["job_id"])
        assert res["ok"] and res["worker_id"] == "test-w" and res["job_id"] == r["job_id"]
        assert (res["result"]["text"], res["result"]["stop"]) == alone(worker, r)
        assert res["result"]["device"] == "cpu" and res["result"]["model"] == "chaos"
    worker.write_heartbeat()
    hb = heartbeat(worker)
    assert hb["jobs_done"] == 10 and hb["queued"] == 0 and hb["chars_per_second"] > 0 and hb["batch_seconds"] > 0
    assert hb["batches"] == 2 and hb["served"] == {"ann": 2, "bob": 1}


def test_a_user_left_out_of_a_batch_goes_first_in_the_next(worker):
    for n, user in enumerate(["a", "a", "b", "b", "c", "c"]):
        put_request(worker, request(n, user=user))
    worker.batch_max = 2
    worker.step()
    assert [r["user"]["id"] for r in worker.book.waiting.values()].count("c") == 2
    worker.step()  # c was never served: it goes before a and b, whose oldest jobs are older
    assert response(worker, ulid(4)) and response(worker, ulid(1))
    assert response(worker, ulid(3)) is None and response(worker, ulid(5)) is None


def test_the_heartbeat_has_every_field(worker):
    hb = heartbeat(worker)
    assert hb["state"] == "running" and hb["kind"] == "local" and hb["version"] == "0.1.0"
    assert hb["model"]["name"] == "chaos" and len(hb["model"]["sha256"]) == 64 and hb["model"]["parameters"] > 0
    assert hb["device"] == {"type": "cpu", "name": "cpu", "memory_total_mb": None, "memory_used_mb": None}
    assert hb["runtime_ends_at"] is None and hb["batch_seconds"] is None and hb["message"] is None
    raw = json.loads(worker.transport.get("workers", "test-w.json"))
    assert set(raw) == {
        "v",
        "type",
        "worker_id",
        "kind",
        "version",
        "state",
        "at",
        "started_at",
        "runtime_ends_at",
        "interval_s",
        "device",
        "model",
        "active_jobs",
        "queued",
        "batch_max",
        "chars_per_second",
        "batch_seconds",
        "jobs_done",
        "jobs_failed",
        "applied_controls",
        "message",
        "served",
        "batches",
    }


BAD = {
    "malformed": (b'{"v": 1, "type": "request", "job_id": ', "bad_request"),
    "empty": (b"", "bad_request"),
    "version": (json.dumps({**request(0), "v": 2}).encode(), "unsupported_version"),
    "wrong-type": (json.dumps({"v": 1, "type": "response"}).encode(), "bad_request"),
    "invalid": (json.dumps({**request(0), "sampling": {**request(0)["sampling"], "top_p": 0}}).encode(), "bad_request"),
    "zero-candidates": (json.dumps({**request(50), "candidates": 0}).encode(), "bad_request"),
    "nine-candidates": (json.dumps({**request(50), "candidates": 9}).encode(), "bad_request"),
    "candidates-string": (json.dumps({**request(50), "candidates": "3"}).encode(), "bad_request"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_request_gets_an_error_response_and_the_worker_goes_on(worker, case):
    data, code = BAD[case]
    put(worker, "requests", f"{ulid(50)}.json", data)
    put_request(worker, request(51))
    worker.step()
    bad = response(worker, ulid(50))
    assert not bad["ok"] and bad["error"]["code"] == code and len(bad["error"]["message"]) > 10
    assert response(worker, ulid(51))["ok"]
    assert worker.metrics.jobs_failed == 1


def test_a_request_for_candidates_out_of_range_is_refused_by_name(worker):
    put_request(worker, {**request(52), "candidates": 9})
    worker.step()
    assert response(worker, ulid(52))["error"]["message"].startswith("invalid request: candidates: too big")


def test_a_request_for_3_candidates_gets_them_all_and_one_that_does_not_ask_gets_the_line_it_always_got(worker):
    sampling = {"temperature": 0.9, "seed": 12345, "max_chars": 30}
    many, plain = {**request(53, **sampling), "candidates": 3}, request(54, **sampling)
    put_request(worker, many)
    put_request(worker, plain)
    worker.step()
    got, one = response(worker, ulid(53))["result"], response(worker, ulid(54))["result"]
    assert [c["seed"] for c in got["candidates"]] == [candidate_seed(12345, i) for i in range(3)]
    assert got["candidates"][0] == {"text": got["text"], "stop": got["stop"], "seed": 12345, "chars": len(got["text"])}
    assert all(c["chars"] == len(c["text"]) for c in got["candidates"])
    assert len({c["text"] for c in got["candidates"]}) == 3
    assert set(one) == {"text", "stop", "model", "model_sha256", "device", "ms"}
    assert (one["text"], one["stop"]) == (got["text"], got["stop"]) == alone(worker, plain)
    assert worker.metrics.jobs_done == 2


def test_a_file_that_is_not_ours_is_left_alone(worker):
    put(worker, "requests", "notes.json", {"kind": "drive#file", "id": "1AbC"})
    with open(worker.transport.path_of("requests", "x.json")[: -len("x.json")] + ".half.json.1f.tmp", "wb") as f:
        f.write(b"{")
    worker.step()
    assert worker.transport.list("responses") == [] and worker.transport.get("requests", "notes.json")


def test_mismatched_job_id_and_unknown_model_are_refused(worker):
    put(worker, "requests", f"{ulid(60)}.json", request(61))
    put_request(worker, {**request(62), "model": "enormous"})
    worker.step()
    assert response(worker, ulid(60))["error"]["code"] == "bad_request"
    assert response(worker, ulid(62))["error"]["code"] == "model_error"
    assert "chaos" in response(worker, ulid(62))["error"]["message"]


def test_an_expired_job_is_answered_expired_without_generating(worker):
    put_request(worker, request(70, deadline_s=-1))
    worker.step()
    assert response(worker, ulid(70))["error"]["code"] == "expired"
    assert worker.loaded.engine.generated_chars == 0 and worker.loaded.engine.primed_chars == 0


def test_the_worker_remembers_what_it_answered(worker):
    put_request(worker, request(80))
    worker.step()
    worker.transport.delete("responses", f"{ulid(80)}.json")  # as if the bot cleaned up out of order
    worker.step()
    assert response(worker, ulid(80)) is None and worker.metrics.jobs_done == 1
    worker.transport.delete("requests", f"{ulid(80)}.json")
    worker.step()
    assert f"{ulid(80)}.json" not in worker.book.answered


def test_jobs_left_by_a_dead_worker_are_answered_by_the_next(tmp_path, chaos_model):
    first = make_worker(tmp_path / "mailbox", chaos_model)
    for n in (90, 91):
        put_request(first, request(n))
    put(
        first,
        "responses",
        f"{ulid(90)}.json",
        {
            "v": 1,
            "type": "response",
            "job_id": ulid(90),
            "worker_id": "dead",
            "finished_at": "2026-01-01T00:00:00Z",
            "ok": False,
            "error": {"code": "internal", "message": "x"},
        },
    )
    nxt = make_worker(tmp_path / "mailbox", chaos_model, worker_id="next")
    nxt.step()
    assert response(nxt, ulid(90))["worker_id"] == "dead" and response(nxt, ulid(91))["worker_id"] == "next"


def test_an_exception_in_one_job_fails_only_that_job(worker, monkeypatch):
    real = worker.loaded.engine.generate_candidates

    def run(jobs, on_sync=None):
        if any("cursed" in j["prompt"] for j in jobs):
            raise ValueError("cursed prompt")
        return real(jobs, on_sync)

    monkeypatch.setattr(worker.loaded.engine, "generate_candidates", run)
    for n, prompt in ((100, "fine "), (101, "cursed "), (102, "also fine ")):
        put_request(worker, request(n, prompt))
    worker.step()
    assert response(worker, ulid(100))["ok"] and response(worker, ulid(102))["ok"]
    assert response(worker, ulid(101))["error"] == {"code": "internal", "message": "ValueError: cursed prompt"}


def test_cuda_out_of_memory_halves_the_batch_and_goes_on(worker, monkeypatch):
    real = worker.loaded.engine.generate_candidates

    def run(jobs, on_sync=None):
        if len(jobs) > 2:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return real(jobs, on_sync)

    monkeypatch.setattr(worker.loaded.engine, "generate_candidates", run)
    for n in range(110, 118):
        put_request(worker, request(n, user=f"u{n}"))
    worker.step()
    assert all(response(worker, ulid(n))["ok"] for n in range(110, 118))
    worker.write_heartbeat()
    hb = heartbeat(worker)
    assert hb["batch_max"] == 2 and "out of memory" in hb["message"]


def test_the_runtime_end_is_reported_when_known(tmp_path, chaos_model):
    from datetime import datetime, timedelta, timezone

    ends = datetime.now(timezone.utc) + timedelta(hours=11)
    w = make_worker(tmp_path / "mailbox", chaos_model, runtime_ends_at=ends, kind="colab")
    hb = parse_file("heartbeat", w.transport.get("workers", "test-w.json"))
    assert hb["kind"] == "colab" and hb["runtime_ends_at"].startswith(ends.strftime("%Y-%m-%dT%H:%M"))


def test_a_long_gpu_warm_up_keeps_the_heartbeat_fresh_and_says_why(tmp_path, chaos_model, monkeypatch):
    import time as clock

    def slow_warm_up(engine):
        deadline = clock.monotonic() + 0.5
        while clock.monotonic() < deadline:  # a compile that takes several heartbeat intervals
            clock.sleep(0.02)
        return True

    monkeypatch.setattr(Engine, "warm_up", slow_warm_up)
    w = make_worker(tmp_path / "mailbox", chaos_model, interval_s=0.1)
    original = w.write_heartbeat
    beats = []
    monkeypatch.setattr(w, "write_heartbeat", lambda: (original(), beats.append(heartbeat(w))))
    w.load(w.options.model)
    during = [b for b in beats if b["message"] == "compiling the sampling step for the GPU"]
    assert len(during) >= 3 and all(b["state"] == "running" for b in during)
    assert w.message is None  # the message goes once the warm-up is over
    assert "compiled and recorded for the GPU" in w.out.getvalue()
