"""The worker's log lines (colab/worker/log.py): JSON records under LOG_FORMAT=json, in the bot's shape (level,
time, name, fields, msg); today's text lines otherwise; LOG_LEVEL honoured; and a worker and its process
writing them."""
import io
import json
import re
import subprocess
import sys

import pytest

from colab.tests.conftest import ROOT
from colab.tests.helpers.mailbox import control, ulid
from colab.tests.helpers.worker import make_worker, put
from colab.worker.log import WorkerLog, level_of

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def records(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_record_has_the_bots_shape_and_order():
    out = io.StringIO()
    WorkerLog(out, {"LOG_FORMAT": "json"}, worker_id="w1").warn(
        "storyloom worker: warning: could not write responses/J1.json: disk full", job_id="J1", error="disk full"
    )
    (record,) = records(out)
    assert list(record) == ["level", "time", "name", "worker_id", "job_id", "error", "msg"]
    assert record["level"] == "warn" and record["name"] == "storyloom worker" and ISO_TIME.match(record["time"])
    assert record["msg"] == "storyloom worker: warning: could not write responses/J1.json: disk full"
    assert out.getvalue().count("\n") == 1


def test_without_log_format_json_the_lines_are_todays_text():
    out = io.StringIO()
    log = WorkerLog(out, {}, worker_id="w1")
    log.info("storyloom worker: model small (1,234 parameters) on cpu", model="small")
    log.line("storyloom worker: warning: Drive said no")
    expected = ["storyloom worker: model small (1,234 parameters) on cpu", "storyloom worker: warning: Drive said no"]
    assert out.getvalue() == "".join(f"{line}\n" for line in expected)


@pytest.mark.parametrize(
    "level, shown",
    [
        ("trace", ["trace", "debug", "info", "warn", "error"]),
        ("debug", ["debug", "info", "warn", "error"]),
        (None, ["info", "warn", "error"]),
        ("warn", ["warn", "error"]),
        ("error", ["error"]),
        ("silent", []),
    ],
)
def test_log_level_sets_the_least_important_level_written(level, shown):
    out = io.StringIO()
    env = {"LOG_FORMAT": "json", **({"LOG_LEVEL": level} if level else {})}
    log = WorkerLog(out, env)
    for name in ["trace", "debug", "info", "warn", "error"]:
        getattr(log, name)(f"storyloom worker: {name}")
    assert [r["level"] for r in records(out)] == shown


def test_a_bad_log_level_is_refused_by_name():
    with pytest.raises(ValueError, match="LOG_LEVEL='loud'"):
        level_of("loud")


def test_text_handed_over_is_a_warning_when_it_says_so():
    out = io.StringIO()
    log = WorkerLog(out, {"LOG_FORMAT": "json"})
    log.line("storyloom worker: warning: Drive lets this account neither delete nor trash it")
    log.line("storyloom worker: restored the mailbox")
    assert [r["level"] for r in records(out)] == ["warn", "info"]


def test_a_worker_writes_json_records_with_its_id(tmp_path, chaos_model, monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    w = make_worker(tmp_path / "mailbox", chaos_model)
    doc = control(1, "pause")
    put(w, "control", f"{doc['command_id']}.json", doc)
    put(w, "control", f"{ulid(2)}.json", b"{not json")
    w.step()
    got = records(w.out)
    assert got and all(r["name"] == "storyloom worker" and r["worker_id"] == "test-w" for r in got)
    assert all(set(r) >= {"level", "time", "name", "msg"} for r in got)
    applied = [r for r in got if r.get("command") == "pause"]
    assert applied and applied[0]["command_id"] == doc["command_id"] and applied[0]["level"] == "info"
    assert any(r["level"] == "warn" and r["msg"].startswith("storyloom worker: warning: deleting invalid") for r in got)


def test_the_process_says_why_it_stops_as_a_json_record_on_stderr(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LOG_FORMAT": "json", "PYTHONPATH": ROOT}
    cmd = [sys.executable, "-m", "colab.worker", "--mailbox", str(tmp_path), "--model", str(tmp_path / "none.json")]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert lines, done.stdout
    record = json.loads(lines[-1])
    assert record["level"] == "error" and record["name"] == "storyloom worker"
    assert record["msg"].startswith("storyloom worker: model failed to load") and record["error"]
    assert all(json.loads(line)["name"] == "storyloom worker" for line in done.stdout.splitlines())


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_secrets_never_reach_a_line(fmt):
    """DRIVE_ACCESS_TOKEN wherever it appears, and token shapes (as src/log.ts censors them), in text and fields."""
    given = "handed-over-token-1234"
    out = io.StringIO()
    env = {"LOG_FORMAT": fmt, "DRIVE_ACCESS_TOKEN": given}
    log = WorkerLog(out, env, worker_id="w1")
    leaks = [
        given,
        "ya29.a0AfH6SMBexample-token",
        "1//0gExampleRefreshToken_abc",
        "GOCSPX-exampleClientSecret",
        "-----BEGIN PRIVATE KEY-----\nMIIEexample\n-----END PRIVATE KEY-----",
    ]
    for leak in leaks:
        log.error(f"storyloom worker: Drive said no to {leak}", error=f"HTTP 401 for {leak}")
    log.info('storyloom worker: sent Authorization: Bearer abc.def and {"access_token": "zz9"}')
    written = out.getvalue()
    for secret in [*leaks, "abc.def", "zz9", "MIIEexample"]:
        assert secret not in written
    # Each leak in the text, and in the `error` field where JSON writes fields; then the two in the last line.
    assert written.count("[Redacted]") == (2 if fmt == "json" else 1) * len(leaks) + 2
    if fmt == "json":
        assert all(json.loads(line)["msg"] for line in written.splitlines())
