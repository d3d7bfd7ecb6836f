"""Put translations back into the source: replace segment spans, copy the rest verbatim."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tm.model import Segment

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class MergeResult:
    """The merged text and what went into it."""

    text: str
    translated: int
    """Segments replaced by a translation."""
    fallback: int
    """Segments left in the source language (untranslated, fuzzy or not in the catalog)."""


def fit_translation(translation: str, seg: Segment) -> str:
    """Shape a translation for its place: re-indent new lines, keep one-line blocks whole."""
    text = translation.replace("\r\n", "\n")
    if not seg.multiline:
        text = " ".join(part.strip() for part in text.split("\n"))
        if seg.kind == "table cell":
            text = _UNESCAPED_PIPE.sub(r"\\|", text)
        return text
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        prefix = seg.prefixes[i] if i < len(seg.prefixes) else seg.continuation
        out.append(prefix + line if line or prefix.strip() else line)
    return "\n".join(out)


def merge(source: str, segments: Sequence[Segment], translated: Mapping[str, str]) -> MergeResult:
    """The source with every segment that has a translation replaced by it.

    Segments must be in document order and not overlap (as `tm.segment` makes them).
    A translation equal to its msgid gives back the source bytes of the span exactly.
    """
    out = []
    pos = 0
    done = fallback = 0
    for seg in segments:
        out.append(source[pos : seg.start])
        tr = translated.get(seg.text)
        if tr is None or tr == seg.text:
            out.append(source[seg.start : seg.end])
            if tr is None:
                fallback += 1
            else:
                done += 1
        else:
            out.append(fit_translation(tr, seg))
            done += 1
        pos = seg.end
    out.append(source[pos:])
    return MergeResult("".join(out), done, fallback)
