"""The order in which waiting jobs run: the twin of src/jobs/schedule.ts.

Round-robin by user, remembering whom the worker served last, so a user who joins
behind others' floods is not starved when more users wait than one batch holds.
Users are ordered by the batch that last served them (never served first), then
by their oldest job (job ids are ULIDs: they sort by time); each takes one place
per round, oldest job first. Workers take batches in this order and publish
`served` in their heartbeat, so the bot computes the same queue positions.

Usage:
    from colab.worker.schedule import next_batch, record_served
    batch = next_batch(waiting, batch_max, served, user_id=lambda r: r["user"]["id"])
    served = record_served(served, batch_number, [r["user"]["id"] for r in batch])
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, TypeVar

Job = TypeVar("Job")
SERVED_LIMIT = 200  # how many users `served` remembers: the most recently served


def _js_order(text: str) -> bytes:
    """Sort key that compares strings as JavaScript's `<` does: by UTF-16 code units."""
    return text.encode("utf-16-be", "surrogatepass")


def _job_id(job: Any) -> str:
    return job["job_id"]


def _user_id(job: Any) -> str:
    return job["user_id"]


def run_order(
    waiting: Iterable[Job],
    served: Optional[dict[str, int]] = None,
    job_id: Callable[[Job], str] = _job_id,
    user_id: Callable[[Job], str] = _user_id,
) -> list[Job]:
    """Every waiting job in run order."""
    last_served = served or {}
    by_user: dict[str, list[Job]] = {}
    for job in sorted(waiting, key=lambda j: _js_order(job_id(j))):
        by_user.setdefault(user_id(job), []).append(job)
    # by_user keeps users in order of their oldest job; a stable sort keeps that order among equals.
    queues = sorted(by_user.values(), key=lambda q: last_served.get(user_id(q[0]), -1))
    order: list[Job] = []
    for round_ in range(max((len(q) for q in queues), default=0)):
        order.extend(q[round_] for q in queues if round_ < len(q))
    return order


def next_batch(
    waiting: Iterable[Job], batch_max: int, served: Optional[dict[str, int]] = None, **keys: Callable[[Job], str]
) -> list[Job]:
    """The next batch: the first `batch_max` jobs in run order."""
    return run_order(waiting, served, **keys)[:batch_max]


def record_served(served: dict[str, int], batch: int, users: Iterable[str]) -> dict[str, int]:
    """`served` after batch number `batch` served `users`, keeping the SERVED_LIMIT most recent."""
    nxt = dict(served)
    for user in users:
        nxt[user] = batch
    if len(nxt) <= SERVED_LIMIT:
        return nxt
    # Most recent first; among users of one batch, the smaller id stays (both sides trim alike).
    entries = sorted(nxt.items(), key=lambda e: (-e[1], _js_order(e[0])))
    return dict(entries[:SERVED_LIMIT])
