"""The worker's loop: news from the mailbox, controls, batches, responses, heartbeats (the twin of
src/worker/worker.ts; colab/worker/main.py starts the process).

One step: read the news, apply controls, and, while running, read new requests
(a bad one gets an error response at once), answer expired ones, then run the
next batch in round-robin-by-user order. Heartbeats go out every interval_s and at
once on state changes, also from inside a long batch (at its sync points).

Usage:
    w = Worker(transport, options, device, restart=fn, applied_controls=carried)  # carried: across a restart
    w.start()                  # loads the model, scans the mailbox
    while not w.stop_requested: w.step() or time.sleep(options.poll_s)
"""
from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, Optional, Sequence, TextIO, TypeVar

import torch

from colab.protocol.parse import ProtocolError, serialize
from colab.protocol.times import parse_time
from colab.transport.transport import Transport, id_of, is_mailbox_name
from colab.worker.batch import BatchAbandoned, batch_responses, run_batch
from colab.worker.control import AppliedControls, apply_control
from colab.worker.heartbeat import beating_while, build_heartbeat, status_line
from colab.worker.io import PARSE_ERROR_CODES, error_response, read_incoming, write_response
from colab.worker.job_book import JobBook, refusal_of
from colab.worker.log import WorkerLog
from colab.worker.metrics import WorkerMetrics
from colab.worker.models import LoadedModel, load_model
from colab.worker.options import WorkerOptions
from colab.worker.runtime import device_info, device_label
from colab.worker.schedule import next_batch, record_served

T = TypeVar("T")
Request = Dict[str, Any]  # a request as colab/protocol/parse.py reads it (Dict: Python 3.8 runs this line)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def applied_command_ids(applied_controls: Iterable[Any]) -> set[str]:
    """The command ids of applied controls (as the heartbeat lists them) -> set."""
    return {c["command_id"] for c in applied_controls if isinstance(c, dict) and isinstance(c.get("command_id"), str)}


class Worker:
    """A storyloom GPU worker over one mailbox transport."""

    def __init__(
        self,
        transport: Transport,
        options: WorkerOptions,
        device: torch.device,
        clock: Callable[[], datetime] = _now,
        restart: Optional[Callable[[Worker], None]] = None,
        applied_controls: Iterable[dict[str, Any]] = (),
        out: TextIO = sys.stdout,
    ) -> None:
        self.transport, self.options, self.device, self.clock = transport, options, device, clock
        self.restart_fn, self.out = restart, out
        # Its lines on `out`: text, or JSON records under LOG_FORMAT=json (colab/worker/log.py).
        self.logger = WorkerLog(out, worker_id=options.worker_id)
        self.state, self.started_at = "starting", clock()
        self.loaded: Optional[LoadedModel] = None
        self.message: Optional[str] = None
        self.metrics, self.applied_controls = WorkerMetrics(), AppliedControls(applied_controls)
        self.batch_max, self.stop_requested = options.batch_max, False
        self.active_jobs: list[str] = []
        self.served: dict[str, int] = {}  # the round-robin's memory, published in the heartbeat
        self.batches = 0
        self.book = JobBook()
        # A command applied before a restart is not applied again, even if its file could not be removed.
        self.controls: set[str] = set()
        self.done_controls = applied_command_ids(self.applied_controls)
        self.pool = ThreadPoolExecutor(max(1, options.io_threads))
        self.next_heartbeat = 0.0

    def log(self, text: str, **fields: Any) -> None:
        """One line on the worker's output (info), with the worker's id and `fields` in a JSON record."""
        self.logger.info(f"storyloom worker: {text}", **fields)

    def warn(self, text: str, **fields: Any) -> None:
        """A warning: the line says "warning: " (as it always did)."""
        self.logger.warn(f"storyloom worker: warning: {text}", **fields)

    def load(self, spec: str) -> LoadedModel:
        """Loads a model and warms its sampling step up (ArtifactError if it is missing or broken)."""
        o = self.options
        cache = (o.cache_entries, o.sync_every, o.model_cache_dir)  # story states, steps between looks, downloads
        loaded = load_model(spec, self.transport, self.device, *cache, o.cuda_graphs, self.log, o.compile)
        started = time.monotonic()
        try:
            if self.beating_while(loaded.engine.warm_up, "compiling the sampling step for the GPU"):
                self.log(f"sampling step compiled and recorded for the GPU in {time.monotonic() - started:.1f} s")
        except Exception as error:  # noqa: BLE001 - the first batch tries again, or falls back to eager steps
            why = f"{type(error).__name__}: {error}"
            self.logger.warn(f"storyloom worker: could not warm up the GPU sampling step ({why})", error=str(error))
        return loaded

    def beating_while(self, work: Callable[[], T], message: str) -> T:
        """Runs work() while a thread keeps the heartbeat fresh (with `message`), so a long
        compile does not look like a dead worker to the bot -> work()'s result."""
        before, self.message = self.message, message
        try:
            return beating_while(self.write_heartbeat, self.options.interval_s, work)
        finally:
            self.message = before

    def start(self) -> None:
        """Writes the `starting` heartbeat, loads the model (ArtifactError if broken), scans the mailbox."""
        self.write_heartbeat()
        self.loaded = loaded = self.load(self.options.model)
        where = device_label(device_info(self.device))
        self.log(f"model {loaded.name} ({loaded.parameters:,} parameters) on {where}")
        self.book.scan(self.transport.list("requests"), self.transport.list("responses"))
        self.controls |= {n for n in self.transport.list("control") if is_mailbox_name(n)}
        self.state = "running"
        self.write_heartbeat()

    def queued(self) -> int:
        """How many jobs wait, the running batch left out."""
        return self.book.queued(self.active_jobs)

    def step(self) -> bool:
        """One turn of the loop -> True when it ran a batch (so the next turn need not wait)."""
        added, removed = self.book.on_news(self.transport.news())
        self.controls = (self.controls | added) - removed
        for name in sorted(self.controls):
            self.controls.discard(name)
            apply_control(self, name)
        ran = False
        if self.state == "running" and not self.stop_requested:
            self.read_requests()
            self.answer_expired()
            batch = next_batch(
                list(self.book.waiting.values()), self.batch_max, self.served, user_id=lambda r: r["user"]["id"]
            )
            if batch:
                self.run(batch)
                ran = True
        self.heartbeat_if_due()
        return ran

    def read_requests(self) -> None:
        """Reads the requests not read yet, in parallel (io_threads), and accepts each."""
        names = self.book.to_read()
        for name, data in zip(names, self.pool.map(lambda n: self.transport.get("requests", n), names)):
            self.book.unread.discard(name)
            if data is not None:
                self.accept(name, data)

    def accept(self, name: str, data: bytes) -> None:
        """Parses one request: waiting, or an error response at once, or (not ours) left alone."""
        incoming, job_id = read_incoming(data), id_of(name)
        if isinstance(incoming, ProtocolError):
            if incoming.code == "not_ours":
                self.book.ignored.add(name)
            else:
                code = PARSE_ERROR_CODES[incoming.code]
                self.respond(name, error_response(job_id, self.options.worker_id, code, str(incoming)))
            return
        refusal = refusal_of(job_id, incoming, self.loaded)
        if refusal:
            self.respond(name, error_response(job_id, self.options.worker_id, *refusal))
        else:
            self.book.waiting[name] = incoming

    def answer_expired(self) -> None:
        """Answers every waiting request whose deadline passed with an `expired` error."""
        now, late = self.clock(), "the deadline passed before a worker reached this job"
        for name, request in list(self.book.waiting.items()):
            if parse_time(request["deadline"]) < now:
                self.respond(name, error_response(request["job_id"], self.options.worker_id, "expired", late))

    def run(self, batch: Sequence[Request]) -> None:
        """Generates for a batch and answers every job in it (abandoned on SIGTERM: no answers)."""
        self.active_jobs = [r["job_id"] for r in batch]
        self.batches += 1
        self.served = record_served(self.served, self.batches, [r["user"]["id"] for r in batch])
        if self.options.heartbeat_on_batch:
            self.write_heartbeat()
        loaded, started = self.loaded, time.monotonic()
        if loaded is None:
            raise RuntimeError("no model loaded: start() loads one")
        engine = loaded.engine
        try:
            outcomes = run_batch(batch, lambda jobs: engine.generate_candidates(jobs, self.on_sync), self.halve)
        except BatchAbandoned:
            self.log(f"abandoned a batch of {len(batch)}: its requests stay for the next worker")
            return
        finally:
            self.active_jobs = []
        seconds = time.monotonic() - started
        label = device_label(device_info(self.device))
        worker_id, style_of = self.options.worker_id, lambda request: engine.style_of(request)[1]
        responses, chars = batch_responses(outcomes, worker_id, loaded, label, seconds, self.log, style_of)
        self.metrics.record_batch(chars, seconds)
        writes = self.pool.map(lambda item: self.put_response(*item), responses.items())
        for (name, response), written in zip(responses.items(), writes):
            if written:
                self.answered_with(name, response)
        if self.state == "draining" or self.options.heartbeat_on_batch:
            self.write_heartbeat()

    def on_sync(self) -> None:
        """Called inside a batch every sync_every steps."""
        if self.stop_requested:
            raise BatchAbandoned()
        if self.options.slow_ms:
            time.sleep(self.options.slow_ms * self.options.sync_every / 1000)
        self.heartbeat_if_due()

    def halve(self, cap: int) -> None:
        """CUDA ran out of memory: later batches hold at most `cap` requests."""
        self.batch_max = max(1, cap)
        self.message = f"CUDA ran out of memory: batch_max is now {self.batch_max}"
        self.log(self.message)

    def put_response(self, name: str, response: dict[str, Any]) -> bool:
        """Writes responses/<name> -> True; on failure the job stays waiting for a later turn."""
        try:
            write_response(self.transport, name, response)
            return True
        except Exception as e:  # noqa: BLE001
            self.warn(f"could not write responses/{name}: {e}", job_id=id_of(name), error=str(e))
            return False

    def answered_with(self, name: str, response: dict[str, Any]) -> None:
        """responses/<name> is written: the job is answered, and counted."""
        self.book.answer(name)
        self.metrics.record_response(response["ok"])

    def respond(self, name: str, response: dict[str, Any]) -> None:
        """Writes a response and, once it is written, notes the job as answered."""
        if self.put_response(name, response):
            self.answered_with(name, response)

    def write_heartbeat(self) -> None:
        """Writes workers/<worker_id>.json now (a failure is logged, not raised), and the status line."""
        self.next_heartbeat = time.monotonic() + self.options.interval_s
        heartbeat = build_heartbeat(self, self.clock())
        try:
            self.transport.put("workers", f"{self.options.worker_id}.json", serialize(heartbeat))
        except Exception as e:  # noqa: BLE001 - a missed heartbeat is not worth stopping for
            self.warn(f"could not write the heartbeat: {e}", error=str(e))
        if self.options.status_lines:
            self.log(status_line(heartbeat))

    def heartbeat_if_due(self) -> None:
        """A heartbeat when interval_s has passed since the last one."""
        if time.monotonic() >= self.next_heartbeat:
            self.write_heartbeat()

    def restart(self) -> None:
        """`stopping` heartbeat, then re-execute (new code, new model)."""
        self.state = "stopping"
        self.write_heartbeat()
        self.pool.shutdown(wait=True)
        self.log("restarting")
        if self.restart_fn is None:
            raise RuntimeError("this worker cannot restart itself")
        self.restart_fn(self)

    def stop(self) -> None:
        """The last heartbeat, `stopping`."""
        self.state = "stopping"
        self.write_heartbeat()
        self.pool.shutdown(wait=True)
        self.out.flush()
