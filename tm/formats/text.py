"""Plain text: paragraphs separated by blank lines, as archival transcriptions often are.

A paragraph's lines are one unit (line breaks inside it are kept where the translation
has them, as soft breaks in Markdown); the leading indentation of each line stays
outside the unit.
"""

from __future__ import annotations

import re

from tm.formats.options import SourceOptions
from tm.model import Piece, Unit

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
_LETTER = re.compile(r"[^\W\d_]")


def units(text: str, options: SourceOptions | None = None) -> list[Unit]:
    """Every paragraph of a plain-text document that has a letter, in document order."""
    out: list[Unit] = []
    pieces: list[Piece] = []
    first_line = 0

    def flush() -> None:
        if pieces and any(_LETTER.search(text, p.start, p.end) for p in pieces):
            cont = pieces[1].prefix if len(pieces) > 1 else pieces[0].prefix
            out.append(Unit("paragraph", first_line, tuple(pieces), cont))
        pieces.clear()

    line = 0
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        line += 1
        body = m.group(0).rstrip("\r\n")
        if not body.strip():
            flush()
            continue
        indent = len(body) - len(body.lstrip())
        end = m.start() + len(body.rstrip())
        if not pieces:
            first_line = line
        pieces.append(Piece(m.start() + indent, end, body[:indent]))
    flush()
    return out
