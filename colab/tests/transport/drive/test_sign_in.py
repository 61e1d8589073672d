"""Signing in to Drive with google.colab and google.auth stubbed (the `colab_stub` fixture, conftest.py)."""
import sys

import pytest
import requests

from colab.tests.conftest import FakeAuthorizedSession
from colab.transport.drive import sign_in


def test_in_colab_the_session_signs_in_as_the_notebook_user(colab_stub):
    session = sign_in.drive_session(env={})
    assert isinstance(session, FakeAuthorizedSession) and session.credentials == "CREDS"
    assert colab_stub == ["authenticate_user", ("default", ["https://www.googleapis.com/auth/drive"])]


def test_a_given_token_wins_and_is_only_a_header(colab_stub):
    session = sign_in.drive_session(env={"DRIVE_ACCESS_TOKEN": "secret-token"})
    assert isinstance(session, requests.Session) and session.headers["Authorization"] == "Bearer secret-token"
    assert colab_stub == []


def test_outside_colab_without_google_auth_the_error_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", None)
    monkeypatch.setitem(sys.modules, "google.auth", None)
    with pytest.raises(RuntimeError, match="google-auth"):
        sign_in.drive_session(env={})
