"""The storyloom GPU worker: the Python twin of the embedded worker (docs/protocol.md).

It watches a mailbox (a Google Drive folder over the REST API, or a local or
mounted folder), batches every waiting request round-robin by user, generates on
the GPU, writes the responses, heartbeats, and obeys control files.

Usage:
    python -m colab.worker --drive-folder FOLDER_ID            # in Colab (signs in as the notebook user)
    python -m colab.worker --mailbox data/mailbox --model colab/models/small.json
    python -m colab.worker --help
Exit codes: 0 after SIGTERM/SIGINT, 2 when the mailbox or the model cannot be used at
start, 3 when Drive refuses the credentials while running.
"""
import argparse
import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime

import torch

from colab.colab_env import drive_session, pick_device, runtime_ends_at, worker_kind
from colab.drive import DriveAuthError, DriveClient, DriveError, DriveQuotaError, DriveScopeError
from colab.model import ArtifactError
from colab.retry import Backoff
from colab.transport import MailboxError
from colab.worker_core import Worker

APPLIED_ENV = "STORYLOOM_APPLIED_CONTROLS"  # carries applied_controls across a restart
WORKER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
FATAL = (DriveAuthError, DriveQuotaError, DriveScopeError, MailboxError)
# After this long with nothing to do, a worker looks for news less often (idle_poll_s).
BUSY_WINDOW_S = 30.0
# On Drive, once idle: a look for news every 1.2 s and a heartbeat every 10 s, 56 calls a minute. Most jobs in a
# small community come after a quiet spell, and this poll sets how soon one is seen: at 150 ms a call, a lone job
# after an idle spell is answered in about 1.0 s at the median (3 s here made it 2.5 s). Drive's quota is per
# minute per user, far above this (https://developers.google.com/workspace/drive/api/guides/limits).
DRIVE_IDLE_POLL_S = 1.2
DRIVE_INTERVAL_S = 10.0


@dataclass
class WorkerConfig:
    worker_id: str
    kind: str
    model: str
    batch_max: int
    interval_s: float
    poll_s: float
    idle_poll_s: float = 0.0  # after BUSY_WINDOW_S with nothing to do (0: same as poll_s)
    runtime_ends_at: datetime = None
    cache_entries: int = 256
    sync_every: int = 16
    cuda_graphs: bool = True
    compile: bool = True
    io_threads: int = 1
    slow_ms: float = 0.0
    status_lines: bool = True
    heartbeat_on_batch: bool = False  # also when a batch starts and ends: cheap locally, costly on Drive
    model_cache_dir: str = "/tmp/storyloom-models"


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m colab.worker", description="Run a storyloom GPU worker on a mailbox.")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--drive-folder", default=os.environ.get("DRIVE_FOLDER_ID"),
                       help="the mailbox's Drive folder id, as `npm run mailbox:init` prints it (env DRIVE_FOLDER_ID)")
    where.add_argument("--mailbox", help="a local or mounted mailbox folder instead of Drive")
    p.add_argument("--drive-api-url", default=os.environ.get("DRIVE_API_URL", "https://www.googleapis.com"),
                   help="the Drive API base URL, uploads included (env DRIVE_API_URL)")
    p.add_argument("--model", default="small", help="a model path, or a name in the mailbox's models/ or colab/models/")
    p.add_argument("--device", default="auto", help="auto (cuda when there is one), cuda, cpu or mps")
    p.add_argument("--worker-id", help="this worker's id (default: <kind>-<4 hex>); kept across restarts")
    p.add_argument("--batch-max", type=int, default=64, help="the most requests in one batch (halved on CUDA OOM)")
    p.add_argument("--interval", type=float, help="seconds between heartbeats (default 5 local, 10 on Drive)")
    p.add_argument("--poll", type=float, help="seconds from one look for news to the next while busy "
                   "(default 0.25 local, 0.5 on Drive)")
    p.add_argument("--idle-poll", type=float, help="seconds from one look for news to the next once idle for 30 s "
                   f"(default: as --poll locally, {DRIVE_IDLE_POLL_S:g} on Drive: {60 / DRIVE_IDLE_POLL_S:.0f} polls and "
                   f"{60 / DRIVE_INTERVAL_S:.0f} heartbeats, under 60 API calls a minute)")
    p.add_argument("--runtime-hours", type=float, help="when the runtime ends, in hours after it started "
                   "(default 12 in Colab, else not reported)")
    p.add_argument("--cache-entries", type=int, default=256, help="story states kept on the device (0: no cache)")
    p.add_argument("--sync-every", type=int, default=16, help="sampling steps between looks from the host")
    p.add_argument("--cuda-graphs", choices=["on", "off"], default="on",
                   help="on a GPU, replay sampling steps from CUDA graphs (off: launch every kernel eagerly)")
    p.add_argument("--compile", choices=["on", "off"], default="on",
                   help="on a GPU, torch.compile the sampling step too (about 20 s once, at startup)")
    p.add_argument("--io-threads", type=int, help="parallel mailbox reads/writes (default 1 local, 8 on Drive)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: torch's default)")
    p.add_argument("--model-cache-dir", default="/tmp/storyloom-models", help="where models from Drive are saved")
    p.add_argument("--quiet", action="store_true", help="no status line at each heartbeat")
    p.add_argument("--slow-ms", type=float, default=0.0, help=argparse.SUPPRESS)  # tests: sleep per sampling step
    args = p.parse_args(argv)
    if args.mailbox:
        args.drive_folder = None
    elif not args.drive_folder:
        p.error("give --drive-folder FOLDER_ID (or set DRIVE_FOLDER_ID), or --mailbox PATH")
    if args.worker_id is not None and not WORKER_ID.match(args.worker_id):
        p.error("--worker-id takes 1 to 100 letters, digits, '_' or '-', starting with a letter or digit")
    if args.batch_max < 1 or args.sync_every < 1 or args.cache_entries < 0:
        p.error("--batch-max and --sync-every must be >= 1, --cache-entries >= 0")
    return args


def open_transport(args):
    if args.mailbox:
        from colab.local_transport import LocalFolderTransport

        return LocalFolderTransport(args.mailbox)
    from colab.drive_transport import DriveTransport

    return DriveTransport(DriveClient(drive_session(), args.drive_api_url), args.drive_folder,
                          log=lambda text: print(f"storyloom worker: {text}", flush=True))


def make_config(args, kind):
    drive = not args.mailbox
    worker_id = args.worker_id or f"{kind}-{os.urandom(2).hex()}"
    return WorkerConfig(
        worker_id=worker_id, kind=kind, model=args.model, batch_max=args.batch_max,
        interval_s=args.interval or (DRIVE_INTERVAL_S if drive else 5.0), poll_s=args.poll or (0.5 if drive else 0.25),
        idle_poll_s=args.idle_poll or (DRIVE_IDLE_POLL_S if drive else 0.0),
        runtime_ends_at=runtime_ends_at(args.runtime_hours, kind), cache_entries=args.cache_entries,
        sync_every=args.sync_every, cuda_graphs=args.cuda_graphs == "on",
        compile=args.compile == "on", io_threads=args.io_threads or (8 if drive else 1), slow_ms=args.slow_ms,
        status_lines=not args.quiet, model_cache_dir=args.model_cache_dir, heartbeat_on_batch=not drive)


def reexec(argv, worker):
    """Replaces this process with a fresh worker: same arguments, same worker id, and the applied
    controls (the new worker skips those commands, even when their files could not be removed)."""
    args = list(argv)
    if "--worker-id" not in args:
        args += ["--worker-id", worker.config.worker_id]
    os.environ[APPLIED_ENV] = json.dumps(list(worker.applied_controls))
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "colab.worker", *args])


def idle_delay(config, since_busy_s):
    """The time from one look for news to the next: poll_s while busy, idle_poll_s once idle."""
    idle = since_busy_s > BUSY_WINDOW_S and config.idle_poll_s > config.poll_s
    return config.idle_poll_s if idle else config.poll_s


def serve(worker):
    """The loop, until SIGTERM: steps, idling (longer once nothing happened for a while) when there was nothing to do.
    A poll's pace counts from the start of one step to the next, so a step's own Drive calls do not stretch it."""
    backoff, failures = Backoff(attempts=8, base_s=worker.config.poll_s, cap_s=60), 0
    last_busy = time.monotonic()
    while not worker.stop_requested:
        started = time.monotonic()
        try:
            ran = worker.step()
            if ran or worker.book.waiting:
                last_busy = time.monotonic()
            failures = 0
        except FATAL:
            raise
        except Exception as e:  # noqa: BLE001 - the worker outlives any one failure
            worker.message = f"{type(e).__name__}: {e}"[:2000]
            worker.log(f"warning: {worker.message}")
            failures += 1
            time.sleep(backoff.delay(min(failures, backoff.attempts)))
            continue
        if not ran:
            now = time.monotonic()
            time.sleep(max(0.0, started + idle_delay(worker.config, now - last_busy) - now))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    kind = worker_kind()
    try:
        transport = open_transport(args)
    except (MailboxError, DriveError, RuntimeError) as e:
        print(f"storyloom worker: cannot open the mailbox: {e}", file=sys.stderr)
        return 2
    applied = json.loads(os.environ.pop(APPLIED_ENV, "[]"))
    worker = Worker(transport, make_config(args, kind), pick_device(args.device),
                    restart=lambda w: reexec(argv, w), applied_controls=applied)
    worker.log(f"{worker.config.worker_id} ({kind}) on {transport.describe()}")
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: setattr(worker, "stop_requested", True))
    try:
        worker.start()
        serve(worker)
    except ArtifactError as e:
        worker.message = f"model failed to load: {e}"
        print(f"storyloom worker: {worker.message}", file=sys.stderr)
        worker.stop()
        return 2
    except FATAL as e:
        print(f"storyloom worker: {e}", file=sys.stderr)
        return 3
    worker.stop()
    worker.log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
