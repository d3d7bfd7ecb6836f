"""Block syntax that stays outside msgids: what a translator could break but need not see.

markdown-it-py leaves some extension syntax in a block's inline text: a GitHub alert
marker (`> [!NOTE]`), a task box (`- [x] Done`), a footnote label (`[^1]: Text`), a
heading attribute block (`## Install {#install}`). Cutting them off the unit's spans
keeps them among the bytes merge copies verbatim, so `[!ПРИМЕЧАНИЕ]` or `{#установка}`
cannot happen.
"""

from __future__ import annotations

import re

from tm.model import Piece, Unit

ALERT = re.compile(r"\[![A-Za-z]+\][+-]?[ \t]*")
"""GitHub alerts (`[!NOTE]`, `[!WARNING]`...), Obsidian callouts (`[!tip]-`)."""
TASK = re.compile(r"\[[ xX]\](?:[ \t]+|$)")
FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]+\]:(?:[ \t]+|$)")
ATTRIBUTE_BLOCK = r"\{[ \t]*[#.:][^{}\n]*\}"
"""An attribute block: `{#id}`, `{#id .class}`, `{.unnumbered}`, `{: #id}`."""
ATTRIBUTES = re.compile(rf"[ \t]*{ATTRIBUTE_BLOCK}[ \t]*$")
"""A trailing attribute block (a heading's)."""


_MARKERS = {"blockquote": (ALERT, FOOTNOTE_LABEL), "list item": (TASK, FOOTNOTE_LABEL),
            "paragraph": (FOOTNOTE_LABEL,)}
"""The markers a unit of each kind may begin with, in the order they are tried."""


def leading_marker(kind: str, text: str, start: int = 0, end: int | None = None) -> int:
    """Length of the block marker at the start of a unit's text, `text[start:end]` (0 if
    none)."""
    for pattern in _MARKERS.get(kind, ()):
        m = pattern.match(text, start, len(text) if end is None else end)
        if m:
            return m.end() - start
    return 0


def trim_markers(source: str, unit: Unit) -> Unit | None:
    """`unit` without its leading marker and trailing heading attributes; None when
    nothing but syntax is left (`> [!NOTE]` alone is copied as it is)."""
    pieces = list(unit.pieces)
    first = pieces[0]
    cut = leading_marker(unit.kind, source, first.start, first.end)
    if cut:
        if first.start + cut >= first.end:
            pieces.pop(0)
            if not pieces:
                return None
        else:
            pieces[0] = Piece(first.start + cut, first.end, first.prefix)
    if unit.kind == "heading":
        last = pieces[-1]
        m = ATTRIBUTES.search(source, last.start, last.end)
        if m and m.start() > last.start:
            pieces[-1] = Piece(last.start, m.start(), last.prefix)
    if pieces == list(unit.pieces):
        return unit
    line = unit.line + source.count("\n", unit.pieces[0].start, pieces[0].start)
    return Unit(unit.kind, line, tuple(pieces), unit.continuation, unit.multiline)
