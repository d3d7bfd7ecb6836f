"""Alignment quality: precision, recall and F1 over sentence pairs against a hand
alignment (a gold file), so a change to the aligner is measured, not guessed.

A gold file has one link a line: source sentences joined by ` ||| `, a TAB, target
sentences the same way (either side empty for an omission); `#` lines are comments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tm.errors import SourceError

GoldLink = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Score:
    """Precision, recall and F1 of found pairs against gold pairs."""

    precision: float
    recall: float
    f1: float
    found: int
    gold: int


def parse_gold(text: str, path: str | Path = "gold.tsv") -> list[GoldLink]:
    """The links of a gold file, in order."""
    out: list[GoldLink] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.count("\t") != 1:
            raise SourceError("a gold line needs exactly one TAB", path, n,
                              "write source sentences, a TAB, target sentences")
        left, right = line.split("\t")
        out.append((_side(left), _side(right)))
    return out


def _side(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(" ||| ") if s.strip())


def gold_pairs(gold: Iterable[GoldLink], source: Sequence[str],
               target: Sequence[str]) -> set[tuple[int, int]]:
    """The (source, target) index pairs of the gold links, each sentence text taken at
    its next occurrence; a text the segmenter did not produce gets an index of its own
    (negative), so that it counts as missed."""
    src, tgt = _Occurrences(source), _Occurrences(target)
    out: set[tuple[int, int]] = set()
    for left, right in gold:
        s_idx = [src.take(s) for s in left]
        t_idx = [tgt.take(t) for t in right]
        out.update((s, t) for s in s_idx for t in t_idx)
    return out


class _Occurrences:
    """Indices of each text in a sentence list, handed out in order."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.where: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            self.where.setdefault(t, []).append(i)
        self.unknown = 0

    def take(self, text: str) -> int:
        found = self.where.get(text)
        if found:
            return found.pop(0)
        self.unknown -= 1
        return self.unknown


def score(found: set[tuple[int, int]], gold: set[tuple[int, int]]) -> Score:
    """Precision, recall and F1 of `found` pairs."""
    hit = len(found & gold)
    p = hit / len(found) if found else 0.0
    r = hit / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f, len(found), len(gold))
