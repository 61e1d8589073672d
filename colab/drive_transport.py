"""The mailbox as a Google Drive folder, over the REST API (colab/drive.py).

Drive's name-based listing is not read-after-write consistent, so files are
addressed by id: at startup the root is read by id, and the subfolder ids come from
its properties (colab/mailbox_folders.py; one listing for mailboxes made before),
the changes feed starts (changes.getStartPageToken), and one listing per folder fills a
name -> id map; from then on the changes feed keeps the map current and reports
news. New files are created in one multipart upload (resumable over 5 MB) with an id from
files.generateIds (fetched in blocks), so a retried create cannot duplicate;
existing files (the heartbeat) are overwritten by id. A small job file's body rides in its
properties as well (colab/body_properties.py): the changes feed delivers another side's
request, response or control file with it, and `get` answers from memory, as of the latest
`news()`, with no download.

Cleanup works with the roles Google documents: in a Shared Drive a file is trashed (a
`fileOrganizer`, Content manager, may trash; only an `organizer` may delete); in My Drive it
is deleted, or trashed when Drive refuses the delete (only the owner may do either). A file
Drive lets this account neither delete nor trash is logged once, then reads as gone here and
is never asked about again. A trashed file reads as gone on both sides.

Usage:
    transport = DriveTransport(DriveClient(session, api_url), root_folder_id, log=print)
"""
import sys
import threading

from colab.body_properties import BODY_FOLDERS, body_from_properties, properties_for
from colab.drive import FEED_FIELDS, DriveError, DriveNotFound, refused
from colab.mailbox_folders import find_folders, open_root
from colab.transport import FOLDERS, Change, Transport

LISTED_AT_START = ("requests", "responses", "control", "workers")


class DriveTransport(Transport):
    """A mailbox root folder on Drive (My Drive or a Shared Drive) with the six subfolders."""

    kind = "drive"

    def __init__(self, client, root_id, id_block=32, log=None):
        self.client, self.root_id, self.id_block = client, root_id, id_block
        self.log = log or _log_to_stderr
        self.lock = threading.Lock()
        self.ids = []  # unused ids from files.generateIds
        self.names = {folder: {} for folder in FOLDERS}  # folder -> {name: file id}
        self.where = {}  # file id -> (folder, name)
        self.bodies = {}  # file id -> its content, when the feed or a listing brought it in its properties
        self.listed = set()
        self.unremovable = set()  # ids Drive refused to delete and to trash: gone on this side, never asked again
        self.drive_id = self._open_root()
        self.folder_ids = self._find_folders()
        self.folder_of = {fid: folder for folder, fid in self.folder_ids.items()}
        self.page_token = client.start_page_token(self.drive_id)  # before the listings: nothing falls between
        for folder in LISTED_AT_START:
            self._list_into_map(folder)

    def _open_root(self):
        """Reads the root by id -> its Shared Drive's id (None in My Drive); keeps the metadata for _find_folders."""
        self.root = open_root(self.client, self.root_id)
        return self.root.get("driveId")

    def _find_folders(self):
        """The subfolder ids the root's properties record (no listing), or found by name (older mailboxes)."""
        return find_folders(self.client, self.root)

    def _list_into_map(self, folder):
        files = self.client.list_children(self.folder_ids[folder], self.drive_id, FEED_FIELDS)
        with self.lock:
            for f in files:
                self._remember(folder, f["name"], f["id"], _body_of(f))
            self.listed.add(folder)

    def _remember(self, folder, name, file_id, body=None):
        if not name.startswith(".") and file_id not in self.unremovable:
            self.names[folder][name] = file_id
            self.where[file_id] = (folder, name)
            if body is None:
                self.bodies.pop(file_id, None)
            else:
                self.bodies[file_id] = body

    def _forget(self, file_id):
        self.bodies.pop(file_id, None)
        folder, name = self.where.pop(file_id, (None, None))
        if folder is not None and self.names[folder].get(name) == file_id:
            del self.names[folder][name]
        return folder, name

    def _id_of(self, folder, name):
        if folder not in self.listed:
            self._list_into_map(folder)
        with self.lock:
            return self.names[folder].get(name)

    def _new_id(self):
        with self.lock:
            if not self.ids:
                self.ids = list(self.client.generate_ids(self.id_block))
            return self.ids.pop(0)

    def put(self, folder, name, data):
        file_id = self._id_of(folder, name)
        mime = "application/json" if name.endswith(".json") else "application/octet-stream"
        on_create, on_update = properties_for(folder, data)
        if file_id is not None:
            try:
                self.client.update_content(file_id, data, mime, on_update)
                # No body for this side's own writes: a read goes to Drive, and sees another side's later changes.
                with self.lock:
                    self.bodies.pop(file_id, None)
                return
            except DriveNotFound:  # deleted meanwhile: create it again
                with self.lock:
                    self._forget(file_id)
        file_id = self.client.create(self.folder_ids[folder], name, data, self._new_id(), mime, on_create)
        with self.lock:
            self._remember(folder, name, file_id)

    def get(self, folder, name):
        file_id = self._id_of(folder, name)
        if file_id is None:
            return None
        with self.lock:
            body = self.bodies.get(file_id) if folder in BODY_FOLDERS else None
        if body is not None:  # carried in a job file's properties, as of the latest news(): no call
            return body
        try:
            return self.client.download(file_id)
        except DriveNotFound:
            with self.lock:
                self._forget(file_id)
            return None

    def delete(self, folder, name):
        """Removes folder/name (trashed or deleted, see above); False when it was already gone,
        or when Drive refuses both (then it reads as gone on this side)."""
        file_id = self._id_of(folder, name)
        if file_id is None:
            return False
        gone = self._remove(folder, name, file_id)
        with self.lock:
            self._forget(file_id)
        return gone

    def _remove(self, folder, name, file_id):
        """Trash in a Shared Drive; in My Drive, delete, and trash when the delete is refused -> removed now."""
        if not self.drive_id:
            try:
                return self.client.delete(file_id)
            except DriveError as e:
                if not refused(e):
                    raise
        try:
            return self.client.trash(file_id)
        except DriveError as e:
            if not refused(e):
                raise
            self._give_up(folder, name, file_id, e)
            return False

    def _give_up(self, folder, name, file_id, error):
        with self.lock:
            self.unremovable.add(file_id)
        where = "the Shared Drive" if self.drive_id else "My Drive"
        self.log(f"warning: Drive lets this account neither delete nor trash {folder}/{name} ({file_id}) in "
                 f"{where}: {error}. It stays in the mailbox; this side now treats it as gone. Grant the worker's "
                 "account the Content manager role on the Shared Drive, or sign both sides in as the same Google "
                 "account in My Drive (docs/drive.md).")

    def list(self, folder):
        if folder not in self.listed:
            self._list_into_map(folder)
        with self.lock:
            return sorted(self.names[folder])

    def news(self):
        """Reads the changes feed to its end -> [Change]; the token advances page by page."""
        news = []
        while True:
            changes, next_token, new_start = self.client.changes(self.page_token, self.drive_id)
            with self.lock:
                for change in changes:
                    news += self._apply(change)
                self.page_token = next_token or new_start or self.page_token
            if not next_token:
                return news

    def _apply(self, change):
        """Updates the maps for one Change resource -> the mailbox news it makes."""
        file_id, file = change.get("fileId"), change.get("file") or {}
        if file_id in self.unremovable:
            return []
        before = self.where.get(file_id)
        parents = [p for p in file.get("parents", []) if p in self.folder_of]
        gone = change.get("removed") or file.get("trashed") or not parents or file.get("name", ".").startswith(".")
        now = None if gone else (self.folder_of[parents[0]], file["name"])
        news = []
        if before and before != now:
            self._forget(file_id)
            news.append(Change(*before, removed=True))
        if now:
            self._remember(*now, file_id, _body_of(file))
            news.append(Change(*now))
        return news

    def describe(self):
        where = f"shared drive {self.drive_id}" if self.drive_id else "My Drive"
        return f"Drive folder {self.root_id} ({where})"


def _body_of(file):
    """The content a File resource's properties carry (bytes), or None."""
    return body_from_properties(file.get("properties"), file.get("sha256Checksum"))


def _log_to_stderr(text):
    print(f"storyloom: {text}", file=sys.stderr, flush=True)
