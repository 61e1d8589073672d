"""Google Drive v3 over REST, through an injected `requests` session.

In Colab the session is google-auth's AuthorizedSession (colab/colab_env.py); in
tests it is a plain requests.Session against the Drive fake. Every call passes
supportsAllDrives=true, so Shared Drives work. Files over 5 MB (model weights,
checkpoints) go up in resumable uploads, in chunks that resume where Drive says
it stopped. Rate limits (403
rateLimitExceeded/userRateLimitExceeded, 429 honouring Retry-After), 5xx,
dropped connections and timeouts are retried with capped, jittered backoff. Auth,
quota, scope and not-found errors are raised at once, with a message that says
what to do. A create names an id from generate_ids: a 409 on a retried create (after
an attempt that may have landed) means the earlier attempt made the file; a 409 on
the first attempt means the id is already in use, and is an error.

Usage:
    client = DriveClient(session, "https://www.googleapis.com")
    ids = client.generate_ids(32)
    client.create(folder_id, "a.json", b"{}", file_id=ids[0])
    client.trash(file_id)   # or client.delete(file_id): see DriveTransport.delete for which
"""
import json
import re
import secrets
import time

import requests

from colab.retry import Backoff, retry_after_seconds

RETRY_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")
SCOPE_REASONS = ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
SIMPLE_UPLOAD_LIMIT = 5 * 1024 * 1024  # Drive documents media and multipart uploads for 5 MB or less
CHUNK_SIZE = 8 * 1024 * 1024  # resumable upload chunks; all but the last must be multiples of 256 KiB
# What the changes feed asks for: also a small file's body, in its properties (colab/body_properties.py).
FEED_FIELDS = "id,name,parents,trashed,properties,sha256Checksum"


class DriveError(RuntimeError):
    """A Drive call failed; `status` and `reason` are Drive's."""

    def __init__(self, message, status=None, reason=None):
        super().__init__(message)
        self.status, self.reason = status, reason


class DriveAuthError(DriveError):
    """401: the credentials are missing, expired or revoked."""


class DriveQuotaError(DriveError):
    """403 storageQuotaExceeded: typically a service account writing into My Drive."""


class DriveScopeError(DriveError):
    """403: the token's scopes do not allow this call."""


class DriveNotFound(DriveError):
    """404: no such file, or not shared with this account."""


class DriveIdInUse(DriveError):
    """409 on a create's first attempt: a file with the id already exists."""


def _reasons(response):
    """Drive's error reasons (errors[].reason and details[].reason) and message."""
    try:
        error = response.json().get("error", {})
    except ValueError:
        return [], response.text[:200]
    reasons = [e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)]
    reasons += [d.get("reason") for d in error.get("details", []) if isinstance(d, dict)]
    return [r for r in reasons if r], str(error.get("message", ""))


def _error_for(response, what):
    status = response.status_code
    reasons, message = _reasons(response)
    reason = reasons[0] if reasons else None
    if status == 401:
        return DriveAuthError(f"Drive refused the credentials while {what} (401: {message}). Sign in again: in Colab, "
                              "run the authentication cell; elsewhere, check the account's credentials.", status, reason)
    if status == 403 and "storageQuotaExceeded" in reasons:
        return DriveQuotaError(f"Drive has no storage quota for this account while {what}: a service account cannot "
                               "write into My Drive. Put the mailbox on a Shared Drive, or use user credentials.",
                               status, reason)
    if status == 403 and any(r in SCOPE_REASONS for r in reasons):
        return DriveScopeError(f"the credentials lack the Drive scope needed for {what} (403 {reason}). Authenticate "
                               "with the https://www.googleapis.com/auth/drive scope.", status, reason)
    if status == 404:
        return DriveNotFound(f"Drive found nothing while {what} (404: {message})", status, reason)
    if status == 409:
        return DriveIdInUse(f"Drive says the file id is already in use while {what} (409 {reason or ''}: {message}); "
                            "ids from files.generateIds are used once, so another file holds it", status, reason)
    return DriveError(f"Drive failed while {what} ({status} {reason or ''}: {message})", status, reason)


def _confirmed(response):
    """The bytes a 308 says Drive holds: `Range: bytes=0-N` -> N + 1; no Range -> 0."""
    match = re.fullmatch(r"bytes=0-(\d+)", response.headers.get("Range", "").strip())
    return int(match.group(1)) + 1 if match else 0


def _retryable(response):
    if response.status_code == 429 or response.status_code >= 500:
        return True
    return response.status_code == 403 and any(r in RETRY_REASONS for r in _reasons(response)[0])


def _may_have_landed(response):
    """Whether a failed attempt may still have taken effect: no answer (None: a dropped connection
    or a timeout), a 5xx or a 429. A 403 rate limit is refused before it has any effect."""
    return response is None or response.status_code == 429 or response.status_code >= 500


def refused(error):
    """Whether a DriveError is Drive refusing this account the change: a 403 that is not a rate limit
    or a quota (their reasons say `limit` or `quota`; rate limits were retried), nor a scope error."""
    if not isinstance(error, DriveError) or error.status != 403:
        return False
    if isinstance(error, (DriveScopeError, DriveQuotaError)):
        return False
    return not re.search("limit|quota", error.reason or "", re.I)


class DriveClient:
    """The Drive v3 calls the worker makes, each retried on transient failures."""

    def __init__(self, session, api_url="https://www.googleapis.com", backoff=None, timeout=(10, 60),
                 sleep=time.sleep):
        self.session, self.api_url = session, api_url.rstrip("/")
        self.backoff, self.timeout, self.sleep = backoff or Backoff(), timeout, sleep
        self.chunk_size = CHUNK_SIZE  # a multiple of 256 KiB
        self.calls = 0  # HTTP requests sent, retries and upload chunks included

    def call(self, method, path, what, params=None, ok=(200,), ok_if_landed=(), **kw):
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
            if not _retryable(response) or last:
                raise _error_for(response, what)
            landed = landed or _may_have_landed(response)
            self.sleep(self.backoff.delay(attempt, retry_after_seconds(response.headers.get("Retry-After"))))
        raise AssertionError("unreachable")

    def get_metadata(self, file_id, fields="id,name,mimeType,parents,driveId,trashed"):
        return self.call("GET", f"/drive/v3/files/{file_id}", f"reading file {file_id}", {"fields": fields}).json()

    def download(self, file_id):
        return self.call("GET", f"/drive/v3/files/{file_id}", f"downloading file {file_id}", {"alt": "media"}).content

    def list_children(self, folder_id, drive_id=None, fields="id,name,mimeType"):
        """Every non-trashed child of a folder -> [file], following pages."""
        params = {"q": f"'{folder_id}' in parents and trashed = false", "pageSize": "1000",
                  "fields": f"nextPageToken,files({fields})", "includeItemsFromAllDrives": "true"}
        if drive_id:
            params.update(corpora="drive", driveId=drive_id)
        files, token = [], None
        while True:
            page = self.call("GET", "/drive/v3/files", f"listing folder {folder_id}",
                             {**params, **({"pageToken": token} if token else {})}).json()
            files += page.get("files", [])
            token = page.get("nextPageToken")
            if not token:
                return files

    def generate_ids(self, count):
        return self.call("GET", "/drive/v3/files/generateIds", "generating file ids",
                         {"count": str(count), "space": "drive", "type": "files"}).json()["ids"]

    def create(self, folder_id, name, data, file_id, mime_type="application/json", properties=None):
        """Creates a file with its content (and public `properties`, if given) in one multipart
        upload (a resumable upload over 5 MB). With an id from generate_ids, a retried create
        that already took effect answers 409, which means it is done: no second copy. A 409
        with no earlier attempt that may have landed raises DriveIdInUse."""
        meta = {"id": file_id, "name": name, "parents": [folder_id], "mimeType": mime_type,
                **({"properties": properties} if properties else {})}
        if len(data) > SIMPLE_UPLOAD_LIMIT:
            self._upload_resumable("POST", "/upload/drive/v3/files", f"creating {name}", meta, data, mime_type)
        else:
            self._multipart("POST", "/upload/drive/v3/files", f"creating {name}", meta, data, mime_type,
                            ok_if_landed=(409,))
        return file_id

    def update_content(self, file_id, data, mime_type="application/json", properties=None):
        """Replaces a file's content, by id, and merges `properties` (None deletes a key) in the
        same request (over 5 MB, a resumable upload)."""
        what, path = f"updating file {file_id}", f"/upload/drive/v3/files/{file_id}"
        meta = {"properties": properties} if properties else None
        if len(data) > SIMPLE_UPLOAD_LIMIT:
            self._upload_resumable("PATCH", path, what, meta, data, mime_type)
        elif meta:
            self._multipart("PATCH", path, what, meta, data, mime_type)
        else:
            self.call("PATCH", path, what, {"uploadType": "media", "fields": "id"}, data=data, headers={"Content-Type": mime_type})

    def _multipart(self, method, path, what, meta, data, mime_type, ok_if_landed=()):
        """One multipart upload: the metadata, then the content."""
        boundary = f"storyloom-{secrets.token_hex(12)}"
        body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json.dumps(meta)}\r\n"
                f"--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n").encode("utf-8") + data + \
            f"\r\n--{boundary}--\r\n".encode("utf-8")
        headers = {"Content-Type": f"multipart/related; boundary={boundary}"}
        return self.call(method, path, what, {"uploadType": "multipart", "fields": "id"}, ok_if_landed=ok_if_landed,
                         data=body, headers=headers)

    def _upload_resumable(self, method, path, what, meta, data, mime_type):
        """Starts a resumable upload session and sends `data` through it, starting a new
        session when Drive has lost one. A create whose id exists by then (409) is done when
        an earlier session may have finished it (or the initiation was retried); a 409 at the
        first initiation raises DriveIdInUse."""
        headers = {"X-Upload-Content-Type": mime_type, "X-Upload-Content-Length": str(len(data))}
        creating, finished = bool(meta and "id" in meta), False
        for attempt in range(self.backoff.attempts):
            response = self.call(method, path, what, {"uploadType": "resumable", "fields": "id"},
                                 ok=(200, 409) if creating and finished else (200,),
                                 ok_if_landed=(409,) if creating else (), json=meta, headers=headers)
            if response.status_code == 409:
                return
            session_uri = response.headers.get("Location")
            if not session_uri:
                raise DriveError(f"Drive gave no upload session URI while {what}", response.status_code)
            done, maybe_finished = self._send_chunks(session_uri, data, what)
            if done:
                return
            finished = finished or maybe_finished
            self.sleep(self.backoff.delay(attempt))
        raise DriveError(f"Drive kept losing the upload session while {what}; gave up after "
                         f"{self.backoff.attempts} sessions")

    def _send_chunks(self, session_uri, data, what):
        """Sends `data` in chunks to a session URI (absolute, used as Drive gave it). After a
        failed chunk: back off, ask Drive how much it holds, go on from there.
        -> (True, _) when the upload is complete; (False, maybe_finished) when the session is gone
        (404/410), maybe_finished saying whether a last chunk got no clear answer (it may have landed)."""
        total, offset, failures, probe, maybe_finished = len(data), 0, 0, False, False
        while True:
            if probe:  # a status query: 308 with what Drive holds, or 200/201 when it is all there
                body, content_range = b"", f"bytes */{total}"
            else:
                body = data[offset:offset + self.chunk_size]
                content_range = f"bytes {offset}-{offset + len(body) - 1}/{total}"
            response = self._put(session_uri, body, content_range)
            status = response.status_code if response is not None else None
            if status in (200, 201):
                return True, maybe_finished
            if status in (404, 410):
                return False, maybe_finished
            if not probe and offset + len(body) >= total and _may_have_landed(response):
                maybe_finished = True
            if status == 308:
                confirmed = _confirmed(response)
                if confirmed >= total:
                    raise DriveError(f"Drive holds all {total} bytes but did not finish the upload while {what}", 308)
                progressed, was_probe = confirmed > offset, probe
                offset, probe = confirmed, False
                if progressed:
                    failures = 0
                if progressed or was_probe:
                    continue  # a chunk that moved nothing on counts as a failure, below
            elif response is not None and not _retryable(response):
                raise _error_for(response, what)
            failures += 1
            if failures >= self.backoff.attempts:
                raise DriveError(f"Drive kept failing while {what} (at byte {offset} of {total}; last answer: "
                                 f"{status or 'none'}); gave up after {failures} tries", status)
            retry_after = retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
            self.sleep(self.backoff.delay(failures - 1, retry_after))
            probe = status != 308

    def _put(self, session_uri, body, content_range):
        """One request to an upload session -> the response, or None when the network failed."""
        self.calls += 1
        try:
            return self.session.request("PUT", session_uri, data=body, headers={"Content-Range": content_range},
                                        timeout=self.timeout)
        except NETWORK_ERRORS:
            return None

    def delete(self, file_id):
        """Deletes a file for good; False when it was already gone (a retried delete that took effect).
        Only the owner (My Drive) or an `organizer` (a Shared Drive) may: others get a 403."""
        response = self.call("DELETE", f"/drive/v3/files/{file_id}", f"deleting file {file_id}", ok=(200, 204, 404))
        return response.status_code != 404

    def trash(self, file_id):
        """Moves a file to the trash (files.update trashed=true); False when it was already gone.
        In a Shared Drive a `fileOrganizer` may; in My Drive only the owner."""
        response = self.call("PATCH", f"/drive/v3/files/{file_id}", f"trashing file {file_id}", {"fields": "id"},
                             ok=(200, 404), json={"trashed": True})
        return response.status_code != 404

    def start_page_token(self, drive_id=None):
        params = {"driveId": drive_id} if drive_id else {}
        return self.call("GET", "/drive/v3/changes/startPageToken", "starting the changes feed",
                         params).json()["startPageToken"]

    def changes(self, page_token, drive_id=None):
        """One page of changes -> (changes, next page token or None, new start token or None)."""
        params = {"pageToken": page_token, "pageSize": "1000", "includeItemsFromAllDrives": "true",
                  "fields": f"nextPageToken,newStartPageToken,changes(fileId,removed,file({FEED_FIELDS}))"}
        if drive_id:
            params["driveId"] = drive_id
        page = self.call("GET", "/drive/v3/changes", "reading the changes feed", params).json()
        return page.get("changes", []), page.get("nextPageToken"), page.get("newStartPageToken")
