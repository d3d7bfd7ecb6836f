"""Scoring a memory unit against a segment: normalization, placeables, adaptation.

Pure functions: the index hands over candidates, this module decides how good each is
and what translation it offers. Numbers (years, folio numbers), footnote marks
`<sup>[n]</sup>`, inline markup and archival citations are placeables: a unit that
differs from the segment only in them is as good as exact once the segment's own
numbers and footnote marks are carried into the translation.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from tm.model import Match

ADAPT_PENALTY = 1.0
"""An adapted match scores 100 minus this: as good as exact, but a translator should look."""

NUMBER_PENALTY = 5.0
"""Numbers differ and cannot be carried over. Small enough that a unit with a raw
similarity of 80 still clears the default threshold of 75."""

KIND_RANK = {"exact": 0, "adapted": 1, "fuzzy": 2, "citation": 3}

_NUMBER = re.compile(r"\d+")
_TOKEN_MIN = 2


@dataclass(frozen=True, slots=True)
class Candidate:
    """A memory unit offered by the index for a segment, in one language direction."""

    unit_id: int
    """Index key; (file rank << 32 | position in file), so ordering is file order."""
    source: str
    target: str
    origin: str
    aligned: bool = False
    """From a TMX written by sentence alignment (`tm align`), not reviewed by a person."""

    @property
    def order(self) -> tuple[bool, str, int]:
        """Tie-break: reviewed units before aligned ones, then memory file, then position
        in it (stable across machines)."""
        return (self.aligned, self.origin, self.unit_id & 0xFFFFFFFF)


def exact_key(text: str) -> str:
    """What must be equal for an exact match: the text up to Unicode form and spacing."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # the common case (single spaces) skips the split/join; isprintable() is False for
    # every whitespace but the ASCII space
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    return text


def key_hash(text: str) -> int:
    """A 32-bit hash of exact_key(text) for a compact SQL index (texts are compared after)."""
    return zlib.crc32(exact_key(text).encode("utf-8"))


def key_hashes(texts: Sequence[str]) -> list[int]:
    """key_hash of each text; one check over all of them finds the common case (every
    text already its own exact key: NFC, printable, single spaces) without a per-text
    exact_key. A space never composes with its neighbours, so NFC of the joined texts
    is the joined NFC texts, and a stray space at an end shows as a double space."""
    joined = " ".join(texts)
    if (unicodedata.is_normalized("NFC", joined) and joined.isprintable()
            and "  " not in joined and joined[:1] != " " and joined[-1:] != " "):
        return list(map(zlib.crc32, map(str.encode, texts)))
    return [key_hash(t) for t in texts]


def normalize(text: str) -> str:
    """Text as fuzzy scoring sees it: lower case, punctuation and markup as spaces.

    >>> normalize("In *1927*, Trotsky<sup>[1]</sup>")
    'in 1927 trotsky sup 1 sup'
    """
    return " ".join(default_process(_nfc(text)).split())


def tokens(norm: str) -> set[str]:
    """Words of a normalized text that the candidate index keys on (numbers are placeables).

    >>> sorted(tokens("in 1927 trotsky a"))
    ['in', 'trotsky']
    """
    return {w for w in norm.split() if is_token(w)}


def is_token(word: str) -> bool:
    return len(word) >= _TOKEN_MIN and not word.isdigit()


def word_set(text: str) -> set[str]:
    """The words of `normalize(text)`: `tokens` and the numbers and one-letter words
    they leave out (for a lookup in postings that hold only tokens)."""
    return set(default_process(_nfc(text)).split())


def _nfc(text: str) -> str:
    """NFC of `text` (ASCII text already is)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def skeleton(norm: str) -> str:
    """A normalized text with every number replaced: equal skeletons differ only in placeables."""
    return _NUMBER.sub("0", norm)


def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


FOOTNOTE_MARK = re.compile(r"<sup>\s*\[?\s*[^\]<\s]+\s*\]?\s*</sup>|\[\^[^\]\s]+\]")
"""A footnote mark, `<sup>[1]</sup>` or `[^1]` (as the `footnote` check reads them)."""
_MARK_OUT = re.compile(rf"[ \t]*(?:{FOOTNOTE_MARK.pattern})")
_MARKS_AT_END = re.compile(rf"(?:{FOOTNOTE_MARK.pattern})+(?P<after>[.!?…:;,»\"”’')\]*_]*)\s*$")
_TARGET_END = re.compile(r"[.!?…:;,»\"”’')\]*_]*\s*$")
_HOLE = 0xE000
"""Private-use characters stand for the target's own marks while numbers and citations
are adapted (they hold no digit), then become the segment's marks."""


def has_marks(text: str) -> bool:
    return ("<sup" in text or "[^" in text) and FOOTNOTE_MARK.search(text) is not None


def without_marks(text: str) -> str:
    """`text` with its footnote marks taken out, for scoring (marks are placeables)."""
    return _MARK_OUT.sub("", text) if has_marks(text) else text


def _holes(target: str, count: int) -> str | None:
    """The target with its marks as placeholders when it has `count` of them, else with
    its marks taken out (None: it had none to take)."""
    found = FOOTNOTE_MARK.findall(target) if has_marks(target) else []
    if count and len(found) == count:
        it = iter(range(count))
        return FOOTNOTE_MARK.sub(lambda m: chr(_HOLE + next(it)), target)
    return _MARK_OUT.sub("", target) if found else None


def put_marks(segment: str, target: str) -> str | None:
    """The segment's footnote marks put into `target` (made by `_holes`): where the unit's
    translation had its marks, or else at the end, before or after the final
    punctuation as the segment has them; None when they cannot be placed.

    >>> put_marks("He left in 1928.<sup>[1]</sup>", "Он уехал в 1928 г.")
    'Он уехал в 1928 г.<sup>[1]</sup>'
    >>> put_marks("He left in 1928<sup>[1]</sup>.", "Он уехал в 1928 г.")
    'Он уехал в 1928 г<sup>[1]</sup>.'
    """
    marks = FOOTNOTE_MARK.findall(segment) if has_marks(segment) else []
    if chr(_HOLE) in target:
        return "".join(marks[ord(c) - _HOLE] if _HOLE <= ord(c) < _HOLE + len(marks) else c
                       for c in target)
    if not marks:
        return target
    tail = _MARKS_AT_END.search(segment)
    if tail is None or len(FOOTNOTE_MARK.findall(tail.group(0))) != len(marks):
        return None  # a mark inside the sentence: only the translator knows where it goes
    body = target.rstrip()
    cut = _TARGET_END.search(body).start() if tail.group("after") else len(body)  # type: ignore[union-attr]
    return body[:cut] + "".join(marks) + body[cut:] + target[len(body):]


_FRAME = re.compile(r"(\*\*|__|\*|_)(?=\S)(.*\S)\1", re.S)


def fit_frame(segment: str, source: str, target: str) -> str:
    """`target` in the emphasis that wraps the whole segment and not the unit's source
    (`**Совершенно секретно**` from the term `совершенно секретно`), and with a capital
    first letter where the segment has one and the source does not.

    >>> fit_frame("**Top secret**", "top secret", "совершенно секретно")
    '**Совершенно секретно**'
    """
    frame = _FRAME.fullmatch(segment)
    inner = frame.group(2) if frame else segment
    if (inner[:1].isupper() and source[:1].islower() and target[:1].islower()):
        target = target[:1].upper() + target[1:]
    if frame and not _FRAME.fullmatch(source) and not _FRAME.fullmatch(target):
        target = f"{frame.group(1)}{target}{frame.group(1)}"
    return target


def adapt_numbers(segment: str, source: str, target: str) -> str | None:
    """Carry the segment's numbers into `target`, or None when that cannot be done safely.

    Numbers pair up by position in segment and source; each number that changes must
    occur in the target and must not also stay unchanged elsewhere.

    >>> adapt_numbers("In June 1928.", "In June 1927.", "В июне 1927 г.")
    'В июне 1928 г.'
    >>> adapt_numbers("In 1928 and 1929.", "In 1927.", "В 1927 г.") is None
    True
    """
    seg_nums, src_nums = numbers(segment), numbers(source)
    if seg_nums == src_nums:
        return target
    if len(seg_nums) != len(src_nums):
        return None
    mapping: dict[str, str] = {}
    for old, new in zip(src_nums, seg_nums, strict=True):
        if mapping.setdefault(old, new) != new:
            return None
    changes = {old: new for old, new in mapping.items() if old != new}
    target_nums = set(numbers(target))
    if any(old not in target_nums for old in changes):
        return None
    return _NUMBER.sub(lambda m: changes.get(m.group(), m.group()), target)


CitationAdapter = Callable[[str, str, str], "tuple[str, str, str] | None"]
"""(segment, source, target) -> (target with the segment's citations converted in,
segment and source with their citations masked), or None when nothing applies."""


def score_candidate(
    segment: str,
    seg_norm: str,
    cand: Candidate,
    cand_norm: str | None = None,
    adapt_citations: CitationAdapter | None = None,
) -> Match:
    """How well `cand` serves `segment`, and the translation it offers.

    exact: same text (100). adapted: differs only in placeables, numbers and citations
    carried over (100 - ADAPT_PENALTY). fuzzy: rapidfuzz ratio on normalized text,
    capped at 99, minus NUMBER_PENALTY where the numbers differ and cannot be carried.
    """
    found = _score(segment, seg_norm, cand, cand_norm, adapt_citations,
                   (exact_key(segment), exact_key(cand.source)), None, -math.inf)
    assert found is not None  # nothing scores below -inf
    return found


@lru_cache(maxsize=1 << 14)
def _unit_view(source: str) -> tuple[str, str, str]:
    """normalize(without_marks(source)), its skeleton, and exact_key(source): what
    best_matches reads of a unit's source (many segments have the same candidates)."""
    norm = normalize(without_marks(source))
    return norm, skeleton(norm), exact_key(source)


def _score(segment: str, seg_norm: str, cand: Candidate, cand_norm: str | None,
           adapt_citations: CitationAdapter | None, keys: tuple[str, str],
           skeletons: tuple[str, str] | None, floor: float) -> Match | None:
    """score_candidate, with the exact keys of segment and source given (and the
    skeletons of seg_norm and cand_norm where these are normalize(without_marks(...)));
    None for a match that would score below `floor` (it is not built)."""
    if keys[0] == keys[1]:
        return _match(cand, cand.target, 100.0, "exact")
    seg_text, src_text, target = segment, cand.source, cand.target
    src_norm = normalize(cand.source) if cand_norm is None else cand_norm
    seg_marked, src_marked = has_marks(segment), has_marks(cand.source)
    holes = _holes(target, len(FOOTNOTE_MARK.findall(segment)) if seg_marked else 0)
    if seg_marked or src_marked or holes is not None:  # footnote marks are placeables
        seg_text, src_text = without_marks(segment), without_marks(cand.source)
        target = cand.target if holes is None else holes
        seg_norm = normalize(seg_text) if seg_marked else seg_norm
        src_norm = normalize(src_text) if src_marked else src_norm
    swapped = adapt_citations(seg_text, src_text, target) if adapt_citations else None
    if swapped is not None:
        target, seg_text, src_text = swapped
        seg_norm, src_norm = normalize(seg_text), normalize(src_text)
        skeletons = None
    base = min(fuzz.ratio(seg_norm, src_norm), 99.0)
    if skeletons is None:
        skeletons = skeleton(seg_norm), skeleton(src_norm)
    same = skeletons[0] == skeletons[1]
    if base < floor and not same:
        return None  # a fuzzy match: it scores `base` at most
    adapted = adapt_numbers(seg_text, src_text, target)
    placed = put_marks(segment, target)
    if placed is None:  # a mark inside the sentence: offer the text without it, penalized
        adapted = None
    else:
        adapted = put_marks(segment, adapted) if adapted is not None else None
        target = placed
    target = fit_frame(segment, cand.source, target)
    if adapted is not None:
        adapted = fit_frame(segment, cand.source, adapted)
    if same and adapted is not None:
        return _match(cand, adapted, 100.0 - ADAPT_PENALTY, "adapted")
    if adapted is None:
        return _match(cand, target, base - NUMBER_PENALTY, "fuzzy")
    return _match(cand, adapted, base, "fuzzy", carried=adapted != target)


def _match(cand: Candidate, target: str, score: float, kind: str,
           carried: bool = False) -> Match:
    return Match(cand.source, target, score, cand.origin, kind, cand.aligned, carried)


def rank_key(match: Match, cand: Candidate) -> tuple[float, bool, int, tuple[bool, str, int]]:
    """Sort key for the best match first; at equal scores a reviewed unit goes before one
    from alignment, then the kind decides, then the first file by name, then unit."""
    return (-match.score, cand.aligned, KIND_RANK.get(match.kind, 9), cand.order)


def best_matches(
    segment: str,
    candidates: Sequence[Candidate],
    limit: int = 1,
    min_score: float = 0.0,
    adapt_citations: CitationAdapter | None = None,
    shortlist: int = 8,
) -> list[Match]:
    """The `limit` best matches, deterministic; rapidfuzz shortlists, full scoring decides."""
    if not candidates:
        return []
    seg_norm = normalize(without_marks(segment))
    views = [_unit_view(c.source) for c in candidates]
    raw = [fuzz.ratio(seg_norm, v[0]) for v in views]
    order = sorted(range(len(candidates)), key=lambda i: (-raw[i], candidates[i].order))
    keep = order[: max(shortlist, limit)]
    key, seg_skeleton = exact_key(segment), skeleton(seg_norm)
    keep += [i for i in order[len(keep):] if views[i][2] == key]
    scored = []
    for i in keep:
        norm, skel, cand_key = views[i]
        m = _score(segment, seg_norm, candidates[i], norm, adapt_citations, (key, cand_key),
                   (seg_skeleton, skel), min_score)
        if m is not None and m.score >= min_score:
            scored.append((rank_key(m, candidates[i]), m))
    scored.sort(key=lambda x: x[0])
    return [m for _, m in scored[:limit]]
