"""Cleanup with the roles Google documents, against the Drive v3 fake: in a Shared Drive files are
trashed (a `fileOrganizer` may trash, only an `organizer` may delete); in My Drive the owner deletes,
and a delete Drive refuses becomes a trash; a file Drive lets us neither delete nor trash is logged
once, then reads as gone on this side, and Drive is never asked about it again."""
import pytest
import requests

from colab.tests.fakes.drive import drive_api, make_mailbox
from colab.transport.drive.drive import DriveTransport
from colab.transport.drive.errors import DriveError
from colab.transport.transport import Change

BOT = "bot@example.com"
WORKER = "worker@example.com"


@pytest.fixture(autouse=True)
def no_faults(drive_fake):
    drive_fake.control("POST", "faults/clear")


def stored(fake, file_id):
    """The fake's record of a file (with `trashed`), or None once it is deleted for good."""
    response = requests.get(f"{fake.url}/__fake/files/{file_id}", timeout=10)
    return None if response.status_code == 404 else response.json()


def spent(fake, before, label="worker"):
    return {m: n - before.get(m, 0) for m, n in fake.calls(label).items() if n != before.get(m, 0)}


def transport(fake, root, token="tok-worker"):
    logged = []
    box = DriveTransport(drive_api(fake, token), root, log=logged.append)
    return box, logged


def shared_drive(fake, worker_role):
    """A Shared Drive where the bot is a Manager and the worker has `worker_role` -> a mailbox in it."""
    drive = fake.control(
        "POST", "drives", {"name": f"storyloom-{worker_role}", "members": {BOT: "organizer", WORKER: worker_role}}
    )
    return drive["id"], make_mailbox(drive_api(fake, "tok-bot"), parent=drive["id"])


def bot_mailbox_shared_with_the_worker(fake):
    """A mailbox in the bot's My Drive, shared with the worker as an editor (so the bot owns its files)."""
    root = make_mailbox(drive_api(fake, "tok-bot"))
    fake.control("POST", "share", {"fileId": root, "email": WORKER, "role": "writer"})
    return root


def test_the_owner_deletes_in_my_drive(drive_fake):
    box, logged = transport(drive_fake, make_mailbox(drive_api(drive_fake)))
    box.put("responses", "mine.json", b"{}")
    file_id = box.index.names["responses"]["mine.json"]
    before = drive_fake.calls()
    assert box.delete("responses", "mine.json")
    assert spent(drive_fake, before) == {"files.delete": 1}
    assert stored(drive_fake, file_id) is None and box.list("responses") == [] and logged == []


def test_trash_by_id_counts_a_missing_file_as_done(drive_fake):
    c = drive_api(drive_fake)
    root = make_mailbox(c)
    box, _ = transport(drive_fake, root)
    box.put("requests", "t.json", b"{}")
    file_id = box.index.names["requests"]["t.json"]
    assert c.trash(file_id) is True and stored(drive_fake, file_id)["trashed"] is True
    c.delete(file_id)
    assert c.trash(file_id) is False


@pytest.mark.parametrize("role", ["organizer", "fileOrganizer"])
def test_in_a_shared_drive_files_are_trashed_never_deleted(drive_fake, role):
    drive_id, root = shared_drive(drive_fake, role)
    bot, _ = transport(drive_fake, root, "tok-bot")
    box, logged = transport(drive_fake, root)
    bot.put("control", "c1.json", b'{"v": 1}')
    box.news()
    file_id = box.index.names["control"]["c1.json"]
    before = drive_fake.calls()
    assert box.delete("control", "c1.json")
    assert spent(drive_fake, before) == {"files.update": 1}  # a trash; no files.delete
    assert stored(drive_fake, file_id)["trashed"] is True
    assert box.list("control") == [] and box.get("control", "c1.json") is None and logged == []
    # A trashed file reads as gone on the other side too: the feed says removed, a listing leaves it out.
    assert bot.news() == [Change("control", "c1.json", removed=True)]
    assert bot.list("control") == [] and transport(drive_fake, root, "tok-bot")[0].list("control") == []
    assert box.description.endswith(f"(shared drive {drive_id})")


def test_in_my_drive_a_refused_delete_becomes_a_trash(drive_fake, monkeypatch):
    """A non-owner whose delete is refused trashes (here the trash is let through, as Drive does for
    an owner: the refusal of the delete is what is tested)."""
    root = bot_mailbox_shared_with_the_worker(drive_fake)
    bot, _ = transport(drive_fake, root, "tok-bot")
    box, logged = transport(drive_fake, root)
    bot.put("requests", "r1.json", b"{}")
    box.news()
    file_id = box.index.names["requests"]["r1.json"]
    trashed = []
    monkeypatch.setattr(box.api, "trash", lambda fid: trashed.append(fid) or True)
    before = drive_fake.calls()
    assert box.delete("requests", "r1.json")
    assert spent(drive_fake, before) == {"files.delete": 1} and trashed == [file_id]  # refused, then trashed
    assert box.list("requests") == [] and logged == []


def test_in_my_drive_a_file_nobody_lets_us_remove_is_logged_once_then_gone_here(drive_fake):
    """The fake refuses a non-owner both files.delete and the trash in My Drive, as Drive does."""
    root = bot_mailbox_shared_with_the_worker(drive_fake)
    bot, _ = transport(drive_fake, root, "tok-bot")
    box, logged = transport(drive_fake, root)
    bot.put("control", "c2.json", b'{"v": 1}')
    box.news()
    file_id = box.index.names["control"]["c2.json"]
    before = drive_fake.calls()
    assert box.delete("control", "c2.json") is False
    assert spent(drive_fake, before) == {"files.delete": 1, "files.update": 1}
    assert len(logged) == 1 and "control/c2.json" in logged[0]
    assert "Content manager role on the Shared Drive" in logged[0] and "same Google account" in logged[0]
    assert stored(drive_fake, file_id)["trashed"] is False  # still there, for its owner to remove
    bot.put("control", "c2.json", b'{"v": 1, "changed": true}')  # an overwrite by id: news for the same file
    before = drive_fake.calls()
    assert box.news() == [] and box.list("control") == [] and box.get("control", "c2.json") is None
    assert box.delete("control", "c2.json") is False and len(logged) == 1
    assert set(spent(drive_fake, before)) == {"changes.list"}  # never asked about again


def test_a_contributor_in_a_shared_drive_may_not_trash_so_it_gives_up_once(drive_fake):
    """A `writer` (Contributor) may create files in a Shared Drive but neither trash nor delete them."""
    _, root = shared_drive(drive_fake, "writer")
    bot, _ = transport(drive_fake, root, "tok-bot")
    box, logged = transport(drive_fake, root)
    bot.put("control", "c3.json", b"{}")
    box.news()
    file_id = box.index.names["control"]["c3.json"]
    before = drive_fake.calls()
    assert box.delete("control", "c3.json") is False
    assert spent(drive_fake, before) == {"files.update": 1}  # the trash, refused; never a files.delete
    assert box.list("control") == [] and len(logged) == 1 and "in the Shared Drive" in logged[0]
    assert stored(drive_fake, file_id)["trashed"] is False


@pytest.mark.parametrize(
    "error",
    [
        DriveError("Drive failed (500)", 500),
        DriveError("Drive failed (403 rateLimitExceeded)", 403, "rateLimitExceeded"),
    ],
)
def test_a_failure_that_is_not_a_refusal_is_raised_and_tried_again_later(drive_fake, monkeypatch, error):
    box, logged = transport(drive_fake, make_mailbox(drive_api(drive_fake)))
    box.put("responses", "later.json", b"{}")
    real_delete = box.api.delete
    monkeypatch.setattr(box.api, "delete", lambda fid: (_ for _ in ()).throw(error))
    with pytest.raises(DriveError):
        box.delete("responses", "later.json")
    assert box.list("responses") == ["later.json"] and not box.index.unremovable and logged == []
    monkeypatch.setattr(box.api, "delete", real_delete)
    assert box.delete("responses", "later.json") and box.list("responses") == []
