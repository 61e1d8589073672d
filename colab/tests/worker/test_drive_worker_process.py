"""The worker as a real process on Drive (the fake): a restart whose control file the worker may
not remove (another account made it, in My Drive) restarts it exactly once, and it keeps serving."""
import os
import signal
import subprocess
import sys
import time

import pytest

from colab.protocol.parse import parse_file
from colab.tests.conftest import ROOT
from colab.tests.fakes.drive import drive_api, make_mailbox
from colab.tests.helpers.mailbox import control, dumps, request, ulid, wait_for
from colab.transport.drive.drive import DriveTransport
from colab.transport.drive.errors import DriveError

WORKER_ID = "drive-w1"


def spawn(fake, root, model, log_path):
    cmd = [
        sys.executable,
        "-m",
        "colab.worker",
        "--drive-folder",
        root,
        "--drive-api-url",
        fake.url,
        "--model",
        model,
        "--worker-id",
        WORKER_ID,
        "--interval",
        "0.5",
        "--poll",
        "0.1",
        "--idle-poll",
        "0.1",
        "--threads",
        "1",
        "--device",
        "cpu",
        "--quiet",
    ]
    env = {**os.environ, "DRIVE_ACCESS_TOKEN": "tok-worker"}
    env.pop("STORYLOOM_APPLIED_CONTROLS", None)
    with open(log_path, "w") as log:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def heartbeat(bot):
    bot.news()
    data = bot.get("workers", f"{WORKER_ID}.json")
    return parse_file("heartbeat", data) if data else None


def trash_is_refused_to_a_non_owner(fake, bot):
    """Whether the fake refuses a non-owner's trash in My Drive, as Drive does (a probe file)."""
    bot.put("stories", "probe.json", b"{}")
    try:
        drive_api(fake).trash(bot.index.names["stories"]["probe.json"])
    except DriveError as e:
        return e.status == 403
    return False


@pytest.fixture
def bot_mailbox(drive_fake):
    """A mailbox in the bot's My Drive, shared with the worker as an editor -> (root id, the bot's transport)."""
    drive_fake.control("POST", "faults/clear")
    root = make_mailbox(drive_api(drive_fake, "tok-bot"))
    drive_fake.control("POST", "share", {"fileId": root, "email": "worker@example.com", "role": "writer"})
    yield root, DriveTransport(drive_api(drive_fake, "tok-bot"), root)
    drive_fake.control("POST", "faults/clear")


def test_a_restart_the_worker_may_not_remove_restarts_it_exactly_once(drive_fake, bot_mailbox, chaos_model, tmp_path):
    root, bot = bot_mailbox
    assert trash_is_refused_to_a_non_owner(drive_fake, bot), "the Drive fake lets a non-owner trash in My Drive"
    log = tmp_path / "worker.log"
    proc = spawn(drive_fake, root, chaos_model, log)
    try:
        first = wait_for(lambda: (hb := heartbeat(bot)) and hb["state"] == "running" and hb, 60, 0.2, "a worker")
        cmd = control(30, "restart", target=WORKER_ID)
        name = f"{cmd['command_id']}.json"
        bot.put("control", name, dumps(cmd))
        started = {first["started_at"]}
        second = wait_for(
            lambda: (hb := heartbeat(bot))
            and started.add(hb["started_at"]) is None
            and len(started) > 1
            and hb["state"] == "running"
            and hb,
            60,
            0.1,
            "a new started_at",
        )
        bot.put("requests", f"{ulid(31)}.json", dumps(request(31, "Once upon ")))
        wait_for(lambda: bot.news() is not None and bot.get("responses", f"{ulid(31)}.json"), 30, 0.2, "a response")
        last = wait_for(
            lambda: (hb := heartbeat(bot)) and started.add(hb["started_at"]) is None and hb["jobs_done"] == 1 and hb,
            30,
            0.1,
            "jobs_done in a heartbeat",
        )
        deadline = time.monotonic() + 2.0  # four heartbeat intervals more: the started_at stays
        while time.monotonic() < deadline:
            started.add(heartbeat(bot)["started_at"])
            time.sleep(0.1)
        assert proc.poll() is None
        assert started == {first["started_at"], second["started_at"]}  # restarted once
        response = parse_file("response", bot.get("responses", f"{ulid(31)}.json"))
        assert response["ok"] and response["worker_id"] == WORKER_ID  # it keeps serving
        assert last["started_at"] == second["started_at"]
        assert [c["command_id"] for c in last["applied_controls"]] == [cmd["command_id"]]
        assert [f for f in drive_fake.files_named(name) if not f["trashed"]]  # the file is still there
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = log.read_text()
    assert out.count("storyloom worker: restarting") == 1 and out.count(f"{WORKER_ID} (") == 2
    assert "Traceback" not in out
    assert out.count("neither delete nor trash control/") == 1  # logged once, by the first process only
