"""The mailbox protocol, version 1: the Python mirror of src/jobs/protocol.ts and parse.ts.

Every failure to read a mailbox file is a ProtocolError with the same code the
TypeScript side gives (malformed_json, not_ours, unsupported_version, wrong_type,
invalid) and a plain message; the shared vectors in contract/protocol/ keep the two
sides in step (colab/tests/test_protocol.py).

Usage:
    from colab.protocol import parse_file, serialize
    request = parse_file("request", data)      # bytes or str -> dict, or ProtocolError
    data = serialize(response)                 # dict -> UTF-8 bytes, one line
"""
import json
import re
from datetime import datetime, timedelta, timezone

from colab.checks import (DATETIME, Invalid, array, default, enum, integer, literal, nullable, number, obj,
                          record, same, string, time, type_name)

PROTOCOL_VERSION = 1
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
PLATFORMS = ("discord", "slack", "playground", "cli", "test")
PURPOSES = ("start", "continue", "retry", "regenerate")
STOP_RULES = ("sentence", "line", "none")
ERROR_CODES = ("bad_request", "expired", "unsupported_version", "model_error", "internal", "cancelled")
WORKER_STATES = ("starting", "running", "paused", "draining", "standby", "stopping")
CONTROL_COMMANDS = ("restart", "reload", "pause", "resume", "drain")
FILE_TYPES = ("request", "response", "heartbeat", "control")

Ulid = string(pattern=ULID, message="must be a ULID")
Id = string(1, 200)


def _min_le_max(s, path):
    if s["min_chars"] is not None and s["min_chars"] > s["max_chars"]:
        raise Invalid(f"{path}.min_chars", "min_chars must not exceed max_chars")


Sampling = obj({
    "temperature": number(0, 5), "top_k": integer(0, 100_000), "top_p": number(maximum=1, above=0),
    "max_chars": integer(1, 2000), "min_chars": nullable(integer(0, 2000), default=None),
    "stop": enum(*STOP_RULES), "seed": integer(0, 0xFFFFFFFF),
}, refine=_min_le_max)
Person = obj({"id": Id, "name": string(0, 200)})
ReplyTo = obj({"platform": enum(*PLATFORMS), "channel": Id, "thread": nullable(Id)})


def _head(kind):
    return {"v": literal(PROTOCOL_VERSION), "type": literal(kind)}


Request = obj({
    **_head("request"), "job_id": Ulid, "story_id": Ulid, "story_version": integer(0), "purpose": enum(*PURPOSES),
    "attempt": integer(1, 10), "created_at": time(), "deadline": time(), "prompt": string(0, 20_000),
    "sampling": Sampling, "model": nullable(string(0, 200)), "user": Person, "reply": ReplyTo,
})
Result = obj({"text": string(0, 20_000), "stop": enum("stop_rule", "max_chars"), "model": string(),
              "model_sha256": string(), "device": string(), "ms": number(0)})
_ResponseHead = {**_head("response"), "job_id": string(1, 200), "worker_id": Id, "finished_at": time()}
ResponseOk = obj({**_ResponseHead, "ok": literal(True), "result": Result})
ResponseError = obj({**_ResponseHead, "ok": literal(False),
                     "error": obj({"code": enum(*ERROR_CODES), "message": string(0, 2000)})})


def Response(value, path):
    """zod's discriminatedUnion on `ok`."""
    ok = value.get("ok") if isinstance(value, dict) else None
    if same(ok, True):
        return ResponseOk(value, path)
    if same(ok, False):
        return ResponseError(value, path)
    raise Invalid("ok", "invalid discriminator: expected true or false")


Heartbeat = obj({
    **_head("heartbeat"), "worker_id": Id, "kind": string(0, 40), "version": string(0, 40),
    "state": enum(*WORKER_STATES), "at": time(), "started_at": time(), "runtime_ends_at": nullable(time()),
    "interval_s": number(above=0),
    "device": obj({"type": string(), "name": string(), "memory_total_mb": nullable(number()),
                   "memory_used_mb": nullable(number())}),
    "model": nullable(obj({"name": string(), "sha256": string(), "parameters": integer(0), "loaded_at": time()})),
    "active_jobs": array(string(), 10_000), "queued": integer(0), "batch_max": integer(1),
    "chars_per_second": number(0), "batch_seconds": nullable(number(0)), "jobs_done": integer(0),
    "jobs_failed": integer(0),
    "applied_controls": array(obj({"command_id": string(), "command": enum(*CONTROL_COMMANDS),
                                   "applied_at": time()}), 100),
    "message": nullable(string(0, 2000)),
    "served": default(record(integer(0)), {}), "batches": default(integer(0), 0),
})
Control = obj({
    **_head("control"), "command_id": Ulid, "command": enum(*CONTROL_COMMANDS), "target": Id,
    "issued_at": time(), "issued_by": Person, "model": nullable(string(0, 200), default=None),
})
SCHEMAS = {"request": Request, "response": Response, "heartbeat": Heartbeat, "control": Control}


class ProtocolError(ValueError):
    """A mailbox file could not be read; `code` says why, as parse.ts says it."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")


def parse_file(kind, data):
    """Parses the content (bytes or str) of a mailbox file of type `kind` -> dict, or ProtocolError."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, (bytes, bytearray)) else data
    try:
        doc = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as e:
        raise ProtocolError("malformed_json", f"not valid JSON ({e})") from None
    if not isinstance(doc, dict) or "v" not in doc or "type" not in doc:
        raise ProtocolError("not_ours", 'not a storyloom file (no "v" and "type")')
    if not same(doc["v"], PROTOCOL_VERSION):
        raise ProtocolError("unsupported_version", f"protocol version {json.dumps(doc['v'])} is not supported; "
                            f"this storyloom speaks version {PROTOCOL_VERSION}")
    if not same(doc["type"], kind):
        raise ProtocolError("wrong_type", f"expected a {kind} file, found {json.dumps(doc['type'])}")
    try:
        return SCHEMAS[kind](doc, "")
    except Invalid as e:
        raise ProtocolError("invalid", f"invalid {kind}: {e}") from None


def serialize(doc):
    """One JSON object and a newline, as UTF-8 bytes."""
    try:
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape everything instead
        return (json.dumps(doc) + "\n").encode("utf-8")


def iso(moment):
    """An aware datetime -> RFC 3339 in UTC with milliseconds, as `Date.toISOString()` writes it."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def now_iso():
    return iso(datetime.now(timezone.utc))


def parse_time(text):
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


__all__ = ["PROTOCOL_VERSION", "ProtocolError", "parse_file", "serialize", "iso", "now_iso", "parse_time",
           "FILE_TYPES", "ERROR_CODES", "WORKER_STATES", "CONTROL_COMMANDS", "type_name"]
