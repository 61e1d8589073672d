"""Uploads through the Drive REST client against the Drive v3 fake: files over 5 MB go up
in resumable uploads that survive lost chunks and lost sessions; small files stay one call."""
import random

import pytest

from colab.tests.fakes.drive import drive_api, make_folder
from colab.transport.drive.errors import DriveError
from colab.transport.drive.uploads import SIMPLE_UPLOAD_LIMIT

MIB = 1024 * 1024


@pytest.fixture
def folder(drive_fake):
    """A fresh folder, deleted afterwards so the shared fake does not keep megabytes around."""
    drive_fake.control("POST", "faults/clear")
    folder_id = make_folder(drive_api(drive_fake), "models")
    yield folder_id
    drive_fake.control("POST", "faults/clear")
    drive_api(drive_fake).delete(folder_id)


def names_in(fake, folder_id):
    """The names in a folder (by the API: the fake's file dump carries every file's content)."""
    return sorted(f["name"] for f in drive_api(fake).list_children(folder_id))


def payload(size, seed=1):
    """Bytes without a period, so a chunk in the wrong place shows."""
    return random.Random(seed).randbytes(size)


class Spent:
    """What one block of client calls cost: the fake's calls by method, and the client's request count."""

    def __init__(self, fake, c):
        self.fake, self.c = fake, c

    def __enter__(self):
        self.before, self.calls_before = self.fake.calls(), self.c.calls
        return self

    def __exit__(self, *exc):
        after = self.fake.calls()
        self.by_method = {m: n - self.before.get(m, 0) for m, n in after.items() if n != self.before.get(m, 0)}
        self.requests = self.c.calls - self.calls_before


class HookedSession:
    """Wraps a session: runs `action` once, just before the first PUT to an upload session
    that `when(content_range)` picks, so the fake's own faults can strike mid-upload."""

    def __init__(self, session, when, action):
        self.session, self.when, self.action, self.fired = session, when, action, False
        self.ranges = []

    def request(self, method, url, **kw):
        content_range = (kw.get("headers") or {}).get("Content-Range")
        if method == "PUT" and content_range:
            self.ranges.append(content_range)
            if not self.fired and self.when(content_range):
                self.fired = True
                self.action()
        return self.session.request(method, url, **kw)


def hooked(fake, when, action):
    c = drive_api(fake)
    c.session = HookedSession(c.session, when, action)
    return c


def starts_at(offset):
    return lambda content_range: content_range.startswith(f"bytes {offset}-")


def test_a_12_mb_create_and_update_round_trip_in_resumable_uploads(drive_fake, folder):
    c = drive_api(drive_fake)
    data = payload(12 * MIB + 123)
    with Spent(drive_fake, c) as create:
        file_id = c.create(folder, "small.safetensors", data, c.generate_ids(1)[0], "application/octet-stream")
    assert create.by_method == {"files.generateIds": 1, "files.create": 1, "files.upload.chunk": 2}
    assert create.requests == 4 and c.download(file_id) == data
    assert c.get_metadata(file_id)["mimeType"] == "application/octet-stream"
    newer = payload(13 * MIB, seed=2)
    with Spent(drive_fake, c) as update:
        c.update_content(file_id, newer, "application/octet-stream")
    assert update.by_method == {"files.update": 1, "files.upload.chunk": 2} and update.requests == 3
    assert c.download(file_id) == newer


@pytest.mark.parametrize(
    "kind, after_effect",
    [("error503", False), ("drop", False), ("tooMany429", False), ("error500", True), ("drop", True)],
)
def test_a_chunk_that_fails_mid_upload_is_resumed_from_what_drive_holds(drive_fake, folder, kind, after_effect):
    chunk = 4 * MIB
    c = hooked(
        drive_fake,
        starts_at(chunk),
        lambda: drive_fake.fail_next("files.upload.chunk", kind, afterEffect=after_effect, retryAfterSeconds=0),
    )
    c.chunk_size = chunk
    data = payload(3 * chunk - 5)  # three chunks, the last one short
    name = f"resume-{kind}-{after_effect}.bin"
    with Spent(drive_fake, c) as spent:
        file_id = c.create(folder, name, data, c.generate_ids(1)[0], "application/octet-stream")
    assert c.download(file_id) == data and names_in(drive_fake, folder) == [name]
    # The failed chunk, then a status query; the chunk is sent again only if Drive did not keep it.
    resent = [f"bytes {chunk}-{2 * chunk - 1}/{len(data)}"] if not after_effect else []
    assert c.session.ranges == [
        f"bytes 0-{chunk - 1}/{len(data)}",
        f"bytes {chunk}-{2 * chunk - 1}/{len(data)}",
        f"bytes */{len(data)}",
        *resent,
        f"bytes {2 * chunk}-{len(data) - 1}/{len(data)}",
    ]
    assert spent.requests == 2 + len(c.session.ranges)  # generateIds, the initiation, every PUT
    assert drive_fake.injected() >= 1


def test_a_lost_session_is_started_again(drive_fake, folder):
    c = hooked(drive_fake, starts_at(8 * MIB), lambda: drive_fake.control("POST", "uploads/expire"))
    data = payload(20 * MIB, seed=3)
    with Spent(drive_fake, c) as spent:
        file_id = c.create(folder, "lost.bin", data, c.generate_ids(1)[0], "application/octet-stream")
    assert c.download(file_id) == data
    # chunk 1, chunk 2 (404: the session is gone), then a new session and all three chunks.
    assert spent.by_method == {"files.generateIds": 1, "files.create": 2, "files.upload.chunk": 5}


def test_a_create_that_finished_before_its_session_was_lost_is_not_made_twice(drive_fake, folder):
    """The last chunk took effect but its answer was lost, and the session is gone by the status
    query: the new session's initiation answers 409 for the id, which means done."""
    c = hooked(
        drive_fake, starts_at(8 * MIB), lambda: drive_fake.fail_next("files.upload.chunk", "drop", afterEffect=True)
    )
    c.session = HookedSession(
        c.session, lambda r: r.startswith("bytes */"), lambda: drive_fake.control("POST", "uploads/expire")
    )
    data = payload(9 * MIB, seed=4)
    with Spent(drive_fake, c) as spent:
        file_id = c.create(folder, "once.bin", data, c.generate_ids(1)[0], "application/octet-stream")
    assert c.download(file_id) == data and names_in(drive_fake, folder) == ["once.bin"]
    assert spent.by_method == {"files.generateIds": 1, "files.create": 2, "files.upload.chunk": 3}


def test_a_chunk_that_keeps_failing_gives_up_after_the_capped_retries(drive_fake, folder):
    c = drive_api(drive_fake, attempts=3)
    drive_fake.fail_next("files.upload.chunk", "error503", count=10)
    with pytest.raises(DriveError, match="kept failing while creating stuck.bin"):
        c.create(folder, "stuck.bin", payload(6 * MIB), c.generate_ids(1)[0], "application/octet-stream")
    drive_fake.control("POST", "faults/clear")
    assert names_in(drive_fake, folder) == []


def test_small_files_stay_one_request(drive_fake, folder):
    c = drive_api(drive_fake)
    file_id = c.generate_ids(1)[0]
    with Spent(drive_fake, c) as create:
        c.create(folder, "job.json", b'{"v": 1}', file_id)
    with Spent(drive_fake, c) as update:
        c.update_content(file_id, b'{"v": 2}')
    edge = payload(SIMPLE_UPLOAD_LIMIT, seed=5)  # exactly 5 MB still fits one request
    with Spent(drive_fake, c) as at_limit:
        c.update_content(file_id, edge, "application/octet-stream")
    assert (create.by_method, create.requests) == ({"files.create": 1}, 1)
    assert (update.by_method, update.requests) == ({"files.update": 1}, 1)
    assert (at_limit.by_method, at_limit.requests) == ({"files.update": 1}, 1)
    assert c.download(file_id) == edge
