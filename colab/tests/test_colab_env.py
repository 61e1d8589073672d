"""The Colab path with google.colab and google.auth stubbed: sign-in, kind, runtime end."""
import sys
import time
import types
from datetime import datetime, timedelta, timezone

import pytest
import requests

from colab import colab_env
from colab.worker import make_config, parse_args


class FakeAuthorizedSession:
    def __init__(self, credentials):
        self.credentials = credentials


@pytest.fixture
def colab_stub(monkeypatch):
    """Injects fake google, google.colab(.auth) and google.auth(.transport.requests) modules."""
    calls = []

    def module(name, **attrs):
        m = types.ModuleType(name)
        m.__path__ = []
        m.__dict__.update(attrs)
        monkeypatch.setitem(sys.modules, name, m)
        return m
    auth = module("google.colab.auth", authenticate_user=lambda: calls.append("authenticate_user"))
    gauth = module("google.auth", default=lambda scopes=None: (calls.append(("default", scopes)), ("CREDS", "proj"))[1])
    treq = module("google.auth.transport.requests", AuthorizedSession=FakeAuthorizedSession)
    transport = module("google.auth.transport", requests=treq)
    gauth.transport = transport
    module("google", colab=module("google.colab", auth=auth), auth=gauth)
    return calls


def test_kind_is_colab_when_google_colab_imports(colab_stub):
    assert colab_env.in_colab() and colab_env.worker_kind() == "colab"


def test_kind_is_local_elsewhere(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", None)  # import fails
    assert colab_env.worker_kind() == "local"


def test_in_colab_the_session_signs_in_as_the_notebook_user(colab_stub):
    session = colab_env.drive_session(env={})
    assert isinstance(session, FakeAuthorizedSession) and session.credentials == "CREDS"
    assert colab_stub == ["authenticate_user", ("default", ["https://www.googleapis.com/auth/drive"])]


def test_a_given_token_wins_and_is_only_a_header(colab_stub):
    session = colab_env.drive_session(env={"DRIVE_ACCESS_TOKEN": "secret-token"})
    assert isinstance(session, requests.Session) and session.headers["Authorization"] == "Bearer secret-token"
    assert colab_stub == []


def test_outside_colab_without_google_auth_the_error_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", None)
    monkeypatch.setitem(sys.modules, "google.auth", None)
    with pytest.raises(RuntimeError, match="google-auth"):
        colab_env.drive_session(env={})


def test_runtime_end_defaults_to_12_hours_after_the_runtime_started_and_survives_a_restart(monkeypatch):
    container = time.time() - 3600
    monkeypatch.setattr(colab_env, "process_started_at", lambda pid=1: container)
    env = {}
    ends = colab_env.runtime_ends_at(None, "colab", env)
    assert ends == datetime.fromtimestamp(container, timezone.utc) + timedelta(hours=12)
    time.sleep(0.01)
    assert colab_env.runtime_ends_at(None, "colab", env) == ends  # the start is kept in the environment
    assert colab_env.runtime_ends_at(None, "local", {}) is None
    local = colab_env.runtime_ends_at(2, "local", {})  # elsewhere: from now
    assert abs(local - datetime.now(timezone.utc) - timedelta(hours=2)) < timedelta(seconds=5)


def test_process_start_times_come_from_proc():
    import os

    started = colab_env.process_started_at(os.getpid())
    assert time.time() - 3600 < started <= time.time() + 1


def test_the_worker_config_in_colab(colab_stub, monkeypatch):
    monkeypatch.setenv(colab_env.RUNTIME_STARTED_ENV, repr(time.time()))  # restored after the test
    config = make_config(parse_args(["--drive-folder", "F1"]), colab_env.worker_kind())
    assert config.kind == "colab" and config.worker_id.startswith("colab-") and config.runtime_ends_at
    assert (config.interval_s, config.poll_s, config.idle_poll_s, config.io_threads) == (10.0, 0.5, 1.2, 8)
    local = make_config(parse_args(["--mailbox", "m", "--worker-id", "me"]), "local")
    assert (local.worker_id, local.interval_s, local.poll_s, local.runtime_ends_at) == ("me", 5.0, 0.25, None)


@pytest.mark.parametrize("argv", [[], ["--mailbox", "m", "--worker-id", "../x"], ["--mailbox", "m", "--batch-max", "0"]])
def test_bad_command_lines_are_refused(argv, capsys, monkeypatch):
    monkeypatch.delenv("DRIVE_FOLDER_ID", raising=False)
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_device_info_asks_cuda_by_index_and_never_raises(monkeypatch):
    import torch

    seen = []

    def mem_get_info(device=None):
        seen.append(device)
        if not isinstance(device, int):  # older torch takes an index only
            raise TypeError("an integer is required")
        return 3 * 2 ** 20, 8 * 2 ** 20
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=None: "Tesla T4")
    monkeypatch.setattr(torch.cuda, "mem_get_info", mem_get_info)
    info = colab_env.device_info(torch.device("cuda"))
    assert info == {"type": "cuda", "name": "Tesla T4", "memory_total_mb": 8, "memory_used_mb": 5}
    assert seen == [0]
    assert colab_env.device_info(torch.device("cuda:1"))["memory_total_mb"] == 8 and seen[-1] == 1

    def broken(*a, **k):
        raise RuntimeError("CUDA driver hiccup")
    monkeypatch.setattr(torch.cuda, "mem_get_info", broken)
    monkeypatch.setattr(torch.cuda, "get_device_name", broken)
    info = colab_env.device_info(torch.device("cuda"))
    assert info == {"type": "cuda", "name": "cuda", "memory_total_mb": None, "memory_used_mb": None}
    assert colab_env.device_label(info) == "cuda"
