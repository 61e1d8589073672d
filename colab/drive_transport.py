"""The mailbox as a Google Drive folder, over the REST API (colab/drive.py).

Drive's name-based listing is not read-after-write consistent, so files are
addressed by id: at startup one listing finds the subfolders, the changes feed
starts (changes.getStartPageToken), and one listing per folder fills a
name -> id map; from then on the changes feed keeps the map current and reports
news. New files are created in one multipart upload (resumable over 5 MB) with an id from
files.generateIds (fetched in blocks), so a retried create cannot duplicate;
existing files (the heartbeat) are overwritten by id. A small job file's body rides in its
properties as well (colab/body_properties.py): the changes feed delivers another side's
request, response or control file with it, and `get` answers from memory, as of the latest
`news()`, with no download.

Usage:
    transport = DriveTransport(DriveClient(session, api_url), root_folder_id)
"""
import threading

from colab.body_properties import BODY_FOLDERS, body_from_properties, properties_for
from colab.drive import FEED_FIELDS, DriveNotFound
from colab.transport import FOLDERS, Change, MailboxError, Transport

FOLDER_MIME = "application/vnd.google-apps.folder"
LISTED_AT_START = ("requests", "responses", "control", "workers")


class DriveTransport(Transport):
    """A mailbox root folder on Drive (My Drive or a Shared Drive) with the six subfolders."""

    kind = "drive"

    def __init__(self, client, root_id, id_block=32):
        self.client, self.root_id, self.id_block = client, root_id, id_block
        self.lock = threading.Lock()
        self.ids = []  # unused ids from files.generateIds
        self.names = {folder: {} for folder in FOLDERS}  # folder -> {name: file id}
        self.where = {}  # file id -> (folder, name)
        self.bodies = {}  # file id -> its content, when the feed or a listing brought it in its properties
        self.listed = set()
        self.drive_id = self._open_root()
        self.folder_ids = self._find_folders()
        self.folder_of = {fid: folder for folder, fid in self.folder_ids.items()}
        self.page_token = client.start_page_token(self.drive_id)  # before the listings: nothing falls between
        for folder in LISTED_AT_START:
            self._list_into_map(folder)

    def _open_root(self):
        try:
            root = self.client.get_metadata(self.root_id, "id,name,mimeType,driveId,trashed")
        except DriveNotFound:
            raise MailboxError(f"the mailbox folder {self.root_id} was not found, or is not shared with this "
                               "account: check the folder id printed by `npm run mailbox:init` and share the "
                               "folder (or its Shared Drive) with the account the worker signs in as") from None
        if root.get("mimeType") != FOLDER_MIME or root.get("trashed"):
            raise MailboxError(f"{self.root_id} is not a mailbox folder (it is {root.get('mimeType')}"
                               f"{', in the trash' if root.get('trashed') else ''})")
        return root.get("driveId")

    def _find_folders(self):
        children = [f for f in self.client.list_children(self.root_id, self.drive_id) if f.get("mimeType") == FOLDER_MIME]
        doubled = sorted({f["name"] for f in children if f["name"] in FOLDERS and [c["name"] for c in children].count(f["name"]) > 1})
        if doubled:
            # The bot refuses such a mailbox too: two folders of one name could split the two sides.
            raise MailboxError(f"the mailbox folder {self.root_id} has more than one subfolder named "
                               f"{', '.join(doubled)}: keep one of each (trash the others)")
        found = {f["name"]: f["id"] for f in children}
        missing = [f for f in FOLDERS if f not in found]
        if missing:
            raise MailboxError(f"the mailbox folder {self.root_id} lacks the subfolders {', '.join(missing)}: "
                               "create them with `npm run mailbox:init` (it prints the folder id to use)")
        return {f: found[f] for f in FOLDERS}

    def _list_into_map(self, folder):
        files = self.client.list_children(self.folder_ids[folder], self.drive_id, FEED_FIELDS)
        with self.lock:
            for f in files:
                self._remember(folder, f["name"], f["id"], _body_of(f))
            self.listed.add(folder)

    def _remember(self, folder, name, file_id, body=None):
        if not name.startswith("."):
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
        file_id = self._id_of(folder, name)
        if file_id is None:
            return False
        gone = self.client.delete(file_id)
        with self.lock:
            self._forget(file_id)
        return gone

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
