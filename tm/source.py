"""Markdown source -> translatable units, each a set of exact spans of the source text.

markdown-it-py gives block tokens with line maps; the inline content of a block is
located back in those lines, so that merge can replace spans and copy the rest verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, count
from operator import add
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from tm.errors import SourceError, read_utf8
from tm.formats.markdown_extra import SourceOptions, extra_units, link_title_units
from tm.formats.markdown_runs import (
    EARLIER_RUNS,
    MAX_RUNS,
    RUNS,
    run_key,
    run_lines,
    run_samples,
    self_contained,
)
from tm.formats.markers import trim_markers
from tm.model import Piece, Unit


def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM tables and strikethrough, footnote definitions (their text is
    offered), and YAML front matter carried through."""
    md = (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .enable("strikethrough")
        .use(front_matter_plugin)
        .use(footnote_plugin)
    )
    md.core.ruler.at("normalize", _normalize)
    return md


def _normalize(state: StateCore) -> None:
    """markdown-it's `normalize` (line endings as \\n, NUL as U+FFFD) without its two
    regular expression passes over text that has neither \\r nor NUL: they copy every
    line feed of a 4 MB document (about 40 ms)."""
    text = state.src
    if "\r" in text:  # \r\n, then a lone \r: what `\r\n?` finds, left to right
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    state.src = text


_PARSER = markdown_parser()
_BLOCKS = markdown_parser().disable(["inline", "footnote_tail"])
"""Block structure only: inline content is parsed on demand (see `_wrapper`); footnote
definitions stay where they are in the document (not moved to its end)."""


def read_source(path: Path) -> str:
    """Read a source document as text, keeping its line endings exactly."""
    text = read_utf8(
        path, SourceError, "convert the file to UTF-8, e.g. `iconv -f cp1251 -t utf-8`"
    )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError("NUL byte in a Markdown file", path, line, "is this a binary file?")
    return text


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins (line i, 0-based, starts at result[i])."""
    if "\r" in text:
        starts = [0]
        starts.extend(m.end() for m in re.finditer(r"\r\n|\n|\r", text))
        return starts
    # line i+1 starts after the lengths of lines 0..i and i+1 line feeds (all in C)
    lengths = accumulate(map(len, text.split("\n")[:-1]))
    return [0, *map(add, lengths, count(1))]


_KIND_BY_CONTAINER = {"list_item_open": "list item", "blockquote_open": "blockquote",
                      "footnote_reference_open": "footnote"}


def _block_kind(block: str, containers: list[str]) -> str:
    if block in ("th_open", "td_open"):
        return "table cell"
    if block == "heading_open":
        return "heading"
    for c in reversed(containers):
        if c in _KIND_BY_CONTAINER:
            return _KIND_BY_CONTAINER[c]
    return "paragraph"


_NOT_QUOTE = re.compile(r"[^>\s]")


def _continuation(prefix: str) -> str:
    """The prefix for a continuation line: `>` kept, list markers turned into spaces."""
    return _NOT_QUOTE.sub(" ", prefix) if prefix else prefix


def units(text: str, options: SourceOptions | None = None) -> list[Unit]:
    """Every translatable unit of a Markdown text, in document order: inline text of
    blocks, and front-matter prose, HTML text and link titles (tm.formats.markdown_extra).

    The text is parsed in runs of blocks (tm.formats.markdown_runs); what a run gave is
    remembered by its text, so a re-run parses only the runs that changed.
    """
    return read_runs(text, options).whole()


@dataclass
class Runs:
    """A Markdown text read as runs of blocks: what a memo gave for each, or its parse
    (`units` makes the units of all; tm.segment.runs those of the runs it needs)."""

    text: str
    starts: list[int]
    runs: list[tuple[int, int, Any]]
    """Per run: first line, offset, what a memo gave (or what its parse left in env)."""
    keys: list[bytes]
    """Per run: its `run_key`."""
    parsed: dict[int, tuple[bytes, list[Token], bool]]
    """By first line: the runs parsed in this call (key, tokens, parsed alone)."""
    env: dict[str, Any]
    """What the whole document's parse leaves for its inline parses."""
    refs: dict[str, Any]
    opts: SourceOptions
    made: dict[int, list[Unit]] = field(default_factory=dict)
    """The units `units_of` made, by run (a parsed run's tokens are moved to their place
    in the document once)."""

    def whole_units(self) -> list[Unit] | None:
        """The units of the whole text (`units`), from these runs as read; None once
        `units_of` made some run's units alone (its tokens moved: read the text again)."""
        return None if self.made else self.whole()

    def whole(self) -> list[Unit]:
        """The units of the whole text, before any `units_of`."""
        out, extra = _run_units(self.text, self.starts, self.runs, self.parsed, self.env,
                                self.opts)
        extra.extend(self.link_titles())
        return sorted([*out, *extra], key=lambda u: u.start) if extra else out

    def link_titles(self) -> list[Unit]:
        """The units of link reference definitions' titles (from the whole document)."""
        return list(link_title_units(self.text, self.refs, self.starts))

    def end(self, i: int) -> int:
        """The offset where run `i` ends."""
        return self.runs[i + 1][1] if i + 1 < len(self.runs) else len(self.text)

    def units_of(self, i: int) -> list[Unit]:
        """The units of run `i` but link titles, in document order."""
        if i not in self.made:
            out, extra = _run_units(self.text, self.starts, self.runs[i:i + 1], self.parsed,
                                    self.env, self.opts)
            self.made[i] = sorted([*out, *extra], key=lambda u: u.start) if extra else out
        return self.made[i]


def run_spans(text: str) -> list[tuple[int, int]]:
    """Where the runs of `text` begin and end, as `read_runs` first cuts it."""
    starts = line_starts(text)
    at = [starts[line] for line in run_lines(text) if line < len(starts)] + [len(text)]
    return [(a, b) for a, b in zip(at, at[1:], strict=False) if b > a]


def remembered(text: str, options: SourceOptions | None) -> float:
    """The share of a few runs spread over `text` (`run_samples`) that a memo (this
    process's or an earlier run's) holds: about how much of it a reading need not parse."""
    picked = run_samples(text)
    if not picked:
        return 0.0
    okey = repr(options or SourceOptions()).encode("utf-8", "surrogatepass")
    keys = [run_key(text[a:b], okey) for a, b in picked]
    return sum(1 for k in keys if k in RUNS or k in EARLIER_RUNS) / len(keys)


def read_runs(text: str, options: SourceOptions | None = None) -> Runs:
    """`text` cut into runs of blocks, each taken from the memo or parsed."""
    opts = options or SourceOptions()
    okey = repr(opts).encode("utf-8", "surrogatepass")
    starts = line_starts(text)
    bounds = [*run_lines(text), len(starts)]
    # markdown-it's lines: a line break at the end starts no line (line_starts has one)
    last = len(starts) - 1 if text and starts[-1] == len(text) else len(starts)
    refs: dict[str, Any] = {}
    notes: dict[str, int] = {}
    runs: list[tuple[int, int, Any]] = []  # (first line, offset, what a memo gave or None)
    keys: list[bytes] = []
    parsed: dict[int, tuple[bytes, list[Token], bool]] = {}
    i = 0
    while i < len(bounds) - 1:
        first, stop = bounds[i], bounds[i + 1]
        a = starts[first]
        chunk = text[a : starts[stop] if stop < len(starts) else len(text)]
        key = run_key(chunk, okey)
        got = RUNS.get(key)
        if got is None and (got := EARLIER_RUNS.get(key)) is not None:
            RUNS[key] = got  # used in this run (tm.workcache keeps it)
        if got is not None and not got[4] and stop < len(starts):
            got = None  # it parsed alone only as the end of a document
        if got is None:
            env: dict[str, Any] = {}
            tokens = _BLOCKS.parse(chunk, env)
            _check_nesting(tokens, first)
            lines = (stop if stop < len(starts) else last) - first
            alone = self_contained(chunk, tokens, lines, _BLOCKS.options.maxNesting)
            if not alone and stop < len(starts):
                del bounds[i + 1 : -1]  # parse on to the end of the document
                continue
            parsed[first] = (key, tokens, alone)
            got = (None, None, env.get("references", {}),
                   tuple(env.get("footnotes", {}).get("refs", {})), alone)
        runs.append((first, a, got))
        keys.append(key)
        for label, ref in got[2].items():
            if label not in refs:  # the first definition of a label counts
                refs[label] = {**ref, "map": [ref["map"][0] + first, ref["map"][1] + first]}
        notes.update(dict.fromkeys(got[3], -1))
        i += 1
    env = {}  # what the whole document's parse leaves for its inline parses
    if refs:
        env["references"] = refs
    if notes:
        env["footnotes"] = {"refs": notes, "list": {}}
    return Runs(text, starts, runs, keys, parsed, env, refs, opts)


_LEAF_OPENS = ("paragraph", "heading", "table", "thead", "tbody", "tr", "th", "td")
"""Blocks whose content is inline (parsed later, from level 0): never skipped."""


def _check_nesting(tokens: list[Token], first: int) -> None:
    """markdown-it skips, without a word, what is nested deeper than its maxNesting (20
    levels: ten nested lists, twenty quotes): a SourceError at the line where a block
    reaches it (line numbers from the run's `first`; the caller names the file)."""
    deepest = _BLOCKS.options.maxNesting - 1
    for t in tokens:  # a container opened there: its blocks would be parsed past it
        if t.level >= deepest and t.nesting == 1 and not t.type.startswith(_LEAF_OPENS):
            line = first + (t.map[0] if t.map else 0) + 1
            raise SourceError("lists or quotes nested too deep for the Markdown parser: "
                              "the text inside them would be lost", None, line,
                              "nest fewer than 10 lists or 20 quotes")


def _run_units(text: str, starts: list[int], runs: list[tuple[int, int, Any]],
               parsed: dict[int, tuple[bytes, list[Token], bool]], env: dict[str, Any],
               opts: SourceOptions) -> tuple[list[Unit], list[Unit]]:
    """The units of each run, from the memo or from its tokens (then remembered):
    block text, and the rest but link titles (tm.formats.markdown_extra)."""
    out: list[Unit] = []
    extra: list[Unit] = []
    for first, a, got in runs:
        if first not in parsed:
            out.extend(_shifted(got[0], first, a))
            extra.extend(_shifted(got[1], first, a))
            continue
        key, tokens, alone = parsed[first]
        for tok in tokens:
            if tok.map is not None:
                tok.map = [tok.map[0] + first, tok.map[1] + first]
        found = (trim_markers(text, u) for u in _iter_units(text, tokens, env, starts))
        own = [u for u in found if u is not None]  # markers stay outside (tm.formats.markers)
        own_extra = extra_units(text, tokens, {}, opts, starts)
        out.extend(own)
        extra.extend(own_extra)
        if _env_free(tokens):
            if len(RUNS) >= MAX_RUNS:
                RUNS.clear()
            RUNS[key] = (_relative(own, first, a), _relative(own_extra, first, a),
                                   got[2], got[3], alone)
    return out, extra


def _env_free(tokens: list[Token]) -> bool:
    """Whether no unit of these tokens depends on the rest of the document: only the
    inline parse that looks for wrapping emphasis (`_wrapper`) reads link and footnote
    definitions, and only where a `[` is."""
    return not any(t.type == "inline" and "[" in t.content and t.content[:1] in ("*", "_")
                   and t.content[-1:] in ("*", "_") for t in tokens)


def _relative(found: list[Unit], first: int, a: int) -> tuple[Any, ...]:
    """Units as plain tuples (for marshal), lines and offsets from a run's start."""
    return tuple([(u.kind, u.line - first, tuple([(p.start - a, p.end - a, p.prefix)
                                                  for p in u.pieces]), u.continuation,
                   u.multiline) for u in found])  # lists: no generator per unit


def _shifted(found: tuple[Any, ...], first: int, a: int) -> list[Unit]:
    """The units `_relative` kept, for a run starting at line `first`, offset `a`."""
    return [Unit(kind, line + first, tuple(Piece(s + a, e + a, pre) for s, e, pre in pieces),
                 cont, multiline) for kind, line, pieces, cont, multiline in found]


def _iter_units(text: str, tokens: list[Token], env: dict[str, Any],
                starts: list[int]) -> Iterator[Unit]:
    containers: list[str] = []
    block = ""
    block_map: list[int] | None = None
    row_cells: dict[int, list[tuple[int, int]]] = {}
    cell_index: dict[int, int] = {}
    for tok in tokens:
        if tok.type in ("list_item_open", "blockquote_open", "footnote_reference_open"):
            containers.append(tok.type)
        elif tok.type in ("list_item_close", "blockquote_close", "footnote_reference_close"):
            containers.pop()
        elif tok.type in ("paragraph_open", "heading_open", "th_open", "td_open"):
            block = tok.type
            if tok.map:
                block_map = tok.map
        elif tok.type == "tr_open" and tok.map:
            block_map = tok.map
        elif tok.type == "inline" and tok.map and tok.content.strip():
            kind = _block_kind(block, containers)
            if block in ("th_open", "td_open"):
                row = tok.map[0]
                if row not in row_cells:
                    row_cells[row] = _table_cells(text, starts, row)
                    cell_index[row] = 0
                idx = cell_index[row]
                cell_index[row] += 1
                if idx < len(row_cells[row]):
                    s, e = row_cells[row][idx]
                    ls = starts[row]
                    yield Unit(kind, row + 1, (Piece(s, e, text[ls:s]),), "", multiline=False)
                continue
            heading_atx = (block == "heading_open" and block_map is not None
                           and block_map[1] - block_map[0] == 1)
            unit = _locate(text, starts, tok, kind, atx=heading_atx, env=env)
            if unit is not None:
                yield unit


def _line(text: str, starts: list[int], i: int) -> tuple[int, str]:
    """Start offset and text (without line ending) of 0-based line i."""
    s = starts[i]
    e = starts[i + 1] if i + 1 < len(starts) else len(text)
    return s, text[s:e].rstrip("\r\n")


def _locate(
    text: str, starts: list[int], tok: Token, kind: str, atx: bool, env: dict[str, Any]
) -> Unit | None:
    """Find the inline content of `tok` in its source lines; None if it cannot be aligned."""
    assert tok.map is not None
    lines = tok.content.split("\n")
    first = tok.map[0]
    pieces = []
    for i, cl in enumerate(lines):
        ls, raw = _line(text, starts, first + i)
        if atx:
            hashes = raw.find("#")
            at = raw.find(cl, hashes + 1 if hashes >= 0 else 0)
            if at < 0:
                return None
            pieces.append(Piece(ls + at, ls + at + len(cl), raw[:at]))
            continue
        body = raw if i < len(lines) - 1 else raw.rstrip(" \t")
        x = _align(body, cl)
        if x is None and i == len(lines) - 1:
            body = raw.rstrip()
            x = _align(body, cl)
        if x is None:
            return None
        if i > 0:  # leading blanks of a continuation line belong to its prefix
            x += len(body[x:]) - len(body[x:].lstrip(" \t"))
        end = ls + len(body)
        pieces.append(Piece(ls + x, end, raw[:x]))
    if not pieces or pieces[0].start >= pieces[-1].end:
        return None
    lead, trail = _wrapper(tok, env)
    if lead and len(pieces) == 1 and pieces[0].end - pieces[0].start <= lead + trail:
        lead = trail = 0
    if lead:  # emphasis around the whole block stays outside the segments
        p0, pn = pieces[0], pieces[-1]
        pieces[0] = Piece(p0.start + lead, p0.end, p0.prefix)
        pieces[-1] = Piece(pieces[-1].start, pn.end - trail, pieces[-1].prefix)
    cont = _continuation(pieces[0].prefix)
    if len(pieces) > 1:
        cont = pieces[1].prefix if pieces[1].prefix.strip(" \t") else cont
    return Unit(kind, first + 1, tuple(pieces), cont, multiline=not atx)


WRAPPER_MAX = 100_000
"""Longest block whose wrapping emphasis is looked for: a hostile 10 MB `*...*` paragraph
would take gigabytes of inline tokens (a real italic paragraph is far shorter; past
this its `*` merely stay in the first and last segment)."""


def _wrapper(tok: Token, env: dict[str, Any]) -> tuple[int, int]:
    """Lengths of emphasis markup that wraps the whole inline content, e.g. `*...*`."""
    content = tok.content
    if content[:1] not in ("*", "_") or content[-1:] not in ("*", "_"):
        return 0, 0
    if len(content) > WRAPPER_MAX:  # the inline parse costs ~250 bytes per character
        return 0, 0
    kids: list[Token] = []
    _PARSER.inline.parse(content, _PARSER, env, kids)
    lead = trail = 0
    while len(kids) >= 3 and kids[0].type in ("em_open", "strong_open"):
        close = kids[0].type.replace("_open", "_close")
        depth, end = 0, -1
        for idx, k in enumerate(kids):
            depth += (k.type == kids[0].type) - (k.type == close)
            if depth == 0:
                end = idx
                break
        if end != len(kids) - 1:
            break
        lead += len(kids[0].markup)
        trail += len(kids[-1].markup)
        kids = kids[1:-1]
    return lead, trail


def _align(body: str, content_line: str) -> int | None:
    """Where `content_line` starts in `body`, which it ends; tolerant of expanded tabs."""
    if body.endswith(content_line):
        return len(body) - len(content_line)
    stripped = content_line.lstrip(" \t")
    if stripped and body.endswith(stripped):
        return len(body) - len(stripped)
    return None


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _table_cells(text: str, starts: list[int], row: int) -> list[tuple[int, int]]:
    """(start, end) offsets of each non-empty cell's trimmed text on a table row line."""
    ls, raw = _line(text, starts, row)
    bounds = [m.start() for m in _CELL_SPLIT.finditer(raw)]
    edges = [-1, *bounds, len(raw)]
    cells = []
    for a, b in zip(edges, edges[1:], strict=False):
        seg = raw[a + 1 : b]
        if not seg.strip():
            if a == -1 or b == len(raw):
                continue  # outer pipes
            cells.append((ls + a + 1, ls + a + 1))
            continue
        lead = len(seg) - len(seg.lstrip())
        cells.append((ls + a + 1 + lead, ls + a + 1 + len(seg.rstrip())))
    return [c for c in cells if c[0] < c[1]]
