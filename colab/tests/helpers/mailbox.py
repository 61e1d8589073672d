"""Builders for mailbox files in tests: requests, controls, and ULIDs that sort in order."""
import json
import time
from datetime import datetime, timedelta, timezone

from colab.protocol.times import iso

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(n, prefix="01JDQ3Z7N8X2K4M6P8R0"):
    """A valid ULID that sorts by n (0 <= n < 32**6)."""
    digits = "".join(CROCKFORD[(n >> (5 * k)) & 31] for k in reversed(range(6)))
    return prefix + digits


def request(n, prompt="The old house ", user="ann", story=None, deadline_s=600, **sampling):
    """A request doc with job id ulid(n); sampling defaults to greedy, 40 chars, no stop rule."""
    now = datetime.now(timezone.utc)
    return {
        "v": 1,
        "type": "request",
        "job_id": ulid(n),
        "story_id": story or ulid(n, "01JDQ3Z6A1B2C3D4E5F6"),
        "story_version": 0,
        "purpose": "start",
        "attempt": 1,
        "created_at": iso(now),
        "deadline": iso(now + timedelta(seconds=deadline_s)),
        "prompt": prompt,
        "sampling": {
            "temperature": 0,
            "top_k": 0,
            "top_p": 1,
            "max_chars": 40,
            "min_chars": None,
            "stop": "none",
            "seed": 7,
            **sampling,
        },
        "model": None,
        "user": {"id": user, "name": user},
        "reply": {"platform": "test", "channel": "c", "thread": None},
    }


def control(n, command, target="*", model=None):
    return {
        "v": 1,
        "type": "control",
        "command_id": ulid(n, "01JDQ40000000000000A"),
        "command": command,
        "target": target,
        "issued_at": iso(datetime.now(timezone.utc)),
        "issued_by": {"id": "U1", "name": "admin"},
        "model": model,
    }


def dumps(doc):
    return json.dumps(doc).encode("utf-8")


def wait_for(predicate, timeout=30.0, interval=0.05, what="condition"):
    """Polls until predicate() is truthy; returns its value or fails the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def step_until(worker, predicate, timeout=30.0, what="condition"):
    """Steps an in-process worker until predicate() holds."""

    def turn():
        worker.step()
        return predicate()

    return wait_for(turn, timeout, 0.01, what)
