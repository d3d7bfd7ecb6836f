"""The Advisor that `tm segment` consults: memory matches, term hints, citations.

One `advise` call handles every msgid of a document and language in batches (one
exact lookup, one candidate lookup), so a document of hundreds of thousands of
segments costs a few SQL statements per thousand segments, never a scan per segment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tm.checks.termcheck import found_terms
from tm.memory.gate import gate
from tm.memory.index import MemoryIndex
from tm.memory.match import CitationAdapter, best_matches, rank_key
from tm.model import Match, Suggestion, Term

if TYPE_CHECKING:
    from tm.citations import Citation
    from tm.terms import Termbase

BATCH = 5000
"""Segments per candidate lookup: large enough to share posting lists between many
segments, small enough that a document of 300,000 segments does not hold them all."""


@dataclass
class Helpers:
    """What the advisor consults beside the memory: the project's termbase (term hints
    and the pre-fill gate's term check) and tm.citations; `tm memory search` and tests
    leave them out to see the memory alone."""

    termbase: Termbase | None = None
    hint_lines: Callable[[list[Term]], list[str]] | None = None
    convert_citation: Callable[[str, str, str], str | None] | None = None
    find_citations: Callable[[str, str], list[Citation]] | None = None


def _masked(text: str, citations: list[Citation]) -> str:
    for c in sorted(citations, key=lambda c: c.start, reverse=True):
        text = f"{text[:c.start]}\u00a7{text[c.end:]}"
    return text


def citation_adapter(helpers: Helpers, source_lang: str,
                     target_lang: str) -> CitationAdapter | None:
    """Citations are placeables: the unit's converted citations in its translation are
    swapped for the segment's own, and both sides are compared with them masked."""
    find = helpers.find_citations
    if find is None:
        return None

    seen: dict[str, list[Citation]] = {}

    def adapt(segment: str, source: str, target: str) -> tuple[str, str, str] | None:
        mine = seen.get(segment)
        if mine is None:
            if len(seen) > 4096:
                seen.clear()
            mine = seen[segment] = find(segment, source_lang)
        if not mine:
            return None
        theirs = find(source, source_lang)
        if len(mine) != len(theirs):
            return None
        for new, old in zip(mine, theirs, strict=True):
            old_text, new_text = old.to(target_lang), new.to(target_lang)
            if old_text == new_text:
                continue
            for a, b in ((old_text, new_text), (old_text.rstrip("."), new_text.rstrip("."))):
                if a and a in target:
                    target = target.replace(a, b, 1)
                    break
            else:
                return None  # the translation does not hold the unit's citation as tm writes it
        return target, _masked(segment, mine), _masked(source, theirs)

    return adapt


def memory_comment(match: Match) -> str:
    """`tm: 87% memory/foo.tmx` (with the kind where it is not a plain fuzzy match,
    `numbers carried` where tm put the segment's numbers into a fuzzy match's translation,
    and `aligned` for a unit of sentence alignment)."""
    pct = 100 if match.kind == "exact" else min(99, int(match.score))
    notes = match_notes(match, kind=True)
    return f"tm: {pct}% {match.origin}" + (f" ({', '.join(notes)})" if notes else "")


def match_notes(match: Match, kind: bool = False) -> list[str]:
    """What a reviewer must know of a match besides its score: `adapted` (with `kind`),
    `numbers carried`, `aligned`."""
    return [n for n, on in (("adapted", kind and match.kind == "adapted"),
                            ("numbers carried", match.carried), ("aligned", match.aligned))
            if on]


class MemoryAdvisor:
    """Pre-fills from the memory index; adds term hints and citation conversions."""

    def __init__(self, index: MemoryIndex | Callable[[], MemoryIndex], threshold: float = 75,
                 helpers: Helpers | Callable[[], Helpers] | None = None) -> None:
        """`index` and `helpers` may be factories: then nothing is opened or loaded until
        the first lookup, so a run that fails on its sources leaves no index behind."""
        self._index = index
        self.threshold = threshold
        self._helpers = helpers or Helpers()

    @property
    def index(self) -> MemoryIndex:
        if callable(self._index):
            self._index = self._index()
        return self._index

    @property
    def helpers(self) -> Helpers:
        if callable(self._helpers):
            self._helpers = self._helpers()
        return self._helpers

    def best(self, texts: Sequence[str], source_lang: str,
             target_lang: str) -> dict[str, Match]:
        """The best memory match at or above the threshold for each text that has one."""
        helpers = self.helpers  # before the index: the termbase's cached entries spare
        exact = self.index.exact(texts, source_lang, target_lang)  # its sync a TBX parse
        out: dict[str, Match] = {}
        for text, cands in exact.items():
            first = min(cands, key=lambda c: c.order)
            out[text] = Match(first.source, first.target, 100.0, first.origin, "exact",
                              first.aligned)
        rest = [t for t in texts if t not in out]
        adapter = citation_adapter(helpers, source_lang, target_lang)
        for i in range(0, len(rest), BATCH):  # bounded memory for huge documents
            batch = rest[i:i + BATCH]
            found_cands = self.index.candidates(batch, source_lang, target_lang)
            for text, cands in zip(batch, found_cands, strict=True):
                found = best_matches(text, cands, 1, self.threshold, adapter)
                if found:
                    out[text] = found[0]
        return out

    def search(self, text: str, source_lang: str, target_lang: str, limit: int = 5,
               min_score: float = 0.0) -> list[Match]:
        """The `limit` best matches for one text, best first (for `tm memory search`)."""
        adapter = citation_adapter(self.helpers, source_lang, target_lang)
        cands = self.index.candidates([text], source_lang, target_lang)[0]
        exact = self.index.exact([text], source_lang, target_lang).get(text, [])
        seen = {c.unit_id for c in cands}
        cands = cands + [c for c in exact if c.unit_id not in seen]
        return best_matches(text, cands, limit, min_score, adapter, shortlist=max(limit, 16))

    def advise(self, msgids: Sequence[str], source_lang: str,
               target_lang: str) -> Mapping[str, Suggestion]:
        """A suggestion for every msgid (empty ones too, so stale hints are cleared)."""
        texts = list(dict.fromkeys(msgids))
        best = self.best(texts, source_lang, target_lang)
        h = self.helpers
        termbase = h.termbase
        out: dict[str, Suggestion] = {}
        for text in texts:
            s = Suggestion()
            match = best.get(text)
            whole = h.convert_citation(text, source_lang, target_lang) \
                if h.convert_citation else None
            if match is not None and match.kind == "exact":  # aligned: nobody reviewed it
                s.translation, s.fuzzy = match.target, match.aligned
                s.comments.append(memory_comment(match))
            elif whole:
                s.translation, s.fuzzy = whole, True
                s.comments.append("tm: citation")
                match = None
            elif match is not None:
                s.translation, s.fuzzy = match.target, True
                s.comments.append(memory_comment(match))
            if match is not None and s.fuzzy and match.source != text:
                s.source = match.source  # the `#|` of the entry it fills
            if s.translation:  # what tm pre-fills passes its own gate, or says why not
                gate(text, s, match, source_lang, target_lang, termbase)
            if not whole and h.find_citations:
                for c in h.find_citations(text, source_lang):
                    converted = c.to(target_lang)
                    if converted and f"citation: {converted}" not in s.comments:
                        s.comments.append(f"citation: {converted}")
            if termbase is not None and h.hint_lines:  # memoized: the gate's scan reused
                terms = list(found_terms(termbase, text, source_lang, target_lang))
                if terms:
                    s.comments.extend(h.hint_lines(terms))
            out[text] = s
        return out


__all__ = ["Helpers", "MemoryAdvisor", "match_notes", "memory_comment", "rank_key"]
