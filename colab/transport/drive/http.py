"""One Drive request at a time, retried: the session, the backoff, and the count of requests sent.

Every call passes supportsAllDrives=true, so Shared Drives work. Rate limits (403
rateLimitExceeded/userRateLimitExceeded, 429 honouring Retry-After), 5xx, dropped
connections and timeouts are retried with capped, jittered backoff; other failures are
raised at once as the DriveError that fits (colab/transport/drive/errors.py).

Usage:
    http = DriveHttp(session, "https://www.googleapis.com")
    response = http.call("GET", "/drive/v3/files/1AbC", "reading file 1AbC", {"fields": "id,name"})
"""
from __future__ import annotations

import time
from typing import Any, Callable, Collection, Optional

import requests

from colab.transport.drive.backoff import BackoffPolicy, retry_after_seconds
from colab.transport.drive.errors import DriveError, error_for, may_have_landed, retryable

NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
GOOGLE_API_URL = "https://www.googleapis.com"


class DriveHttp:
    """Sends Drive requests through an injected `requests` session, each retried on transient failures."""

    def __init__(
        self,
        session: requests.Session,
        api_url: str = GOOGLE_API_URL,
        backoff: Optional[BackoffPolicy] = None,
        timeout: tuple[float, float] = (10, 60),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session, self.api_url = session, api_url.rstrip("/")
        self.backoff, self.timeout, self.sleep = backoff or BackoffPolicy(), timeout, sleep
        self.calls = 0  # HTTP requests sent, retries and upload chunks included

    def call(
        self,
        method: str,
        path: str,
        what: str,
        params: Optional[dict[str, str]] = None,
        ok: Collection[int] = (200,),
        ok_if_landed: Collection[int] = (),
        **kw: Any,
    ) -> requests.Response:
        """Sends one Drive request, retrying transient failures -> the response. A status in
        `ok_if_landed` is success only after an earlier attempt that may have taken effect
        (a dropped connection, a timeout, a 5xx or a 429); on the first attempt it is an error."""
        params = {"supportsAllDrives": "true", **(params or {})}
        url = f"{self.api_url}{path}"
        landed = False  # whether an earlier attempt may have taken effect
        for attempt in range(self.backoff.attempts):
            last = attempt + 1 == self.backoff.attempts
            try:
                self.calls += 1
                response = self.session.request(method, url, params=params, timeout=self.timeout, **kw)
            except NETWORK_ERRORS as e:
                if last:
                    raise DriveError(f"Drive did not answer while {what}: {type(e).__name__}") from None
                landed = True
                self.sleep(self.backoff.delay(attempt))
                continue
            if response.status_code in ok or (landed and response.status_code in ok_if_landed):
                return response
            if not retryable(response) or last:
                raise error_for(response, what)
            landed = landed or may_have_landed(response)
            self.sleep(self.backoff.delay(attempt, retry_after_seconds(response.headers.get("Retry-After"))))
        raise AssertionError("unreachable")

    def put_to_session(self, session_uri: str, body: bytes, content_range: str) -> Optional[requests.Response]:
        """One request to an upload session -> the response, or None when the network failed."""
        self.calls += 1
        try:
            return self.session.request(
                "PUT", session_uri, data=body, headers={"Content-Range": content_range}, timeout=self.timeout
            )
        except NETWORK_ERRORS:
            return None
