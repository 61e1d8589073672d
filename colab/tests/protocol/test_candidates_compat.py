"""Revision 2 of the protocol (candidates) against the worker as it was just before it: commit BEFORE's colab/,
unpacked from git and run in its own process. Given a request for 3 candidates it drops the field and answers one
line, a response today's readers accept, whose text is the first candidate today's worker makes (the bot reads it
as that one candidate: test/jobs/candidates-compat.test.ts). An older reader of responses keeps `text` only."""
import io
import json
import os
import subprocess
import sys
import tarfile
from datetime import datetime, timedelta, timezone

import pytest

from colab.model.artifact import load_artifact
from colab.protocol.parse import parse_file
from colab.protocol.times import iso
from colab.sampling.engine import Engine
from colab.tests.conftest import ROOT

BEFORE = "b782caea359c1d0f0fd621c8e836cecf505f63d8"  # the last commit without candidates

# Run by the old code: its own test helper's in-process worker on a local mailbox, one step.
OLD_WORKER = """
import sys
from colab.protocol.parse import parse_file
from colab.tests.helpers.worker import make_worker, put
mailbox, model, job = sys.argv[1:4]
data = sys.stdin.buffer.read()
parsed = parse_file("request", data)
assert "candidates" not in parsed, "the old parser kept the field"
w = make_worker(mailbox, model)
put(w, "requests", job + ".json", data)
w.step()
sys.stdout.write(w.transport.get("responses", job + ".json").decode("utf-8"))
"""


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """BEFORE's colab/ package, unpacked -> the folder holding it."""
    found = subprocess.run(["git", "cat-file", "-e", BEFORE + "^{commit}"], cwd=ROOT, capture_output=True)
    assert found.returncode == 0, f"this test needs the git history (commit {BEFORE}): run it in a full clone"
    archive = subprocess.run(["git", "archive", BEFORE, "colab"], cwd=ROOT, check=True, capture_output=True).stdout
    folder = tmp_path_factory.mktemp("before-candidates")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder)
    with open(folder / "colab" / "protocol" / "schemas.py", encoding="utf-8") as f:
        assert "candidates" not in f.read()
    return folder


def vector(name):
    with open(os.path.join(ROOT, "contract", "protocol", name), encoding="utf-8") as f:
        return json.load(f)


def request_for_three():
    doc = vector("valid/request-candidates.json")
    assert doc["candidates"] == 3
    deadline = iso(datetime.now(timezone.utc) + timedelta(minutes=10))
    return {**doc, "deadline": deadline, "sampling": {**doc["sampling"], "max_chars": 60, "min_chars": 10}}


def test_an_older_worker_answers_a_request_for_3_candidates_with_one_line_the_first_candidate(
    before, tmp_path, chaos_model
):
    doc = request_for_three()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", OLD_WORKER, str(tmp_path / "mailbox"), chaos_model, doc["job_id"]],
        cwd=before,
        input=json.dumps(doc).encode("utf-8"),
        capture_output=True,
        check=True,
        env=env,
        timeout=120,
    ).stdout
    response = parse_file("response", out)
    assert response["ok"] and "candidates" not in response["result"]
    model, artifact = load_artifact(chaos_model)
    [now] = Engine(model, artifact, "cpu").generate_candidates([parse_file("request", json.dumps(doc))])
    assert len(now) == 3
    assert (response["result"]["text"], response["result"]["stop"]) == (now[0].text, now[0].stop)
    assert now[0].seed == doc["sampling"]["seed"]


def test_an_older_reader_reads_a_response_with_candidates_as_its_first_line(before):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    script = "import sys, json; from colab.protocol.parse import parse_file; "
    script += "print(json.dumps(parse_file('response', sys.stdin.buffer.read())))"
    path = os.path.join(ROOT, "contract", "protocol", "valid", "response-candidates.json")
    with open(path, "rb") as f:
        data = f.read()
    old = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], cwd=before, input=data, capture_output=True, check=True, env=env
        ).stdout
    )
    assert "candidates" not in old["result"]
    assert old["result"]["text"] == parse_file("response", data)["result"]["candidates"][0]["text"]
