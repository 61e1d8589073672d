"""LocalFolderTransport: atomic writes, temporary files never seen, news by listing."""
import os

import pytest

from colab.transport.local import LocalFolderTransport
from colab.transport.transport import FOLDERS, Change, is_mailbox_name


def test_creates_the_folders_and_puts_gets_deletes_lists(tmp_path):
    box = LocalFolderTransport(str(tmp_path / "m"))
    assert sorted(os.listdir(box.root)) == sorted(FOLDERS)
    box.put("requests", "a.json", b"1")
    box.put("requests", "a.json", b"22")
    assert box.get("requests", "a.json") == b"22" and box.get("requests", "b.json") is None
    assert box.list("requests") == ["a.json"]
    assert box.delete("requests", "a.json") and not box.delete("requests", "a.json")


def test_writes_are_atomic_through_a_dot_temp_file(tmp_path, monkeypatch):
    box = LocalFolderTransport(str(tmp_path / "m"))
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append((os.path.basename(src), sorted(os.listdir(os.path.dirname(dst)))))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    box.put("responses", "r.json", b"{}")
    [(tmp_name, listing)] = seen
    assert tmp_name.startswith(".r.json.") and tmp_name.endswith(".tmp") and listing == [tmp_name]
    assert box.list("responses") == ["r.json"]


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    box = LocalFolderTransport(str(tmp_path / "m"))
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        box.put("responses", "r.json", b"{}")
    assert os.listdir(os.path.join(box.root, "responses")) == []


def test_news_reports_new_changed_and_removed_files_but_not_temporary_ones(tmp_path):
    box = LocalFolderTransport(str(tmp_path / "m"))
    box.put("requests", "old.json", b"1")
    box.news()
    box.put("requests", "new.json", b"1")
    box.put("control", "c.json", b"1")
    open(os.path.join(box.root, "requests", ".x.json.abc.tmp"), "w").close()
    box.delete("requests", "old.json")
    assert box.news() == [
        Change("requests", "new.json"),
        Change("requests", "old.json", True),
        Change("control", "c.json"),
    ]
    assert box.news() == []
    box.put("requests", "new.json", b"changed, longer")
    assert box.news() == [Change("requests", "new.json")]


def test_mailbox_names():
    assert is_mailbox_name("01JDQ3Z7N8X2K4M6P8R0T2V4W6.json") and is_mailbox_name("colab-7f3a.json")
    assert not any(
        is_mailbox_name(n)
        for n in (
            ".a.json",
            "a.txt",
            "Copy of a.json",
            "a.json.tmp",
            ".json",
            "_a.json",
            "a..json",
            "a" * 196 + ".json",
        )
    )
