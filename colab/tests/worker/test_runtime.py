"""Where the worker runs, with google.colab stubbed (the `colab_stub` fixture, conftest.py): kind, runtime end,
device."""
import sys
import time
from datetime import datetime, timedelta, timezone

from colab.transport.drive import sign_in
from colab.worker import runtime


def test_kind_is_colab_when_google_colab_imports(colab_stub):
    assert sign_in.in_colab() and runtime.worker_kind() == "colab"


def test_kind_is_local_elsewhere(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", None)  # import fails
    assert runtime.worker_kind() == "local"


def test_runtime_end_defaults_to_12_hours_after_the_runtime_started_and_survives_a_restart(monkeypatch):
    container = time.time() - 3600
    monkeypatch.setattr(runtime, "process_started_at", lambda pid=1: container)
    env = {}
    ends = runtime.runtime_ends_at(None, "colab", env)
    assert ends == datetime.fromtimestamp(container, timezone.utc) + timedelta(hours=12)
    time.sleep(0.01)
    assert runtime.runtime_ends_at(None, "colab", env) == ends  # the start is kept in the environment
    assert runtime.runtime_ends_at(None, "local", {}) is None
    local = runtime.runtime_ends_at(2, "local", {})  # elsewhere: from now
    assert abs(local - datetime.now(timezone.utc) - timedelta(hours=2)) < timedelta(seconds=5)


def test_process_start_times_come_from_proc():
    import os

    started = runtime.process_started_at(os.getpid())
    assert time.time() - 3600 < started <= time.time() + 1


def test_device_info_asks_cuda_by_index_and_never_raises(monkeypatch):
    import torch

    seen = []

    def mem_get_info(device=None):
        seen.append(device)
        if not isinstance(device, int):  # older torch takes an index only
            raise TypeError("an integer is required")
        return 3 * 2**20, 8 * 2**20

    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=None: "Tesla T4")
    monkeypatch.setattr(torch.cuda, "mem_get_info", mem_get_info)
    info = runtime.device_info(torch.device("cuda"))
    assert info == {"type": "cuda", "name": "Tesla T4", "memory_total_mb": 8, "memory_used_mb": 5}
    assert seen == [0]
    assert runtime.device_info(torch.device("cuda:1"))["memory_total_mb"] == 8 and seen[-1] == 1

    def broken(*a, **k):
        raise RuntimeError("CUDA driver hiccup")

    monkeypatch.setattr(torch.cuda, "mem_get_info", broken)
    monkeypatch.setattr(torch.cuda, "get_device_name", broken)
    info = runtime.device_info(torch.device("cuda"))
    assert info == {"type": "cuda", "name": "cuda", "memory_total_mb": None, "memory_used_mb": None}
    assert runtime.device_label(info) == "cuda"
