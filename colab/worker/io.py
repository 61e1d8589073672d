"""How a worker reads requests and writes responses (the twin of src/worker/io.ts): a request that cannot
be read gets an error response by its ProtocolError code; responses/<job_id>.json holds a result, or a
structured error.

Usage:
    incoming = read_incoming(data)                       # a request dict, or the ProtocolError
    response = ok_response(job_id, worker_id, text, stop, loaded, device_label, ms)   # + candidates=[...]
    response = ok_response(..., styled=True, style="austen")   # revision 3: the style used (None: none)
    response = error_response(job_id, worker_id, "bad_request", "invalid request: sampling.top_p: ...")
    write_response(transport, f"{job_id}.json", response)
"""
from __future__ import annotations

from typing import Any, Optional, Protocol, Union

from colab.model.artifact import ArtifactError
from colab.protocol.parse import ProtocolError, parse_file, serialize
from colab.protocol.times import now_iso
from colab.transport.transport import Transport

# What a request that cannot be read gets, by ProtocolError code; `not_ours` gets nothing.
PARSE_ERROR_CODES = {
    "malformed_json": "bad_request",
    "wrong_type": "bad_request",
    "invalid": "bad_request",
    "unsupported_version": "unsupported_version",
}


def read_incoming(data: bytes) -> Union[dict[str, Any], ProtocolError]:
    """A request file's content -> the request, or why it cannot be read (`not_ours`: leave it alone)."""
    try:
        return parse_file("request", data)
    except ProtocolError as e:
        return e


def write_response(transport: Transport, name: str, response: dict[str, Any]) -> None:
    """Writes responses/<name> (`<job_id>.json`)."""
    transport.put("responses", name, serialize(response))


class ModelIdentity(Protocol):
    """What a response says of the model that wrote it (a LoadedModel)."""

    name: str
    sha256: str


def _head(job_id: str, worker_id: str, ok: bool) -> dict[str, Any]:
    return {"v": 1, "type": "response", "job_id": job_id, "worker_id": worker_id, "finished_at": now_iso(), "ok": ok}


def ok_response(
    job_id: str,
    worker_id: str,
    text: str,
    stop: str,
    loaded: ModelIdentity,
    device: str,
    ms: float,
    candidates: Optional[list[dict[str, Any]]] = None,
    styled: bool = False,
    style: Optional[str] = None,
) -> dict[str, Any]:
    """A line: the text, why it stopped, the model and device, and how long the batch took; with `candidates`
    (revision 2: a request that asked for them), every candidate line, the first being `text` and `stop`; with
    `styled` (revision 3: a request that named a style), `style`: the style written in, None for none."""
    result: dict[str, Any] = {
        "text": text,
        "stop": stop,
        "model": loaded.name,
        "model_sha256": loaded.sha256,
        "device": device,
        "ms": round(ms, 1),
    }
    if candidates is not None:
        result["candidates"] = candidates
    if styled:
        result["style"] = style
    return {**_head(job_id, worker_id, True), "result": result}


def error_response(job_id: str, worker_id: str, code: str, message: str) -> dict[str, Any]:
    """A structured error, its message cut to the protocol's 2000 characters."""
    return {**_head(job_id, worker_id, False), "error": {"code": code, "message": message[:2000]}}


def failure_response(job_id: str, worker_id: str, error: BaseException) -> dict[str, Any]:
    """The response for an exception while generating one job: model_error or internal."""
    code = "model_error" if isinstance(error, ArtifactError) else "internal"
    return error_response(job_id, worker_id, code, f"{type(error).__name__}: {error}")
