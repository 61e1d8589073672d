"""An in-process worker on a local mailbox, stepped by hand, for tests."""
import io
import json
import os
import shutil

import torch

from colab.protocol.parse import parse_file
from colab.tests.helpers.mailbox import dumps
from colab.transport.local import LocalFolderTransport
from colab.worker.options import WorkerOptions
from colab.worker.worker import Worker


class Restarted(Exception):
    """Raised by the test restart hook instead of re-executing."""


def worker_options(model, **changes):
    base = dict(
        worker_id="test-w", kind="local", model=model, batch_max=8, interval_s=60.0, poll_s=0.01, status_lines=False
    )
    return WorkerOptions(**{**base, **changes})


def make_worker(root, model, transport=None, **changes):
    def restart(w):
        raise Restarted()

    transport = transport or LocalFolderTransport(str(root))
    w = Worker(transport, worker_options(model, **changes), torch.device("cpu"), restart=restart, out=io.StringIO())
    w.start()
    return w


def put(w, folder, name, doc_or_bytes):
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else dumps(doc_or_bytes)
    w.transport.put(folder, name, data)


def put_request(w, req):
    put(w, "requests", f"{req['job_id']}.json", req)


def response(w, job_id):
    data = w.transport.get("responses", f"{job_id}.json")
    return None if data is None else parse_file("response", data)


def heartbeat(w):
    return parse_file("heartbeat", w.transport.get("workers", f"{w.options.worker_id}.json"))


def copy_model(src_json, directory, name):
    """Copies an artifact under a new name (json `name` and weights file updated) -> its json path."""
    with open(src_json, encoding="utf-8") as f:
        doc = json.load(f)
    weights = os.path.join(os.path.dirname(src_json), doc["weights"]["file"])
    doc["name"], doc["weights"]["file"] = name, f"{name}.safetensors"
    os.makedirs(directory, exist_ok=True)
    shutil.copy(weights, os.path.join(directory, f"{name}.safetensors"))
    with open(os.path.join(directory, f"{name}.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return os.path.join(directory, f"{name}.json")
