"""The mailbox as a local (or mounted) folder.

Writes go to a temporary file `.<name>.<random>.tmp` in the same folder, flushed to
disk, then renamed into place (os.replace), so a reader never sees half a file.
News comes from comparing listings: cheap enough to poll every 0.25 s, and it
needs nothing beyond the standard library (inotify is not in it).

Usage:
    transport = LocalFolderTransport("data/mailbox")
    transport.put("responses", "01J....json", b"{...}")
"""
from __future__ import annotations

import os
import secrets
from typing import Iterable, List, Optional

from colab.transport.transport import FOLDERS, Change, Transport


class LocalFolderTransport(Transport):
    """A mailbox folder on this machine; the subfolders are created when missing."""

    kind = "local"

    def __init__(self, root: str, watch: Iterable[str] = ("requests", "responses", "control")) -> None:
        self.root = os.path.abspath(root)
        for folder in FOLDERS:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        self.watch = tuple(watch)
        self.seen = {folder: self._stamps(folder) for folder in self.watch}

    def path_of(self, folder: str, name: str) -> str:
        """The file's path (loading a model straight from the mailbox needs no copy)."""
        if folder not in FOLDERS or os.sep in name or name.startswith("."):
            raise ValueError(f"not a mailbox file: {folder}/{name}")
        return os.path.join(self.root, folder, name)

    def put(self, folder: str, name: str, data: bytes) -> None:
        path = self.path_of(folder, name)
        tmp = os.path.join(os.path.dirname(path), f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def get(self, folder: str, name: str) -> Optional[bytes]:
        try:
            with open(self.path_of(folder, name), "rb") as f:
                return f.read()
        except (FileNotFoundError, IsADirectoryError):
            return None

    def delete(self, folder: str, name: str) -> bool:
        try:
            os.remove(self.path_of(folder, name))
            return True
        except FileNotFoundError:
            return False

    def list(self, folder: str) -> List[str]:  # List: `list` is this method here
        return sorted(self._stamps(folder))

    def _stamps(self, folder: str) -> dict[str, tuple[int, int, int]]:
        """{name: (mtime_ns, size, inode)} of the folder's files, temporary ones left out."""
        stamps: dict[str, tuple[int, int, int]] = {}
        try:
            entries = os.scandir(os.path.join(self.root, folder))
        except FileNotFoundError:
            return stamps
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_file():
                        st = entry.stat()
                        stamps[entry.name] = (st.st_mtime_ns, st.st_size, st.st_ino)
                except FileNotFoundError:
                    continue
        return stamps

    def news(self) -> List[Change]:
        changes: List[Change] = []
        for folder in self.watch:
            now, before = self._stamps(folder), self.seen[folder]
            changes += [Change(folder, n) for n in sorted(now) if before.get(n) != now[n]]
            changes += [Change(folder, n, removed=True) for n in sorted(before) if n not in now]
            self.seen[folder] = now
        return changes

    @property
    def description(self) -> str:
        return f"local folder {self.root}"
