"""Text a Markdown document holds outside its paragraphs: front-matter prose, HTML blocks,
link-definition titles. Each is a unit of exact source spans, as paragraphs are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tm.formats.html_units import html_units
from tm.formats.options import SourceOptions
from tm.model import Piece, Unit

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["SourceOptions", "extra_units", "front_matter_units", "link_title_units"]


def _line_end(text: str, starts: list[int], i: int) -> int:
    """Offset of the end of line i (before its line ending)."""
    end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
    if end > starts[i] and text[end - 1] == "\r":
        end -= 1
    return end


_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)")
_PLAIN_END = re.compile(r"[ \t]+#.*$|[ \t]+$")


def front_matter_units(text: str, tok: Token, keys: tuple[str, ...],
                       starts: list[int]) -> Iterator[Unit]:
    """The values of top-level `keys` in YAML front matter: plain, quoted (one line) and
    block scalars (`|`, `>`), each a unit of kind `front matter`; `starts` are the
    text's line starts (tm.source.line_starts)."""
    assert tok.map is not None
    first, last = tok.map[0] + 1, tok.map[1] - 1  # inside the --- fences
    i = first
    while i < last:
        ls, le = starts[i], _line_end(text, starts, i)
        m = _KEY.match(text, ls, le)
        i += 1
        if m is None or m.group(1) not in keys:
            continue
        a = m.end()
        value = text[a:le]
        if value[:1] in ("|", ">") and value[1:].strip(" \t+-0123456789") == "":
            pieces = []
            while i < last:
                bs, be = starts[i], _line_end(text, starts, i)
                body = text[bs:be]
                if body.strip() and not body[:1].isspace():
                    break
                indent = len(body) - len(body.lstrip(" \t"))
                if body.strip():
                    pieces.append(Piece(bs + indent, be, body[:indent]))
                i += 1
            if pieces:
                yield Unit("front matter", bisect_right(starts, pieces[0].start),
                           tuple(pieces), pieces[0].prefix)
            continue
        if value[:1] in ("'", '"'):
            q = value[0]
            close = value.rfind(q)
            rest = value[close + 1:].strip(" \t")
            if close <= 0 or (rest and not rest.startswith("#")):
                continue
            a, b = a + 1, a + close
        else:
            if not value or value[0] in "[{&*!%@`#":
                continue
            b = a + len(_PLAIN_END.sub("", value))
        if b > a and re.search(r"[^\W\d_]", text[a:b]):
            yield Unit("front matter", i, (Piece(a, b, text[ls:a]),), "", multiline=False)


_TITLE = re.compile(
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\))[ \t]*$""", re.S)


def link_title_units(text: str, references: Mapping[str, Any],
                     starts: list[int]) -> Iterator[Unit]:
    """The titles of link reference definitions (`[x]: /url "Title"`), kind `link title`;
    `starts` are the text's line starts."""
    for ref in references.values():
        span = ref.get("map")
        if not ref.get("title") or not span:
            continue
        a0 = starts[span[0]]
        b0 = _line_end(text, starts, span[1] - 1)
        m = _TITLE.search(text, a0, b0)
        if m is None:
            continue
        g = next(k for k in (1, 2, 3) if m.group(k) is not None)
        a, b = m.start(g), m.end(g)
        pieces = []
        pos = a
        while True:
            nl = text.find("\n", pos, b)
            end = b if nl < 0 else nl
            if end > pos and text[end - 1] == "\r":
                end -= 1
            ls = starts[bisect_right(starts, pos) - 1]
            pieces.append(Piece(pos, end, text[ls:pos]))
            if nl < 0:
                break
            pos = nl + 1
            while pos < b and text[pos] in " \t>":
                pos += 1
        if any(re.search(r"[^\W\d_]", text[p.start:p.end]) for p in pieces):
            yield Unit("link title", bisect_right(starts, a), tuple(pieces), "")


def extra_units(text: str, tokens: list[Token], env: Mapping[str, Any],
                options: SourceOptions, starts: list[int]) -> list[Unit]:
    """Front matter, HTML blocks (outside block quotes) and link titles, in order;
    `starts` are the text's line starts (tm.source.line_starts, computed once)."""
    out: list[Unit] = []
    quote_depth = 0
    for tok in tokens:
        if tok.type == "blockquote_open":
            quote_depth += 1
        elif tok.type == "blockquote_close":
            quote_depth -= 1
        elif tok.type == "front_matter" and tok.map and options.front_matter:
            out.extend(front_matter_units(text, tok, options.front_matter, starts))
        elif tok.type == "html_block" and tok.map and quote_depth == 0:
            a = starts[tok.map[0]]
            b = starts[tok.map[1]] if tok.map[1] < len(starts) else len(text)
            out.extend(html_units(text[a:b], a, tok.map[0] + 1, options.attributes,
                                  options.tag_attributes))
    out.extend(link_title_units(text, env.get("references", {}), starts))
    return out
