"""Text normalization by the rules stored in a model artifact.

The TypeScript engine (src/model/normalize.ts) applies the same rules in the same
order, and both are checked against the shared vectors in contract/normalization/:
  1. Unicode normalization (`unicode`, e.g. "NFKC");
  2. per-character replacements (`replace`: curly quotes to straight, and so on);
  3. a character still outside the vocabulary is decomposed (NFD) and its
     combining marks dropped, if `strip_accents` is set and that leaves only
     vocabulary characters ("é" becomes "e");
  4. anything else outside the vocabulary is dropped, or replaced by
     `unknown_replacement` when `unknown` is "replace";
  5. runs of spaces become one space, if `collapse_spaces` is set.
No input character can fail: the result holds vocabulary characters only.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Iterable

DEFAULT_RULES: dict[str, Any] = {
    "unicode": "NFKC",
    "replace": {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2014": " -- ",
        "\u2013": "-",
        "\u2012": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\t": " ",
        "\r": "",
        "\u00a0": " ",
        "\u2028": "\n",
        "\u2029": "\n",
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "\u00df": "ss",
        "\u00e6": "ae",
        "\u00c6": "AE",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u00f8": "o",
        "\u00d8": "O",
        "\u0142": "l",
        "\u0141": "L",
        "\u0111": "d",
        "\u0110": "D",
        "\u00fe": "th",
        "\u00f0": "d",
    },
    "strip_accents": True,
    "unknown": "drop",
    "unknown_replacement": "",
    "collapse_spaces": True,
}


class Normalizer:
    """Maps any text onto a vocabulary by a set of rules."""

    def __init__(self, vocabulary: Iterable[str], rules: dict[str, Any]) -> None:
        self.vocabulary = set(vocabulary)
        self.rules = rules
        self.replace = rules.get("replace", {})
        if rules.get("unknown", "drop") not in ("drop", "replace"):
            raise ValueError(f"normalization: unknown must be 'drop' or 'replace', not {rules.get('unknown')!r}")
        self.unknown = rules.get("unknown_replacement", "") if rules.get("unknown") == "replace" else ""
        if any(ch not in self.vocabulary for ch in self.unknown):
            raise ValueError("normalization: unknown_replacement must use vocabulary characters")

    def _map_char(self, ch: str) -> str:
        ch = self.replace.get(ch, ch)
        if all(c in self.vocabulary for c in ch):
            return ch
        if self.rules.get("strip_accents"):
            bare = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.category(c).startswith("M"))
            if bare and all(c in self.vocabulary for c in bare):
                return bare
        return self.unknown

    def __call__(self, text: str) -> str:
        """`text` in vocabulary characters only."""
        form = self.rules.get("unicode")
        if form:
            text = unicodedata.normalize(form, text)
        out = "".join(self._map_char(ch) for ch in text)
        if self.rules.get("collapse_spaces"):
            while "  " in out:
                out = out.replace("  ", " ")
        return out
