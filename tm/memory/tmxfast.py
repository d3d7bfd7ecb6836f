"""A fast TMX reader for the common case, equivalent to the lxml one in tm.memory.tmx.

lxml's iterparse costs about 10 us of Python per unit (12 s for a million units).
Here expat checks well-formedness in C (no handlers, so no Python per element) and
regular expressions cut the checked text into units. Anything unusual (comments,
CDATA, entity declarations, self-closing units, a non-UTF-8 file, a file too big to
hold in memory) returns None and the lxml reader takes over; a unit with inline codes
is handed to lxml on its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from xml.parsers import expat

from tm.errors import MemoryFormatError
from tm.languages import base_lang
from tm.memory.forked import Forked, fork_safe
from tm.memory.sources import data_digest
from tm.memory.tmx import (
    ALIGNED,
    ORIGIN_PROP,
    EntityReference,
    aligned_header,
    entity_error,
    tu_unit,
)
from tm.memory.unit import MemoryUnit

FAST_MAX = 512 << 20
"""Bytes above which the streaming lxml reader is used (bounded memory)."""

CHECK_APART = 4 << 20
"""Bytes from which a forked process looks for what the patterns do not read while
this one decodes the file, then checks well-formedness while the units are read (on
systems with fork and more than one core); its verdict is given before the last
unit is, and an XML error found there takes precedence over any other. expat checks
about 100 MB/s and a fork costs a few milliseconds: from 4 MB (a 10,000-unit TMX) the
check is off the cold run's critical path (its index is built while the main process
waits, a core idle)."""


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
_ROOT_TAGS = re.compile(r"<(?:[\w.-]+:)?tmx\b[^>]*>(?:.*?<(?:[\w.-]+:)?body\b[^>]*>)?", re.S)
_XMLNS = re.compile(r"""\bxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_FIRST_TU = re.compile(r"<tu\b")
_HEADER = re.compile(r"<header\b[^>]*?(?:/>|>.*?</header\s*>)", re.S)


T = TypeVar("T")

_REFERENCE = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|[^\s&;#]+);")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _reference(m: re.Match[str]) -> str:
    ref = m.group(1)
    if ref[0] == "#":
        return chr(int(ref[2:], 16) if ref[1] == "x" else int(ref[1:]))
    if ref in _PREDEFINED:
        return _PREDEFINED[ref]
    raise EntityReference(ref)  # expat let it pass: the file names an external DTD


def _text(raw: str) -> str:
    """Character data as an XML parser gives it: line ends normalized, the five entities
    of XML and character references replaced (any other is an error, as in lxml's)."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _REFERENCE.sub(_reference, raw) if "&" in raw else raw


def read_tmx_fast(path: Path) -> Iterator[MemoryUnit] | None:
    """The units of a plain TMX file, or None when the lxml reader must do it."""
    prepared = prepare(path)
    return None if prepared is None else prepared.units()


@dataclass(slots=True)
class Prepared:
    """A plain TMX file read into memory: checked, or being checked in `check`."""

    path: Path
    text: str
    check: _Check | None = None
    read_digest: str | None = None
    """`file_digest` of the bytes read (from the check once it is closed)."""

    @property
    def digest(self) -> str | None:
        return self.check.digest if self.check is not None else self.read_digest

    def units(self) -> Iterator[MemoryUnit]:
        """Its units, and the check's verdict before the last one."""
        if self.check is None:
            return _units(self.text, self.path)
        return _checked(_units(self.text, self.path), self.check, self.path)

    def pairs(self) -> Iterator[Pair | MemoryUnit]:
        """`units()` as indexing takes them (`_pairs`)."""
        if self.check is None:
            return _pairs(self.text, self.path)
        return _checked(_pairs(self.text, self.path), self.check, self.path)

    def close(self) -> None:
        """Stop a check whose verdict is no longer wanted."""
        if self.check is not None:
            self.check.stop()


def prepare(path: Path) -> Prepared | None:
    """A plain TMX file read and decoded (well-formedness checked, or being checked
    apart for a big file), or None when the lxml reader must read it."""
    try:
        if path.stat().st_size > FAST_MAX:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    enc = _ENCODING.match(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            enc and enc.group(1).lower() not in (b"utf-8", b"utf8")):
        return None
    check = _Check.begin(data) if len(data) >= CHECK_APART else None
    if check is None:
        if _UNUSUAL.search(data):
            return None
        _raise_xml_error(_xml_error(data), path)
        return Prepared(path, _decoded(data, path), read_digest=data_digest(data))
    try:  # decoded while the child looks for what the patterns do not read
        text = _decoded(data, path)
    except Exception:
        if check.unusual(data):  # the lxml reader says what is wrong
            check.stop()
            return None
        check.close(path)
        raise
    except BaseException:
        check.stop()
        raise
    if check.unusual(data):
        check.stop()
        return None
    return Prepared(path, text, check)


def _decoded(data: bytes, path: Path) -> str:
    """The text of a well-formed file, after making sure its root is <tmx>."""
    text = data.decode("utf-8-sig")
    prolog = _PROLOG.match(text)
    root = _ROOT.match(text, prolog.end() if prolog else 0)
    if root is None or root.group(1).split(":")[-1] != "tmx":
        name = f"<{root.group(1)}>" if root else "nothing"
        line = text.count("\n", 0, root.start()) + 1 if root else 1
        raise MemoryFormatError(f"not a TMX file: the root element is {name}", path, line,
                                "a TMX file starts with <tmx>")
    return text


def _xml_error(data: bytes) -> tuple[int, int, str] | None:
    """expat's (error code, line, entity name) for a file that is not well-formed, else
    None; the name is that of an undefined entity, the error both TMX readers agree on."""
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError as e:
        name = ""
        if e.code == expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]:
            line = data.split(b"\n", e.lineno)[e.lineno - 1] if e.lineno else b""
            found = re.match(rb"&([^\s&;#]+);", line[e.offset:])
            name = found.group(1).decode("utf-8", "replace") if found else "?"
        return e.code, e.lineno or 1, name
    return None


def _raise_xml_error(error: tuple[int, int, str] | None, path: Path) -> None:
    if error is not None:
        if error[2]:
            raise entity_error(error[2], path, error[1])
        raise MemoryFormatError(f"not well-formed XML: {expat.ErrorString(error[0])}", path,
                                error[1], "fix the XML or re-export the TMX")


class _Check(Forked):
    """A big file looked at in a forked process while this one decodes it: first whether
    it has what the patterns do not read (`_UNUSUAL`: 1.2 s on a 480 MB file), then
    expat's well-formedness check, and its hash (`file_digest`: the index records it,
    and would read the file again)."""

    digest: str | None = None
    _unusual: bool | None = None

    @classmethod
    def begin(cls, data: bytes) -> _Check | None:
        """A running check, or None: one core, or no safe fork (tm.memory.forked)."""
        if (os.cpu_count() or 1) < 2 or not fork_safe():
            return None
        return cls.start(_check_serve, data)

    def unusual(self, data: bytes) -> bool:
        """Whether `data` (the bytes the check was begun with) has what the patterns do
        not read: the child's first answer (found here if the child died)."""
        if self._unusual is None:
            try:
                self._unusual = bool(self.conn.recv())
            except (OSError, EOFError):
                self._unusual = _UNUSUAL.search(data) is not None
        return self._unusual

    def close(self, path: Path) -> None:
        """Wait for the verdict and raise the XML error, if there is one."""
        try:
            error: tuple[int, int, str] | None
            if self._unusual is None:
                self._unusual = bool(self.conn.recv())
            error, self.digest = self.conn.recv()
        except (OSError, EOFError):  # the check died: do it here
            error = _xml_error(path.read_bytes())
        finally:
            self.stop()
        _raise_xml_error(error, path)


def _check_serve(data: bytes, conn: Any, parent_end: Any) -> None:
    parent_end.close()
    unusual = _UNUSUAL.search(data) is not None
    conn.send(unusual)
    if not unusual:
        conn.send((_xml_error(data), data_digest(data)))


def _checked(units: Iterator[T], check: _Check, path: Path) -> Iterator[T]:
    """`units`, with the check's verdict before the last one (and before any other error)."""
    try:
        last = None
        for unit in units:
            if last is not None:
                yield last
            last = unit
    except GeneratorExit:
        check.stop()
        raise
    except BaseException:
        check.close(path)
        raise
    check.close(path)
    if last is not None:
        yield last


_FAST_TU = re.compile(
    r"<tu\b[^>]*>\s*"
    r"<tuv\b([^>]*)>\s*<seg>([^<]*)</seg\s*>\s*</tuv\s*>\s*"
    r"<tuv\b([^>]*)>\s*<seg>([^<]*)</seg\s*>\s*</tuv\s*>\s*</tu\s*>"
    r"|<tu\b[^>]*>(.*?)</tu\s*>", re.S)
"""A unit of two plain <tuv><seg> (groups 1-4, matched in C), or any other (group 5)."""


def _aligned(text: str) -> bool:
    """Whether the <header> says the units come from sentence alignment (lxml reads the
    header when it names an origin at all: one small parse, and only then)."""
    first = _FIRST_TU.search(text)
    end = first.start() if first else len(text)
    header = _HEADER.search(text, 0, end) if text.find(ORIGIN_PROP, 0, end) >= 0 else None
    if header is None or ALIGNED not in header.group(0):
        return False
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return aligned_header(etree.fromstring(header.group(0), parser))
    except etree.XMLSyntaxError:
        return False  # an entity only the whole file defines: lxml reads such files


Pair = tuple[str, str, str, str, int, bool]
"""A unit of two plain <tuv>: (language, text, language, text, where its <tu> starts in
the file's text, aligned)."""


def _units(text: str, path: Path) -> Iterator[MemoryUnit]:
    line, at = 1, 0
    for item in _pairs(text, path):
        if isinstance(item, MemoryUnit):
            yield item
            continue
        code1, raw1, code2, raw2, start, aligned = item
        line += text.count("\n", at, start)
        at = start
        yield MemoryUnit({code1: raw1, code2: raw2}, line, aligned=aligned)


def _pairs(text: str, path: Path) -> Iterator[Pair | MemoryUnit]:
    """The units of `text`: those of two plain <tuv> as `Pair`s (what indexing needs,
    without a MemoryUnit or a line number each), any other as a MemoryUnit."""
    aligned = _aligned(text)
    codes: dict[str, str] = {}
    langs: dict[str, str | None] = {}
    line, at = 1, 0  # counted up to `at` only where a line is needed
    for m in _FAST_TU.finditer(text):
        try:
            attrs1, raw1, attrs2, raw2, body = m.groups()
            if body is None:
                code1 = langs.get(attrs1, "")
                if code1 == "":
                    code1 = _lang_of(attrs1, langs)
                code2 = langs.get(attrs2, "")
                if code2 == "":
                    code2 = _lang_of(attrs2, langs)
                if code1 is not None and code2 is not None:
                    if code1 == code2:
                        continue  # one language twice: fewer than two languages
                    if "&" in raw1 or "\r" in raw1:
                        raw1 = _text(raw1)
                    if "&" in raw2 or "\r" in raw2:
                        raw2 = _text(raw2)
                    if raw1.strip() and raw2.strip():
                        yield code1, raw1, code2, raw2, m.start(), aligned
                    continue
                m = _TU.match(text, m.start()) or m  # a <tuv> without a language: lxml
                body = m.group(1)  # says so
            start = m.start()
            line += text.count("\n", at, start)
            at = start
            unit = _one(m, body, text, path, codes, langs, line, aligned)
            if unit is not None:
                yield unit
        except EntityReference as e:  # a `&name;` other than XML's five
            start = m.start()
            raise entity_error(e.name, path, line + text.count("\n", at, start)) from None


def _lang_of(attrs: str, langs: dict[str, str | None]) -> str | None:
    """The language code of a <tuv>'s attributes (cached per attribute string)."""
    found = _XML_LANG.search(attrs) or _LANG.search(attrs)
    code = langs[attrs] = base_lang(_text(found.group(2))) if found else None
    return code


def _one(m: re.Match[str], body: str, text: str, path: Path, codes: dict[str, str],
         langs: dict[str, str | None], line: int, aligned: bool) -> MemoryUnit | None:
    """A unit the two-<tuv> pattern does not cover: by patterns, or by lxml."""
    pairs = _TUV_SEG.findall(body)
    if len(pairs) != body.count("<tuv") or any("<" in seg for _, seg in pairs):
        return _general(m, text, path, codes, line, aligned)  # inline codes, odd layout
    texts: dict[str, str] = {}
    for attrs, raw in pairs:
        code = langs.get(attrs, "")
        if code == "":
            code = _lang_of(attrs, langs)
        if code is None:
            return _general(m, text, path, codes, line, aligned)  # reports the line
        value = _text(raw)
        if code not in texts and value.strip():
            texts[code] = value
    note = ""
    if "<note" in body:
        found_note = _NOTE.search(_TUV.sub("", body))
        note = _text(found_note.group(1)) if found_note else ""
    if not aligned and ORIGIN_PROP in body:  # one unit of an alignment (memory export)
        aligned = _ALIGNED_PROP.search(_TUV.sub("", body)) is not None
    return MemoryUnit(texts, line, note, aligned=aligned) if len(texts) >= 2 else None


_ALIGNED_PROP = re.compile(
    rf"""<prop\s+type\s*=\s*["']{ORIGIN_PROP}["']\s*>\s*{ALIGNED}\s*</prop\s*>""")
"""A <tu>'s own mark that it comes from sentence alignment (tm.memory.tmx.tmx_bytes)."""


def _general(m: re.Match[str], text: str, path: Path, codes: dict[str, str],
             line: int, aligned: bool) -> MemoryUnit | None:
    """One unit by lxml: inline codes in a segment, or a layout the patterns skip."""
    from lxml import etree  # loaded only for the rare unit the patterns skip

    root = _ROOT_TAGS.search(text, 0, 1 << 16)  # namespaces declared on <tmx> or <body>
    xmlns = " ".join(x.group(0) for x in _XMLNS.finditer(root.group(0))) if root else ""
    parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)
    try:
        wrapper = etree.fromstring(f"<tm-unit {xmlns}>{m.group(0)}</tm-unit>", parser)
    except etree.XMLSyntaxError as e:
        undefined = re.search(r"Entity '([^']+)' not defined", e.msg or "")
        if undefined:
            raise entity_error(undefined.group(1), path, line) from None
        what = re.sub(r",? line \d+, column \d+$", "", e.msg or str(e))
        raise MemoryFormatError(f"not well-formed XML: {what}", path, line,
                                "fix the XML or re-export the TMX") from None
    return tu_unit(wrapper[0], path, codes, line - 1, aligned=aligned)
