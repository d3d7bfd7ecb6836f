"""Source formats: each module turns a document's text into units of exact spans.

Adding a format is one module with `units(text, options) -> list[Unit]` and one line in
`FORMATS`; everything else derives from `FORMATS` (the suffixes a project reads, the
documents `tm align` pairs, `tm lint`'s reader, the segmenter's digest, which hashes
this folder). Merge is the same for all: it replaces spans and copies every other byte,
so a unit's pieces must be exact spans and must leave out what is not text (markup,
timings, indentation; `Piece.prefix` is what goes before a new translated line). The
unit's `kind` is the `#.` comment translators see. Markdown stays first (the fallback
for an unknown suffix). Tests: tests/test_formats.py names the registry in full, and a
format's test is an identity merge giving the text back byte for byte; a project reads
the new suffix once a `[[documents]]` glob names it (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import cast

from tm.errors import TmError
from tm.formats.options import SourceOptions
from tm.model import Piece, Unit

UnitsFn = Callable[[str, SourceOptions | None], list[Unit]]


@dataclass(frozen=True)
class Format:
    """A source format: its name, file suffixes and the module that reads it."""

    name: str
    suffixes: tuple[str, ...]
    module: str
    """Imported when a document of this format is read (markdown-it only for Markdown)."""

    def units(self, text: str, options: SourceOptions | None = None) -> list[Unit]:
        fn = cast(UnitsFn, importlib.import_module(self.module).units)
        return fn(text, options)


FORMATS: tuple[Format, ...] = (
    Format("markdown", (".md", ".markdown", ".mdown", ".mkd"), "tm.source"),
    Format("html", (".html", ".htm", ".xhtml"), "tm.formats.html"),
    Format("text", (".txt", ".text"), "tm.formats.text"),
)


SOURCE_SUFFIXES: frozenset[str] = frozenset({".md"} | {
    s for f in FORMATS[1:] for s in f.suffixes})
"""Suffixes of the files a project reads from sources/: `.md` for Markdown (its other
suffixes are not project documents, as before), and every other format's."""


def keeps_suffix(doc: str) -> bool:
    """Whether document name `doc` keeps its file suffix: a Markdown document is named
    without `.md` (`lectures/part-4`), another format with its suffix (`articles/a.html`,
    `fonds/protocol.txt`)."""
    return PurePath(doc).suffix in SOURCE_SUFFIXES - {".md"}


def format_of(path: str | PurePath) -> Format:
    """The format of a source file by its suffix; Markdown when the suffix is unknown."""
    suffix = PurePath(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), FORMATS[0])


def source_units(path: str | PurePath, text: str,
                 options: SourceOptions | None = None) -> list[Unit]:
    """The units of a source document, read as its format. A UTF-8 byte order mark is
    no text: it stays out of every msgid (and in the merged file, which copies it)."""
    try:
        if text.startswith("\ufeff"):
            return [replace(u, pieces=tuple(Piece(p.start + 1, p.end + 1, p.prefix)
                                            for p in u.pieces))
                    for u in format_of(path).units(text[1:], options)]
        return format_of(path).units(text, options)
    except TmError as e:
        raise e.located(str(path)) from None
