"""Times in mailbox files: RFC 3339 in UTC with milliseconds, as JavaScript's `Date.toISOString()` writes them.

Usage:
    from colab.protocol.times import iso, now_iso, parse_time
    iso(datetime.now(timezone.utc))            # "2025-01-02T03:04:05.678Z"
    parse_time(request["deadline"])            # -> an aware datetime
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from colab.protocol.validators import DATETIME


def iso(moment: datetime) -> str:
    """An aware datetime -> RFC 3339 in UTC with milliseconds, as `Date.toISOString()` writes it."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def now_iso() -> str:
    """Now, as `iso` writes it."""
    return iso(datetime.now(timezone.utc))


def parse_time(text: str) -> datetime:
    """An RFC 3339 time that passed the schema -> aware datetime (any Python 3.8+)."""
    if not DATETIME.match(text):
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    date, rest = text.split("T")
    offset = timedelta(0)
    if not rest.endswith("Z"):
        sign = 1 if rest[-6] == "+" else -1
        offset = sign * timedelta(hours=int(rest[-5:-3]), minutes=int(rest[-2:]))
    clock = rest[:-1] if rest.endswith("Z") else rest[:-6]
    hms, _, fraction = clock.partition(".")
    micros = int((fraction + "000000")[:6]) if fraction else 0
    naive = datetime.strptime(f"{date}T{hms}", "%Y-%m-%dT%H:%M:%S").replace(microsecond=micros)
    return naive.replace(tzinfo=timezone.utc) - offset
