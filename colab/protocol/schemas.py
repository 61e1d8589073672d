"""The mailbox protocol, version 1: the schemas of its four file types, the Python mirror of
src/jobs/protocol.ts (colab/protocol/parse.py reads files against them, as src/jobs/parse.ts does).

Usage:
    from colab.protocol.schemas import SCHEMAS
    request = SCHEMAS["request"](doc, "")     # a decoded dict -> the cleaned dict, or Invalid
"""
from __future__ import annotations

import re
from typing import Any

from colab.protocol.validators import (
    Check,
    Invalid,
    array,
    default,
    enum,
    integer,
    literal,
    nullable,
    number,
    obj,
    optional,
    record,
    same,
    string,
    time,
)

PROTOCOL_VERSION = 1
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
PLATFORMS = ("discord", "slack", "playground", "cli", "test")
PURPOSES = ("start", "continue", "retry", "regenerate")
STOP_RULES = ("sentence", "line", "none")
STOP_REASONS = ("stop_rule", "max_chars")
MAX_CANDIDATES = 5  # the most candidate lines one request may ask for (`candidates`; absent means 1)
ERROR_CODES = ("bad_request", "expired", "unsupported_version", "model_error", "internal", "cancelled")
WORKER_STATES = ("starting", "running", "paused", "draining", "standby", "stopping")
CONTROL_COMMANDS = ("restart", "reload", "pause", "resume", "drain")
FILE_TYPES = ("request", "response", "heartbeat", "control")

Ulid = string(pattern=ULID, message="must be a ULID")
Id = string(1, 200)
Seed = integer(0, 0xFFFFFFFF)


def _min_le_max(s: dict[str, Any], path: str) -> None:
    if s["min_chars"] is not None and s["min_chars"] > s["max_chars"]:
        raise Invalid(f"{path}.min_chars", "min_chars must not exceed max_chars")


Sampling = obj(
    {
        "temperature": number(0, 5),
        "top_k": integer(0, 100_000),
        "top_p": number(maximum=1, above=0),
        "max_chars": integer(1, 2000),
        "min_chars": nullable(integer(0, 2000), default=None),
        "stop": enum(*STOP_RULES),
        "seed": Seed,
    },
    refine=_min_le_max,
)
Person = obj({"id": Id, "name": string(0, 200)})
# A style's name, as models list them (`any`, `austen`, `science-fiction`...).
StyleName = string(1, 40, pattern=re.compile(r"^[a-z][a-z-]*$"), message="a style is lower-case letters and dashes")
ReplyTo = obj({"platform": enum(*PLATFORMS), "channel": Id, "thread": nullable(Id)})


def _head(kind: str) -> dict[str, Check]:
    return {"v": literal(PROTOCOL_VERSION), "type": literal(kind)}


Request = obj(
    {
        **_head("request"),
        "job_id": Ulid,
        "story_id": Ulid,
        "story_version": integer(0),
        "purpose": enum(*PURPOSES),
        "attempt": integer(1, 10),
        "created_at": time(),
        "deadline": time(),
        "prompt": string(0, 20_000),
        "sampling": Sampling,
        "model": nullable(string(0, 200)),
        "user": Person,
        "reply": ReplyTo,
        # Revision 2: how many candidate lines; candidate i samples with candidate_seed(seed, i).
        "candidates": optional(integer(1, MAX_CANDIDATES)),
        # Revision 3: the story's style; a model without it writes with none (result.style says which was used).
        "style": optional(StyleName),
    }
)
Candidate = obj({"text": string(0, 20_000), "stop": enum(*STOP_REASONS), "seed": Seed, "chars": integer(0)})


def _first_candidate_is_the_result(r: dict[str, Any], path: str) -> None:
    first = r["candidates"][0] if "candidates" in r else None
    if first is not None and (first["text"] != r["text"] or first["stop"] != r["stop"]):
        raise Invalid(f"{path}.candidates", "candidates[0] must be the text and stop of the result")


Result = obj(
    {
        "text": string(0, 20_000),
        "stop": enum(*STOP_REASONS),
        "model": string(),
        "model_sha256": string(),
        "device": string(),
        "ms": number(0),
        "candidates": optional(array(Candidate, MAX_CANDIDATES, min_len=1)),  # revision 2: every candidate
        "style": optional(nullable(StyleName)),  # revision 3: the style used, null for none
    },
    refine=_first_candidate_is_the_result,
)
_ResponseHead = {**_head("response"), "job_id": string(1, 200), "worker_id": Id, "finished_at": time()}
ResponseOk = obj({**_ResponseHead, "ok": literal(True), "result": Result})
ResponseError = obj(
    {**_ResponseHead, "ok": literal(False), "error": obj({"code": enum(*ERROR_CODES), "message": string(0, 2000)})}
)


def Response(value: Any, path: str) -> dict[str, Any]:
    """zod's discriminatedUnion on `ok`."""
    ok = value.get("ok") if isinstance(value, dict) else None
    if same(ok, True):
        return ResponseOk(value, path)
    if same(ok, False):
        return ResponseError(value, path)
    raise Invalid("ok", "invalid discriminator: expected true or false")


Heartbeat = obj(
    {
        **_head("heartbeat"),
        "worker_id": Id,
        "kind": string(0, 40),
        "version": string(0, 40),
        "state": enum(*WORKER_STATES),
        "at": time(),
        "started_at": time(),
        "runtime_ends_at": nullable(time()),
        "interval_s": number(above=0),
        "device": obj(
            {
                "type": string(),
                "name": string(),
                "memory_total_mb": nullable(number()),
                "memory_used_mb": nullable(number()),
            }
        ),
        "model": nullable(obj({"name": string(), "sha256": string(), "parameters": integer(0), "loaded_at": time()})),
        "active_jobs": array(string(), 10_000),
        "queued": integer(0),
        "batch_max": integer(1),
        "chars_per_second": number(0),
        "batch_seconds": nullable(number(0)),
        "jobs_done": integer(0),
        "jobs_failed": integer(0),
        "applied_controls": array(
            obj({"command_id": string(), "command": enum(*CONTROL_COMMANDS), "applied_at": time()}), 100
        ),
        "message": nullable(string(0, 2000)),
        "served": default(record(integer(0)), {}),
        "batches": default(integer(0), 0),
    }
)
Control = obj(
    {
        **_head("control"),
        "command_id": Ulid,
        "command": enum(*CONTROL_COMMANDS),
        "target": Id,
        "issued_at": time(),
        "issued_by": Person,
        "model": nullable(string(0, 200), default=None),
    }
)
SCHEMAS: dict[str, Check] = {"request": Request, "response": Response, "heartbeat": Heartbeat, "control": Control}
