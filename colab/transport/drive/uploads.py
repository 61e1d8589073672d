"""Uploading a file's content: one multipart request (5 MB or less), or a resumable upload in chunks.

A resumable upload sends chunks that resume where Drive says it stopped, and starts a
new session when Drive has lost one. A create names an id from files.generateIds, so a
create that already took effect answers 409, which means it is done: no second copy.

Usage:
    multipart(http, "POST", "/upload/drive/v3/files", "creating a.json", meta, data, "application/json")
    upload_resumable(http, "POST", "/upload/drive/v3/files", "creating big.pt", meta, data, "application/octet-stream")
"""
from __future__ import annotations

import json
import re
import secrets
from typing import Any, Collection, Optional

import requests

from colab.transport.drive.backoff import retry_after_seconds
from colab.transport.drive.errors import DriveError, error_for, may_have_landed, retryable
from colab.transport.drive.http import DriveHttp

SIMPLE_UPLOAD_LIMIT = 5 * 1024 * 1024  # Drive documents media and multipart uploads for 5 MB or less
CHUNK_SIZE = 8 * 1024 * 1024  # resumable upload chunks; all but the last must be multiples of 256 KiB


def multipart(
    http: DriveHttp,
    method: str,
    path: str,
    what: str,
    meta: dict[str, Any],
    data: bytes,
    mime_type: str,
    ok_if_landed: Collection[int] = (),
) -> requests.Response:
    """One multipart upload: the metadata, then the content."""
    boundary = f"storyloom-{secrets.token_hex(12)}"
    head = (
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json.dumps(meta)}\r\n"
        f"--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n"
    )
    body = head.encode("utf-8") + data + f"\r\n--{boundary}--\r\n".encode("utf-8")
    headers = {"Content-Type": f"multipart/related; boundary={boundary}"}
    params = {"uploadType": "multipart", "fields": "id"}
    return http.call(method, path, what, params, ok_if_landed=ok_if_landed, data=body, headers=headers)


def upload_resumable(
    http: DriveHttp,
    method: str,
    path: str,
    what: str,
    meta: Optional[dict[str, Any]],
    data: bytes,
    mime_type: str,
    chunk_size: int = CHUNK_SIZE,
) -> None:
    """Starts a resumable upload session and sends `data` through it, starting a new
    session when Drive has lost one. A create whose id exists by then (409) is done when
    an earlier session may have finished it (or the initiation was retried); a 409 at the
    first initiation raises DriveIdInUse."""
    headers = {"X-Upload-Content-Type": mime_type, "X-Upload-Content-Length": str(len(data))}
    creating, finished = bool(meta and "id" in meta), False
    for attempt in range(http.backoff.attempts):
        response = http.call(
            method,
            path,
            what,
            {"uploadType": "resumable", "fields": "id"},
            ok=(200, 409) if creating and finished else (200,),
            ok_if_landed=(409,) if creating else (),
            json=meta,
            headers=headers,
        )
        if response.status_code == 409:
            return
        session_uri = response.headers.get("Location")
        if not session_uri:
            raise DriveError(f"Drive gave no upload session URI while {what}", response.status_code)
        done, maybe_finished = send_chunks(http, session_uri, data, what, chunk_size)
        if done:
            return
        finished = finished or maybe_finished
        http.sleep(http.backoff.delay(attempt))
    raise DriveError(
        f"Drive kept losing the upload session while {what}; gave up after {http.backoff.attempts} sessions"
    )


def send_chunks(
    http: DriveHttp, session_uri: str, data: bytes, what: str, chunk_size: int = CHUNK_SIZE
) -> tuple[bool, bool]:
    """Sends `data` in chunks to a session URI (absolute, used as Drive gave it). After a
    failed chunk: back off, ask Drive how much it holds, go on from there.
    -> (True, _) when the upload is complete; (False, maybe_finished) when the session is gone
    (404/410), maybe_finished saying whether a last chunk got no clear answer (it may have landed)."""
    total, offset, failures, probe, maybe_finished = len(data), 0, 0, False, False
    while True:
        if probe:  # a status query: 308 with what Drive holds, or 200/201 when it is all there
            body, content_range = b"", f"bytes */{total}"
        else:
            body = data[offset : offset + chunk_size]
            content_range = f"bytes {offset}-{offset + len(body) - 1}/{total}"
        response = http.put_to_session(session_uri, body, content_range)
        status = response.status_code if response is not None else None
        if status in (200, 201):
            return True, maybe_finished
        if status in (404, 410):
            return False, maybe_finished
        if not probe and offset + len(body) >= total and may_have_landed(response):
            maybe_finished = True
        if response is not None and status == 308:
            confirmed = confirmed_bytes(response)
            if confirmed >= total:
                raise DriveError(f"Drive holds all {total} bytes but did not finish the upload while {what}", 308)
            progressed, was_probe = confirmed > offset, probe
            offset, probe = confirmed, False
            if progressed:
                failures = 0
            if progressed or was_probe:
                continue  # a chunk that moved nothing on counts as a failure, below
        elif response is not None and not retryable(response):
            raise error_for(response, what)
        failures += 1
        if failures >= http.backoff.attempts:
            raise DriveError(
                f"Drive kept failing while {what} (at byte {offset} of {total}; last answer: {status or 'none'}); "
                f"gave up after {failures} tries",
                status,
            )
        retry_after = retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
        http.sleep(http.backoff.delay(failures - 1, retry_after))
        probe = status != 308


def confirmed_bytes(response: requests.Response) -> int:
    """The bytes a 308 says Drive holds: `Range: bytes=0-N` -> N + 1; no Range -> 0."""
    match = re.fullmatch(r"bytes=0-(\d+)", response.headers.get("Range", "").strip())
    return int(match.group(1)) + 1 if match else 0
