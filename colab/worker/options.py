"""The worker's settings: its command line (`python -m colab.worker --help`) and WorkerOptions.

Defaults differ by mailbox: a local folder is cheap to poll, while on Drive every look
for news and every heartbeat is an API call counted against a per-minute quota.

Usage:
    options = make_options(parse_args(["--mailbox", "data/mailbox"]), worker_kind())
"""
from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Sequence

from colab.worker.runtime import runtime_ends_at

WORKER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
# On Drive, once idle: a look for news every 1.2 s and a heartbeat every 10 s, 56 calls a minute. Most jobs in a
# small community come after a quiet spell, and this poll sets how soon one is seen: at 150 ms a call, a lone job
# after an idle spell is answered in about 1.0 s at the median (3 s here made it 2.5 s). Drive's quota is per
# minute per user, far above this (https://developers.google.com/workspace/drive/api/guides/limits).
DRIVE_IDLE_POLL_S = 1.2
DRIVE_INTERVAL_S = 10.0


@dataclass
class WorkerOptions:
    """What one worker runs with; colab/worker/worker.py reads it."""

    worker_id: str
    kind: str
    model: str
    batch_max: int
    interval_s: float
    poll_s: float
    idle_poll_s: float = 0.0  # after BUSY_WINDOW_S (main.py) with nothing to do (0: same as poll_s)
    runtime_ends_at: Optional[datetime] = None
    cache_entries: int = 256
    sync_every: int = 16
    cuda_graphs: bool = True
    compile: bool = True
    io_threads: int = 1
    slow_ms: float = 0.0
    status_lines: bool = True
    heartbeat_on_batch: bool = False  # also when a batch starts and ends: cheap locally, costly on Drive
    model_cache_dir: str = "/tmp/storyloom-models"


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The worker's command line -> its arguments; exits with a usage message when they do not fit."""
    p = argparse.ArgumentParser(prog="python -m colab.worker", description="Run a storyloom GPU worker on a mailbox.")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--drive-folder",
        default=os.environ.get("DRIVE_FOLDER_ID"),
        help="the mailbox's Drive folder id, as `npm run mailbox:init` prints it (env DRIVE_FOLDER_ID)",
    )
    where.add_argument("--mailbox", help="a local or mounted mailbox folder instead of Drive")
    p.add_argument(
        "--drive-api-url",
        default=os.environ.get("DRIVE_API_URL", "https://www.googleapis.com"),
        help="the Drive API base URL, uploads included (env DRIVE_API_URL)",
    )
    p.add_argument("--model", default="small", help="a model path, or a name in the mailbox's models/ or colab/models/")
    p.add_argument("--device", default="auto", help="auto (cuda when there is one), cuda, cpu or mps")
    p.add_argument("--worker-id", help="this worker's id (default: <kind>-<4 hex>); kept across restarts")
    p.add_argument("--batch-max", type=int, default=64, help="the most requests in one batch (halved on CUDA OOM)")
    p.add_argument("--interval", type=float, help="seconds between heartbeats (default 5 local, 10 on Drive)")
    p.add_argument(
        "--poll",
        type=float,
        help="seconds from one look for news to the next while busy " "(default 0.25 local, 0.5 on Drive)",
    )
    p.add_argument(
        "--idle-poll",
        type=float,
        help="seconds from one look for news to the next once idle for 30 s "
        f"(default: as --poll locally, {DRIVE_IDLE_POLL_S:g} on Drive: {60 / DRIVE_IDLE_POLL_S:.0f} polls and "
        f"{60 / DRIVE_INTERVAL_S:.0f} heartbeats, under 60 API calls a minute)",
    )
    p.add_argument(
        "--runtime-hours",
        type=float,
        help="when the runtime ends, in hours after it started " "(default 12 in Colab, else not reported)",
    )
    p.add_argument("--cache-entries", type=int, default=256, help="story states kept on the device (0: no cache)")
    p.add_argument("--sync-every", type=int, default=16, help="sampling steps between looks from the host")
    p.add_argument(
        "--cuda-graphs",
        choices=["on", "off"],
        default="on",
        help="on a GPU, replay sampling steps from CUDA graphs (off: launch every kernel eagerly)",
    )
    p.add_argument(
        "--compile",
        choices=["on", "off"],
        default="on",
        help="on a GPU, torch.compile the sampling step too (about 20 s once, at startup)",
    )
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


def make_options(args: argparse.Namespace, kind: str) -> WorkerOptions:
    """The settings for a worker of `kind` (colab or local), the mailbox's defaults filled in."""
    drive = not args.mailbox
    worker_id = args.worker_id or f"{kind}-{os.urandom(2).hex()}"
    return WorkerOptions(
        worker_id=worker_id,
        kind=kind,
        model=args.model,
        batch_max=args.batch_max,
        interval_s=args.interval or (DRIVE_INTERVAL_S if drive else 5.0),
        poll_s=args.poll or (0.5 if drive else 0.25),
        idle_poll_s=args.idle_poll or (DRIVE_IDLE_POLL_S if drive else 0.0),
        runtime_ends_at=runtime_ends_at(args.runtime_hours, kind),
        cache_entries=args.cache_entries,
        sync_every=args.sync_every,
        cuda_graphs=args.cuda_graphs == "on",
        compile=args.compile == "on",
        io_threads=args.io_threads or (8 if drive else 1),
        slow_ms=args.slow_ms,
        status_lines=not args.quiet,
        model_cache_dir=args.model_cache_dir,
        heartbeat_on_batch=not drive,
    )
