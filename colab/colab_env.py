"""Where the worker runs: Colab or not, the Drive session, the device, the runtime's end.

`google.colab` and `google.auth` are imported only here, lazily, on the Drive path:
the local worker needs nothing beyond torch and the standard library.

Usage:
    kind = worker_kind()                       # "colab" or "local"
    session = drive_session()                  # an authorized requests session
"""
import os
import time
from datetime import datetime, timedelta, timezone

import torch

DRIVE_SCOPES = ["https://www.googleapis.com/auth/drive"]
RUNTIME_STARTED_ENV = "STORYLOOM_RUNTIME_STARTED"  # survives a restart's re-exec
COLAB_RUNTIME_HOURS = 12.0


def in_colab():
    try:
        import google.colab  # noqa: F401
    except ImportError:
        return False
    return True


def worker_kind():
    """The heartbeat's `kind`: `colab` when google.colab is importable, else `local`."""
    return "colab" if in_colab() else "local"


def colab_session(scopes=DRIVE_SCOPES):
    """Signs in as the notebook's user (a popup the first time) -> AuthorizedSession."""
    from google.colab import auth

    try:
        auth.authenticate_user()
    except Exception as e:  # noqa: BLE001 - a worker run as a subprocess has no kernel to show a popup
        # ...but the notebook's own sign-in (its authentication cell) is found by google.auth.default().
        print(f"storyloom worker: no sign-in popup here ({type(e).__name__}); using the notebook's sign-in", flush=True)
    return _default_session(scopes)


def _default_session(scopes):
    try:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession
    except ImportError:
        raise RuntimeError("Drive access needs google-auth (preinstalled in Colab): pip install google-auth, or "
                           "give a token in DRIVE_ACCESS_TOKEN") from None
    credentials, _ = google.auth.default(scopes=scopes)
    return AuthorizedSession(credentials)


def token_session(token):
    """A session that sends a fixed bearer token (tests, and tokens minted elsewhere)."""
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def drive_session(env=os.environ):
    """DRIVE_ACCESS_TOKEN if set; in Colab the notebook user's sign-in; else Application Default Credentials."""
    if env.get("DRIVE_ACCESS_TOKEN"):
        return token_session(env["DRIVE_ACCESS_TOKEN"])
    if in_colab():
        return colab_session()
    return _default_session(DRIVE_SCOPES)


def process_started_at(pid=1):
    """When a process started (Unix time), from /proc; PID 1 is the runtime's container."""
    with open("/proc/stat", encoding="ascii") as f:
        boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime, in clock ticks


def runtime_started_at(kind):
    """In Colab, when the runtime's container started; elsewhere (or if /proc says nothing), now."""
    if kind == "colab":
        try:
            return process_started_at(1)
        except (OSError, ValueError, StopIteration, IndexError):
            pass
    return time.time()


def runtime_ends_at(hours, kind, env=os.environ):
    """When the runtime is expected to end: `hours` after it started (Colab default 12 h), or None.
    The start is kept in the environment, so a restarted worker reports the same end."""
    if hours is None and kind == "colab":
        hours = COLAB_RUNTIME_HOURS
    if hours is None:
        return None
    if RUNTIME_STARTED_ENV not in env:
        env[RUNTIME_STARTED_ENV] = repr(runtime_started_at(kind))
    return datetime.fromtimestamp(float(env[RUNTIME_STARTED_ENV]), timezone.utc) + timedelta(hours=hours)


def pick_device(name):
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def device_info(device):
    """The heartbeat's `device`: type, name, and GPU memory in MB (None off CUDA, or when unknown).

    Never raises: it runs at startup, in every heartbeat and after every batch, and a
    device query that fails (an older torch, a driver hiccup) must not stop the worker.
    """
    if device.type != "cuda":
        return {"type": device.type, "name": device.type, "memory_total_mb": None, "memory_used_mb": None}
    # An index, not a torch.device: older torch's mem_get_info only takes an int.
    index = device.index
    try:
        index = torch.cuda.current_device() if index is None else index
        name = torch.cuda.get_device_name(index)
    except Exception:  # noqa: BLE001 - a label is not worth a crash
        name = "cuda"
    try:
        free, total = torch.cuda.mem_get_info(index)
        total_mb, used_mb = round(total / 2 ** 20), round((total - free) / 2 ** 20)
    except Exception:  # noqa: BLE001 - missing in old torch, or the query failed
        total_mb = used_mb = None
    return {"type": "cuda", "name": name, "memory_total_mb": total_mb, "memory_used_mb": used_mb}


def device_label(info):
    """`cuda (Tesla T4)` or `cpu`, for a response's `device`."""
    return f"{info['type']} ({info['name']})" if info["name"] != info["type"] else info["type"]
