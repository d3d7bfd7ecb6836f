"""Spans a sentence break may not fall in (code spans, inline links, HTML tags), found in
linear time.

They are what the regular expression `PROTECTED` matches, scanning left to right as
`finditer` does; `protected_spans` gives the same spans without rescanning the rest of
the line from every unmatched `[`, `<a ` or backtick, which made a paragraph of them
quadratic (64 KB of `[`: 21 s).
"""

from __future__ import annotations

import re
from bisect import bisect_right

_TAG_LINES = (
    r"<[A-Za-z][A-Za-z0-9-]*(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*"
    r"""(?:\s*=\s*(?:[^"'=<>`\x00-\x20]+|'[^']*'|"[^"]*"))?)*\s*/?>"""
    r"|</[A-Za-z][A-Za-z0-9-]*\s*>"
)
"""CommonMark's open and closing tags, whose spaces may be line breaks (`<img alt="..."`
on one line, `src="..." />` on the next): markdown-it reads them as one inline tag."""
_TAG = re.compile(_TAG_LINES)
MAX_TAG = 2048
"""Characters a tag over several lines may take (each `<` that starts none is tried
this far at most: linear time on text full of unclosed `<a x="`)."""

PROTECTED = re.compile(
    r"(?<!`)(`+)(?!`)(?:.|\n)*?(?<!`)\1(?!`)"  # code spans: a whole run, closed by one
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"  # inline links and images
    r"|<[A-Za-z/!?][^>\n]*>"  # autolinks and HTML tags
    rf"|(?=<[A-Za-z/])(?:{_TAG_LINES})"  # a tag over several lines
)
"""The reference definition: `protected_spans(t)` equals its `finditer(t)` spans (for
tags over several lines, up to MAX_TAG characters long)."""

_START = re.compile(r"`+|!?\[|<[A-Za-z/!?]")
_RUN = re.compile(r"`+")
_BRACKET_END = re.compile(r"[\]\n]")  # where a link text ends, or its line
_PAREN_END = re.compile(r"[)\n]")  # a link destination
_ANGLE_END = re.compile(r"[>\n]")  # a tag


class _NextOf:
    """The first index >= start that `pattern` finds (len(text) if none).

    Queries come with non-decreasing starts, so an answer is reused while it is still
    ahead: each stretch of text is searched once.
    """

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text = text
        self.pattern = pattern
        self.start = self.found = -1

    def __call__(self, start: int) -> int:
        if self.start <= start <= self.found:
            return self.found
        m = self.pattern.search(self.text, start)
        self.start, self.found = start, m.start() if m else len(self.text)
        return self.found


def _code_end(runs: dict[int, list[int]], p: int, length: int) -> int:
    """End of the code span opened by the backtick run of `length` at `p`, or -1: the
    next run of exactly its length closes it; without one the whole run is literal
    backticks (CommonMark: "``" with no "``" after it opens nothing, not a "`" span)."""
    starts = runs.get(length)
    if starts:
        k = bisect_right(starts, p)
        if k < len(starts):
            return starts[k] + length
    return -1


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each protected span of `text`, in order, as `PROTECTED.finditer`."""
    if "`" not in text and "[" not in text and "<" not in text:
        return []
    runs: dict[int, list[int]] = {}  # backtick run length -> starts of such runs
    if "`" in text:
        for run in _RUN.finditer(text):
            runs.setdefault(run.end() - run.start(), []).append(run.start())
    close_bracket = _NextOf(text, _BRACKET_END)
    close_paren = _NextOf(text, _PAREN_END)
    close_angle = _NextOf(text, _ANGLE_END)
    n = len(text)
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _START.search(text, pos)
        if m is None:
            return out
        p = m.start()
        c = text[p]
        end = -1
        if c == "`":
            end = _code_end(runs, p, m.end() - p)
            if end < 0:
                pos = m.end()  # no part of this run opens a code span
                continue
        elif c == "<":
            q = close_angle(p + 2)
            if q < n and text[q] == ">":
                end = q + 1
            elif q < n and text[p + 1] != "!" and text[p + 1] != "?":  # a line break
                tag = _TAG.match(text, p, min(n, p + MAX_TAG))
                if tag is not None:
                    end = tag.end()
        else:  # `[` or `![`
            b = close_bracket(m.end())
            if b + 1 < n and text[b] == "]" and text[b + 1] == "(":
                q = close_paren(b + 2)
                if q < n and text[q] == ")":
                    end = q + 1
        if end < 0:
            pos = p + 1
            continue
        out.append((p, end))
        pos = end
