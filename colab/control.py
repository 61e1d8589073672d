"""Admin commands from control/<command_id>.json, as docs/protocol.md defines them.

A worker applies a control file whose target is its id or `*`: it shows the effect
in a heartbeat written at once, records the command in applied_controls, then
deletes the file. A command is applied once: its id is remembered, and a restart
carries the applied controls over (colab/worker.py), so a control file that could not
be removed does not restart the worker again. Invalid control files are deleted with
a warning; files that are not ours, or meant for another worker, are left alone. A
command that cannot be applied (a reload of a broken model) keeps the old state and
says why in the heartbeat's `message`.

Usage:
    handle_control_file(worker, name)   # colab/worker_core.py calls it for news in control/
"""
from colab.model import ArtifactError
from colab.protocol import ProtocolError, parse_file

STATES = {"pause": "paused", "resume": "running", "drain": "draining"}


def handle_control_file(w, name):
    """Reads, applies and deletes one control file; returns True if it was applied."""
    data = w.transport.get("control", name)
    if data is None:
        return False
    try:
        control = parse_file("control", data)
    except ProtocolError as e:
        if e.code != "not_ours":
            w.log(f"warning: deleting invalid control file {name}: {e}")
            _delete(w, name)
        return False
    if control["target"] not in ("*", w.config.worker_id) or control["command_id"] in w.done_controls:
        return False
    w.log(f"control {control['command']} ({control['command_id']}) from {control['issued_by']['name']!r}")
    w.done_controls.add(control["command_id"])
    if control["command"] == "restart":
        w.applied_controls.record(control, w.clock())
        _delete(w, name)
        w.restart()  # does not return when it re-executes
        return True
    if control["command"] == "reload":
        reload_model(w, control.get("model"))
    else:
        w.state = STATES[control["command"]]
    w.applied_controls.record(control, w.clock())
    w.write_heartbeat()
    _delete(w, name)
    return True


def reload_model(w, name):
    """Loads the model again (or the one named); on failure keeps the old one and says why."""
    spec = name or (w.loaded.spec if w.loaded else w.config.model)
    try:
        loaded = w.load(spec)
    except (ArtifactError, OSError, RuntimeError, ValueError) as e:
        old = f"still running {w.loaded.name}" if w.loaded else "no model loaded"
        w.message = f"reload of {spec!r} failed ({e}); {old}"
        w.log(f"warning: {w.message}")
        return False
    w.loaded, w.message = loaded, None
    w.log(f"reloaded model {loaded.name} ({loaded.sha256[:12]})")
    return True


def _delete(w, name):
    try:
        w.transport.delete("control", name)
    except Exception as e:  # noqa: BLE001 - e.g. Drive failing: the command id is in done_controls (and
        # in applied_controls, which a restart carries over), so the file is not applied again
        w.log(f"warning: could not delete control/{name}: {e}")
