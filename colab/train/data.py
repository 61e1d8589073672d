"""Training text: reading, vocabulary, the 95/5 split, and TBPTT batches.

Any UTF-8 text file works. The vocabulary is every character that remains after the
default normalization rules, less those rarer than `min_char_count`; the artifact
records the rules, so prompts are mapped onto the same characters at run time.

Usage:
    corpus = read_corpus("colab/data/brown-fiction.txt", min_char_count=3)
    x, y, fresh = StreamBatches(corpus.train, 64, 128, torch.Generator()).next()   # (B, T) each
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

import torch

from colab.model.normalize import DEFAULT_RULES, Normalizer

VAL_FRACTION = 0.05


class CorpusError(ValueError):
    """The training text cannot be used."""


@dataclass
class Corpus:
    """A normalized training text, split for training and validation."""

    path: str
    sha256: str
    vocabulary: list[str]
    train: torch.Tensor  # (N_train,) int64
    val: torch.Tensor  # (N_val,) int64

    def describe(self) -> dict[str, Any]:
        """The artifact's `corpus`: where the text came from and how it was split."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "chars": int(len(self.train) + len(self.val)),
            "train_chars": int(len(self.train)),
            "val_chars": int(len(self.val)),
        }


def read_text(path: str) -> tuple[bytes, str]:
    """A training text's bytes (for its sha256) and its text; a CorpusError when it is missing or not UTF-8."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        return raw, raw.decode("utf-8")
    except FileNotFoundError:
        raise CorpusError(f"training text {path} does not exist") from None
    except UnicodeDecodeError as e:
        raise CorpusError(f"training text {path} is not UTF-8: {e}") from None


def vocabulary_of(text: str, min_char_count: int, rules: dict[str, Any]) -> list[str]:
    """The characters a model learns from `text`: the printable ones seen `min_char_count` times or more after the
    rules' Unicode form and replacements, newline and space always, sorted."""
    pre = unicodedata.normalize(rules.get("unicode") or "NFC", text)
    pre = "".join(rules.get("replace", {}).get(ch, ch) for ch in pre)
    counts = Counter(pre)
    vocabulary = sorted(ch for ch, n in counts.items() if n >= min_char_count and ch.isprintable() or ch == "\n")
    for ch in "\n ":
        if ch not in vocabulary:
            vocabulary.append(ch)
    vocabulary.sort()
    return vocabulary


def read_corpus(path: str, min_char_count: int = 1, rules: dict[str, Any] = DEFAULT_RULES) -> Corpus:
    """Reads a UTF-8 text file and prepares it for training."""
    raw, text = read_text(path)
    vocabulary = vocabulary_of(text, min_char_count, rules)
    normalized = Normalizer(vocabulary, rules)(text)
    if len(normalized) < 1000:
        raise CorpusError(f"training text {path} has {len(normalized)} usable characters; at least 1000 are needed")
    index = {ch: i for i, ch in enumerate(vocabulary)}
    ids = torch.tensor([index[ch] for ch in normalized], dtype=torch.long)
    split = int(len(ids) * (1 - VAL_FRACTION))
    return Corpus(path, hashlib.sha256(raw).hexdigest(), vocabulary, ids[:split], ids[split:])


class StreamBatches:
    """Cuts a text into B parallel streams and walks them in windows of T characters.

    The LSTM state carries from one window to the next (truncated backprop through
    time). At the end of the streams it starts again at a random offset below T, with
    a fresh state, so window boundaries move between epochs.
    """

    def __init__(self, ids: torch.Tensor, batch_size: int, seq_len: int, generator: torch.Generator) -> None:
        self.batch_size, self.seq_len, self.generator = batch_size, seq_len, generator
        n = len(ids) // batch_size
        if n < seq_len + 2:
            raise CorpusError(f"text too short for batch size {batch_size} and sequence length {seq_len}")
        self.streams = ids[: n * batch_size].view(batch_size, n)  # (B, n)
        self.pos = 0

    def next(self) -> tuple[torch.Tensor, torch.Tensor, bool]:
        """-> (x (B, T), y (B, T), fresh) where fresh says the state must be reset."""
        fresh = False
        if self.pos + self.seq_len + 1 > self.streams.shape[1]:
            self.pos = int(torch.randint(0, self.seq_len, (1,), generator=self.generator))
            fresh = True
        chunk = self.streams[:, self.pos : self.pos + self.seq_len + 1]
        self.pos += self.seq_len
        return chunk[:, :-1], chunk[:, 1:], fresh
