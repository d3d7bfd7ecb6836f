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


_YAML_PLAIN_UNSAFE = re.compile(r"^[\[\]{}>|*&!%@`'\"#,?:-]|: | #|:$|^\s|\s$")


def quoted(text: str, seg: Segment, source: str) -> str:
    """`text` escaped for the quotes around its span: an HTML attribute value, a link
    title, a front-matter value (a plain YAML value that would not parse is quoted when
    the segment is the whole value). Escapes the translator already wrote are kept."""
    attribute = seg.kind.startswith("attribute")
    if not (attribute or seg.kind in ("link title", "front matter")) or seg.start == 0:
        return text
    q = source[seg.start - 1]
    if attribute:
        return text.replace(q, "&quot;" if q == '"' else "&#39;") if q in "\"'" else text
    unescaped = re.compile(r"(?<!\\)[()]" if q == "(" else r"(?<!\\)" + re.escape(q))
    if seg.kind == "link title" or (seg.kind == "front matter" and q == '"'):
        return unescaped.sub(lambda m: "\\" + m.group(0), text) if q in "\"'(" else text
    if q == "'":
        return text.replace("'", "''")
    whole = source[seg.start - 2 : seg.start] == ": " and source[seg.end:seg.end + 1] in (
        "", "\n", "\r")
    if whole and not seg.multiline and _YAML_PLAIN_UNSAFE.search(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


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
            out.append(quoted(fit_translation(tr, seg), seg, source))
            done += 1
        pos = seg.end
    out.append(source[pos:])
    return MergeResult("".join(out), done, fallback)
