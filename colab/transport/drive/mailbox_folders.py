"""Finds the mailbox on Drive: the root folder and its six subfolders (the Python twin of
src/transport/drive/mailbox-folders.ts).

`npm run mailbox:init` records the subfolder ids in the root folder's public `properties`:
`mailbox_v` = "1" and `mailbox_<folder>` = the folder's id, one per folder. A root read by id
(files.get, consistent at once) that carries all of them needs no listing; a mailbox made
before that is found by listing the root's child folders by name (files.list, which can lag
behind writes on Drive). Each way it can fail gets a message that says what to do.

Usage:
    root = open_root(api, root_id)         # metadata with driveId and properties
    ids = find_folders(api, root)          # {"requests": id, ..., "models": id}
"""
from __future__ import annotations

from typing import Any, Optional, cast

from colab.transport.drive.api import DriveApi
from colab.transport.drive.errors import DriveNotFound
from colab.transport.transport import FOLDERS, MailboxError

FOLDER_MIME = "application/vnd.google-apps.folder"
ROOT_FIELDS = "id,name,mimeType,driveId,trashed,properties"
LAYOUT_KEY, LAYOUT = "mailbox_v", "1"


def property_key(folder: str) -> str:
    """The root's property that holds `folder`'s id."""
    return f"mailbox_{folder}"


def open_root(api: DriveApi, root_id: str) -> dict[str, Any]:
    """The root folder's metadata -> dict; MailboxError when it is missing, not shared, not a folder or trashed."""
    try:
        root = api.get_metadata(root_id, ROOT_FIELDS)
    except DriveNotFound:
        raise MailboxError(
            f"the mailbox folder {root_id} was not found, or is not shared with this "
            "account: check the folder id printed by `npm run mailbox:init` and share the "
            "folder (or its Shared Drive) with the account the worker signs in as"
        ) from None
    if root.get("mimeType") != FOLDER_MIME or root.get("trashed"):
        raise MailboxError(
            f"{root_id} is not a mailbox folder (it is {root.get('mimeType')}"
            f"{', in the trash' if root.get('trashed') else ''})"
        )
    return root


def recorded_folders(root: dict[str, Any]) -> Optional[dict[str, str]]:
    """The subfolder ids the root's properties record -> {folder: id}, or None when they are not all there."""
    properties = root.get("properties") or {}
    if properties.get(LAYOUT_KEY) != LAYOUT:
        return None
    ids = {folder: properties.get(property_key(folder)) for folder in FOLDERS}
    if not all(isinstance(i, str) and i for i in ids.values()):
        return None
    return cast("dict[str, str]", ids)


def find_folders(api: DriveApi, root: dict[str, Any]) -> dict[str, str]:
    """The six subfolder ids: from the root's properties when it records them all, else by listing."""
    return recorded_folders(root) or listed_folders(api, root["id"], root.get("driveId"))


def listed_folders(api: DriveApi, root_id: str, drive_id: Optional[str]) -> dict[str, str]:
    """The six subfolder ids, found by name among the root's child folders (each exactly once)."""
    children = [f for f in api.list_children(root_id, drive_id) if f.get("mimeType") == FOLDER_MIME]
    names = [c["name"] for c in children]
    doubled = sorted({n for n in names if n in FOLDERS and names.count(n) > 1})
    if doubled:
        # The bot refuses such a mailbox too: two folders of one name could split the two sides.
        raise MailboxError(
            f"the mailbox folder {root_id} has more than one subfolder named "
            f"{', '.join(doubled)}: keep one of each (trash the others)"
        )
    found = {f["name"]: f["id"] for f in children}
    missing = [f for f in FOLDERS if f not in found]
    if missing:
        raise MailboxError(
            f"the mailbox folder {root_id} lacks the subfolders {', '.join(missing)}: "
            "create them with `npm run mailbox:init` (it prints the folder id to use)"
        )
    return {f: found[f] for f in FOLDERS}
