"""Source formats: each module turns a document's text into units of exact spans.

Adding a format is one module with `units(text, options) -> list[Unit]` and one line in
`FORMATS`. Merge is the same for all: it replaces spans and copies every other byte.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import cast

from tm.formats.options import SourceOptions
from tm.model import Unit

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


def format_of(path: str | PurePath) -> Format:
    """The format of a source file by its suffix; Markdown when the suffix is unknown."""
    suffix = PurePath(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), FORMATS[0])


def source_units(path: str | PurePath, text: str,
                 options: SourceOptions | None = None) -> list[Unit]:
    """The units of a source document, read as its format."""
    return format_of(path).units(text, options)
