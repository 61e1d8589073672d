"""Finding the mailbox's subfolders, against the Drive v3 fake: by the ids `npm run mailbox:init`
records in the root's properties (files.get by id, no listing by name, which lags behind writes),
or, for mailboxes made before, by listing the root's children by name."""
import pytest

from colab.tests.fakes.drive import drive_api, make_folder
from colab.transport.drive.drive import DriveTransport
from colab.transport.drive.mailbox_folders import LAYOUT_KEY, property_key
from colab.transport.transport import FOLDERS, MailboxError


@pytest.fixture(autouse=True)
def no_lag(drive_fake):
    drive_fake.control("POST", "faults/clear")
    yield
    drive_fake.control("POST", "list-lag", {"ms": 0})


class Listings:
    """Wraps a client's list_children to record which folders were listed by name."""

    def __init__(self, c):
        self.folders, self.real = [], c.list_children
        c.list_children = self

    def __call__(self, folder_id, *args, **kw):
        self.folders.append(folder_id)
        return self.real(folder_id, *args, **kw)


def mailbox(c, recorded=None, names=FOLDERS):
    """A root with subfolders named `names` -> (root id, {name: id}); `recorded` properties set on the root."""
    root = make_folder(c, "storyloom-mailbox")
    ids = {name: make_folder(c, name, root) for name in names}
    if recorded is not None:
        properties = recorded(ids)
        c.call("PATCH", f"/drive/v3/files/{root}", "recording the folders", json={"properties": properties})
    return root, ids


def all_six(ids):
    return {LAYOUT_KEY: "1", **{property_key(f): ids[f] for f in FOLDERS}}


def test_recorded_ids_are_used_without_listing_the_root(drive_fake):
    c = drive_api(drive_fake)
    drive_fake.control("POST", "list-lag", {"ms": 60_000})  # name-based listings see nothing made in the last minute
    root, ids = mailbox(c, all_six)
    listings = Listings(c)
    box = DriveTransport(c, root)
    assert box.folder_ids == ids and root not in listings.folders
    box.put("requests", "r.json", b"{}")
    assert box.get("requests", "r.json") == b"{}"


def test_recorded_ids_win_over_names(drive_fake):
    """The ids are what counts: a folder found by name elsewhere does not matter."""
    c = drive_api(drive_fake)
    elsewhere = make_folder(c, "requests-elsewhere")
    root, ids = mailbox(c, lambda ids: {**all_six(ids), property_key("requests"): elsewhere})
    box = DriveTransport(c, root)
    assert box.folder_ids["requests"] == elsewhere and box.folder_ids["models"] == ids["models"]


def test_a_mailbox_made_before_is_found_by_name(drive_fake):
    c = drive_api(drive_fake)
    root, ids = mailbox(c)
    listings = Listings(c)
    assert DriveTransport(c, root).folder_ids == ids and listings.folders[0] == root


@pytest.mark.parametrize(
    "recorded",
    [
        lambda ids: {k: v for k, v in all_six(ids).items() if k != property_key("models")},  # one missing
        lambda ids: {**all_six(ids), LAYOUT_KEY: "2"},  # a layout this worker does not know
        lambda ids: {k: v for k, v in all_six(ids).items() if k != LAYOUT_KEY},  # no version
        lambda ids: {**all_six(ids), property_key("control"): ""},  # an empty id
    ],
    ids=["one-missing", "unknown-version", "no-version", "empty-id"],
)
def test_incomplete_records_fall_back_to_names(drive_fake, recorded):
    c = drive_api(drive_fake)
    root, ids = mailbox(c, recorded)
    listings = Listings(c)
    assert DriveTransport(c, root).folder_ids == ids and listings.folders[0] == root


def test_the_fallback_still_names_missing_subfolders(drive_fake):
    c = drive_api(drive_fake)
    root, _ = mailbox(c, lambda ids: {LAYOUT_KEY: "1"}, names=("requests", "responses"))
    with pytest.raises(MailboxError, match="lacks the subfolders workers, control, stories, models"):
        DriveTransport(c, root)
