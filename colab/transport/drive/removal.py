"""Removing a mailbox file with the roles Google documents (the twin of src/transport/drive/removal.ts).

In a Shared Drive a file is trashed: a `fileOrganizer` (Content manager) may trash, and
only an `organizer` may delete. In My Drive it is deleted, or trashed when Drive refuses
the delete (only the owner may do either). A trashed file reads as gone on both sides.

Usage:
    removed = remove_file(api, file_id, in_shared_drive=True)   # False: it was already gone
"""
from __future__ import annotations

from colab.transport.drive.api import DriveApi
from colab.transport.drive.errors import DriveError, refused


def remove_file(api: DriveApi, file_id: str, in_shared_drive: bool) -> bool:
    """Trash in a Shared Drive; in My Drive, delete, and trash when the delete is refused -> removed now.
    Raises the DriveError when Drive refuses the trash too (`refused(error)` is then true)."""
    if not in_shared_drive:
        try:
            return api.delete(file_id)
        except DriveError as e:
            if not refused(e):
                raise
    return api.trash(file_id)
