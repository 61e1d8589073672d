"""Building responses/<job_id>.json: a result, or a structured error.

Usage:
    doc = ok_response(job_id, worker_id, text, stop, loaded, device_label, ms)
    doc = error_response(job_id, worker_id, "bad_request", "invalid request: sampling.top_p: ...")
"""
from colab.model import ArtifactError
from colab.protocol import now_iso

# What a request that cannot be read gets, by ProtocolError code; `not_ours` gets nothing.
PARSE_ERROR_CODES = {"malformed_json": "bad_request", "wrong_type": "bad_request", "invalid": "bad_request",
                     "unsupported_version": "unsupported_version"}


def _head(job_id, worker_id, ok):
    return {"v": 1, "type": "response", "job_id": job_id, "worker_id": worker_id, "finished_at": now_iso(), "ok": ok}


def ok_response(job_id, worker_id, text, stop, loaded, device, ms):
    return {**_head(job_id, worker_id, True), "result": {
        "text": text, "stop": stop, "model": loaded.name, "model_sha256": loaded.sha256, "device": device,
        "ms": round(ms, 1)}}


def error_response(job_id, worker_id, code, message):
    return {**_head(job_id, worker_id, False), "error": {"code": code, "message": message[:2000]}}


def failure_response(job_id, worker_id, error):
    """The response for an exception while generating one job: model_error or internal."""
    code = "model_error" if isinstance(error, ArtifactError) else "internal"
    return error_response(job_id, worker_id, code, f"{type(error).__name__}: {error}")
