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
