"""Creates with an id from files.generateIds, against the Drive v3 fake: a 409 on the first attempt
means the id is already in use (an error); a 409 after an attempt that may have landed (a dropped
connection, a timeout, a 5xx, a 429) means that attempt made the file (success, no second copy).
The same holds for the resumable uploads of files over 5 MB."""
import pytest

from colab.tests.fakes.drive import drive_api, make_folder
from colab.transport.drive.errors import DriveIdInUse
from colab.transport.drive.uploads import SIMPLE_UPLOAD_LIMIT

BIG = SIMPLE_UPLOAD_LIMIT + 1024


@pytest.fixture
def folder(drive_fake):
    drive_fake.control("POST", "faults/clear")
    folder_id = make_folder(drive_api(drive_fake), "creates")
    yield folder_id
    drive_fake.control("POST", "faults/clear")
    drive_api(drive_fake).delete(folder_id)


def used_id(c, folder):
    """An id that a file already has."""
    file_id = c.generate_ids(1)[0]
    c.create(folder, "first.json", b"{}", file_id)
    return file_id


def names(fake, folder):
    return sorted(f["name"] for f in drive_api(fake).list_children(folder))


@pytest.mark.parametrize("size", [2, BIG], ids=["multipart", "resumable"])
def test_a_409_on_the_first_attempt_says_the_id_is_in_use(drive_fake, folder, size):
    c = drive_api(drive_fake)
    file_id = used_id(c, folder)
    with pytest.raises(DriveIdInUse, match="id is already in use") as raised:
        c.create(folder, "second.json", b"x" * size, file_id)
    assert raised.value.status == 409
    assert names(drive_fake, folder) == ["first.json"] and c.download(file_id) == b"{}"


@pytest.mark.parametrize("kind", ["error500", "error503", "tooMany429", "drop"])
def test_a_409_after_an_attempt_that_landed_is_success(drive_fake, folder, kind):
    c = drive_api(drive_fake)
    drive_fake.fail_next("files.create", kind, afterEffect=True, retryAfterSeconds=0)
    file_id = c.create(folder, f"landed-{kind}.json", b'{"n": 1}', c.generate_ids(1)[0])
    assert names(drive_fake, folder) == [f"landed-{kind}.json"] and c.download(file_id) == b'{"n": 1}'
    assert drive_fake.injected() >= 1


def test_a_409_after_a_timeout_is_success(drive_fake, folder):
    c = drive_api(drive_fake, timeout=(5, 0.5))
    drive_fake.fail_next("files.create", "timeout", afterEffect=True, timeoutMs=2000)
    file_id = c.create(folder, "timed-out.json", b"{}", c.generate_ids(1)[0])
    assert names(drive_fake, folder) == ["timed-out.json"] and c.download(file_id) == b"{}"


def test_a_409_after_a_rate_limit_is_still_an_id_in_use(drive_fake, folder):
    """A 403 rate limit is refused before it has any effect: it cannot have made the file."""
    c = drive_api(drive_fake)
    file_id = used_id(c, folder)
    drive_fake.fail_next("files.create", "rateLimit403")
    with pytest.raises(DriveIdInUse):
        c.create(folder, "second.json", b"{}", file_id)
    assert names(drive_fake, folder) == ["first.json"]


def test_a_resumable_create_whose_initiation_answer_was_lost_and_landed_counts_as_done(drive_fake, folder):
    """The initiation is retried after a 5xx; a 409 for the id then means the file is there (the
    previous sessions' uploads are covered in test_drive_upload.py)."""
    c = drive_api(drive_fake)
    file_id = used_id(c, folder)
    drive_fake.fail_next("files.create", "error503", retryAfterSeconds=0)
    assert c.create(folder, "again.bin", b"y" * BIG, file_id, "application/octet-stream") == file_id
    assert names(drive_fake, folder) == ["first.json"]  # nothing new was uploaded


def test_the_transport_does_not_remember_a_clashing_create(drive_fake):
    """DriveTransport.put raises DriveIdInUse and keeps no name for it; the next put takes a new id."""
    from colab.transport.drive.drive import DriveTransport
    from colab.tests.fakes.drive import make_mailbox

    c = drive_api(drive_fake)
    box = DriveTransport(c, make_mailbox(c))
    box.put("responses", "a.json", b"{}")
    box.ids.insert(0, box.index.names["responses"]["a.json"])  # the next id handed out is a used one
    with pytest.raises(DriveIdInUse):
        box.put("responses", "b.json", b"{}")
    assert box.list("responses") == ["a.json"]
    box.put("responses", "b.json", b'{"b": 1}')
    assert box.list("responses") == ["a.json", "b.json"] and box.get("responses", "b.json") == b'{"b": 1}'
