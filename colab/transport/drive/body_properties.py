"""A small file's body carried in its public Drive `properties`, so that the changes
feed delivers it and a reader needs no `files.get?alt=media`.

The layout (src/transport/drive/body-properties.ts writes and reads the same):
- `sl`: the header, `1:<chunks>:<bytes>:<sha256>`: the layout's version, the number
  of chunks, the body's length in UTF-8 bytes and its SHA-256 (hex).
- `sl0`, `sl1`, ...: the body, cut into chunks that never split a character, each
  with its key at most 124 bytes of UTF-8 (Drive's limit for one property, key and
  value together); at most 29 of them (Drive allows 30 public properties per file,
  the header is one): about 3.5 kB in all.

Public `properties`, not `appProperties`: those are private to the OAuth client that
wrote them, and the bot and the Colab worker sign in through different clients. The
file's content stays the source of truth: it is written in the same request, and a
body that does not fit, or a property set that does not add up (a count, a length
or a checksum that differs, the file's own `sha256Checksum` when Drive gives one),
is read from the content instead.

Usage:
    properties = body_to_properties(b'{"v": 1}')   # None when it does not fit
    body_from_properties(properties)               # b'{"v": 1}', or None
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Optional, cast

HEADER_KEY = "sl"  # chunk i is f"sl{i}"
LAYOUT = "1"
MAX_PROPERTIES = 30  # public properties per file, from all sources (Drive's limit)
MAX_PROPERTY_BYTES = 124  # UTF-8 bytes of one property, key and value together (Drive's limit)
MAX_CHUNKS = MAX_PROPERTIES - 1  # every property but the header
# The folders whose bodies ride in properties: their files are written once (requests, responses,
# control commands), so a body the feed brought stays the file's content for as long as the file
# exists. Files that are overwritten (heartbeats, stories, models) are read from their content.
BODY_FOLDERS = ("requests", "responses", "control")
_HEADER = re.compile(r"1:([0-9]{1,2}):([0-9]{1,5}):([0-9a-f]{64})")


def chunk_key(i: int) -> str:
    """The key of chunk `i`."""
    return f"{HEADER_KEY}{i}"


# The most bytes the chunks hold, all full.
CAPACITY = sum(MAX_PROPERTY_BYTES - len(chunk_key(i)) for i in range(MAX_CHUNKS))


def body_to_properties(data: bytes) -> Optional[dict[str, str]]:
    """The properties that carry `data` (bytes) -> dict, or None when it does not fit or is not UTF-8."""
    if len(data) > CAPACITY:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    chunks: list[str] = []
    chunk: list[str] = []
    used = 0
    for char in text:  # code points: a character is never split
        size = len(char.encode("utf-8"))
        if used + size > MAX_PROPERTY_BYTES - len(chunk_key(len(chunks))):
            chunks.append("".join(chunk))
            if len(chunks) >= MAX_CHUNKS:
                return None
            chunk, used = [], 0
        chunk.append(char)
        used += size
    if chunk:
        chunks.append("".join(chunk))
    properties = {HEADER_KEY: f"{LAYOUT}:{len(chunks)}:{len(data)}:{hashlib.sha256(data).hexdigest()}"}
    properties.update((chunk_key(i), c) for i, c in enumerate(chunks))
    return properties


def clearing_the_rest(properties: Optional[dict[str, str]]) -> dict[str, Optional[str]]:
    """What an update sends: `properties` (or None), and None (delete) for every other key
    of the layout, so that no chunk of an older body is left behind."""
    cleared = {HEADER_KEY: None, **{chunk_key(i): None for i in range(MAX_CHUNKS)}}
    return {**cleared, **(properties or {})}


def properties_for(folder: str, data: bytes) -> tuple[Optional[dict[str, str]], Optional[dict[str, Optional[str]]]]:
    """The properties a write of `data` to `folder` sends -> (on a create, on an overwrite): the
    body's (None when it does not fit), and on an overwrite the deletion of the rest of the layout
    too. (None, None) outside BODY_FOLDERS."""
    if folder not in BODY_FOLDERS:
        return None, None
    create = body_to_properties(data)
    return create, clearing_the_rest(create)


def body_from_properties(properties: Any, content_sha256: Optional[str] = None) -> Optional[bytes]:
    """The body (bytes) the properties carry, or None when they carry none or do not add up;
    `content_sha256` is the file's sha256Checksum, when Drive gives one."""
    if not isinstance(properties, dict):
        return None
    match = _HEADER.fullmatch(str(properties.get(HEADER_KEY, "")))
    if not match or int(match.group(1)) > MAX_CHUNKS:
        return None
    parts = [properties.get(chunk_key(i)) for i in range(int(match.group(1)))]
    if not all(isinstance(p, str) for p in parts):
        return None
    try:
        data = "".join(cast("list[str]", parts)).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != int(match.group(2)) or digest != match.group(3):
        return None
    return data if not content_sha256 or content_sha256.lower() == digest else None
