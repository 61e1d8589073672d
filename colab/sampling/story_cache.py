"""A bounded LRU of LSTM states, so a story's next line primes only its new text.

An entry holds the state and the last logits after a story's primed ids, keyed by
the story id, the style id the ids were primed with (a model with styles; 0 otherwise:
a state primed in one style is not the state of another), and a hash of those ids. A
request whose primed ids start with a cached entry's ids (in its style) starts from that
entry and primes only the rest; the result is the same as priming from scratch
(colab/tests/sampling/test_engine.py checks it).

Usage:
    cache = StoryCache(max_entries=256)
    hit = cache.lookup(story_id, ids, style=0)          # -> (n, logits (V,), h (L, H), c (L, H)) or None
    cache.store(story_id, ids, logits, h, c, style=0)
"""
from __future__ import annotations

import hashlib
from array import array
from collections import OrderedDict
from typing import Optional, Sequence, Tuple

import torch

# (story id, style id, how many ids, sha256 of those ids)
Key = Tuple[str, int, int, bytes]
# the logits (V,), h and c (L, H) after the ids
Entry = Tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def _digest(packed: bytes, n: int) -> bytes:
    """sha256 of the first n ids, `packed` being all ids as 32-bit integers."""
    return hashlib.sha256(packed[: 4 * n]).digest()


def _pack(ids: Sequence[int]) -> bytes:
    return array("I", ids).tobytes()


class StoryCache:
    """LRU by entries; max_entries 0 turns it off."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[Key, Entry] = OrderedDict()
        self.by_story: dict[str, set[Key]] = {}  # story_id -> its keys
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        """Whether it keeps anything (max_entries > 0)."""
        return self.max_entries > 0

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(
        self, story_id: str, ids: Sequence[int], style: int = 0
    ) -> Optional[tuple[int, torch.Tensor, torch.Tensor, torch.Tensor]]:
        """The longest cached prefix of `ids` for this story in this style -> (n, logits, h, c), or None."""
        if not self.enabled:
            return None
        packed = _pack(ids)
        best: Optional[Key] = None
        for key in self.by_story.get(story_id, ()):
            _, key_style, n, digest = key
            if key_style == style and n <= len(ids) and (best is None or n > best[2]) and _digest(packed, n) == digest:
                best = key
        if best is None:
            self.misses += 1
            return None
        self.hits += 1
        self.entries.move_to_end(best)
        return (best[2], *self.entries[best])

    def store(
        self,
        story_id: str,
        ids: Sequence[int],
        logits: torch.Tensor,
        h: torch.Tensor,
        c: torch.Tensor,
        style: int = 0,
    ) -> None:
        """Keeps the state after `ids` primed in `style`: logits (V,), h and c (L, H), copied off any batch tensor."""
        if not self.enabled or not ids:
            return
        key = (story_id, style, len(ids), _digest(_pack(ids), len(ids)))
        self.entries[key] = (logits.detach().clone(), h.detach().clone(), c.detach().clone())
        self.entries.move_to_end(key)
        self.by_story.setdefault(story_id, set()).add(key)
        while len(self.entries) > self.max_entries:
            old, _ = self.entries.popitem(last=False)
            keys = self.by_story[old[0]]
            keys.discard(old)
            if not keys:
                del self.by_story[old[0]]

    def clear(self) -> None:
        """Forgets everything (the model changed)."""
        self.entries.clear()
        self.by_story.clear()
