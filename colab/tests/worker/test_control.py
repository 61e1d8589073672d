"""Control files, in process: pause, resume, drain, reload (good and broken), restart (also one whose
file cannot be deleted), bad files."""
import io
import json
import os
import time

import pytest
import torch

from colab.tests.helpers.mailbox import control, request, ulid
from colab.tests.helpers.worker import (
    Restarted,
    copy_model,
    heartbeat,
    make_worker,
    put,
    put_request,
    response,
    worker_options,
)
from colab.transport.local import LocalFolderTransport
from colab.worker.worker import Worker


@pytest.fixture
def worker(tmp_path, chaos_model):
    return make_worker(tmp_path / "mailbox", chaos_model)


def send(w, n, command, **kw):
    doc = control(n, command, **kw)
    put(w, "control", f"{doc['command_id']}.json", doc)
    w.step()
    return doc


def test_pause_then_resume(worker):
    cmd = send(worker, 1, "pause")
    hb = heartbeat(worker)  # written at once, without waiting for the interval
    assert hb["state"] == "paused" and hb["applied_controls"][-1]["command_id"] == cmd["command_id"]
    assert worker.transport.list("control") == []
    put_request(worker, request(1))
    worker.step()
    assert response(worker, ulid(1)) is None and heartbeat(worker)["state"] == "paused"
    send(worker, 2, "resume")
    assert heartbeat(worker)["state"] == "running" and response(worker, ulid(1))["ok"]
    assert [c["command"] for c in heartbeat(worker)["applied_controls"]] == ["pause", "resume"]


def test_drain_finishes_in_flight_work_and_takes_nothing_new(worker):
    put_request(worker, request(1))
    worker.step()
    send(worker, 3, "drain")
    put_request(worker, request(2))
    worker.step()
    worker.write_heartbeat()
    hb = heartbeat(worker)
    assert hb["state"] == "draining" and hb["active_jobs"] == [] and hb["queued"] == 1
    assert response(worker, ulid(1))["ok"] and response(worker, ulid(2)) is None


def test_reload_gives_a_new_loaded_at_and_can_switch_models(worker, tmp_path, chaos_model):
    before = heartbeat(worker)["model"]["loaded_at"]
    time.sleep(0.002)
    send(worker, 4, "reload")
    hb = heartbeat(worker)
    assert hb["model"]["loaded_at"] > before and hb["model"]["name"] == "chaos" and hb["message"] is None
    copy_model(chaos_model, os.path.join(worker.transport.root, "models"), "medium")
    send(worker, 5, "reload", model="medium")
    assert heartbeat(worker)["model"]["name"] == "medium"


def test_a_broken_reload_keeps_the_old_model_and_says_why(worker):
    models = os.path.join(worker.transport.root, "models")
    with open(os.path.join(models, "broken.json"), "w") as f:
        f.write('{"v": 1, "name": "broken"')
    old = heartbeat(worker)["model"]
    send(worker, 6, "reload", model="broken")
    hb = heartbeat(worker)
    assert hb["model"] == old and hb["state"] == "running"
    assert "broken" in hb["message"] and "still running chaos" in hb["message"]
    assert hb["applied_controls"][-1]["command"] == "reload"
    send(worker, 7, "reload", model="nowhere")
    assert "no model 'nowhere'" in heartbeat(worker)["message"]
    put_request(worker, request(3))
    worker.step()
    assert response(worker, ulid(3))["ok"]


def test_restart_deletes_the_file_and_writes_stopping_before_re_executing(worker):
    doc = control(8, "restart", target="test-w")
    put(worker, "control", f"{doc['command_id']}.json", doc)
    with pytest.raises(Restarted):
        worker.step()
    assert worker.transport.list("control") == []
    hb = heartbeat(worker)
    assert hb["state"] == "stopping" and hb["applied_controls"][-1]["command"] == "restart"


def test_controls_for_other_workers_are_left_alone_and_invalid_ones_deleted(worker):
    other = control(9, "pause", target="someone-else")
    put(worker, "control", f"{other['command_id']}.json", other)
    put(worker, "control", "garbage.json", {**control(10, "selfdestruct")})
    put(worker, "control", "foreign.json", {"kind": "drive#file"})
    worker.step()
    assert worker.transport.list("control") == [f"{other['command_id']}.json", "foreign.json"]
    assert heartbeat(worker)["state"] == "running" and heartbeat(worker)["applied_controls"] == []


class UndeletableMailbox(LocalFolderTransport):
    """A mailbox where no file may be deleted (as a control file another account owns in My Drive)."""

    def delete(self, folder, name):
        raise PermissionError(f"no permission to delete {folder}/{name}")


def test_a_restart_whose_file_cannot_be_deleted_restarts_exactly_once(tmp_path, chaos_model, monkeypatch):
    """The restart hook goes through colab.worker.reexec (os.execv stubbed), and the next Worker is
    built from what reexec left in the environment, the way colab.worker.main builds it."""
    from colab.worker import main as worker_main

    box, workers = UndeletableMailbox(str(tmp_path / "mailbox")), []

    def execv(path, argv):
        applied = json.loads(os.environ.pop(worker_main.APPLIED_ENV, "[]"))
        workers.append(next_worker(applied))
        raise Restarted()

    def next_worker(applied):
        w = Worker(
            box,
            worker_options(chaos_model),
            torch.device("cpu"),
            restart=lambda w: worker_main.reexec([], w),
            applied_controls=applied,
            out=io.StringIO(),
        )
        w.start()
        return w

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.delenv(worker_main.APPLIED_ENV, raising=False)
    workers.append(next_worker([]))
    doc = control(11, "restart")
    put(workers[0], "control", f"{doc['command_id']}.json", doc)
    for _ in range(20):
        try:
            workers[-1].step()
        except Restarted:
            pass
    assert len(workers) == 2 and box.list("control") == [f"{doc['command_id']}.json"]  # restarted once; still there
    w = workers[-1]
    assert "could not delete control/" in workers[0].out.getvalue()
    put_request(w, request(12))
    w.step()
    assert response(w, ulid(12))["ok"] and len(workers) == 2  # it keeps serving
    hb = heartbeat(w)
    assert hb["state"] == "running" and [c["command_id"] for c in hb["applied_controls"]] == [doc["command_id"]]
