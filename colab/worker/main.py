"""The storyloom GPU worker's process: the twin of src/worker/main.ts (docs/protocol.md).

It watches a mailbox (a Google Drive folder over the REST API, or a local or
mounted folder), batches every waiting request round-robin by user, generates on
the GPU, writes the responses, heartbeats, and obeys control files. This module starts
the process and keeps the loop (colab/worker/worker.py) turning until SIGTERM.

Usage:
    python -m colab.worker --drive-folder FOLDER_ID            # in Colab (signs in as the notebook user)
    python -m colab.worker --mailbox data/mailbox --model colab/models/small.json
    python -m colab.worker --help
Exit codes: 0 after SIGTERM/SIGINT, 2 when the mailbox or the model cannot be used at
start, 3 when Drive refuses the credentials while running.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from typing import NoReturn, Optional, Sequence

import torch

from colab.model.artifact import ArtifactError
from colab.transport.drive.api import DriveApi
from colab.transport.drive.backoff import BackoffPolicy
from colab.transport.drive.errors import DriveAuthError, DriveError, DriveQuotaError, DriveScopeError
from colab.transport.drive.sign_in import drive_session
from colab.transport.transport import MailboxError, Transport
from colab.worker.log import WorkerLog
from colab.worker.options import WorkerOptions, make_options, parse_args
from colab.worker.runtime import pick_device, worker_kind
from colab.worker.worker import Worker

APPLIED_ENV = "STORYLOOM_APPLIED_CONTROLS"  # carries applied_controls across a restart
FATAL = (DriveAuthError, DriveQuotaError, DriveScopeError, MailboxError)
# After this long with nothing to do, a worker looks for news less often (idle_poll_s).
BUSY_WINDOW_S = 30.0


def open_transport(args: argparse.Namespace, out: WorkerLog) -> Transport:
    """The mailbox the arguments name: a local folder, or a Drive folder signed in as this runtime's user (its
    lines on `out`)."""
    if args.mailbox:
        from colab.transport.local import LocalFolderTransport

        return LocalFolderTransport(args.mailbox)
    from colab.transport.drive.drive import DriveTransport

    return DriveTransport(
        DriveApi(drive_session(), args.drive_api_url),
        args.drive_folder,
        log=lambda text: out.line(f"storyloom worker: {text}"),
    )


def reexec(argv: Sequence[str], worker: Worker) -> NoReturn:
    """Replaces this process with a fresh worker: same arguments, same worker id, and the applied
    controls (the new worker skips those commands, even when their files could not be removed)."""
    args = list(argv)
    if "--worker-id" not in args:
        args += ["--worker-id", worker.options.worker_id]
    os.environ[APPLIED_ENV] = json.dumps(list(worker.applied_controls))
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "colab.worker", *args])


def idle_delay(options: WorkerOptions, since_busy_s: float) -> float:
    """The time from one look for news to the next: poll_s while busy, idle_poll_s once idle."""
    idle = since_busy_s > BUSY_WINDOW_S and options.idle_poll_s > options.poll_s
    return options.idle_poll_s if idle else options.poll_s


def serve(worker: Worker) -> None:
    """The loop, until SIGTERM: steps, idling (longer once nothing happened for a while) when there was nothing to do.
    A poll's pace counts from the start of one step to the next, so a step's own Drive calls do not stretch it."""
    backoff, failures = BackoffPolicy(attempts=8, base_s=worker.options.poll_s, cap_s=60), 0
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
            worker.warn(worker.message, error=str(e))
            failures += 1
            time.sleep(backoff.delay(min(failures, backoff.attempts)))
            continue
        if not ran:
            now = time.monotonic()
            time.sleep(max(0.0, started + idle_delay(worker.options, now - last_busy) - now))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs a worker until SIGTERM -> the exit code (see above)."""
    command_line = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(command_line)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    kind = worker_kind()
    try:
        # Lines outside the worker's own: the mailbox's on stdout, the reasons it stops on stderr.
        out, errors = WorkerLog(sys.stdout), WorkerLog(sys.stderr)
    except ValueError as e:
        print(f"storyloom worker: {e}", file=sys.stderr)
        return 2
    try:
        transport = open_transport(args, out)
    except (MailboxError, DriveError, RuntimeError) as e:
        errors.error(f"storyloom worker: cannot open the mailbox: {e}", error=str(e))
        return 2
    applied = json.loads(os.environ.pop(APPLIED_ENV, "[]"))
    worker = Worker(
        transport,
        make_options(args, kind),
        pick_device(args.device),
        restart=lambda w: reexec(command_line, w),
        applied_controls=applied,
    )
    where = transport.description
    worker.log(f"{worker.options.worker_id} ({kind}) on {where}", kind=kind, mailbox=where)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: setattr(worker, "stop_requested", True))
    try:
        worker.start()
        serve(worker)
    except ArtifactError as e:
        worker.message = f"model failed to load: {e}"
        errors.error(f"storyloom worker: {worker.message}", error=str(e))
        worker.stop()
        return 2
    except FATAL as e:
        errors.error(f"storyloom worker: {e}", error=str(e))
        return 3
    worker.stop()
    worker.log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
