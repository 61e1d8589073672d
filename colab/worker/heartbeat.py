"""The worker's heartbeat (workers/<worker_id>.json): the twin of src/worker/heartbeat.ts.

Every field of `Heartbeat` in src/jobs/protocol.ts: state, device and GPU memory,
the model, active jobs, the queue, throughput as moving averages, counters, the
runtime's expected end, the last 20 applied controls, a message for admins, and
the round-robin's memory (`served`, `batches`) so the bot computes the same queue.

Usage:
    doc = build_heartbeat(worker, now)         # -> the heartbeat document (a dict)
"""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Callable, Optional, Protocol, TypeVar

import torch

from colab import __version__
from colab.protocol.times import iso
from colab.worker.control import AppliedControls
from colab.worker.metrics import WorkerMetrics
from colab.worker.models import LoadedModel
from colab.worker.options import WorkerOptions
from colab.worker.runtime import device_info

T = TypeVar("T")


class WorkerFacts(Protocol):
    """What a heartbeat reads of a worker (colab/worker/worker.py's Worker)."""

    options: WorkerOptions
    metrics: WorkerMetrics
    state: str
    started_at: datetime
    device: torch.device
    loaded: Optional[LoadedModel]
    active_jobs: list[str]
    batch_max: int
    applied_controls: AppliedControls
    message: Optional[str]
    served: dict[str, int]
    batches: int

    def queued(self) -> int:
        ...


def model_doc(loaded: Optional[LoadedModel]) -> Optional[dict[str, Any]]:
    """The heartbeat's `model`: what is loaded, or None."""
    if loaded is None:
        return None
    return {
        "name": loaded.name,
        "sha256": loaded.sha256,
        "parameters": loaded.parameters,
        "loaded_at": iso(loaded.loaded_at),
    }


def build_heartbeat(worker: WorkerFacts, now: datetime) -> dict[str, Any]:
    """The heartbeat of `worker` (colab/worker/worker.py) at `now`."""
    options, metrics = worker.options, worker.metrics
    return {
        "v": 1,
        "type": "heartbeat",
        "worker_id": options.worker_id,
        "kind": options.kind,
        "version": __version__,
        "state": worker.state,
        "at": iso(now),
        "started_at": iso(worker.started_at),
        "runtime_ends_at": iso(options.runtime_ends_at) if options.runtime_ends_at else None,
        "interval_s": options.interval_s,
        "device": device_info(worker.device),
        "model": model_doc(worker.loaded),
        "active_jobs": list(worker.active_jobs),
        "queued": worker.queued(),
        "batch_max": worker.batch_max,
        "chars_per_second": round(metrics.chars_per_second, 1),
        "batch_seconds": None if metrics.batch_seconds is None else round(metrics.batch_seconds, 3),
        "jobs_done": metrics.jobs_done,
        "jobs_failed": metrics.jobs_failed,
        "applied_controls": list(worker.applied_controls),
        "message": (worker.message or "")[:2000] or None,
        "served": dict(worker.served),
        "batches": worker.batches,
    }


def status_line(heartbeat: dict[str, Any]) -> str:
    """The line the worker prints at each heartbeat (the notebook shows it in place)."""
    return (
        f"status: {heartbeat['state']}, queued {heartbeat['queued']}, active {len(heartbeat['active_jobs'])}, "
        f"{heartbeat['chars_per_second']:.0f} chars/s, done {heartbeat['jobs_done']}, failed {heartbeat['jobs_failed']}"
    )


def beating_while(beat: Callable[[], None], interval_s: float, work: Callable[[], T]) -> T:
    """Runs work() while a thread calls beat() every interval_s -> work()'s result."""
    done = threading.Event()

    def keep_beating() -> None:
        while not done.wait(interval_s):
            beat()

    thread = threading.Thread(target=keep_beating, name="storyloom-heartbeat", daemon=True)
    thread.start()
    try:
        return work()
    finally:
        done.set()
        thread.join()
