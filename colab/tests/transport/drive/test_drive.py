"""The Drive REST client and DriveTransport against the Drive v3 fake: files, news, retries, errors."""
import time

import pytest

from colab.tests.fakes.drive import drive_api, make_folder, make_mailbox
from colab.transport.drive.drive import DriveTransport
from colab.transport.drive.errors import DriveAuthError, DriveError, DriveQuotaError, DriveScopeError
from colab.transport.transport import Change, MailboxError


@pytest.fixture
def mailbox(drive_fake):
    return make_mailbox(drive_api(drive_fake))


@pytest.fixture
def box(drive_fake, mailbox):
    return DriveTransport(drive_api(drive_fake), mailbox)


def test_put_get_delete_list_by_id(drive_fake, box):
    box.put("responses", "a.json", b'{"n": 1}')
    assert box.get("responses", "a.json") == b'{"n": 1}' and box.list("responses") == ["a.json"]
    before = drive_fake.calls()
    box.put("responses", "a.json", b'{"n": 2}')  # an overwrite is one PATCH by id: no listing, no create
    after = drive_fake.calls()
    assert {m: n - before.get(m, 0) for m, n in after.items() if n != before.get(m, 0)} == {"files.update": 1}
    assert box.get("responses", "a.json") == b'{"n": 2}'
    assert box.delete("responses", "a.json") and box.get("responses", "a.json") is None
    assert not box.delete("responses", "a.json") and box.list("responses") == []
    assert box.list("models") == [] and box.description.startswith("Drive folder")


def test_news_comes_from_the_changes_feed(drive_fake, mailbox, box):
    bot = DriveTransport(drive_api(drive_fake), mailbox)
    bot.put("requests", "r1.json", b"{}")
    bot.put("control", "c1.json", b"{}")
    bot.put("stories", ".tmp-ignored.json", b"{}")
    assert box.news() == [Change("requests", "r1.json"), Change("control", "c1.json")]
    assert box.get("requests", "r1.json") == b"{}"  # known by id from the feed, no listing needed
    bot.delete("requests", "r1.json")
    bot.api.call(
        "PATCH", f"/drive/v3/files/{bot.index.names['control']['c1.json']}", "trashing", json={"trashed": True}
    )
    assert box.news() == [Change("requests", "r1.json", True), Change("control", "c1.json", True)]
    assert box.news() == [] and box.list("requests") == []


def test_startup_lists_what_is_already_there(drive_fake, mailbox):
    DriveTransport(drive_api(drive_fake), mailbox).put("requests", "early.json", b"{}")
    late = DriveTransport(drive_api(drive_fake), mailbox)
    assert late.list("requests") == ["early.json"]
    assert late.get("requests", "early.json") == b"{}"


@pytest.mark.parametrize("kind", ["error500", "drop"])
def test_a_retried_create_that_already_happened_makes_no_second_copy(drive_fake, box, kind):
    name = f"after-{kind}.json"
    drive_fake.fail_next("files.create", kind, afterEffect=True)
    box.put("responses", name, b"{}")
    assert len(drive_fake.files_named(name)) == 1 and box.get("responses", name) == b"{}"


@pytest.mark.parametrize("kind", ["rateLimit403", "userRateLimit403", "tooMany429", "error500", "error503", "drop"])
def test_transient_failures_are_retried(drive_fake, box, kind):
    box.put("requests", f"{kind}.json", b"x")
    drive_fake.fail_next("files.get.media", kind, count=2, retryAfterSeconds=0)
    assert box.get("requests", f"{kind}.json") == b"x"
    drive_fake.fail_next("changes.list", kind)
    assert box.news() == [Change("requests", f"{kind}.json")]


def test_retry_after_is_honoured(drive_fake, box):
    box.put("requests", "slow.json", b"x")
    drive_fake.fail_next("files.get.media", "tooMany429", retryAfterSeconds=1)
    started = time.monotonic()
    assert box.get("requests", "slow.json") == b"x" and time.monotonic() - started >= 1.0


def test_a_timeout_is_retried(drive_fake, mailbox):
    box = DriveTransport(drive_api(drive_fake, timeout=(5, 0.5)), mailbox)
    box.put("requests", "t.json", b"x")
    drive_fake.fail_next("files.get.media", "timeout", timeoutMs=3000)
    assert box.get("requests", "t.json") == b"x"


def test_retries_are_capped(drive_fake, mailbox):
    box = DriveTransport(drive_api(drive_fake, attempts=3), mailbox)
    box.put("requests", "capped.json", b"x")
    drive_fake.fail_next("files.get.media", "error503", count=3)
    with pytest.raises(DriveError, match="503"):
        box.get("requests", "capped.json")
    assert drive_fake.injected() >= 3


def test_bad_credentials_are_a_clear_error(drive_fake, mailbox):
    with pytest.raises(DriveAuthError, match="credentials.*Sign in again"):
        DriveTransport(drive_api(drive_fake, token="tok-nobody"), mailbox)


def test_a_folder_not_shared_with_this_account_is_a_clear_error(drive_fake, mailbox):
    with pytest.raises(MailboxError, match="not found, or is not shared with this account"):
        DriveTransport(drive_api(drive_fake, token="tok-bot"), mailbox)


def test_missing_subfolders_name_mailbox_init(drive_fake):
    root = make_mailbox(drive_api(drive_fake), folders=("requests", "responses"))
    with pytest.raises(MailboxError, match=r"workers, control, stories, models.*npm run mailbox:init"):
        DriveTransport(drive_api(drive_fake), root)


def test_two_subfolders_of_one_name_are_refused(drive_fake):
    c = drive_api(drive_fake)
    root = make_mailbox(c)
    make_folder(c, "requests", parent=root)
    with pytest.raises(MailboxError, match="more than one subfolder named requests"):
        DriveTransport(drive_api(drive_fake), root)


def test_a_service_account_writing_into_my_drive_is_told_to_use_a_shared_drive(drive_fake, mailbox):
    drive_fake.control("POST", "share", {"fileId": mailbox, "email": "sa@example.iam.gserviceaccount.com"})
    box = DriveTransport(drive_api(drive_fake, token="tok-sa"), mailbox)
    with pytest.raises(DriveQuotaError, match="Shared Drive, or use user credentials"):
        box.put("responses", "x.json", b"{}")


def test_a_read_only_scope_is_a_clear_error(drive_fake, mailbox):
    drive_fake.control("POST", "share", {"fileId": mailbox, "email": "ro@example.com"})
    box = DriveTransport(drive_api(drive_fake, token="tok-ro"), mailbox)
    with pytest.raises(DriveScopeError, match="auth/drive scope"):
        box.put("responses", "x.json", b"{}")


def test_a_service_account_works_on_a_shared_drive(drive_fake):
    drive = drive_fake.control(
        "POST", "drives", {"name": "storyloom", "members": ["worker@example.com", "sa@example.iam.gserviceaccount.com"]}
    )
    root = make_mailbox(drive_api(drive_fake), parent=drive["id"])
    sa = DriveTransport(drive_api(drive_fake, token="tok-sa"), root)
    user = DriveTransport(drive_api(drive_fake), root)
    user.put("requests", "r.json", b"{}")
    assert sa.news() == [Change("requests", "r.json")] and sa.get("requests", "r.json") == b"{}"
    sa.put("responses", "r.json", b"ok")
    assert sa.delete("requests", "r.json")
    assert set(user.news()) == {Change("requests", "r.json", True), Change("responses", "r.json")}
    assert sa.description.endswith(f"(shared drive {drive['id']})")


def test_a_file_is_not_a_mailbox(drive_fake, mailbox):
    c = drive_api(drive_fake)
    folder = make_folder(c, "x", mailbox)
    c.call("PATCH", f"/drive/v3/files/{folder}", "trashing", json={"trashed": True})
    with pytest.raises(MailboxError, match="in the trash"):
        DriveTransport(c, folder)
