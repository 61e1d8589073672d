"""What DriveTransport knows of the mailbox's files, by id (the twin of src/transport/drive/folder-index.ts).

Drive's name-based listing is not read-after-write consistent, so files are addressed
by id: this index maps each folder's names to file ids and back, and keeps the bodies
that rode in small files' properties. Not thread-safe: DriveTransport holds its lock.

Usage:
    index = FolderIndex()
    index.remember("requests", "01J....json", file_id, body)
    index.names["requests"].get("01J....json")        # -> file id, or None
"""
from __future__ import annotations

from typing import Optional

from colab.transport.transport import FOLDERS


class FolderIndex:
    """Names <-> file ids per folder, bodies from properties, and the files this side treats as gone."""

    def __init__(self) -> None:
        self.names: dict[str, dict[str, str]] = {folder: {} for folder in FOLDERS}  # folder -> {name: file id}
        self.where: dict[str, tuple[str, str]] = {}  # file id -> (folder, name)
        self.bodies: dict[str, bytes] = {}  # file id -> its content, when the feed or a listing brought it
        self.listed: set[str] = set()  # folders listed once, since when the changes feed keeps them current
        self.unremovable: set[str] = set()  # ids Drive refused to delete and to trash: gone here, never asked again

    def remember(self, folder: str, name: str, file_id: str, body: Optional[bytes] = None) -> None:
        """`folder/name` is file `file_id` (with its body, when its properties carried one)."""
        if not name.startswith(".") and file_id not in self.unremovable:
            self.names[folder][name] = file_id
            self.where[file_id] = (folder, name)
            if body is None:
                self.bodies.pop(file_id, None)
            else:
                self.bodies[file_id] = body

    def forget(self, file_id: str) -> tuple[Optional[str], Optional[str]]:
        """File `file_id` is gone -> the (folder, name) it had, or (None, None)."""
        self.bodies.pop(file_id, None)
        folder, name = self.where.pop(file_id, (None, None))
        if folder is not None and name is not None and self.names[folder].get(name) == file_id:
            del self.names[folder][name]
        return folder, name
