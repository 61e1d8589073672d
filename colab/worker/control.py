"""Admin commands from control/<command_id>.json, as docs/protocol.md defines them (the twin of
src/worker/control.ts).

A worker applies a control file whose target is its id or `*`: it shows the effect
in a heartbeat written at once, records the command in applied_controls, then
deletes the file. A command is applied once: its id is remembered, and a restart
carries the applied controls over (colab/worker/main.py), so a control file that could not
be removed does not restart the worker again. Invalid control files are deleted with
a warning; files that are not ours, or meant for another worker, are left alone. A
command that cannot be applied (a reload of a broken model) keeps the old state and
says why in the heartbeat's `message`.

Usage:
    apply_control(worker, name)   # colab/worker/worker.py calls it for news in control/
"""
from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any, Iterable, Optional, Protocol

from colab.model.artifact import ArtifactError
from colab.protocol.parse import ProtocolError, parse_file
from colab.protocol.times import iso
from colab.transport.transport import Transport
from colab.worker.models import LoadedModel
from colab.worker.options import WorkerOptions


class AppliedControls(deque):
    """The last 20 controls a worker applied, as the heartbeat lists them."""

    def __init__(self, items: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(items, maxlen=20)

    def record(self, control: dict[str, Any], now: datetime) -> None:
        """Notes `control` as applied at `now`."""
        self.append({"command_id": control["command_id"], "command": control["command"], "applied_at": iso(now)})


class ControlTarget(Protocol):
    """What a control file may read and change in a worker (colab/worker/worker.py's Worker)."""

    transport: Transport
    options: WorkerOptions
    state: str
    loaded: Optional[LoadedModel]
    message: Optional[str]
    applied_controls: AppliedControls
    done_controls: set[str]

    def clock(self) -> datetime:
        ...

    def log(self, text: str, **fields: Any) -> None:
        ...

    def warn(self, text: str, **fields: Any) -> None:
        ...

    def load(self, spec: str) -> LoadedModel:
        ...

    def write_heartbeat(self) -> None:
        ...

    def restart(self) -> None:
        ...


STATES = {"pause": "paused", "resume": "running", "drain": "draining"}


def apply_control(worker: ControlTarget, name: str) -> bool:
    """Reads, applies and deletes one control file; returns True if it was applied."""
    data = worker.transport.get("control", name)
    if data is None:
        return False
    try:
        control = parse_file("control", data)
    except ProtocolError as e:
        if e.code != "not_ours":
            worker.warn(f"deleting invalid control file {name}: {e}", file=f"control/{name}")
            remove_control(worker, name)
        return False
    if control["target"] not in ("*", worker.options.worker_id) or control["command_id"] in worker.done_controls:
        return False
    command, command_id = control["command"], control["command_id"]
    by = control["issued_by"]["name"]
    worker.log(f"control {command} ({command_id}) from {by!r}", command=command, command_id=command_id)
    worker.done_controls.add(control["command_id"])
    if control["command"] == "restart":
        worker.applied_controls.record(control, worker.clock())
        remove_control(worker, name)
        worker.restart()  # does not return when it re-executes
        return True
    if control["command"] == "reload":
        reload_model(worker, control.get("model"))
    else:
        worker.state = STATES[control["command"]]
    worker.applied_controls.record(control, worker.clock())
    worker.write_heartbeat()
    remove_control(worker, name)
    return True


def reload_model(worker: ControlTarget, name: Optional[str]) -> bool:
    """Loads the model again (or the one named); on failure keeps the old one and says why."""
    spec = name or (worker.loaded.spec if worker.loaded else worker.options.model)
    try:
        loaded = worker.load(spec)
    except (ArtifactError, OSError, RuntimeError, ValueError) as e:
        old = f"still running {worker.loaded.name}" if worker.loaded else "no model loaded"
        worker.message = f"reload of {spec!r} failed ({e}); {old}"
        worker.warn(worker.message, error=str(e))
        return False
    worker.loaded, worker.message = loaded, None
    worker.log(f"reloaded model {loaded.name} ({loaded.sha256[:12]})")
    return True


def remove_control(worker: ControlTarget, name: str) -> None:
    """Deletes a control file; one that cannot be deleted stays, and is not applied again."""
    try:
        worker.transport.delete("control", name)
    except Exception as e:  # noqa: BLE001 - e.g. Drive failing: the command id is in done_controls (and
        # in applied_controls, which a restart carries over), so the file is not applied again
        worker.warn(f"could not delete control/{name}: {e}", error=str(e))
