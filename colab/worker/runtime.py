"""Where the worker runs: its kind (Colab or local), the runtime's expected end, and the device.

Usage:
    kind = worker_kind()                           # "colab" or "local"
    ends = runtime_ends_at(None, kind)             # 12 h after the Colab runtime started, or None
    info = device_info(pick_device("auto"))        # the heartbeat's `device`
"""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from typing import Any, MutableMapping, Optional

import torch

from colab.transport.drive.sign_in import in_colab

RUNTIME_STARTED_ENV = "STORYLOOM_RUNTIME_STARTED"  # survives a restart's re-exec
COLAB_RUNTIME_HOURS = 12.0


def worker_kind() -> str:
    """The heartbeat's `kind`: `colab` when google.colab is importable, else `local`."""
    return "colab" if in_colab() else "local"


def process_started_at(pid: int = 1) -> float:
    """When a process started (Unix time), from /proc; PID 1 is the runtime's container."""
    with open("/proc/stat", encoding="ascii") as f:
        boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime, in clock ticks


def runtime_started_at(kind: str) -> float:
    """In Colab, when the runtime's container started; elsewhere (or if /proc says nothing), now."""
    if kind == "colab":
        try:
            return process_started_at(1)
        except (OSError, ValueError, StopIteration, IndexError):
            pass
    return time.time()


def runtime_ends_at(
    hours: Optional[float], kind: str, env: MutableMapping[str, str] = os.environ
) -> Optional[datetime]:
    """When the runtime is expected to end: `hours` after it started (Colab default 12 h), or None.
    The start is kept in the environment, so a restarted worker reports the same end."""
    if hours is None and kind == "colab":
        hours = COLAB_RUNTIME_HOURS
    if hours is None:
        return None
    if RUNTIME_STARTED_ENV not in env:
        env[RUNTIME_STARTED_ENV] = repr(runtime_started_at(kind))
    return datetime.fromtimestamp(float(env[RUNTIME_STARTED_ENV]), timezone.utc) + timedelta(hours=hours)


def pick_device(name: str) -> torch.device:
    """`auto` is cuda when there is one, else cpu; any other name is taken as it is."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def device_info(device: torch.device) -> dict[str, Any]:
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
    total_mb: Optional[int]
    used_mb: Optional[int]
    try:
        free, total = torch.cuda.mem_get_info(index)
        total_mb, used_mb = round(total / 2**20), round((total - free) / 2**20)
    except Exception:  # noqa: BLE001 - missing in old torch, or the query failed
        total_mb = used_mb = None
    return {"type": "cuda", "name": name, "memory_total_mb": total_mb, "memory_used_mb": used_mb}


def device_label(info: dict[str, Any]) -> str:
    """`cuda (Tesla T4)` or `cpu`, for a response's `device`."""
    return f"{info['type']} ({info['name']})" if info["name"] != info["type"] else info["type"]
