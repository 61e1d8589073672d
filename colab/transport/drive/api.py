"""Google Drive v3 over REST: the calls the worker makes (the twin of src/transport/drive/api.ts).

In Colab the session is google-auth's AuthorizedSession (colab/transport/drive/sign_in.py);
in tests it is a plain requests.Session against the Drive fake. Each call is retried on
transient failures (colab/transport/drive/http.py). Files over 5 MB (model weights,
checkpoints) go up in resumable uploads (colab/transport/drive/uploads.py). Auth, quota,
scope and not-found errors are raised at once, with a message that says what to do. A
create names an id from generate_ids: a 409 on a retried create (after an attempt that
may have landed) means the earlier attempt made the file; a 409 on the first attempt
means the id is already in use, and is an error.

Usage:
    api = DriveApi(session, "https://www.googleapis.com")
    ids = api.generate_ids(32)
    api.create(folder_id, "a.json", b"{}", file_id=ids[0])
    api.trash(file_id)   # or api.delete(file_id): see DriveTransport.delete for which
"""
from __future__ import annotations

from typing import Any, Optional

from colab.transport.drive.http import DriveHttp
from colab.transport.drive.uploads import CHUNK_SIZE, SIMPLE_UPLOAD_LIMIT, multipart, upload_resumable

# What the changes feed asks for: also a small file's body, in its properties (body_properties.py).
FEED_FIELDS = "id,name,parents,trashed,properties,sha256Checksum"


class DriveApi(DriveHttp):
    """The Drive v3 calls the worker makes, each retried on transient failures."""

    chunk_size = CHUNK_SIZE  # resumable upload chunks, a multiple of 256 KiB

    def get_metadata(self, file_id: str, fields: str = "id,name,mimeType,parents,driveId,trashed") -> dict[str, Any]:
        """A file's metadata (files.get), with the `fields` asked for."""
        return self.call("GET", f"/drive/v3/files/{file_id}", f"reading file {file_id}", {"fields": fields}).json()

    def download(self, file_id: str) -> bytes:
        """A file's content (files.get?alt=media)."""
        return self.call("GET", f"/drive/v3/files/{file_id}", f"downloading file {file_id}", {"alt": "media"}).content

    def list_children(
        self, folder_id: str, drive_id: Optional[str] = None, fields: str = "id,name,mimeType"
    ) -> list[dict[str, Any]]:
        """Every non-trashed child of a folder -> [file], following pages."""
        params = {
            "q": f"'{folder_id}' in parents and trashed = false",
            "pageSize": "1000",
            "fields": f"nextPageToken,files({fields})",
            "includeItemsFromAllDrives": "true",
        }
        if drive_id:
            params.update(corpora="drive", driveId=drive_id)
        files: list[dict[str, Any]] = []
        token: Optional[str] = None
        while True:
            paged = {**params, **({"pageToken": token} if token else {})}
            page = self.call("GET", "/drive/v3/files", f"listing folder {folder_id}", paged).json()
            files += page.get("files", [])
            token = page.get("nextPageToken")
            if not token:
                return files

    def generate_ids(self, count: int) -> list[str]:
        """`count` file ids for creates (files.generateIds)."""
        params = {"count": str(count), "space": "drive", "type": "files"}
        return self.call("GET", "/drive/v3/files/generateIds", "generating file ids", params).json()["ids"]

    def create(
        self,
        folder_id: str,
        name: str,
        data: bytes,
        file_id: str,
        mime_type: str = "application/json",
        properties: Optional[dict[str, str]] = None,
    ) -> str:
        """Creates a file with its content (and public `properties`, if given) in one multipart
        upload (a resumable upload over 5 MB). With an id from generate_ids, a retried create
        that already took effect answers 409, which means it is done: no second copy. A 409
        with no earlier attempt that may have landed raises DriveIdInUse."""
        meta: dict[str, Any] = {
            "id": file_id,
            "name": name,
            "parents": [folder_id],
            "mimeType": mime_type,
            **({"properties": properties} if properties else {}),
        }
        what, path = f"creating {name}", "/upload/drive/v3/files"
        if len(data) > SIMPLE_UPLOAD_LIMIT:
            upload_resumable(self, "POST", path, what, meta, data, mime_type, self.chunk_size)
        else:
            multipart(self, "POST", path, what, meta, data, mime_type, ok_if_landed=(409,))
        return file_id

    def update_content(
        self,
        file_id: str,
        data: bytes,
        mime_type: str = "application/json",
        properties: Optional[dict[str, Optional[str]]] = None,
    ) -> None:
        """Replaces a file's content, by id, and merges `properties` (None deletes a key) in the
        same request (over 5 MB, a resumable upload)."""
        what, path = f"updating file {file_id}", f"/upload/drive/v3/files/{file_id}"
        meta = {"properties": properties} if properties else None
        if len(data) > SIMPLE_UPLOAD_LIMIT:
            upload_resumable(self, "PATCH", path, what, meta, data, mime_type, self.chunk_size)
        elif meta:
            multipart(self, "PATCH", path, what, meta, data, mime_type)
        else:
            params = {"uploadType": "media", "fields": "id"}
            self.call("PATCH", path, what, params, data=data, headers={"Content-Type": mime_type})

    def delete(self, file_id: str) -> bool:
        """Deletes a file for good; False when it was already gone (a retried delete that took effect).
        Only the owner (My Drive) or an `organizer` (a Shared Drive) may: others get a 403."""
        response = self.call("DELETE", f"/drive/v3/files/{file_id}", f"deleting file {file_id}", ok=(200, 204, 404))
        return response.status_code != 404

    def trash(self, file_id: str) -> bool:
        """Moves a file to the trash (files.update trashed=true); False when it was already gone.
        In a Shared Drive a `fileOrganizer` may; in My Drive only the owner."""
        what, params = f"trashing file {file_id}", {"fields": "id"}
        response = self.call("PATCH", f"/drive/v3/files/{file_id}", what, params, ok=(200, 404), json={"trashed": True})
        return response.status_code != 404

    def start_page_token(self, drive_id: Optional[str] = None) -> str:
        """Where the changes feed starts now (changes.getStartPageToken)."""
        params = {"driveId": drive_id} if drive_id else {}
        what = "starting the changes feed"
        return self.call("GET", "/drive/v3/changes/startPageToken", what, params).json()["startPageToken"]

    def changes(
        self, page_token: str, drive_id: Optional[str] = None
    ) -> tuple[list[dict[str, Any]], Optional[str], Optional[str]]:
        """One page of changes -> (changes, next page token or None, new start token or None)."""
        params = {
            "pageToken": page_token,
            "pageSize": "1000",
            "includeItemsFromAllDrives": "true",
            "fields": f"nextPageToken,newStartPageToken,changes(fileId,removed,file({FEED_FIELDS}))",
        }
        if drive_id:
            params["driveId"] = drive_id
        page = self.call("GET", "/drive/v3/changes", "reading the changes feed", params).json()
        return page.get("changes", []), page.get("nextPageToken"), page.get("newStartPageToken")
