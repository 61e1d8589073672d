"""What a worker knows of the mailbox's jobs, kept current from the news.

Request names move from unread (seen, not read yet) to waiting (parsed, to be run)
to answered (a response exists: ours or another worker's), or to ignored (not
ours). A worker remembers what was answered until the bot deletes the request, so
it never answers a job twice after the bot deletes a response.

Usage:
    book = JobBook()
    book.scan(transport.list("requests"), transport.list("responses"))
    controls = book.on_news(transport.news())   # -> control names that appeared
"""
from __future__ import annotations

from typing import Any, Collection, Iterable, Optional

from colab.transport.transport import Change, id_of, is_mailbox_name
from colab.worker.models import LoadedModel


def refusal_of(file_job_id: str, request: dict[str, Any], loaded: Optional[LoadedModel]) -> Optional[tuple[str, str]]:
    """Why a readable request gets an error instead of a line -> (code, message), or None to run it."""
    if request["job_id"] != file_job_id:
        return "bad_request", f"job_id {request['job_id']} does not match the file name {file_job_id}.json"
    if loaded and request["model"] is not None and request["model"] not in (loaded.name, loaded.spec):
        return "model_error", f"this worker runs model {loaded.name!r}, not {request['model']!r}"
    return None


class JobBook:
    """Request and response names by what the worker has done with them."""

    def __init__(self) -> None:
        self.unread: set[str] = set()
        self.answered: set[str] = set()
        self.ignored: set[str] = set()
        self.waiting: dict[str, dict[str, Any]] = {}  # name -> parsed request

    def scan(self, requests: Iterable[str], responses: Iterable[str]) -> None:
        """Takes in the names already in requests/ and responses/ at start."""
        self.answered |= {n for n in responses if is_mailbox_name(n)}
        self.unread |= {n for n in requests if is_mailbox_name(n)} - self.answered

    def to_read(self) -> list[str]:
        """The request names to read next, in name (time) order."""
        return sorted(self.unread - self.ignored)

    def answer(self, name: str) -> None:
        """`name` has a response now: never read or run it again."""
        self.answered.add(name)
        self.unread.discard(name)
        self.waiting.pop(name, None)

    def queued(self, active_jobs: Collection[str]) -> int:
        """How many jobs wait, the ones running in `active_jobs` left out."""
        return len(self.unread - self.ignored) + len([n for n in self.waiting if id_of(n) not in active_jobs])

    def on_news(self, changes: Iterable[Change]) -> tuple[set[str], set[str]]:
        """Applies news -> (control names that appeared, control names that went away)."""
        added: set[str] = set()
        removed: set[str] = set()
        for c in changes:
            if not is_mailbox_name(c.name):
                continue
            if c.folder == "requests" and c.removed:
                for names in (self.unread, self.answered, self.ignored):
                    names.discard(c.name)
                self.waiting.pop(c.name, None)
            elif c.folder == "requests" and c.name not in self.answered and c.name not in self.waiting:
                self.ignored.discard(c.name)
                self.unread.add(c.name)
            elif c.folder == "responses" and not c.removed:
                self.answer(c.name)
            elif c.folder == "control":
                (removed if c.removed else added).add(c.name)
        return added, removed
