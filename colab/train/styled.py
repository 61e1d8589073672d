"""Training text with styles: `source<TAB>style<TAB>text`, one paragraph a line (colab/data/corpus.tsv).

A paragraph's characters, and the newline after it, carry its style's id; style 0 is
`any` (no particular style). The styles are the file's, in order of first appearance
(or those `--styles` names, in that order: a paragraph of another style counts as `any`).

Validation stays comparable with a plain text: each source's last 5% (VAL_FRACTION) of
characters is held out, exactly as colab/train/data.py splits a .txt, so the `brown`
rows (brown-fiction.txt's lines, in order) hold out the same text as brown-fiction.txt.
That source's held-out text is `val` (else all held-out text): the loss the best model is
chosen by, fed as `any`. `validate` also reports it with the true styles, each source's
held-out loss, and each style's.

Style dropout: at every pass over the text (an epoch of StyledStreamBatches) each
paragraph's id becomes 0 with probability `style_dropout`, so the model also learns the
text unconditioned, as a story without a style asks for it.

Usage:
    corpus = read_styled_corpus("colab/data/corpus.tsv", min_char_count=3)
    batches = StyledStreamBatches(corpus, 64, 128, torch.Generator(), style_dropout=0.2)
    x, y, fresh, styles = batches.next_styled()            # (B, T) each, styles the ids fed with x
    report = validate(model, corpus, device)                # {"val": ..., "sources": ..., "styles": ...}
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import torch
from torch import nn

from colab.model.lstm import CharLSTM
from colab.model.normalize import DEFAULT_RULES, Normalizer
from colab.train.data import VAL_FRACTION, Corpus, CorpusError, StreamBatches, read_corpus, read_text, vocabulary_of
from colab.train.state import evaluate

ANY = "any"
PRIMARY_SOURCE = "brown"  # its held-out text is the validation loss comparable with brown-fiction.txt's
STYLE_NAME = re.compile(r"^[a-z][a-z-]*$")  # as the protocol's and the artifact's style names
STYLE_DROPOUT = 0.2


@dataclass
class Source:
    """One source of a styled corpus: its held-out text and how much of it there is."""

    name: str
    chars: int
    paragraphs: int
    val: torch.Tensor  # (N,) int64 ids of its held-out text
    val_styles: torch.Tensor  # (N,) int64 the style id of each


@dataclass
class StyledCorpus(Corpus):
    """A styled training text: the plain Corpus (train, and `val` the comparable held-out text) plus styles."""

    labels: list[str] = field(default_factory=list)  # every style id's name, `any` first
    styled: bool = True  # whether the model learns the styles (False: `--styles none`)
    train_paragraphs: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.int32))  # (N_train,)
    paragraph_styles: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))  # (P,)
    val_styles: torch.Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.long))  # (N_val,)
    val_name: str = PRIMARY_SOURCE  # the source `val` is from, or "all"
    sources: dict[str, Source] = field(default_factory=dict)

    @property
    def styles(self) -> list[str]:
        """The model's styles: the labels when it learns them, else none."""
        return self.labels if self.styled else []

    def describe(self) -> dict[str, Any]:
        """The artifact's `corpus`: the plain description, plus the styles and each source's share."""
        held_out = sum(len(s.val) for s in self.sources.values())
        return {
            **super().describe(),
            "chars": int(len(self.train)) + held_out,
            "format": "tsv",
            "held_out_chars": held_out,
            "val_source": self.val_name,
            "styles": list(self.labels),
            "sources": {
                s.name: {"chars": s.chars, "paragraphs": s.paragraphs, "val_chars": int(len(s.val))}
                for s in self.sources.values()
            },
        }


def parse_styles(text: Optional[str]) -> Optional[list[str]]:
    """`--styles`: "a,b,c" -> ["any", "a", "b", "c"]; "none" -> []; None (infer) -> None. CorpusError if bad."""
    if text is None:
        return None
    if text.strip() == "none":
        return []
    names = [n.strip() for n in text.split(",") if n.strip()]
    if ANY in names:
        names.remove(ANY)
    bad = [n for n in names if len(n) > 40 or not STYLE_NAME.fullmatch(n)]
    if bad or not names or len(set(names)) != len(names):
        raise CorpusError(
            f"--styles {text!r}: give distinct style names of lower-case letters and dashes, comma-separated"
        )
    return [ANY, *names]


def _encode(text: str, index: dict[str, int]) -> torch.Tensor:
    """Normalized text -> ids (N,) int64, fast (a lookup table by code point)."""
    if not text:
        return torch.zeros(0, dtype=torch.long)
    codes = torch.frombuffer(bytearray(text.encode("utf-32-le")), dtype=torch.int32).long()
    table = torch.full((max(ord(ch) for ch in index) + 1,), -1, dtype=torch.long)
    table[torch.tensor([ord(ch) for ch in index])] = torch.tensor(list(index.values()))
    return table[codes]


def _rows(path: str, text: str) -> list[tuple[str, str, str]]:
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        if len(parts) != 3 or not parts[0] or not STYLE_NAME.fullmatch(parts[1]):
            raise CorpusError(
                f"training text {path}, line {n}: expected source<TAB>style<TAB>text "
                "(a style is lower-case letters and dashes)"
            )
        rows.append((parts[0], parts[1], parts[2]))
    return rows


def read_styled_corpus(
    path: str, min_char_count: int = 1, styles: Optional[Sequence[str]] = None, rules: dict[str, Any] = DEFAULT_RULES
) -> StyledCorpus:
    """Reads a `source<TAB>style<TAB>text` file and prepares it for training with styles.

    styles: ["any", ...] to learn (None: the file's own, in order of first appearance; []: learn none)."""
    raw, text = read_text(path)
    rows = _rows(path, text)
    labels = list(styles) if styles else [ANY, *dict.fromkeys(r[1] for r in rows if r[1] != ANY)]
    if len(labels) < 2 and styles is None:
        raise CorpusError(f"training text {path} names no style but {ANY!r}")
    # The vocabulary as read_corpus makes it, from the text column.
    vocabulary = vocabulary_of("\n".join(r[2] for r in rows) + "\n", min_char_count, rules)
    normalize, index = Normalizer(vocabulary, rules), {ch: i for i, ch in enumerate(vocabulary)}
    style_of = {name: i for i, name in enumerate(labels)}
    paragraph_styles = torch.tensor([style_of.get(r[1], 0) for r in rows], dtype=torch.long)
    order = list(dict.fromkeys(r[0] for r in rows))
    train_ids: list[torch.Tensor] = []
    train_paragraphs: list[torch.Tensor] = []
    sources: dict[str, Source] = {}
    for source in order:
        members = [p for p, r in enumerate(rows) if r[0] == source]
        paragraphs = [normalize(rows[p][2]) + "\n" for p in members]
        ids = _encode("".join(paragraphs), index)
        lengths = torch.tensor([len(t) for t in paragraphs])
        owner = torch.repeat_interleave(torch.tensor(members, dtype=torch.int32), lengths)
        split = int(len(ids) * (1 - VAL_FRACTION))  # as read_corpus splits a .txt
        train_ids.append(ids[:split])
        train_paragraphs.append(owner[:split])
        val_styles = paragraph_styles[owner[split:].long()]
        sources[source] = Source(source, int(len(ids)), len(members), ids[split:], val_styles)
    train = torch.cat(train_ids)
    if len(train) + sum(len(s.val) for s in sources.values()) < 1000:
        raise CorpusError(f"training text {path} has too few usable characters; at least 1000 are needed")
    if PRIMARY_SOURCE in sources:
        val_name, val, val_styles = PRIMARY_SOURCE, sources[PRIMARY_SOURCE].val, sources[PRIMARY_SOURCE].val_styles
    else:
        val_name = "all"
        val = torch.cat([s.val for s in sources.values()])
        val_styles = torch.cat([s.val_styles for s in sources.values()])
    return StyledCorpus(
        path,
        hashlib.sha256(raw).hexdigest(),
        vocabulary,
        train,
        val,
        labels=labels,
        styled=styles != [],
        train_paragraphs=torch.cat(train_paragraphs),
        paragraph_styles=paragraph_styles,
        val_styles=val_styles,
        val_name=val_name,
        sources=sources,
    )


def load_corpus(path: str, min_char_count: int = 1, styles: Optional[str] = None) -> Corpus:
    """The training text of `--text`/`--corpus`: a .tsv with styles (StyledCorpus), anything else plain text."""
    if path.endswith(".tsv"):
        return read_styled_corpus(path, min_char_count, parse_styles(styles))
    if styles is not None and styles.strip() != "none":
        raise CorpusError(f"--styles needs a styled text (source<TAB>style<TAB>text, a .tsv), not {path}")
    return read_corpus(path, min_char_count)


class StyledStreamBatches(StreamBatches):
    """StreamBatches with each position's style id beside it, style dropout drawn anew at every epoch."""

    def __init__(
        self,
        corpus: StyledCorpus,
        batch_size: int,
        seq_len: int,
        generator: torch.Generator,
        style_dropout: float = STYLE_DROPOUT,
    ) -> None:
        super().__init__(corpus.train, batch_size, seq_len, generator)
        n = self.streams.shape[1]
        self.paragraph_streams = corpus.train_paragraphs[: n * batch_size].view(batch_size, n)  # (B, n)
        self.paragraph_styles, self.style_dropout = corpus.paragraph_styles, style_dropout
        self.restore_styles(int(torch.randint(0, 2**62, (1,), generator=generator)))

    def restore_styles(self, seed: int) -> None:
        """Draws an epoch's style dropout from `seed` (a checkpoint keeps it, so a resumed run goes on alike)."""
        self.style_seed = seed
        self.kept = torch.rand(len(self.paragraph_styles), generator=torch.Generator().manual_seed(seed))
        self.kept = self.kept >= self.style_dropout  # (P,) bool: the paragraphs that keep their style this epoch
        styles = torch.where(self.kept, self.paragraph_styles, torch.zeros_like(self.paragraph_styles))
        self.style_streams = styles[self.paragraph_streams.long()]  # (B, n)

    def next_styled(self) -> tuple[torch.Tensor, torch.Tensor, bool, torch.Tensor]:
        """-> (x (B, T), y (B, T), fresh, styles (B, T): the id fed with each character of x)."""
        x, y, fresh = self.next()
        if fresh:  # a new epoch: a new draw of style dropout
            self.restore_styles(int(torch.randint(0, 2**62, (1,), generator=self.generator)))
        start = self.pos - self.seq_len
        return x, y, fresh, self.style_streams[:, start : start + self.seq_len]


@torch.no_grad()
def position_losses(
    model: CharLSTM,
    ids: torch.Tensor,
    styles: torch.Tensor,
    device: torch.device,
    feed_styles: bool,
    amp_dtype: Optional[torch.dtype] = None,
    rows: int = 8,
    window: int = 256,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each predicted character's cross-entropy, carrying state along rows as colab/train/state.py's evaluate
    -> (losses (M,), the style id of each position (M,)); feed_styles: give the model those ids (else `any`)."""
    model.eval()
    n = (len(ids) - 1) // rows
    if n <= 0:
        return torch.zeros(0), torch.zeros(0, dtype=torch.long)
    x_all, y_all = ids[: n * rows].view(rows, n), ids[1 : n * rows + 1].view(rows, n)
    s_all = styles[: n * rows].view(rows, n)
    losses, state = torch.zeros(rows, n), None
    for start in range(0, n, window):
        x = x_all[:, start : start + window].to(device)
        y = y_all[:, start : start + window].to(device)
        s = s_all[:, start : start + window].to(device) if feed_styles else None
        with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            logits, state = model(x, state, s)
        loss = nn.functional.cross_entropy(logits.float().transpose(1, 2), y, reduction="none")  # (rows, w)
        losses[:, start : start + window] = loss.cpu()
    return losses.reshape(-1), s_all.reshape(-1)


def _mean(total: float, count: int) -> Optional[float]:
    return round(total / count, 4) if count else None


def validate(
    model: CharLSTM,
    corpus: StyledCorpus,
    device: torch.device,
    amp_dtype: Optional[torch.dtype] = None,
    val_any: Optional[float] = None,
) -> dict[str, Any]:
    """The held-out losses in nats per character (rounded to 4 places):
    {"val": {"source", "chars", "any", "styled"}, "sources": {name: {"loss", "chars"}}, "styles": {same}}.

    `val.any` is the comparable loss (colab/train/state.py's evaluate; `val_any` if it is known already: the
    model is selected by it);
    `val.styled` the same text with its true styles; sources and styles with the true styles (a model
    without styles reads them all as `any`)."""
    feed = corpus.styled
    style_sum, style_count = [0.0] * len(corpus.labels), [0] * len(corpus.labels)
    sources = {}
    for source in corpus.sources.values():
        losses, styles = position_losses(model, source.val, source.val_styles, device, feed, amp_dtype)
        sources[source.name] = {"loss": _mean(float(losses.sum()), len(losses)), "chars": int(len(losses))}
        for k in range(len(corpus.labels)):
            mask = styles == k
            style_sum[k] += float(losses[mask].sum())
            style_count[k] += int(mask.sum())
    true_styles = corpus.val_styles if feed else None
    return {
        "val": {
            "source": corpus.val_name,
            "chars": int(len(corpus.val)),
            "any": round(val_any if val_any is not None else evaluate(model, corpus.val, device, amp_dtype), 4),
            "styled": round(evaluate(model, corpus.val, device, amp_dtype, styles=true_styles), 4),
        },
        "sources": sources,
        "styles": {
            name: {"loss": _mean(style_sum[k], style_count[k]), "chars": style_count[k]}
            for k, name in enumerate(corpus.labels)
            if style_count[k]
        },
    }
