"""Signing the worker in to Drive: a requests session that carries the credentials (the twin of
src/transport/drive/sign-in.ts, for the Python side's ways of signing in).

`google.colab` and `google.auth` are imported only here, lazily, on the Drive path:
the local worker needs nothing beyond torch and the standard library.

Usage:
    session = drive_session()                  # an authorized requests session
    DriveApi(session, "https://www.googleapis.com")
"""
from __future__ import annotations

import os
from typing import Mapping

import requests

DRIVE_SCOPES = ["https://www.googleapis.com/auth/drive"]


def in_colab() -> bool:
    """Whether this runs in Colab: google.colab imports."""
    try:
        import google.colab  # noqa: F401
    except ImportError:
        return False
    return True


def colab_session(scopes: list[str] = DRIVE_SCOPES) -> requests.Session:
    """Signs in as the notebook's user (a popup the first time) -> AuthorizedSession."""
    from google.colab import auth

    try:
        auth.authenticate_user()
    except Exception as e:  # noqa: BLE001 - a worker run as a subprocess has no kernel to show a popup
        # ...but the notebook's own sign-in (its authentication cell) is found by google.auth.default().
        print(f"storyloom worker: no sign-in popup here ({type(e).__name__}); using the notebook's sign-in", flush=True)
    return _default_session(scopes)


def _default_session(scopes: list[str]) -> requests.Session:
    try:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession
    except ImportError:
        raise RuntimeError(
            "Drive access needs google-auth (preinstalled in Colab): pip install google-auth, or "
            "give a token in DRIVE_ACCESS_TOKEN"
        ) from None
    credentials, _ = google.auth.default(scopes=scopes)
    return AuthorizedSession(credentials)


def token_session(token: str) -> requests.Session:
    """A session that sends a fixed bearer token (tests, and tokens minted elsewhere)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def drive_session(env: Mapping[str, str] = os.environ) -> requests.Session:
    """DRIVE_ACCESS_TOKEN if set; in Colab the notebook user's sign-in; else Application Default Credentials."""
    if env.get("DRIVE_ACCESS_TOKEN"):
        return token_session(env["DRIVE_ACCESS_TOKEN"])
    if in_colab():
        return colab_session()
    return _default_session(DRIVE_SCOPES)
