"""The Drive v3 fake (test/fakes/drive) as a process, and helpers to set up mailboxes in it."""
import json
import subprocess

import requests

from colab.transport.drive.api import DriveApi
from colab.transport.drive.backoff import BackoffPolicy
from colab.transport.drive.sign_in import token_session
from colab.transport.transport import FOLDERS

FOLDER = "application/vnd.google-apps.folder"
# tok-same-bot: the bot's side on the worker's own account (one account, two tokens), counted apart as "same-bot".
PRINCIPALS = [
    "tok-worker:worker@example.com:user:drive:worker",
    "tok-bot:bot@example.com:user:drive:bot",
    "tok-same-bot:worker@example.com:user:drive:same-bot",
    "tok-sa:sa@example.iam.gserviceaccount.com:service_account:drive:sa",
    "tok-ro:ro@example.com:user:drive.readonly:ro",
]


class DriveFake:
    """A running fake: its URL, and its /__fake control endpoints."""

    def __init__(self, root):
        args = ["npx", "tsx", "test/fakes/drive/cli.ts"]
        for p in PRINCIPALS:
            args += ["--principal", p]
        self.proc = subprocess.Popen(args, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the Drive fake did not start (exit {self.proc.wait()})")
        self.url = json.loads(line)["url"]

    def control(self, method, path, body=None):
        response = requests.request(method, f"{self.url}/__fake/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def fail_next(self, method, kind, count=1, **kw):
        self.control("POST", "fail-next", {"method": method, "kind": kind, "count": count, **kw})

    def calls(self, label="worker"):
        """{method: calls} the fake handled for one principal (faults included)."""
        return self.control("GET", "counts")["byPrincipal"].get(label, {}).get("calls", {})

    def injected(self, label="worker"):
        return sum(self.control("GET", "counts")["byPrincipal"].get(label, {}).get("injected", {}).values())

    def files_named(self, name):
        return [f for f in self.control("GET", "files") if f["name"] == name]

    def close(self):
        self.proc.stdin.close()  # the fake exits when its stdin closes
        self.proc.wait(10)


def drive_api(fake, token="tok-worker", attempts=6, timeout=(5, 10)):
    return DriveApi(token_session(token), fake.url, BackoffPolicy(attempts, base_s=0.01, cap_s=2.0), timeout)


def make_folder(c, name, parent=None):
    meta = {"name": name, "mimeType": FOLDER, **({"parents": [parent]} if parent else {})}
    return c.call("POST", "/drive/v3/files", f"creating folder {name}", json=meta).json()["id"]


def make_mailbox(c, parent=None, folders=FOLDERS):
    """A mailbox root with its subfolders, as `npm run mailbox:init` makes it -> the root id."""
    root = make_folder(c, "storyloom-mailbox", parent)
    for folder in folders:
        make_folder(c, folder, root)
    return root
