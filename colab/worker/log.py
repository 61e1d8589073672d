"""The worker's log lines, in the shape of the bot's (src/log.ts): with LOG_FORMAT=json, one JSON object per line
with `level` (its label: "info"), `time` (ISO, UTC, milliseconds), `name` ("storyloom worker"), the record's own
fields (worker_id, job_id, error...) and `msg`; otherwise the line alone, as the worker always printed it (the
notebook and the tests read those). LOG_LEVEL (trace, debug, info, warn, error, fatal, silent; default info) sets
the least important level written. A record's `msg` is its text line, in either format.

Built on the standard library's logging: records (logging.LogRecord), a StreamHandler per stream and two
Formatters. Not a logging.Logger: loggers are process-wide by name (logging.getLogger), and each Worker writes
to its own stream (tests run several in one process).

Usage:
    log = WorkerLog(sys.stdout, worker_id="colab-1")   # LOG_FORMAT and LOG_LEVEL from the environment
    log.info("storyloom worker: model small on cpu", model="small")
    log.warn("storyloom worker: warning: could not write the heartbeat: ...", error=str(e))
    log.line(text)                                     # warn when text says "warning: ", else info
"""
from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional, TextIO, Tuple

NAME = "storyloom worker"
TRACE = 5  # below logging.DEBUG, as pino's trace (10) is below its debug (20)
LEVELS: Dict[str, int] = {
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "fatal": logging.CRITICAL,
    "silent": logging.CRITICAL + 10,
}
LABELS = {number: label for label, number in LEVELS.items() if label != "silent"}
WARNING_PREFIX = "warning: "


REDACTED = "[Redacted]"
# Secrets by their shape, as src/log.ts censors them: Google access tokens (ya29.), refresh tokens (1//0), OAuth
# client secrets (GOCSPX-), a PEM private key (a service account's), Authorization header values, and a
# secret-named key with its value in a text ("access_token": "...", token=...).
TOKEN_SHAPES = [
    (re.compile(r"\bya29\.[A-Za-z0-9._-]+"), REDACTED),
    (re.compile(r"\b1//0[A-Za-z0-9_-]{10,}"), REDACTED),
    (re.compile(r"\bGOCSPX-[A-Za-z0-9_-]+"), REDACTED),
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[^-\"]|-(?!----END))*(?:-----END [A-Z ]*PRIVATE KEY-----)?"),
        REDACTED,
    ),
    (re.compile(r"\b(Bearer|Basic) +[A-Za-z0-9._~+/-]+=*", re.IGNORECASE), r"\1 " + REDACTED),
    (
        re.compile(
            r"\b((?:access_|refresh_|id_)?token|client_secret|private_key|password|authorization)"
            r"((?:\\?[\"'])?\s*[:=]\s*(?:\\?[\"'])?)(?!Bearer |Basic )[^\s\"'\\,;&}\[\]]+",
            re.IGNORECASE,
        ),
        r"\1\2" + REDACTED,
    ),
]
# The environment's secrets, censored wherever they appear (DRIVE_ACCESS_TOKEN: a token handed to the worker).
SECRET_ENV = ("DRIVE_ACCESS_TOKEN",)


def scrub(text: str, secrets: Tuple[str, ...] = ()) -> str:
    """`text` with every one of `secrets` and every token-shaped value censored."""
    for secret in secrets:
        if len(secret) >= 5:
            text = text.replace(secret, REDACTED).replace(json.dumps(secret)[1:-1], REDACTED)
    for shape, replacement in TOKEN_SHAPES:
        text = shape.sub(replacement, text)
    return text


def iso_time(created: float) -> str:
    """A record's time as the bot writes it: 2026-01-02T03:04:05.678Z."""
    moment = datetime.fromtimestamp(created, timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose lines have secrets censored (see scrub)."""

    def __init__(self, secrets: Tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return scrub(self.render(record), self.secrets)

    def render(self, record: logging.LogRecord) -> str:
        return record.getMessage()


class JsonFormatter(ScrubbingFormatter):
    """One JSON object per record: level, time, name, the fields, msg (src/log.ts writes them in this order)."""

    def render(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        doc = {"level": LABELS.get(record.levelno, "info"), "time": iso_time(record.created), "name": record.name}
        doc.update(fields)
        doc["msg"] = record.getMessage()
        # Compact, as pino writes its lines.
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str)


class TextFormatter(ScrubbingFormatter):
    """The line alone."""


def level_of(name: Optional[str]) -> int:
    """LOG_LEVEL's number (info when unset; ValueError for a name that is not a level)."""
    if not name:
        return logging.INFO
    if name not in LEVELS:
        raise ValueError(f"LOG_LEVEL={name!r}: expected one of {', '.join(LEVELS)}")
    return LEVELS[name]


class WorkerLog:
    """Records on one stream, in the format and at the level the environment says, each with `fields`."""

    def __init__(self, stream: TextIO, env: Optional[Mapping[str, str]] = None, **fields: Any) -> None:
        env = os.environ if env is None else env
        self.level = level_of(env.get("LOG_LEVEL"))
        self.json = env.get("LOG_FORMAT") == "json"
        self.fields = fields
        # StreamHandler writes each record with a newline and flushes (logging.StreamHandler.emit).
        self.handler = logging.StreamHandler(stream)
        secrets = tuple(env[key] for key in SECRET_ENV if env.get(key))
        self.handler.setFormatter(JsonFormatter(secrets) if self.json else TextFormatter(secrets))

    def log(self, level: int, text: str, **fields: Any) -> None:
        """Writes `text` at `level` (a number of LEVELS) with the bound fields and `fields`, if the level is on."""
        if level < self.level:
            return
        # makeLogRecord: a LogRecord from its attributes, `fields` among them (the JSON formatter reads it).
        attributes = {"name": NAME, "levelno": level, "msg": text, "fields": {**self.fields, **fields}}
        self.handler.handle(logging.makeLogRecord(attributes))

    def trace(self, text: str, **fields: Any) -> None:
        self.log(TRACE, text, **fields)

    def debug(self, text: str, **fields: Any) -> None:
        self.log(logging.DEBUG, text, **fields)

    def info(self, text: str, **fields: Any) -> None:
        self.log(logging.INFO, text, **fields)

    def warn(self, text: str, **fields: Any) -> None:
        self.log(logging.WARNING, text, **fields)

    def error(self, text: str, **fields: Any) -> None:
        self.log(logging.ERROR, text, **fields)

    def line(self, text: str, **fields: Any) -> None:
        """A line from code that hands over text alone (a transport's, an engine's): a warning when it says so."""
        said = text.split("storyloom worker: ", 1)[-1]
        self.log(logging.WARNING if said.startswith(WARNING_PREFIX) else logging.INFO, text, **fields)
