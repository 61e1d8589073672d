"""The mailbox as the worker sees it: the Transport interface, in the TypeScript side's words.

A transport puts, gets, deletes and lists files by folder and name, and reports
news: files that appeared, changed or went away since the last call. Writes are
atomic (a reader never sees half a file). Names starting with "." are temporary
files and are never listed or reported. Implementations: LocalFolderTransport
(colab/transport/local.py) and DriveTransport (colab/transport/drive/drive.py), the twins
of src/transport/local.ts and src/transport/drive/drive.ts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

FOLDERS = ("requests", "responses", "workers", "control", "stories", "models")
# `<id>.json`, with the TypeScript side's rule for names (src/transport/transport.ts): letters, digits,
# '.', '_' and '-', starting with a letter or digit, at most 200 characters, no '..'.
MAILBOX_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,194}\.json$")


def is_mailbox_name(name: str) -> bool:
    """Whether `name` is `<id>.json` (and so not a temporary `.` file)."""
    return bool(MAILBOX_NAME.match(name)) and ".." not in name


def id_of(name: str) -> str:
    """`<id>.json` -> `<id>`."""
    return name[: -len(".json")]


@dataclass(frozen=True)
class Change:
    """News from the mailbox: `folder/name` appeared or changed, or was removed."""

    folder: str
    name: str
    removed: bool = False


class MailboxError(RuntimeError):
    """The mailbox cannot be used (missing folders, no access); the message says what to do."""


class Transport:
    """put/get/delete/list per folder, plus news. Every method may be called from several threads."""

    kind = "transport"

    def put(self, folder: str, name: str, data: bytes) -> None:
        """Creates or replaces `folder/name` with `data` (bytes), atomically."""
        raise NotImplementedError

    def get(self, folder: str, name: str) -> Optional[bytes]:
        """The bytes of `folder/name`, or None when it does not exist."""
        raise NotImplementedError

    def delete(self, folder: str, name: str) -> bool:
        """Removes `folder/name`; False when it was already gone."""
        raise NotImplementedError

    def list(self, folder: str) -> List[str]:  # List: `list` is this method here
        """The names in `folder`, sorted, temporary files left out."""
        raise NotImplementedError

    def news(self) -> List[Change]:
        """[Change] since the previous call (the first call: since the transport opened)."""
        # Pull, where TypeScript pushes: src/transport/transport.ts calls `subscribe(listener)` back from its
        # own timers, the Node way; this worker's loop is one thread that asks for news at each step, so the
        # same news comes from a call. The idioms differ on purpose; the Change records are the same.
        raise NotImplementedError

    @property
    def description(self) -> str:
        """Where the mailbox is, for logs (never a secret)."""
        return self.kind

    def close(self) -> None:
        """Releases what the transport holds."""
