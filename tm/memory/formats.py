"""Memory files in and out: TMX 1.4b, CSV (one column per language), PO and TBX.

Every reader yields MemoryUnit and turns any defect into MemoryFormatError naming the
file and line, so `tm segment` never starts on a half-read memory. `READERS` is the
registry by file suffix: `read_memory`, `tm memory import` and the index read through
it. A new format is a reader here and one line in `READERS`; the default `memory` globs
(`tm.config.Config.memory` and the template of `tm init`) are written out and held to
`SUFFIXES` by tests/test_memory_formats.py (docs/ARCHITECTURE.md, "A memory format").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tm.errors import MemoryFormatError, TmError
from tm.languages import LANGUAGE, base_lang, guess_language
from tm.memory.tmx import read_tmx_tree, tmx_bytes
from tm.memory.tmxfast import read_tmx_fast
from tm.memory.unit import MemoryUnit

if TYPE_CHECKING:
    from tm.tbx import TermEntry

__all__ = ["READERS", "SUFFIXES", "MemoryUnit", "read_csv", "read_memory", "read_po_memory",
           "read_tbx_memory", "read_tmx", "tmx_bytes"]

NOTE_COLUMNS = ("note", "notes", "comment", "comments")


def read_memory(path: Path) -> Iterator[MemoryUnit]:
    """The units of one memory file, by suffix."""
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise MemoryFormatError(f"unknown memory format {suffix or '(no suffix)'}", path, 1,
                                f"use one of {', '.join(SUFFIXES)}")
    return reader(path)


def read_tmx(path: Path) -> Iterator[MemoryUnit]:
    """TMX 1.1-1.4b units (xml:lang or lang); inline codes are kept as their text. The
    fast reader takes the common file, lxml any other (the same units either way)."""
    fast = read_tmx_fast(path)
    if fast is not None:
        yield from fast
        return
    yield from read_tmx_tree(path)


# --- CSV -------------------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise MemoryFormatError(f"cannot read: {e.strerror or e}", path, 1) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise MemoryFormatError("not UTF-8", path, line, "save the file as UTF-8") from None


def read_csv(path: Path) -> Iterator[MemoryUnit]:
    """CSV/TSV with a header row of language codes (`en,ru,de`); an optional `note` column."""
    text = _decode(path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first else ";" if ";" in first and "," not in first else ","
    # strict: an unclosed quote is an error, not a field that swallows the rest
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise MemoryFormatError(f"bad CSV: {e}", path, 1) from None
    if not header:
        raise MemoryFormatError("empty CSV file", path, 1, "the first row names the languages")
    columns: list[str | None] = []
    for name in header:
        name = name.strip()
        if name.lower() in NOTE_COLUMNS:
            columns.append(None)
        elif LANGUAGE.fullmatch(name):
            if base_lang(name) in columns:
                raise MemoryFormatError(f"two columns of language {base_lang(name)!r}", path, 1,
                                        "one column per language, e.g. en,ru,de")
            columns.append(base_lang(name))
        else:
            shown = name if len(name) <= 40 else f"{name[:40]}..."  # not a whole file
            raise MemoryFormatError(f"column {shown!r} is not a language code", path, 1,
                                    "name each column by its language, e.g. en,ru,de")
    if sum(c is not None for c in columns) < 2:
        raise MemoryFormatError("a memory CSV needs at least two language columns", path, 1,
                                "e.g. a header row `en,ru`")
    line = reader.line_num
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise MemoryFormatError(
                    f"{len(row)} fields where the header has {len(columns)}", path, start,
                    "quote fields that contain the delimiter")
            pairs = list(zip(columns, row, strict=True))
            texts = {lang: cell for lang, cell in pairs if lang and cell.strip()}
            note = " ".join(cell for lang, cell in pairs if lang is None and cell)
            if len(texts) >= 2:
                yield MemoryUnit(texts, start, note)
    except csv.Error as e:
        if "unexpected end of data" in str(e):  # the row begun after `line` never ends
            raise MemoryFormatError("bad CSV: a quoted field is never closed", path, line + 1,
                                    'close the quote, and double a quote inside a quoted '
                                    'field ("")') from None
        raise MemoryFormatError(f"bad CSV: {e}", path, reader.line_num) from None


# --- PO --------------------------------------------------------------------------------


def read_po_memory(path: Path) -> Iterator[MemoryUnit]:
    """Translated, non-fuzzy entries of a PO file; the source language comes from the
    `X-Source-Language` header, else from the script of the msgids."""
    from tm.po import read_po

    try:
        cat = read_po(path)
    except TmError as e:
        raise MemoryFormatError(e.what, path, e.line, e.hint) from None
    target = cat.language
    if not target:
        raise MemoryFormatError("PO header has no Language", path, 1,
                                'add "Language: ru\\n" to the header')
    entries = [m for m in cat.messages if m.translated and m.msgid_plural is None]
    source = cat.header.get("X-Source-Language") or guess_language(m.msgid for m in entries)
    source, target = base_lang(source), base_lang(target)
    if source == target:
        raise MemoryFormatError(f"source and target language are both {source}", path, 1,
                                'set "X-Source-Language" in the header')
    for m in entries:
        yield MemoryUnit({source: m.msgid, target: m.msgstr}, m.line)


# --- TBX -------------------------------------------------------------------------------


def _term_texts(entry: TermEntry) -> tuple[dict[str, str], bool]:
    """Preferred term per language of a termbase entry, and whether it is only a hint:
    uncertain (not vetted), or ambiguous (a common word that is a term in one sense)."""
    texts: dict[str, str] = {}
    for lang, forms in entry.terms.items():
        if forms and forms[0]:
            texts.setdefault(base_lang(lang), forms[0])
    # `Exile` alone may be a person in exile, not ссылка: a hint only
    return texts, entry.uncertain or bool(set(entry.ambiguous) & set(texts.values()))


def read_tbx_memory(path: Path) -> Iterator[MemoryUnit]:
    """Term entries as units (preferred term per language), via tm.tbx (parsed once per
    file version in a process: the termbase reads the same file, the builtin one in
    every run that builds the index)."""
    from tm.tbx import read_tbx
    from tm.termcache import _read_tbx

    try:
        try:
            st = path.stat()
        except OSError:  # read_tbx says what is wrong
            entries: Sequence[TermEntry] = read_tbx(path)
        else:
            entries = _read_tbx(str(path), st.st_mtime_ns, st.st_size)
    except MemoryFormatError:
        raise
    except TmError as e:
        raise MemoryFormatError(e.what, e.path or path, e.line, e.hint) from None
    for entry in entries:
        texts, uncertain = _term_texts(entry)
        if len(texts) >= 2:
            yield MemoryUnit(texts, entry.line, uncertain=uncertain)


READERS: dict[str, Callable[[Path], Iterator[MemoryUnit]]] = {
    ".tmx": read_tmx,
    ".tbx": read_tbx_memory,
    ".csv": read_csv,
    ".po": read_po_memory,
}
"""Memory file suffix (lower case) -> its reader."""
SUFFIXES: tuple[str, ...] = tuple(READERS)
