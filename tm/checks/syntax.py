"""Markdown syntax that must stay inside a msgid and that a translation must keep:
hard line breaks and attribute blocks (`{#id}`, `{.class}`).

Block markers (alerts, task boxes, footnote labels, a heading's attributes) are kept out
of msgids altogether (tm.formats.markers); these are what is left for the translator to keep.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from tm.checks.context import Context
from tm.checks.markup import differences
from tm.formats.markers import ATTRIBUTE_BLOCK

HARD_BREAK = re.compile(r"(?: {2,}|\\)(?=\r?\n)")
"""Two spaces or a backslash at the end of a line: a hard line break in CommonMark."""
ATTRIBUTES = re.compile(ATTRIBUTE_BLOCK)


def check_hard_breaks(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """As many hard line breaks as the source: editors that trim trailing blanks lose them."""
    if "\n" not in src and "\n" not in tgt:
        return
    s, t = len(HARD_BREAK.findall(src)), len(HARD_BREAK.findall(tgt))
    if s > t:
        yield (f"{s - t} hard line break(s) lost (end the line with two spaces or a "
               "backslash, as in the source)")
    elif t > s:
        yield f"{t - s} hard line break(s) not in the source"


def check_attributes(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Attribute blocks `{#id}`, `{.class}` copied unchanged: links and styles use them."""
    if "{" not in src and "{" not in tgt:
        return
    yield from differences("attribute block", Counter(ATTRIBUTES.findall(src)),
                           Counter(ATTRIBUTES.findall(tgt)), changed=" (keep it as it is)")


_BLOCK_STARTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a code fence", re.compile(r" {0,3}(?:`{3,}|~{3,})")),
    ("a heading", re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")),
    ("a block quote", re.compile(r" {0,3}>")),
    ("an HTML block or comment", re.compile(
        r" {0,3}<(?:!--|\?|![A-Za-z]|!\[CDATA\[|/?(?:address|article|aside|blockquote|"
        r"details|div|dl|fieldset|figure|footer|form|h[1-6]|header|hr|li|main|nav|ol|p|"
        r"pre|script|section|style|table|ul)(?:[\s/>]|$))", re.I)),
    ("a thematic break", re.compile(
        r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")),
    ("a list item", re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")),
    ("an indented code block", re.compile(r"(?: {4}|\t)")),
)
"""CommonMark's block starts, as they would stand at the start of a line of the merged
document (a translation's first line, or a line after a line break in it)."""
_MAY_START = frozenset(" \t`~#><*-_+0123456789")
"""First characters of a line that may start one of _BLOCK_STARTS (most lines start
with a letter: no pattern is tried on them)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


_SETEXT = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
"""A setext heading's underline: after a line of the paragraph it makes that a heading."""
_INTERRUPTING_ITEM = re.compile(r" {0,3}(?:[-+*]|0{0,8}1[.)])[ \t]+\S")
"""A list item that can interrupt a paragraph (CommonMark 5.3): a bullet or an ordered
item numbered 1, not empty. "... up to and including\n255." stays one paragraph."""


def _starts(text: str) -> Counter[str]:
    """The block starts of `text`'s lines; a line after a line break continues the
    paragraph unless its block can interrupt one (an indented line or a list item
    other than `_INTERRUPTING_ITEM` cannot)."""
    kinds: Counter[str] = Counter()
    for i, line in enumerate(text.split("\n")):
        if i and line and _SETEXT.match(line):
            kinds["a heading"] += 1  # the line before becomes a heading
            continue
        if not line or line[0] not in _MAY_START:
            continue
        for kind, pattern in _BLOCK_STARTS:
            if pattern.match(line):
                if i and (kind == "an indented code block" or (
                        kind == "a list item" and not _INTERRUPTING_ITEM.match(line))):
                    break
                kinds[kind] += 1
                break
    return kinds


def check_blocks(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """A translation that would change the document's blocks when merged: a blank line
    (a new paragraph), a line starting a heading, quote, list, fence, HTML block or
    comment the source does not start (a fence or `<!--` swallows the rest of the
    document), a leading or trailing line break that the source does not have (which
    `msgfmt -c` refuses), a control character (a NUL ends the text for C tools)."""
    for edge, s, t in (("begins", src[:1], tgt[:1]), ("ends", src[-1:], tgt[-1:])):
        if (s == "\n") != (t == "\n"):
            yield (f"the translation {edge} with a line break and the source does not"
                   if t == "\n" else f"the source {edge} with a line break and the "
                   "translation does not")
    if _BLANK_LINE.search(tgt.strip("\n")) and not _BLANK_LINE.search(src.strip("\n")):
        yield "a blank line in the translation would start a new paragraph"
    extra = _starts(tgt) - _starts(src) if not ctx.inline_only else {}
    for kind in extra:
        yield (f"a line of the translation starts {kind}, which the source does not "
               "(merged, it would change the document's blocks: put a backslash before "
               "its mark, as in `5\\. September`, or flag the entry tm-ignore:block if "
               "the sentence does not start its line)")
    if (bad := _CONTROL.search(tgt)) and bad.group() not in src:
        yield f"control character U+{ord(bad.group()):04X} in the translation"
