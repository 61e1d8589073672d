"""The worker's loop: news from the mailbox, controls, batches, responses, heartbeats.

One step: read the news, apply controls, and, while running, read new requests
(a bad one gets an error response at once), answer expired ones, then run the
next batch in round-robin-by-user order. Heartbeats go out every interval_s and at
once on state changes, also from inside a long batch (at its sync points).

Usage:
    w = Worker(transport, config, device, restart=fn, applied_controls=carried)  # carried: across a restart
    w.start()                  # loads the model, scans the mailbox
    while not w.stop_requested: w.step() or time.sleep(config.poll_s)
"""
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from colab.batching import BatchAbandoned, run_batch
from colab.colab_env import device_info, device_label
from colab.control import handle_control_file
from colab.heartbeat import AppliedControls, Stats, heartbeat_doc
from colab.job_book import JobBook
from colab.model_store import load_model
from colab.protocol import ProtocolError, parse_file, parse_time, serialize
from colab.responses import PARSE_ERROR_CODES, error_response, failure_response, ok_response
from colab.schedule import next_batch, record_served
from colab.transport import id_of, is_mailbox_name


def applied_command_ids(applied_controls):
    """The command ids of applied controls (as the heartbeat lists them) -> set."""
    return {c["command_id"] for c in applied_controls if isinstance(c, dict) and isinstance(c.get("command_id"), str)}


class Worker:
    """A storyloom GPU worker over one mailbox transport."""

    def __init__(self, transport, config, device, clock=lambda: datetime.now(timezone.utc), restart=None,
                 applied_controls=(), out=sys.stdout):
        self.transport, self.config, self.device, self.clock = transport, config, device, clock
        self.restart_fn, self.out = restart, out
        self.state, self.started_at, self.loaded, self.message = "starting", clock(), None, None
        self.stats, self.applied_controls = Stats(), AppliedControls(applied_controls)
        self.batch_max, self.active_jobs, self.stop_requested = config.batch_max, [], False
        self.served, self.batches = {}, 0  # the round-robin's memory, published in the heartbeat
        self.book = JobBook()
        # A command applied before a restart is not applied again, even if its file could not be removed.
        self.controls, self.done_controls = set(), applied_command_ids(self.applied_controls)
        self.pool = ThreadPoolExecutor(max(1, config.io_threads))
        self.next_heartbeat = 0.0

    def log(self, text):
        print(f"storyloom worker: {text}", file=self.out, flush=True)

    def load(self, spec):
        loaded = load_model(spec, self.transport, self.device, self.config.cache_entries, self.config.sync_every,
                            self.config.model_cache_dir, self.config.cuda_graphs, self.log, self.config.compile)
        started = time.monotonic()
        try:
            if self.beating_while(loaded.engine.warm_up, "compiling the sampling step for the GPU"):
                self.log(f"sampling step compiled and recorded for the GPU in {time.monotonic() - started:.1f} s")
        except Exception as error:  # noqa: BLE001 - the first batch tries again, or falls back to eager steps
            self.log(f"could not warm up the GPU sampling step ({type(error).__name__}: {error})")
        return loaded

    def beating_while(self, work, message):
        """Runs work() while a thread keeps the heartbeat fresh (with `message`), so a long
        compile does not look like a dead worker to the bot -> work()'s result."""
        before, self.message = self.message, message
        done = threading.Event()

        def beat():
            while not done.wait(self.config.interval_s):
                self.write_heartbeat()
        thread = threading.Thread(target=beat, name="storyloom-heartbeat", daemon=True)
        thread.start()
        try:
            return work()
        finally:
            done.set()
            thread.join()
            self.message = before

    def start(self):
        """Writes the `starting` heartbeat, loads the model (ArtifactError if broken), scans the mailbox."""
        self.write_heartbeat()
        self.loaded = self.load(self.config.model)
        self.log(f"model {self.loaded.name} ({self.loaded.parameters:,} parameters) on {device_label(device_info(self.device))}")
        self.book.scan(self.transport.list("requests"), self.transport.list("responses"))
        self.controls |= {n for n in self.transport.list("control") if is_mailbox_name(n)}
        self.state = "running"
        self.write_heartbeat()

    def queued(self):
        return self.book.queued(self.active_jobs)

    def step(self):
        """One turn of the loop -> True when it ran a batch (so the next turn need not wait)."""
        added, removed = self.book.on_news(self.transport.news())
        self.controls = (self.controls | added) - removed
        for name in sorted(self.controls):
            self.controls.discard(name)
            handle_control_file(self, name)
        ran = False
        if self.state == "running" and not self.stop_requested:
            self.read_requests()
            self.answer_expired()
            batch = next_batch(list(self.book.waiting.values()), self.batch_max, self.served,
                               user_id=lambda r: r["user"]["id"])
            if batch:
                self.run(batch)
                ran = True
        self.heartbeat_if_due()
        return ran

    def read_requests(self):
        names = self.book.to_read()
        for name, data in zip(names, self.pool.map(lambda n: self.transport.get("requests", n), names)):
            self.book.unread.discard(name)
            if data is not None:
                self.accept(name, data)

    def accept(self, name, data):
        """Parses one request: waiting, or an error response at once, or (not ours) left alone."""
        try:
            request = parse_file("request", data)
        except ProtocolError as e:
            if e.code == "not_ours":
                self.book.ignored.add(name)
            else:
                self.respond(name, error_response(id_of(name), self.config.worker_id, PARSE_ERROR_CODES[e.code], str(e)))
            return
        if request["job_id"] != id_of(name):
            message = f"job_id {request['job_id']} does not match the file name {name}"
            self.respond(name, error_response(id_of(name), self.config.worker_id, "bad_request", message))
        elif request["model"] is not None and request["model"] not in (self.loaded.name, self.loaded.spec):
            message = f"this worker runs model {self.loaded.name!r}, not {request['model']!r}"
            self.respond(name, error_response(request["job_id"], self.config.worker_id, "model_error", message))
        else:
            self.book.waiting[name] = request

    def answer_expired(self):
        now = self.clock()
        for name, request in list(self.book.waiting.items()):
            if parse_time(request["deadline"]) < now:
                self.respond(name, error_response(request["job_id"], self.config.worker_id, "expired",
                                                  "the deadline passed before a worker reached this job"))

    def run(self, batch):
        """Generates for a batch and answers every job in it (abandoned on SIGTERM: no answers)."""
        self.active_jobs = [r["job_id"] for r in batch]
        self.batches += 1
        self.served = record_served(self.served, self.batches, [r["user"]["id"] for r in batch])
        if self.config.heartbeat_on_batch:
            self.write_heartbeat()
        engine, started = self.loaded.engine, time.monotonic()
        try:
            outcomes = run_batch(batch, lambda jobs: engine.run(jobs, self.on_sync), self.halve)
        except BatchAbandoned:
            self.log(f"abandoned a batch of {len(batch)}: its requests stay for the next worker")
            return
        finally:
            self.active_jobs = []
        seconds = time.monotonic() - started
        label = device_label(device_info(self.device))
        docs = {}
        for request, outcome in outcomes:
            name, wid = f"{request['job_id']}.json", self.config.worker_id
            if isinstance(outcome, Exception):
                self.log(f"job {request['job_id']} failed: {type(outcome).__name__}: {outcome}")
                docs[name] = failure_response(request["job_id"], wid, outcome)
            else:
                docs[name] = ok_response(request["job_id"], wid, *outcome, self.loaded, label, seconds * 1000)
        self.stats.record_batch(sum(len(o[0]) for _, o in outcomes if not isinstance(o, Exception)), seconds)
        for (name, doc), written in zip(docs.items(), self.pool.map(lambda item: self.put_response(*item), docs.items())):
            if written:
                self.answered_with(name, doc)
        if self.state == "draining" or self.config.heartbeat_on_batch:
            self.write_heartbeat()

    def on_sync(self):
        """Called inside a batch every sync_every steps."""
        if self.stop_requested:
            raise BatchAbandoned()
        if self.config.slow_ms:
            time.sleep(self.config.slow_ms * self.config.sync_every / 1000)
        self.heartbeat_if_due()

    def halve(self, cap):
        self.batch_max = max(1, cap)
        self.message = f"CUDA ran out of memory: batch_max is now {self.batch_max}"
        self.log(self.message)

    def put_response(self, name, doc):
        """Writes responses/<name> -> True; on failure the job stays waiting for a later turn."""
        try:
            self.transport.put("responses", name, serialize(doc))
            return True
        except Exception as e:  # noqa: BLE001
            self.log(f"warning: could not write responses/{name}: {e}")
            return False

    def answered_with(self, name, doc):
        self.book.answer(name)
        self.stats.record_response(doc["ok"])

    def respond(self, name, doc):
        if self.put_response(name, doc):
            self.answered_with(name, doc)

    def write_heartbeat(self):
        self.next_heartbeat = time.monotonic() + self.config.interval_s
        doc = heartbeat_doc(self, self.clock())
        try:
            self.transport.put("workers", f"{self.config.worker_id}.json", serialize(doc))
        except Exception as e:  # noqa: BLE001 - a missed heartbeat is not worth stopping for
            self.log(f"warning: could not write the heartbeat: {e}")
        if self.config.status_lines:
            self.log(f"status: {doc['state']}, queued {doc['queued']}, active {len(doc['active_jobs'])}, "
                     f"{doc['chars_per_second']:.0f} chars/s, done {doc['jobs_done']}, failed {doc['jobs_failed']}")

    def heartbeat_if_due(self):
        if time.monotonic() >= self.next_heartbeat:
            self.write_heartbeat()

    def restart(self):
        """`stopping` heartbeat, then re-execute (new code, new model)."""
        self.state = "stopping"
        self.write_heartbeat()
        self.pool.shutdown(wait=True)
        self.log("restarting")
        if self.restart_fn is None:
            raise RuntimeError("this worker cannot restart itself")
        self.restart_fn(self)

    def stop(self):
        """The last heartbeat, `stopping`."""
        self.state = "stopping"
        self.write_heartbeat()
        self.pool.shutdown(wait=True)
        self.out.flush()
