"""Reading and writing mailbox files: the Python mirror of src/jobs/parse.ts.

Every failure to read a mailbox file is a ProtocolError with the same code the
TypeScript side gives (malformed_json, not_ours, unsupported_version, wrong_type,
invalid) and a plain message; the shared vectors in contract/protocol/ keep the two
sides in step (colab/tests/protocol/test_protocol.py).

Usage:
    from colab.protocol.parse import parse_file, serialize
    request = parse_file("request", data)      # bytes or str -> dict, or ProtocolError
    data = serialize(response)                 # dict -> UTF-8 bytes, one line
"""
from __future__ import annotations

import json
from typing import Any, NoReturn, Union

from colab.protocol.schemas import PROTOCOL_VERSION, SCHEMAS
from colab.protocol.validators import Invalid, same


class ProtocolError(ValueError):
    """A mailbox file could not be read; `code` says why, as parse.ts says it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def parse_file(kind: str, data: Union[bytes, bytearray, str]) -> dict[str, Any]:
    """Parses the content (bytes or str) of a mailbox file of type `kind` -> dict, or ProtocolError."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, (bytes, bytearray)) else data
    try:
        doc = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as e:
        raise ProtocolError("malformed_json", f"not valid JSON ({e})") from None
    if not isinstance(doc, dict) or "v" not in doc or "type" not in doc:
        raise ProtocolError("not_ours", 'not a storyloom file (no "v" and "type")')
    if not same(doc["v"], PROTOCOL_VERSION):
        raise ProtocolError(
            "unsupported_version",
            f"protocol version {json.dumps(doc['v'])} is not supported; "
            f"this storyloom speaks version {PROTOCOL_VERSION}",
        )
    if not same(doc["type"], kind):
        raise ProtocolError("wrong_type", f"expected a {kind} file, found {json.dumps(doc['type'])}")
    try:
        return SCHEMAS[kind](doc, "")
    except Invalid as e:
        raise ProtocolError("invalid", f"invalid {kind}: {e}") from None


def serialize(doc: dict[str, Any]) -> bytes:
    """One JSON object and a newline, as UTF-8 bytes."""
    try:
        return (json.dumps(doc, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape everything instead
        return (json.dumps(doc) + "\n").encode("utf-8")
