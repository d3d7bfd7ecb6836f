"""The prose of a segment: its text outside code spans, HTML tags, URLs, link
destinations, entities and footnote references, found in linear time.

A segment without prose (`<a id="ch01"></a>`, a table cell holding only `code`) gives a
translator nothing to do: it is no segment, and merge copies its bytes. The QA checks
use the same reading (code spans as CommonMark pairs them, words outside markup).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

_START = re.compile(
    r"`+"  # a backtick run: a code span if a run of the same length follows
    r"|\]\("  # a link destination, up to the `)` (the link text stays)
    r"|\]\[(?=[^\]\n]*\])"  # a reference link's label, up to the `]` (the text stays)
    r"|<[A-Za-z/!?]"  # a tag, autolink or comment, up to the `>`
    r"|(?:https?|ftp)://"  # a bare URL, up to white space
    r"|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # an entity
    r"|\[\^"  # a footnote reference, up to the `]`
)
_RUN = re.compile(r"`+")
_NOT_SPACE = re.compile(r"\S*")
_ATTR_TEXT = re.compile(r"""\b(?:alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_MARKUP_CHARS = frozenset("`<]:&[")
_OPENER = re.compile(r"[`<\]&\[]")
_URL_STARTS = ("http://", "https://", "ftp://")


class _Next:
    """Where the next `char` is at or after a position; positions come in increasing
    order, so the text is searched once however many openers go unclosed."""

    def __init__(self, text: str, char: str) -> None:
        self.text, self.char = text, char
        self.found = -2

    def __call__(self, start: int) -> int:
        if self.found == -1 or self.found >= start:
            return self.found
        self.found = self.text.find(self.char, start)
        return self.found


def code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, fence length) of each code span: a backtick run closed by the next run
    of exactly its length (CommonMark); a run without one is literal backticks.

    >>> t = "a `b` c ``d`e`` `f"
    >>> [t[a:b] for a, b, _ in code_spans(t)]
    ['`b`', '``d`e``']
    """
    if "`" not in text:
        return []
    runs = [(m.start(), m.end()) for m in _RUN.finditer(text)]
    starts: dict[int, list[int]] = {}
    for a, b in runs:
        starts.setdefault(b - a, []).append(a)
    out = []
    pos = 0
    for a, b in runs:
        if a < pos:
            continue
        same = starts[b - a]
        k = bisect_right(same, a)
        if k < len(same):
            end = same[k] + (b - a)
            out.append((a, end, b - a))
            pos = end
    return out


def markup_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of what is not prose in `text`, in order."""
    code = {a: end for a, end, _ in code_spans(text)}
    close_angle, close_paren, close_bracket = _Next(text, ">"), _Next(text, ")"), _Next(text, "]")
    pos = 0
    while True:
        m = _START.search(text, pos)
        if m is None:
            return
        p, c = m.start(), text[m.start()]
        end = -1
        if c == "`":
            end = code.get(p, -1)
            if end < 0:
                pos = m.end()
                continue
        elif c == "]":
            q = (close_paren if text[p + 1] == "(" else close_bracket)(m.end())
            end = q + 1 if q >= 0 else -1
            p += 1  # the `]` closes the link text
        elif c == "<":
            q = close_angle(m.end())
            end = q + 1 if q >= 0 else -1
        elif c == "[":
            q = close_bracket(m.end())
            end = q + 1 if q >= 0 else -1
        elif c == "&":
            end = m.end()
        else:  # a URL
            end = _NOT_SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
        if end < 0:
            pos = p + 1
            continue
        yield p, end
        pos = end


def prose(text: str) -> str:
    """`text` with what is not prose blanked out (a tag's `alt` and `title` text kept).

    >>> prose('See `Vec<T>` in <img alt="a diagram" src="x.png"> [docs](https://x.org).')
    'See   in a diagram [docs] .'
    """
    if _MARKUP_CHARS.isdisjoint(text):
        return text
    out = []
    pos = 0
    for a, b in markup_spans(text):
        out.append(text[pos:a])
        kept = ""
        if text[a] == "<":
            kept = " ".join(x or y for x, y in _ATTR_TEXT.findall(text, a, b))
        out.append(kept or " ")
        pos = b
    out.append(text[pos:])
    return "".join(out)


def has_text(segment: str) -> bool:
    """Whether a segment holds anything to translate: a letter in its prose.

    >>> has_text('<a id="ch01"></a>'), has_text("`Vec<T>`"), has_text("Use `Vec<T>`.")
    (False, False, True)
    """
    first = _LETTER.search(segment)
    if first is None:
        return False
    i = first.start()  # a letter before any markup can begin is prose (most segments)
    if _OPENER.search(segment, 0, i + 1) is None and not segment.startswith(_URL_STARTS, i):
        return True
    return _LETTER.search(prose(segment)) is not None
