"""The mailbox as a Google Drive folder, over the REST API: the twin of src/transport/drive/drive.ts.

Drive's name-based listing is not read-after-write consistent, so files are addressed by
id: at startup the root is read by id, and the subfolder ids come from its properties
(mailbox_folders.py; one listing for mailboxes made before), the changes feed starts
(changes.getStartPageToken), and one listing per folder fills a name -> id index
(folder_index.py); from then on the changes feed keeps the index current and reports
news (changes_feed.py). New files are created in one multipart upload (resumable over
5 MB) with an id from files.generateIds (fetched in blocks), so a retried create cannot
duplicate; existing files (the heartbeat) are overwritten by id. A small job file's body
rides in its properties as well (body_properties.py): the changes feed delivers another
side's request, response or control file with it, and `get` answers from memory, as of
the latest `news()`, with no download.

Cleanup works with the roles Google documents (removal.py). A file Drive lets this
account neither delete nor trash is logged once, then reads as gone here and is never
asked about again. A trashed file reads as gone on both sides.

Usage:
    transport = DriveTransport(DriveApi(session, api_url), root_folder_id, log=print)
"""
from __future__ import annotations

import sys
import threading
from typing import Callable, List, Optional

from colab.transport.drive.api import FEED_FIELDS, DriveApi
from colab.transport.drive.body_properties import BODY_FOLDERS, properties_for
from colab.transport.drive.changes_feed import apply_change, body_of
from colab.transport.drive.errors import DriveError, DriveNotFound, refused
from colab.transport.drive.folder_index import FolderIndex
from colab.transport.drive.mailbox_folders import find_folders, open_root
from colab.transport.drive.removal import remove_file
from colab.transport.transport import Change, Transport

LISTED_AT_START = ("requests", "responses", "control", "workers")


class DriveTransport(Transport):
    """A mailbox root folder on Drive (My Drive or a Shared Drive) with the six subfolders."""

    kind = "drive"

    def __init__(
        self, api: DriveApi, root_id: str, id_block: int = 32, log: Optional[Callable[[str], None]] = None
    ) -> None:
        self.api, self.root_id, self.id_block = api, root_id, id_block
        self.log = log or _log_to_stderr
        self.lock = threading.Lock()
        self.ids: List[str] = []  # unused ids from files.generateIds
        self.index = FolderIndex()
        # The root is read by id (consistent at once); its properties record the subfolder ids, or
        # they are found by name (older mailboxes). In My Drive there is no Shared Drive id.
        self.root = open_root(api, root_id)
        self.drive_id: Optional[str] = self.root.get("driveId")
        self.folder_ids = find_folders(api, self.root)
        self.folder_of = {fid: folder for folder, fid in self.folder_ids.items()}
        self.page_token = api.start_page_token(self.drive_id)  # before the listings: nothing falls between
        for folder in LISTED_AT_START:
            self._list_into_index(folder)

    def _list_into_index(self, folder: str) -> None:
        files = self.api.list_children(self.folder_ids[folder], self.drive_id, FEED_FIELDS)
        with self.lock:
            for f in files:
                self.index.remember(folder, f["name"], f["id"], body_of(f))
            self.index.listed.add(folder)

    def _id_of(self, folder: str, name: str) -> Optional[str]:
        if folder not in self.index.listed:
            self._list_into_index(folder)
        with self.lock:
            return self.index.names[folder].get(name)

    def _new_id(self) -> str:
        with self.lock:
            if not self.ids:
                self.ids = list(self.api.generate_ids(self.id_block))
            return self.ids.pop(0)

    def put(self, folder: str, name: str, data: bytes) -> None:
        file_id = self._id_of(folder, name)
        mime = "application/json" if name.endswith(".json") else "application/octet-stream"
        on_create, on_update = properties_for(folder, data)
        if file_id is not None:
            try:
                self.api.update_content(file_id, data, mime, on_update)
                # No body for this side's own writes: a read goes to Drive, and sees another side's later changes.
                with self.lock:
                    self.index.bodies.pop(file_id, None)
                return
            except DriveNotFound:  # deleted meanwhile: create it again
                with self.lock:
                    self.index.forget(file_id)
        file_id = self.api.create(self.folder_ids[folder], name, data, self._new_id(), mime, on_create)
        with self.lock:
            self.index.remember(folder, name, file_id)

    def get(self, folder: str, name: str) -> Optional[bytes]:
        file_id = self._id_of(folder, name)
        if file_id is None:
            return None
        with self.lock:
            body = self.index.bodies.get(file_id) if folder in BODY_FOLDERS else None
        if body is not None:  # carried in a job file's properties, as of the latest news(): no call
            return body
        try:
            return self.api.download(file_id)
        except DriveNotFound:
            with self.lock:
                self.index.forget(file_id)
            return None

    def delete(self, folder: str, name: str) -> bool:
        """Removes folder/name (trashed or deleted, see above); False when it was already gone,
        or when Drive refuses both (then it reads as gone on this side)."""
        file_id = self._id_of(folder, name)
        if file_id is None:
            return False
        try:
            gone = remove_file(self.api, file_id, in_shared_drive=bool(self.drive_id))
        except DriveError as e:
            if not refused(e):
                raise
            self._give_up(folder, name, file_id, e)
            gone = False
        with self.lock:
            self.index.forget(file_id)
        return gone

    def _give_up(self, folder: str, name: str, file_id: str, error: DriveError) -> None:
        with self.lock:
            self.index.unremovable.add(file_id)
        where = "the Shared Drive" if self.drive_id else "My Drive"
        self.log(
            f"warning: Drive lets this account neither delete nor trash {folder}/{name} ({file_id}) in {where}: "
            f"{error}. It stays in the mailbox; this side now treats it as gone. Grant the worker's account the "
            "Content manager role on the Shared Drive, or sign both sides in as the same Google account in My Drive "
            "(docs/drive.md)."
        )

    def list(self, folder: str) -> List[str]:  # List: `list` is this method here
        if folder not in self.index.listed:
            self._list_into_index(folder)
        with self.lock:
            return sorted(self.index.names[folder])

    def news(self) -> List[Change]:
        """Reads the changes feed to its end -> [Change]; the token advances page by page."""
        news = []
        while True:
            changes, next_token, new_start = self.api.changes(self.page_token, self.drive_id)
            with self.lock:
                for change in changes:
                    news += apply_change(self.index, self.folder_of, change)
                self.page_token = next_token or new_start or self.page_token
            if not next_token:
                return news

    @property
    def description(self) -> str:
        where = f"shared drive {self.drive_id}" if self.drive_id else "My Drive"
        return f"Drive folder {self.root_id} ({where})"


def _log_to_stderr(text: str) -> None:
    print(f"storyloom: {text}", file=sys.stderr, flush=True)
