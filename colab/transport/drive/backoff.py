"""Capped, jittered exponential backoff for every retry loop in the worker (the twin of
src/transport/drive/backoff.ts).

Usage:
    backoff = BackoffPolicy(attempts=6, base_s=0.5, cap_s=20)
    for attempt in range(backoff.attempts):
        ...
        time.sleep(backoff.delay(attempt, retry_after=seconds_or_None))
"""
from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Optional


class BackoffPolicy:
    """Full jitter: attempt k waits a random time in [0, min(cap, base * 2^k)), at least
    the server's Retry-After when it gave one (never more than the cap)."""

    def __init__(
        self, attempts: int = 6, base_s: float = 0.5, cap_s: float = 20.0, rng: Callable[[], float] = random.random
    ) -> None:
        if attempts < 1 or base_s < 0 or cap_s < 0:
            raise ValueError("backoff needs attempts >= 1 and non-negative delays")
        self.attempts, self.base_s, self.cap_s, self.rng = attempts, base_s, cap_s, rng

    def delay(self, attempt: int, retry_after: Optional[float] = None) -> float:
        """How long to wait before try `attempt + 1` (attempt 0 is the first retry's wait)."""
        wait = self.rng() * min(self.cap_s, self.base_s * (2**attempt))
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.cap_s)


def retry_after_seconds(header: Optional[str]) -> Optional[float]:
    """A Retry-After header (seconds or an HTTP date) -> seconds, or None."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
