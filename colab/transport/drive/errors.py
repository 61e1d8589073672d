"""What Drive's answers mean: the DriveError family, and which failures are retried or may have landed.

The twin of src/transport/drive/errors.ts. Auth, quota, scope and not-found errors get a
message that says what to do; rate limits (403 rateLimitExceeded/userRateLimitExceeded,
429) and 5xx are transient, and colab/transport/drive/api.py retries them.

Usage:
    from colab.transport.drive.errors import DriveError, DriveNotFound, error_for, refused
    raise error_for(response, "reading file 1AbC")     # the DriveError subclass that fits
"""
from __future__ import annotations

import re
from typing import Optional

import requests

RETRY_REASONS = ("rateLimitExceeded", "userRateLimitExceeded")
SCOPE_REASONS = ("insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT")


class DriveError(RuntimeError):
    """A Drive call failed; `status` and `reason` are Drive's."""

    def __init__(self, message: str, status: Optional[int] = None, reason: Optional[str] = None) -> None:
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


def reasons_of(response: requests.Response) -> tuple[list[str], str]:
    """Drive's error reasons (errors[].reason and details[].reason) and message."""
    try:
        error = response.json().get("error", {})
    except ValueError:
        return [], response.text[:200]
    reasons = [e.get("reason") for e in error.get("errors", []) if isinstance(e, dict)]
    reasons += [d.get("reason") for d in error.get("details", []) if isinstance(d, dict)]
    return [r for r in reasons if r], str(error.get("message", ""))


def error_for(response: requests.Response, what: str) -> DriveError:
    """The error for a failed answer, its message naming `what` was being done and what to do."""
    status = response.status_code
    reasons, message = reasons_of(response)
    reason = reasons[0] if reasons else None
    if status == 401:
        return DriveAuthError(
            f"Drive refused the credentials while {what} (401: {message}). Sign in again: in Colab, "
            "run the authentication cell; elsewhere, check the account's credentials.",
            status,
            reason,
        )
    if status == 403 and "storageQuotaExceeded" in reasons:
        return DriveQuotaError(
            f"Drive has no storage quota for this account while {what}: a service account cannot "
            "write into My Drive. Put the mailbox on a Shared Drive, or use user credentials.",
            status,
            reason,
        )
    if status == 403 and any(r in SCOPE_REASONS for r in reasons):
        return DriveScopeError(
            f"the credentials lack the Drive scope needed for {what} (403 {reason}). Authenticate "
            "with the https://www.googleapis.com/auth/drive scope.",
            status,
            reason,
        )
    if status == 404:
        return DriveNotFound(f"Drive found nothing while {what} (404: {message})", status, reason)
    if status == 409:
        return DriveIdInUse(
            f"Drive says the file id is already in use while {what} (409 {reason or ''}: {message}); "
            "ids from files.generateIds are used once, so another file holds it",
            status,
            reason,
        )
    return DriveError(f"Drive failed while {what} ({status} {reason or ''}: {message})", status, reason)


def retryable(response: requests.Response) -> bool:
    """Whether a failed answer is transient: a 429, a 5xx, or a 403 rate limit."""
    if response.status_code == 429 or response.status_code >= 500:
        return True
    return response.status_code == 403 and any(r in RETRY_REASONS for r in reasons_of(response)[0])


def may_have_landed(response: Optional[requests.Response]) -> bool:
    """Whether a failed attempt may still have taken effect: no answer (None: a dropped connection
    or a timeout), a 5xx or a 429. A 403 rate limit is refused before it has any effect."""
    return response is None or response.status_code == 429 or response.status_code >= 500


def refused(error: BaseException) -> bool:
    """Whether a DriveError is Drive refusing this account the change: a 403 that is not a rate limit
    or a quota (their reasons say `limit` or `quota`; rate limits were retried), nor a scope error."""
    if not isinstance(error, DriveError) or error.status != 403:
        return False
    if isinstance(error, (DriveScopeError, DriveQuotaError)):
        return False
    return not re.search("limit|quota", error.reason or "", re.I)
