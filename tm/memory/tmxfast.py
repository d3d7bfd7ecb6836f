"""A fast TMX reader for the common case, equivalent to the lxml one in formats.py.

lxml's iterparse costs about 10 us of Python per unit (12 s for a million units).
Here expat checks well-formedness in C (no handlers, so no Python per element) and
regular expressions cut the checked text into units. Anything unusual (comments,
CDATA, entity declarations, self-closing units, a non-UTF-8 file, a file too big to
hold in memory) returns None and the lxml reader takes over; a unit with inline codes
is handed to lxml on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from lxml import etree

from tm.errors import MemoryFormatError
from tm.memory.formats import MemoryUnit, lang_code, tu_unit

FAST_MAX = 512 << 20
"""Bytes above which the streaming lxml reader is used (bounded memory)."""

_UNUSUAL = re.compile(rb"<!--|<!\[CDATA\[|<!ENTITY|<(?:tu|tuv|seg|note)\b[^>]*/>")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)""")
_ROOT = re.compile(r"<([A-Za-z_][\w:.-]*)")
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S)
_TU = re.compile(r"<tu\b[^>]*>(.*?)</tu\s*>", re.S)
_TUV = re.compile(r"<tuv\b([^>]*)>(.*?)</tuv\s*>", re.S)
_TUV_SEG = re.compile(
    r"<tuv\b([^>]*)>\s*(?:<(?:note|prop)\b[^>]*>[^<]*</(?:note|prop)\s*>\s*)*"
    r"<seg\b[^>]*>(.*?)</seg\s*>\s*</tuv\s*>", re.S)
_NOTE = re.compile(r"<note\b[^>]*>(.*?)</note\s*>", re.S)
_XML_LANG = re.compile(r"""\bxml:lang\s*=\s*(["'])(.*?)\1""", re.S)
_LANG = re.compile(r"""(?<![\w:])lang\s*=\s*(["'])(.*?)\1""", re.S)


def _text(raw: str) -> str:
    """Character data as an XML parser gives it: line ends normalized, entities replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return html.unescape(raw) if "&" in raw else raw


def read_tmx_fast(path: Path) -> Iterator[MemoryUnit] | None:
    """The units of a plain TMX file, or None when the lxml reader must do it."""
    try:
        if path.stat().st_size > FAST_MAX:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    enc = _ENCODING.match(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            enc and enc.group(1).lower() not in (b"utf-8", b"utf8")) or _UNUSUAL.search(data):
        return None
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise MemoryFormatError(f"not well-formed XML: {expat.ErrorString(e.code)}", path,
                                e.lineno or 1, "fix the XML or re-export the TMX") from None
    text = data.decode("utf-8-sig")
    prolog = _PROLOG.match(text)
    root = _ROOT.match(text, prolog.end() if prolog else 0)
    if root is None or root.group(1).split(":")[-1] != "tmx":
        name = f"<{root.group(1)}>" if root else "nothing"
        line = text.count("\n", 0, root.start()) + 1 if root else 1
        raise MemoryFormatError(f"not a TMX file: the root element is {name}", path, line,
                                "a TMX file starts with <tmx>")
    return _units(text, path)


def _units(text: str, path: Path) -> Iterator[MemoryUnit]:
    codes: dict[str, str] = {}
    langs: dict[str, str | None] = {}
    line, at = 1, 0
    for m in _TU.finditer(text):
        line += text.count("\n", at, m.start())
        at = m.start()
        body = m.group(1)
        pairs = _TUV_SEG.findall(body)
        if len(pairs) != body.count("<tuv") or any("<" in seg for _, seg in pairs):
            unit = _general(m, text, path, codes, line)  # inline codes, odd layout
        else:
            texts: dict[str, str] = {}
            for attrs, raw in pairs:
                code = langs.get(attrs, "")
                if code == "":
                    found = _XML_LANG.search(attrs) or _LANG.search(attrs)
                    code = langs[attrs] = lang_code(_text(found.group(2))) if found else None
                if code is None:
                    unit = _general(m, text, path, codes, line)  # reports the line
                    break
                value = _text(raw)
                if code not in texts and value.strip():
                    texts[code] = value
            else:
                note = ""
                if "<note" in body:
                    found_note = _NOTE.search(_TUV.sub("", body))
                    note = _text(found_note.group(1)) if found_note else ""
                unit = MemoryUnit(texts, line, note) if len(texts) >= 2 else None
        if unit is not None:
            yield unit


def _general(m: re.Match[str], text: str, path: Path, codes: dict[str, str],
             line: int) -> MemoryUnit | None:
    """One unit by lxml: inline codes in a segment, or a layout the patterns skip."""
    return tu_unit(etree.fromstring(m.group(0)), path, codes, line - 1)
