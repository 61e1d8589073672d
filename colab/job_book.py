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
from colab.transport import id_of, is_mailbox_name


class JobBook:
    """Request and response names by what the worker has done with them."""

    def __init__(self):
        self.unread, self.answered, self.ignored = set(), set(), set()
        self.waiting = {}  # name -> parsed request

    def scan(self, requests, responses):
        self.answered |= {n for n in responses if is_mailbox_name(n)}
        self.unread |= {n for n in requests if is_mailbox_name(n)} - self.answered

    def to_read(self):
        return sorted(self.unread - self.ignored)

    def answer(self, name):
        self.answered.add(name)
        self.unread.discard(name)
        self.waiting.pop(name, None)

    def queued(self, active_jobs):
        return len(self.unread - self.ignored) + len([n for n in self.waiting if id_of(n) not in active_jobs])

    def on_news(self, changes):
        """Applies news -> (control names that appeared, control names that went away)."""
        added, removed = set(), set()
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
