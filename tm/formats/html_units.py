"""Human-readable text inside HTML: element text and translatable attributes, as exact
spans of the source, found with Python's HTML parser.

Used for HTML blocks in Markdown and for whole HTML documents. A run of inline content
(text with inline elements such as `<code>` or `<a>`) between block boundaries is one
unit, tags and all, as a Markdown paragraph's inline HTML is; the values of attributes
people translate (`alt`, `title`, `aria-label`, `placeholder`, and per tag, e.g.
mdBook's `<Listing caption="...">`) are units of their own, kind `attribute`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tm.formats.options import ATTRIBUTES, TAG_ATTRIBUTES
from tm.model import Piece, Unit

BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl "
    "dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr "
    "html legend li listing main menu nav ol optgroup option p pre section summary table "
    "tbody td tfoot th thead title tr ul br".split())
"""Elements whose boundaries end a run of inline text (`br` too: a line of its own)."""
RAW = frozenset("script style pre textarea template svg math noscript iframe object".split())
"""Elements whose content is never offered."""
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"<!--.*?-->|<[^>]*>|&#?\w+;", re.S)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")


@dataclass
class _Element:
    tag: str
    inner: int
    """Offset just after the start tag."""
    children: list[_Element] = field(default_factory=list)
    inner_end: int = -1
    """Offset of the end tag (or of whatever closed the element)."""
    tags: list[tuple[int, int, str]] = field(default_factory=list)
    """(start, end, tag) of each child tag, in order (inline ones too)."""


class _Scanner(HTMLParser):
    """Builds a light element tree with source offsets, and collects attribute spans."""

    def __init__(self, text: str, attributes: tuple[str, ...],
                 tag_attributes: Mapping[str, tuple[str, ...]]) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.root = _Element("#root", 0)
        self.stack = [self.root]
        self.open: Counter[str] = Counter()
        """How many elements of each tag are open (a stray end tag costs nothing)."""
        self.attr_spans: list[tuple[int, int, str]] = []
        self.attributes = attributes
        self.tag_attributes = tag_attributes

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        end = start + len(raw)
        self._attributes(tag, raw, start)
        self.stack[-1].tags.append((start, end, tag))
        if tag in VOID or raw.endswith("/>"):
            return
        el = _Element(tag, end)
        self.stack[-1].children.append(el)
        self.stack.append(el)
        self.open[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        self._attributes(tag, raw, start)
        self.stack[-1].tags.append((start, start + len(raw), tag))

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        gt = self.text.find(">", start)
        end = gt + 1 if gt >= 0 else len(self.text)
        for i in range(len(self.stack) - 1, 0, -1) if self.open[tag] else ():
            if self.stack[i].tag == tag:
                for el in self.stack[i:]:
                    el.inner_end = start
                    self.open[el.tag] -= 1
                del self.stack[i:]
                break
        self.stack[-1].tags.append((start, end, "/" + tag))

    def _attributes(self, tag: str, raw: str, start: int) -> None:
        wanted = self.attributes + tuple(self.tag_attributes.get(tag, ()))
        name_end = len(tag) + 1
        for m in _ATTR.finditer(raw, name_end):
            value = m.group(2)
            if m.group(1).lower() not in wanted or not value:
                continue
            a, b = m.start(2), m.end(2)
            if value[0] in "\"'":
                a, b = a + 1, b - 1
            if _LETTER.search(raw, a, b):
                self.attr_spans.append((start + a, start + b, m.group(1).lower()))

    def finish(self) -> _Element:
        self.close()
        for el in self.stack[1:]:
            el.inner_end = len(self.text)
        self.root.inner_end = len(self.text)
        return self.root


def _runs(root: _Element) -> Iterator[tuple[int, int]]:
    """Spans of inline content between block boundaries, in document order (a stack of
    element walkers, not recursion: nesting depth is the document's to choose)."""
    stack = [_walk(root)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, _Element):
            stack.append(_walk(item))
        else:
            yield item


def _walk(el: _Element) -> Iterator[tuple[int, int] | _Element]:
    """Runs directly in `el`, and each block child (to walk) where it stands."""
    if el.tag in RAW:
        return
    pos = el.inner
    skip_until = -1
    child_at = {c.inner: c for c in el.children}
    for tag_start, tag_end, tag in el.tags:
        if tag_start < skip_until:
            continue
        if tag.lstrip("/") in BLOCK or tag.lstrip("/") in RAW:
            yield pos, tag_start
            pos = tag_end
            child = None if tag.startswith("/") else child_at.get(tag_end)
            if child is not None:
                yield child
                skip_until = child.inner_end
                pos = max(pos, child.inner_end)
    yield pos, el.inner_end


def _unit(text: str, a: int, b: int, offset: int, line_of: list[int], kind: str,
          multiline: bool) -> Unit | None:
    """A unit for text[a:b] trimmed of white space, one piece per line."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a >= b or not _LETTER.search(_MARKUP.sub(" ", text[a:b])):
        return None  # tags, comments and entities alone are nothing to translate
    pieces = []
    pos = a
    while True:
        nl = text.find("\n", pos, b)
        line_start = line_of[bisect_right(line_of, pos) - 1]
        end = b if nl < 0 else nl
        if end > pos and text[end - 1] == "\r":
            end -= 1
        indent = line_start
        while indent < pos and text[indent] in " \t":
            indent += 1
        # the line's indentation, for new lines of a translation (not the tags before)
        pieces.append(Piece(offset + pos, offset + end, text[line_start:indent]))
        if nl < 0:
            break
        pos = nl + 1
        while pos < b and text[pos] in " \t":
            pos += 1
    line = bisect_right(line_of, a)
    cont = pieces[1].prefix if len(pieces) > 1 else pieces[0].prefix
    return Unit(kind, line, tuple(pieces), cont, multiline=multiline)


def html_units(text: str, offset: int = 0, first_line: int = 1,
               attributes: tuple[str, ...] = ATTRIBUTES,
               tag_attributes: Mapping[str, tuple[str, ...]] = TAG_ATTRIBUTES) -> list[Unit]:
    """Units of an HTML fragment `text` that starts at `offset` (line `first_line`) of
    its document, in document order."""
    scanner = _Scanner(text, attributes, tag_attributes)
    try:
        scanner.feed(text)
        root = scanner.finish()
    except AssertionError:  # html.parser on a malformed `<![x[` section (found by fuzzing):
        return []  # nothing offered, the block is carried through untouched
    line_of = scanner.starts  # offsets where each line of `text` begins
    found: list[Unit] = []
    for a, b in _runs(root):
        u = _unit(text, a, b, offset, line_of, "html", multiline=True)
        if u is not None:
            found.append(u)
    for a, b, name in scanner.attr_spans:  # kind `attribute alt`: the `#.` comment says which
        u = _unit(text, a, b, offset, line_of, f"attribute {name}", multiline=True)
        if u is not None:
            found.append(u)
    shift = first_line - 1
    found = [Unit(u.kind, u.line + shift, u.pieces, u.continuation, u.multiline)
             for u in found]
    found.sort(key=lambda u: u.start)
    return _disjoint(found)


def _disjoint(found: list[Unit]) -> list[Unit]:
    """Drop a unit that overlaps an earlier one (an attribute inside a text run stays in
    the run's tag, as inline HTML in a Markdown paragraph does)."""
    out: list[Unit] = []
    for u in found:
        if out and u.start < out[-1].end:
            continue
        out.append(u)
    return out
