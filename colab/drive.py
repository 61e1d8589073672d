"""Google Drive v3 over REST, through an injected `requests` session.

In Colab the session is google-auth's AuthorizedSession (colab/colab_env.py); in
tests it is a plain requests.Session against the Drive fake. Every call passes
supportsAllDrives=true, so Shared Drives work. Rate limits (403
rateLimitExceeded/userRateLimitExceeded, 429 honouring Retry-After), 5xx,
dropped connections and timeouts are retried with capped, jittered backoff. Auth,
quota, scope and not-found errors are raised at once, with a message that says
what to do.

Usage:
    client = DriveClient(session, "https://www.googleapis.com")
    ids = client.generate_ids(32)
    client.create(folder_id, "a.json", b"{}", file_id=ids[0])
"""
import json
import secrets
import time

import requests

from colab.retry import Backoff, retry_after_seconds

RETRY_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")
SCOPE_REASONS = ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


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
    return DriveError(f"Drive failed while {what} ({status} {reason or ''}: {message})", status, reason)


def _retryable(response):
    if response.status_code == 429 or response.status_code >= 500:
        return True
    return response.status_code == 403 and any(r in RETRY_REASONS for r in _reasons(response)[0])


class DriveClient:
    """The Drive v3 calls the worker makes, each retried on transient failures."""

    def __init__(self, session, api_url="https://www.googleapis.com", backoff=None, timeout=(10, 60),
                 sleep=time.sleep):
        self.session, self.api_url = session, api_url.rstrip("/")
        self.backoff, self.timeout, self.sleep = backoff or Backoff(), timeout, sleep
        self.calls = 0  # HTTP requests sent, retries included

    def call(self, method, path, what, params=None, ok=(200,), **kw):
        """Sends one Drive request, retrying transient failures -> the response."""
        params = {"supportsAllDrives": "true", **(params or {})}
        url = f"{self.api_url}{path}"
        for attempt in range(self.backoff.attempts):
            last = attempt + 1 == self.backoff.attempts
            try:
                self.calls += 1
                response = self.session.request(method, url, params=params, timeout=self.timeout, **kw)
            except NETWORK_ERRORS as e:
                if last:
                    raise DriveError(f"Drive did not answer while {what}: {type(e).__name__}") from None
                self.sleep(self.backoff.delay(attempt))
                continue
            if response.status_code in ok:
                return response
            if not _retryable(response) or last:
                raise _error_for(response, what)
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

    def create(self, folder_id, name, data, file_id, mime_type="application/json"):
        """Creates a file with its content in one multipart upload. With an id from
        generate_ids, a retried create that already took effect answers 409, which
        means it is done: no second copy."""
        boundary = f"storyloom-{secrets.token_hex(12)}"
        meta = json.dumps({"id": file_id, "name": name, "parents": [folder_id], "mimeType": mime_type})
        body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{meta}\r\n"
                f"--{boundary}\r\nContent-Type: {mime_type}\r\n\r\n").encode("utf-8") + data + \
            f"\r\n--{boundary}--\r\n".encode("utf-8")
        headers = {"Content-Type": f"multipart/related; boundary={boundary}"}
        self.call("POST", "/upload/drive/v3/files", f"creating {name}",
                  {"uploadType": "multipart", "fields": "id,name"}, ok=(200, 409), data=body, headers=headers)
        return file_id

    def update_content(self, file_id, data, mime_type="application/json"):
        """Replaces a file's content, by id."""
        self.call("PATCH", f"/upload/drive/v3/files/{file_id}", f"updating file {file_id}",
                  {"uploadType": "media", "fields": "id"}, data=data, headers={"Content-Type": mime_type})

    def delete(self, file_id):
        """Deletes a file; False when it was already gone (a retried delete that took effect)."""
        response = self.call("DELETE", f"/drive/v3/files/{file_id}", f"deleting file {file_id}", ok=(200, 204, 404))
        return response.status_code != 404

    def start_page_token(self, drive_id=None):
        params = {"driveId": drive_id} if drive_id else {}
        return self.call("GET", "/drive/v3/changes/startPageToken", "starting the changes feed",
                         params).json()["startPageToken"]

    def changes(self, page_token, drive_id=None):
        """One page of changes -> (changes, next page token or None, new start token or None)."""
        params = {"pageToken": page_token, "pageSize": "1000", "includeItemsFromAllDrives": "true",
                  "fields": "nextPageToken,newStartPageToken,changes(fileId,removed,file(id,name,parents,trashed))"}
        if drive_id:
            params["driveId"] = drive_id
        page = self.call("GET", "/drive/v3/changes", "reading the changes feed", params).json()
        return page.get("changes", []), page.get("nextPageToken"), page.get("newStartPageToken")
