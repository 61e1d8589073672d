"""colab/storyloom.ipynb's own cells, run in order against the Drive v3 fake: `google.colab` and
IPython are stubbed, `!` shell lines are recorded instead of run, and the worker cell's process is
captured, then started for real (on the CPU) to show that it serves the mailbox the notebook opened."""
import os
import re
import signal
import subprocess
import sys
import types

import pytest

from colab.protocol.parse import parse_file
from colab.tests.conftest import ROOT
from colab.tests.fakes.drive import drive_api, make_mailbox
from colab.tests.helpers.mailbox import dumps, request, ulid, wait_for
from colab.tests.test_notebook import NB
from colab.transport.drive.drive import DriveTransport

CELLS = {c["id"]: "".join(c["source"]) for c in NB["cells"] if c["cell_type"] == "code"}
SHELL = re.compile(r"^(\s*)[!%](.*)$", re.M)


def runnable(source):
    """A cell's source with each `!`/`%` line turned into a call that records it."""
    return SHELL.sub(lambda m: f"{m.group(1)}_shell({m.group(2)!r})", source)


def module(monkeypatch, name, **attrs):
    m = types.ModuleType(name)
    m.__path__ = []
    m.__dict__.update(attrs)
    monkeypatch.setitem(sys.modules, name, m)
    return m


class Notebook:
    """The stubs the cells run against, and what they did with them."""

    def __init__(self, monkeypatch):
        self.shell, self.chdirs, self.signed_in, self.started, self.shown = [], [], [], [], []
        auth = module(monkeypatch, "google.colab.auth", authenticate_user=lambda: self.signed_in.append(True))
        module(monkeypatch, "google", colab=module(monkeypatch, "google.colab", auth=auth))
        display = module(monkeypatch, "IPython.display", display=self.display)
        module(monkeypatch, "IPython", display=display, get_ipython=lambda: None)
        monkeypatch.setattr(os, "chdir", self.chdirs.append)  # the cells move to /content, which is not here
        monkeypatch.setattr(subprocess, "Popen", self.popen)
        self.namespace = {"_shell": self.shell.append}

    def display(self, obj, display_id=None):
        self.shown.append(obj)
        return types.SimpleNamespace(update=self.shown.append)

    def popen(self, cmd, **kw):
        self.started.append(cmd)
        lines = [
            "storyloom worker: model small on cpu\n",
            "storyloom worker: status: running, queued 0, active 0, 0 chars/s, done 0, failed 0\n",
        ]
        return types.SimpleNamespace(stdout=iter(lines), wait=lambda: 0)

    def run(self, cell_id, **params):
        source = CELLS[cell_id]
        for name, value in params.items():  # a form field, as the user fills it in
            source, n = re.subn(rf"^{name} = .*?  #@param", f"{name} = {value!r}  #@param", source, flags=re.M)
            assert n == 1, name
        exec(compile(runnable(source), f"cell-{cell_id}", "exec"), self.namespace)


@pytest.fixture
def fake_mailbox(drive_fake, monkeypatch):
    """A mailbox on the fake with one waiting request; the environment points DRIVE_API_URL at the fake."""
    drive_fake.control("POST", "faults/clear")
    root = make_mailbox(drive_api(drive_fake))
    bot = DriveTransport(drive_api(drive_fake, "tok-same-bot"), root)
    bot.put("requests", f"{ulid(1)}.json", dumps(request(1, "The lamp ")))
    monkeypatch.setenv("DRIVE_API_URL", drive_fake.url)
    monkeypatch.setenv("DRIVE_ACCESS_TOKEN", "tok-worker")  # sign_in.drive_session's test sign-in
    return root, bot


def test_the_cells_open_the_fake_mailbox_and_start_the_worker_on_it(drive_fake, fake_mailbox, monkeypatch, capsys):
    root, bot = fake_mailbox
    real_popen = subprocess.Popen
    nb = Notebook(monkeypatch)
    for cell in ("c01", "c03", "c04"):
        nb.run(cell)
    nb.run("c05", MAILBOX_FOLDER_ID=root)
    out = capsys.readouterr().out
    assert nb.shell[0].startswith("nvidia-smi") and nb.shell[1].startswith("git clone")
    assert nb.chdirs[-1] == "/content/storyloom" and nb.signed_in
    assert f"mailbox: Drive folder {root} (My Drive)\n" in out and "waiting requests: 1 | models: []\n" in out
    nb.run("c07")
    nb.run("c09")
    assert "the worker will load: small\n" in capsys.readouterr().out
    cmd = nb.started[-1]
    assert cmd == [
        sys.executable,
        "-u",
        "-m",
        "colab.worker",
        "--drive-folder",
        root,
        "--drive-api-url",
        drive_fake.url,
        "--model",
        "small",
        "--batch-max",
        "64",
    ]
    assert nb.shown[-1] == "worker: running, queued 0, active 0, 0 chars/s, done 0, failed 0"
    serve_once(real_popen, [*cmd, "--device", "cpu"], bot)


def serve_once(popen, cmd, bot):
    """Starts the worker cell's command for real; it answers the waiting request, then stops on SIGTERM."""
    proc = popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        name = f"{ulid(1)}.json"
        data = wait_for(lambda: bot.news() is not None and bot.get("responses", name), 60, 0.2, "a response")
        assert parse_file("response", data)["ok"]
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "on Drive folder" in out and "Traceback" not in out
