"""The worker as a real process: kill -9 mid-batch, restart by re-exec, SIGTERM, a broken model."""
import json
import os
import signal
import subprocess
import sys

import pytest

from colab.protocol.parse import parse_file
from colab.tests.conftest import ROOT
from colab.tests.helpers.mailbox import control, dumps, request, ulid, wait_for
from colab.transport.local import LocalFolderTransport


def spawn(tmp_path, mailbox, model, worker_id, *extra):
    log = open(tmp_path / f"{worker_id}.log", "a")
    cmd = [
        sys.executable,
        "-m",
        "colab.worker",
        "--mailbox",
        str(mailbox),
        "--model",
        model,
        "--worker-id",
        worker_id,
        "--interval",
        "0.3",
        "--threads",
        "1",
        "--device",
        "cpu",
        *extra,
    ]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def heartbeat(box, worker_id):
    data = box.get("workers", f"{worker_id}.json")
    return parse_file("heartbeat", data) if data else None


def put_requests(box, numbers, **sampling):
    for n in numbers:
        box.put("requests", f"{ulid(n)}.json", dumps(request(n, f"Tale {n}. ", user=f"u{n % 3}", **sampling)))


def stop(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_kill_9_mid_batch_then_every_job_is_answered_exactly_once(tmp_path, chaos_model):
    box = LocalFolderTransport(str(tmp_path / "mailbox"))
    put_requests(box, range(6), max_chars=64)
    first = spawn(tmp_path, box.root, chaos_model, "first", "--batch-max", "2", "--slow-ms", "25", "--sync-every", "8")
    try:
        wait_for(lambda: len(box.list("responses")) >= 2, 60, what="the first batch")
        wait_for(lambda: (heartbeat(box, "first") or {}).get("active_jobs"), 30, what="a second batch")
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        stop(first)
    before = {n: box.get("responses", n) for n in box.list("responses")}
    assert 2 <= len(before) < 6
    second = spawn(tmp_path, box.root, chaos_model, "second")
    try:
        wait_for(lambda: len(box.list("responses")) == 6, 60, what="every job answered")
        wait_for(lambda: (heartbeat(box, "second") or {}).get("jobs_done") == 6 - len(before), 10, what="a heartbeat")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
    responses = {n: parse_file("response", box.get("responses", n)) for n in box.list("responses")}
    assert sorted(responses) == sorted(box.list("requests")) == [f"{ulid(n)}.json" for n in range(6)]
    assert all(r["ok"] for r in responses.values())
    assert all(box.get("responses", n) == data for n, data in before.items())  # never answered twice
    assert {r["worker_id"] for n, r in responses.items() if n not in before} == {"second"}
    assert not [n for n in os.listdir(os.path.join(box.root, "responses")) if n.startswith(".")]


def test_restart_re_executes_then_sigterm_abandons_the_batch(tmp_path, chaos_model):
    box = LocalFolderTransport(str(tmp_path / "mailbox"))
    proc = spawn(tmp_path, box.root, chaos_model, "w1", "--slow-ms", "40", "--batch-max", "2")
    try:
        first = wait_for(
            lambda: (heartbeat(box, "w1") or {}).get("state") == "running" and heartbeat(box, "w1"),
            60,
            what="the worker to run",
        )
        cmd = control(1, "restart")
        box.put("control", f"{cmd['command_id']}.json", dumps(cmd))
        second = wait_for(
            lambda: (hb := heartbeat(box, "w1"))
            and hb["started_at"] != first["started_at"]
            and hb["state"] == "running"
            and hb,
            60,
            what="a new started_at",
        )
        assert proc.poll() is None  # the same process, re-executed
        assert [c["command"] for c in second["applied_controls"]] == ["restart"]
        assert box.list("control") == []
        put_requests(box, (10, 11), max_chars=400)
        wait_for(lambda: (heartbeat(box, "w1") or {}).get("active_jobs"), 30, what="a batch")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop(proc)
    assert heartbeat(box, "w1")["state"] == "stopping"
    assert box.list("responses") == [] and len(box.list("requests")) == 2  # abandoned: left for the next worker


@pytest.mark.parametrize("model, says", [("/nonexistent/model.json", "does not exist"), ("broken", "not valid JSON")])
def test_a_missing_or_broken_model_at_start_is_a_clear_error(tmp_path, model, says):
    box = LocalFolderTransport(str(tmp_path / "mailbox"))
    with open(os.path.join(box.root, "models", "broken.json"), "w") as f:
        f.write("{")
    proc = spawn(tmp_path, box.root, model, "w2")
    assert proc.wait(60) == 2
    with open(tmp_path / "w2.log") as f:
        out = f.read()
    assert "model failed to load" in out and says in out and "Traceback" not in out
    hb = heartbeat(box, "w2")
    assert hb["state"] == "stopping" and says in hb["message"]
    assert json.loads(box.get("workers", "w2.json"))["model"] is None


def test_the_worker_process_writes_in_a_requests_style_and_says_which(tmp_path, random_styled_model):
    """`python -m colab.worker` on a styled model, as a user runs it: each request's style is used (or none, for one
    the model lacks), the result says which, and SIGTERM stops it cleanly."""
    box = LocalFolderTransport(str(tmp_path / "mailbox"))
    asked = {20: "austen", 21: "mystery", 22: None}  # mystery is not among the test model's styles
    for n, style in asked.items():
        req = request(n, "The old house ", max_chars=30)
        box.put("requests", f"{ulid(n)}.json", dumps(req if style is None else {**req, "style": style}))
    proc = spawn(tmp_path, box.root, random_styled_model, "styled")
    try:
        wait_for(lambda: len(box.list("responses")) == 3, 60, what="three responses")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop(proc)
    results = {n: json.loads(box.get("responses", f"{ulid(n)}.json"))["result"] for n in asked}
    assert results[20]["style"] == "austen"
    assert results[21]["style"] is None
    assert "style" not in results[22]
