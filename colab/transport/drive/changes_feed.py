"""Mailbox news from Drive's changes feed (the twin of src/transport/drive/changes-feed.ts).

Each Change resource updates the FolderIndex and says what happened to a mailbox file:
it appeared or changed in a subfolder, or it went away (removed, trashed, moved out, or
renamed to a temporary `.` name). A file this side gave up removing is never reported.

Usage:
    news = apply_change(index, folder_of, change)     # folder_of: {subfolder id: folder}
"""
from __future__ import annotations

from typing import Any, Optional

from colab.transport.drive.body_properties import body_from_properties
from colab.transport.drive.folder_index import FolderIndex
from colab.transport.transport import Change


def apply_change(index: FolderIndex, folder_of: dict[str, str], change: dict[str, Any]) -> list[Change]:
    """Updates the index for one Change resource -> the mailbox news it makes."""
    file_id, file = change.get("fileId"), change.get("file") or {}
    if not isinstance(file_id, str) or file_id in index.unremovable:
        return []
    before = index.where.get(file_id)
    parents = [p for p in file.get("parents", []) if p in folder_of]
    gone = change.get("removed") or file.get("trashed") or not parents or file.get("name", ".").startswith(".")
    now = None if gone else (folder_of[parents[0]], file["name"])
    news = []
    if before and before != now:
        index.forget(file_id)
        news.append(Change(*before, removed=True))
    if now:
        index.remember(*now, file_id, body_of(file))
        news.append(Change(*now))
    return news


def body_of(file: dict[str, Any]) -> Optional[bytes]:
    """The content a File resource's properties carry (bytes), or None."""
    return body_from_properties(file.get("properties"), file.get("sha256Checksum"))
