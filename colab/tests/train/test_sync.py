"""colab/train/sync.py: a notebook training run's checkpoint survives a Colab recycle."""
import hashlib
import json
import os
import threading

import pytest

from colab.train.sync import TrainingSync
from colab.train.train import CHECKPOINT_SAVED
from colab.transport.local import LocalFolderTransport


class RemoteMailbox:
    """A Drive-like mailbox (not a local folder): files in memory, every put recorded."""

    def __init__(self, fail=False):
        self.files, self.puts, self.fail = {}, [], fail
        self.lock = threading.Lock()

    def put(self, folder, name, data):
        if self.fail:
            raise RuntimeError("Drive said 503")
        with self.lock:
            self.files[(folder, name)] = bytes(data)
            self.puts.append((folder, name))

    def get(self, folder, name):
        return self.files.get((folder, name))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_artifact(out_dir, name, weights, matching=True):
    write(os.path.join(out_dir, f"{name}.safetensors"), weights)
    sha = hashlib.sha256(weights if matching else b"other").hexdigest()
    write(os.path.join(out_dir, f"{name}.json"), json.dumps({"weights": {"sha256": sha}}).encode())


def test_a_folder_mailbox_holds_the_checkpoint_itself_and_nothing_is_copied(tmp_path):
    box = LocalFolderTransport(str(tmp_path / "mailbox"))
    sync = TrainingSync(box, "medium", scratch=str(tmp_path / "content"))
    models = str(tmp_path / "mailbox" / "models")
    assert sync.out_dir == models and sync.checkpoint == os.path.join(models, "checkpoints", "medium.pt")
    assert sync.restore() == [] and not sync.on_line(f"{CHECKPOINT_SAVED}{sync.checkpoint} at step 5\n")
    write(sync.checkpoint, b"ckpt")
    sync.finish()
    assert box.list("models") == []  # the checkpoints/ folder is no mailbox file: the worker never sees it


def test_drive_restore_fetches_only_what_this_runtime_lacks(tmp_path):
    box = RemoteMailbox()
    box.files[("models", "small.checkpoint.pt")] = b"old runtime"
    box.files[("models", "small.json")] = b"{}"
    sync = TrainingSync(box, "small", scratch=str(tmp_path))
    assert sync.checkpoint == str(tmp_path / "checkpoints" / "small.pt") and sync.out_dir == str(tmp_path / "models")
    assert sync.restore() == ["small.checkpoint.pt", "small.json"]
    with open(sync.checkpoint, "rb") as f:
        assert f.read() == b"old runtime"
    write(sync.checkpoint, b"this runtime, newer")
    assert sync.restore() == []  # a local checkpoint is never replaced
    with open(sync.checkpoint, "rb") as f:
        assert f.read() == b"this runtime, newer"


def test_drive_a_checkpoint_line_copies_checkpoint_and_matching_model_weights_first(tmp_path):
    box, logs = RemoteMailbox(), []
    sync = TrainingSync(box, "small", scratch=str(tmp_path), log=logs.append)
    write(sync.checkpoint, b"ckpt-1")
    write_artifact(sync.out_dir, "small", b"weights-1")
    assert not sync.on_line("step 250 chars 2.0M train 2.1 val 2.2 lr 3.00e-03 1.2 min\n")
    assert sync.on_line(f"{CHECKPOINT_SAVED}{sync.checkpoint} at step 250\n")
    sync._thread.join()
    assert box.puts == [("models", "small.checkpoint.pt"), ("models", "small.safetensors"), ("models", "small.json")]
    assert box.files[("models", "small.checkpoint.pt")] == b"ckpt-1" and "copied" in logs[-1]
    write(sync.checkpoint, b"ckpt-2")
    sync.finish()
    assert box.files[("models", "small.checkpoint.pt")] == b"ckpt-2" and sync.uploads == 2


def test_drive_a_model_caught_mid_export_waits_for_the_next_copy(tmp_path):
    box = RemoteMailbox()
    sync = TrainingSync(box, "small", scratch=str(tmp_path))
    write(sync.checkpoint, b"ckpt")
    write_artifact(sync.out_dir, "small", b"new weights", matching=False)
    assert sync.upload() == ["small.checkpoint.pt"]


def test_drive_a_failed_background_copy_is_logged_and_training_goes_on(tmp_path):
    logs = []
    sync = TrainingSync(RemoteMailbox(fail=True), "small", scratch=str(tmp_path), log=logs.append)
    write(sync.checkpoint, b"ckpt")
    assert sync.on_line(f"{CHECKPOINT_SAVED}{sync.checkpoint} at step 1\n")
    sync._thread.join()
    assert "could not copy" in logs[-1] and "503" in logs[-1]
    with pytest.raises(RuntimeError, match="503"):
        sync.finish()  # the last copy's failure is the notebook's to report
