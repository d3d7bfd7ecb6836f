"""Put translations back into the source: replace segment spans, copy the rest verbatim."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from tm.model import Segment
from tm.po import Catalog, Message

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")

JOINED_FLAG = "tm-joined"
"""Flag of an entry whose sentence the translation of the sentence before already holds."""


def is_joined(m: Message) -> bool:
    """Active, not fuzzy, flagged `tm-joined` (its msgstr is not a translation)."""
    return not m.obsolete and JOINED_FLAG in m.flags and "fuzzy" not in m.flags


def joined_msgids(cat: Catalog) -> frozenset[str]:
    """msgids of the joined entries (`is_joined`) without a msgctxt (their msgstr is
    ignored: the translation is on the entry of the sentence before)."""
    return frozenset(m.msgid for m in cat.messages if m.msgctxt is None and is_joined(m))


def valid_joins(segments: Sequence[Segment], translated: Collection[str],
                joined: Collection[str]) -> list[bool | None]:
    """For each segment: None when it is not joined, else whether its join holds: the
    sentence before it is in the same block and translated (or itself a valid join)."""
    out: list[bool | None] = []
    for i, seg in enumerate(segments):
        if seg.text not in joined:
            out.append(None)
            continue
        prev = segments[i - 1] if i else None
        ok = prev is not None and prev.block == seg.block and (
            out[i - 1] if out[i - 1] is not None else prev.text in translated)
        out.append(bool(ok))
    return out


@dataclass(frozen=True)
class MergeResult:
    """The merged text and what went into it."""

    text: str
    translated: int
    """Segments replaced by a translation."""
    fallback: int
    """Segments left in the source language (untranslated, fuzzy or not in the catalog)."""


def fit_translation(translation: str, seg: Segment, newline: str = "\n") -> str:
    """Shape a translation for its place: re-indent new lines (ended with `newline`, the
    source's own line ending there), keep one-line blocks whole."""
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
    return newline.join(out)


def line_ending(text: str, default: str = "\n") -> str:
    """The first line ending in `text` (\r\n, \n or \r), else `default`."""
    at = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    if at < 0:
        return default
    return "\r\n" if text.startswith("\r\n", at) else text[at]


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


def merge(source: str, segments: Sequence[Segment], translated: Mapping[str, str],
          joined: Collection[str] = frozenset()) -> MergeResult:
    """The source with every segment that has a translation replaced by it.

    Segments must be in document order and not overlap (as `tm.segment` makes them).
    A translation equal to its msgid gives back the source bytes of the span exactly.
    A `joined` sentence whose join holds (`valid_joins`) is dropped with the white space
    before it: the translation of the sentence before renders both; a join that does
    not hold leaves the sentence in the source language.
    """
    out = []
    pos = 0
    done = fallback = 0
    newline = line_ending(source)  # a break a translation adds ends as the document's
    joins = valid_joins(segments, translated, joined) if joined else None
    for i, seg in enumerate(segments):
        join = joins[i] if joins is not None else None
        if join:
            gap = source[pos : seg.start]
            out.append(gap if gap.strip(" \t\r\n>") else "")
            pos = seg.end
            done += 1
            continue
        out.append(source[pos : seg.start])
        tr = None if join is False else translated.get(seg.text)
        if tr is None or tr == seg.text:
            out.append(source[seg.start : seg.end])
            if tr is None:
                fallback += 1
            else:
                done += 1
        else:
            ending = (line_ending(source[seg.start:seg.end], newline)
                      if "\n" in tr or "\r" in tr else newline)  # only a break needs it
            out.append(quoted(fit_translation(tr, seg, ending), seg, source))
            done += 1
        pos = seg.end
    out.append(source[pos:])
    return MergeResult("".join(out), done, fallback)
