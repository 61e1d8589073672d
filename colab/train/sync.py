"""Keeps a notebook training run's checkpoint and best model where a Colab recycle cannot reach.

Everything under /content goes when Colab recycles the runtime, so a checkpoint
there cannot resume anything. Where the training writes depends on the mailbox:

- a local or mounted folder (LocalFolderTransport): straight into it, the model in
  `<mailbox>/models/` and the checkpoint in `<mailbox>/models/checkpoints/<name>.pt`;
  nothing needs copying.
- Drive over REST (DriveTransport): into /content, and copied into the mailbox's
  `models/` folder as `<name>.checkpoint.pt` (plus the best `<name>.json` and
  `<name>.safetensors` so far) after every checkpoint colab/train/train.py logs, in the
  background, so training does not wait. `restore()` fetches them back before
  `--resume` when this runtime does not have them.

The worker and the bot ignore `models/<name>.checkpoint.pt` and `models/checkpoints/`:
they only look for `<name>.json`.

Usage (the notebook's training cell):
    sync = TrainingSync(mailbox, "small")
    sync.restore()                      # before `python -m colab.train ... --resume`
    cmd = [..., "--out-dir", sync.out_dir, "--checkpoint", sync.checkpoint, "--resume"]
    for line in proc.stdout:
        sync.on_line(line)              # copies after each "checkpoint saved" line
    sync.finish()                       # the last copy, waited for
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import Callable, Optional

from colab.train.train import CHECKPOINT_SAVED
from colab.transport.local import LocalFolderTransport
from colab.transport.transport import Transport

ARTIFACT_EXTS = (".safetensors", ".json")


class TrainingSync:
    """Where a notebook training run writes, and the copies that make it survive a recycle."""

    def __init__(
        self, mailbox: Transport, name: str, scratch: str = "/content", log: Callable[[str], None] = print
    ) -> None:
        self.mailbox, self.name, self.log = mailbox, name, log
        self.remote = not isinstance(mailbox, LocalFolderTransport)
        if isinstance(mailbox, LocalFolderTransport):
            self.out_dir = os.path.join(mailbox.root, "models")
            self.checkpoint = os.path.join(self.out_dir, "checkpoints", f"{name}.pt")
        else:
            self.out_dir = os.path.join(scratch, "models")
            self.checkpoint = os.path.join(scratch, "checkpoints", f"{name}.pt")
        self.checkpoint_name = f"{name}.checkpoint.pt"  # in the mailbox's models/ (Drive only)
        self.uploads = 0
        self._thread: Optional[threading.Thread] = None

    def files(self) -> list[tuple[str, str]]:
        """(local path, name in models/) of everything worth keeping."""
        pairs = [(self.checkpoint, self.checkpoint_name)]  # then the model: weights, then json
        pairs += [(os.path.join(self.out_dir, self.name + ext), self.name + ext) for ext in ARTIFACT_EXTS]
        return pairs

    def restore(self) -> list[str]:
        """Drive: downloads what this runtime lacks -> the names fetched. Errors propagate:
        starting fresh would overwrite the mailbox's checkpoint with an earlier one."""
        if not self.remote:
            return []
        fetched = []
        for path, name in self.files():
            if os.path.exists(path):
                continue
            data = self.mailbox.get("models", name)
            if data is None:
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.download"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
            fetched.append(name)
        if fetched:
            self.log(f"restored from the mailbox's models/: {', '.join(fetched)}")
        return fetched

    def on_line(self, line: str) -> bool:
        """Starts a background copy when `line` says a checkpoint was saved -> whether it did.

        A copy still running is not interrupted; this checkpoint is then skipped, and a later one goes."""
        if not (self.remote and line.startswith(CHECKPOINT_SAVED)):
            return False
        if self._thread is not None and self._thread.is_alive():
            return False
        self._thread = threading.Thread(target=self._upload_quietly, name="storyloom-train-sync", daemon=True)
        self._thread.start()
        return True

    def finish(self) -> None:
        """Waits for a copy in flight, then copies everything once more (Drive); errors propagate."""
        if not self.remote:
            return
        if self._thread is not None:
            self._thread.join()
        self.upload()

    def upload(self) -> list[str]:
        """Copies every file that exists into the mailbox's models/ -> the names copied.

        All are read before any is sent (train.py replaces each file atomically, and may
        export a better model meanwhile); the model goes only when its json and weights
        match, weights before json, so a reader never finds a json without its weights."""
        blobs = {}
        for path, name in self.files():
            try:
                with open(path, "rb") as f:
                    blobs[name] = f.read()
            except FileNotFoundError:
                continue
        if not self._artifact_matches(blobs):
            for ext in ARTIFACT_EXTS:
                blobs.pop(self.name + ext, None)
        done = []
        for name in (self.checkpoint_name, self.name + ".safetensors", self.name + ".json"):
            if name in blobs:
                self.mailbox.put("models", name, blobs[name])
                done.append(name)
        self.uploads += 1
        return done

    def _artifact_matches(self, blobs: dict[str, bytes]) -> bool:
        doc, weights = blobs.get(self.name + ".json"), blobs.get(self.name + ".safetensors")
        if doc is None or weights is None:
            return False
        try:
            return json.loads(doc)["weights"]["sha256"] == hashlib.sha256(weights).hexdigest()
        except (ValueError, KeyError, TypeError):
            return False

    def _upload_quietly(self) -> None:
        try:
            names = self.upload()
            self.log(f"copied into the mailbox's models/: {', '.join(names)}")
        except Exception as e:  # noqa: BLE001 - training goes on; the next checkpoint tries again
            self.log(f"could not copy the checkpoint into the mailbox (will retry at the next one): {e}")
