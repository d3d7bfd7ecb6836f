"""Memory files in and out: TMX 1.4b, CSV (one column per language), PO and TBX.

Every reader yields MemoryUnit and turns any defect into MemoryFormatError naming the
file and line, so `tm segment` never starts on a half-read memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tm import __version__
from tm.errors import MemoryFormatError, TmError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUFFIXES = (".tmx", ".tbx", ".csv", ".po")
NOTE_COLUMNS = ("note", "notes", "comment", "comments")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(slots=True)
class MemoryUnit:
    """One translation unit: the same text in two or more languages."""

    texts: dict[str, str]
    """Language code (primary subtag, lower case) -> text."""
    line: int = 0
    """Line in the memory file where the unit starts (for messages)."""
    note: str = ""
    uncertain: bool = False
    """A termbase entry marked uncertain: offered as a hint only, never filled in."""
    extra: dict[str, Any] = field(default_factory=dict)


def lang_code(code: str) -> str:
    """The language part of a tag: `en-US` and `EN_us` both match `en`."""
    return code.replace("_", "-").split("-")[0].strip().lower()


def read_memory(path: Path) -> Iterator[MemoryUnit]:
    """The units of one memory file, by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        return read_tmx(path)
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".po":
        return read_po_memory(path)
    if suffix == ".tbx":
        return read_tbx_memory(path)
    raise MemoryFormatError(f"unknown memory format {suffix or '(no suffix)'}", path, 1,
                            f"use one of {', '.join(SUFFIXES)}")


# --- TMX -------------------------------------------------------------------------------


TMX_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})
"""Inline elements whose content is the native code (e.g. `&lt;sup&gt;`): kept as text."""


class EntityReference(Exception):
    """An entity reference other than the five of XML and the file's plain-text entities
    (`plain_entities`): tm expands no other (no external entity is read, no entity bomb
    goes off), so it stops the file instead of vanishing."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def entity_error(name: str, path: Path, line: int) -> MemoryFormatError:
    """The same error from both TMX readers for `&name;`."""
    return MemoryFormatError(f"entity reference &{name}; (tm expands only entities the file "
                             "declares as plain text)", path, line,
                             "write the character itself or a character reference such "
                             "as &#160;")


_ENTITY_DECL = re.compile(r"""<!ENTITY\s+([^\s%]+)\s+(?:"([^"]*)"|'([^']*)')\s*>""")
_CHAR_REF = re.compile(r"&#(x[0-9A-Fa-f]+|[0-9]+);")


def plain_entities(path: Path) -> dict[str, str]:
    """Entities the file declares in its DOCTYPE as plain text (`<!ENTITY nbsp "&#160;">`):
    their values hold no markup and no other entity, so expanding them reads nothing from
    outside and cannot grow; tm expands those and no other."""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16).decode("utf-8", "replace")
    except OSError:
        return {}
    if "<!ENTITY" not in head:
        return {}
    out = {}
    for m in _ENTITY_DECL.finditer(head[: head.find("]>") + 2 if "]>" in head else None]):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if "<" not in value and "&" not in _CHAR_REF.sub("", value) and "%" not in value:
            out[m.group(1)] = _CHAR_REF.sub(
                lambda c: chr(int(c.group(1)[1:], 16) if c.group(1)[0] == "x"
                              else int(c.group(1))), value)
    return out


def _seg_text(seg: Any, entities: dict[str, str] | None = None) -> str:
    """The text of a <seg>: native codes as their text, <hi> unwrapped, and any foreign
    element (a stray `<sup>` some tools write) kept as markup. Nesting of any depth is
    walked without recursion."""
    if len(seg) == 0:
        return seg.text or ""
    parts: list[str] = []
    stack: list[Any] = [seg]  # elements to open, or strings to emit, in reverse order
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        parts.append(item.text or "")
        todo: list[Any] = []
        for child in item:
            if not isinstance(child.tag, str):
                if type(child).__name__ == "_Entity":
                    name = str(getattr(child, "name", "?"))
                    if entities is None or name not in entities:
                        raise EntityReference(name)
                    todo.append(entities[name])
            elif child.tag in TMX_CODES:
                todo.append("".join(child.itertext()))
            elif child.tag in ("hi", "g", "sub"):
                todo.append(child)
            else:
                from lxml import etree  # lxml is loaded only when needed

                todo.append(etree.tostring(child, encoding="unicode", with_tail=False))
            todo.append(child.tail or "")
        stack.extend(reversed(todo))
    return "".join(parts)


def tu_unit(el: Any, path: Path, codes: dict[str, str], line_offset: int = 0,
            entities: dict[str, str] | None = None) -> MemoryUnit | None:
    """The unit of one parsed <tu> element (None when it has fewer than two languages)."""
    texts: dict[str, str] = {}
    note = ""
    for child in el:
        tag = child.tag
        if tag == "tuv":
            lang = child.get(XML_LANG) or child.get("lang")
            if not lang:
                raise MemoryFormatError("<tuv> without xml:lang", path,
                                        (child.sourceline or 1) + line_offset,
                                        'add xml:lang="en" or similar')
            code = codes.get(lang)
            if code is None:
                code = codes[lang] = lang_code(lang)
            seg = child.find("seg")
            try:
                text = _seg_text(seg, entities) if seg is not None else ""
            except EntityReference as e:
                raise entity_error(e.name, path, (el.sourceline or 1) + line_offset) from None
            if text.strip() and code not in texts:
                texts[code] = text
        elif tag == "note" and child.text:
            note = child.text
    if len(texts) < 2:
        return None
    return MemoryUnit(texts, (el.sourceline or 1) + line_offset, note)


def read_tmx(path: Path) -> Iterator[MemoryUnit]:
    """TMX 1.1-1.4b units (xml:lang or lang); inline codes are kept as their text."""
    from tm.memory.tmxfast import read_tmx_fast

    fast = read_tmx_fast(path)
    if fast is not None:
        yield from fast
        return
    from lxml import etree
    try:
        context = etree.iterparse(str(path), events=("end",), tag="tu", huge_tree=True,
                                  resolve_entities=False, no_network=True)
        codes: dict[str, str] = {}
        entities = plain_entities(path)
        for n, (_, el) in enumerate(context):
            unit = tu_unit(el, path, codes, 0, entities)
            el.clear(keep_tail=False)
            if n % 256 == 255:  # drop finished units now and then: memory stays flat
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
            if unit is not None:
                yield unit
        root = context.root
        if root is None or etree.QName(root).localname != "tmx":
            tag = "nothing" if root is None else f"<{root.tag}>"
            raise MemoryFormatError(f"not a TMX file: the root element is {tag}", path,
                                    getattr(root, "sourceline", 1) or 1,
                                    "a TMX file starts with <tmx>")
    except etree.XMLSyntaxError as e:
        line = e.position[0] if e.position else e.lineno
        what = re.sub(r",? line \d+, column \d+$", "", e.msg or str(e))
        first = next((x for x in e.error_log  # libxml2's own error, for this file
                      if x.level >= 2 and x.filename == str(path)), None)
        if first is not None and (not line or what == "no element found"):
            line, what = first.line, first.message.strip()
        undefined = re.fullmatch(r"Entity '([^']+)' not defined", what)
        if undefined:
            raise entity_error(undefined.group(1), path, line or 1) from None
        raise MemoryFormatError(f"not well-formed XML: {what}", path, line or 1,
                                "fix the XML or re-export the TMX") from None
    except OSError as e:
        raise MemoryFormatError(f"cannot read: {e.strerror or e}", path, 1) from None


def tmx_bytes(units: Iterable[MemoryUnit], source_lang: str, origin: str = "") -> bytes:
    """A TMX 1.4b document for `units` (one <tu> each, <prop type="x-origin"> if known)."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(root, "header", {
        "creationtool": "tm", "creationtoolversion": __version__,
        "datatype": "plaintext", "segtype": "sentence", "adminlang": "en",
        "srclang": source_lang, "o-tmf": "tm",
    })
    body = etree.SubElement(root, "body")
    for n, unit in enumerate(units, 1):
        tu = etree.SubElement(body, "tu", tuid=str(n))
        where = unit.extra.get("origin") or origin
        if where:
            etree.SubElement(tu, "prop", type="x-origin").text = where
        if unit.note:
            etree.SubElement(tu, "note").text = unit.note
        langs = sorted(unit.texts, key=lambda lang: (lang != source_lang, lang))
        for lang in langs:
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            etree.SubElement(tuv, "seg").text = _xml_safe(unit.texts[lang])
    body_bytes: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    decl = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    doctype = b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    return decl + doctype + body_bytes


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(text: str) -> str:
    return _XML_BAD.sub("", text)


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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
        elif _LANG.match(name):
            columns.append(lang_code(name))
        else:
            raise MemoryFormatError(f"column {name!r} is not a language code", path, 1,
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
        raise MemoryFormatError(f"bad CSV: {e}", path, reader.line_num) from None


# --- PO --------------------------------------------------------------------------------


def guess_language(texts: Iterable[str], default: str = "en") -> str:
    """`ru` when Cyrillic outweighs Latin letters in a sample of `texts`, else `default`."""
    cyr = lat = 0
    for n, t in enumerate(texts):
        if n >= 200:
            break
        cyr += len(_CYRILLIC.findall(t))
        lat += len(_LATIN.findall(t))
    return "ru" if cyr > lat else default


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
    source, target = lang_code(source), lang_code(target)
    if source == target:
        raise MemoryFormatError(f"source and target language are both {source}", path, 1,
                                'set "X-Source-Language" in the header')
    for m in entries:
        yield MemoryUnit({source: m.msgid, target: m.msgstr}, m.line)


# --- TBX -------------------------------------------------------------------------------


def _term_texts(entry: Any) -> tuple[dict[str, str], bool]:
    """Preferred term per language of a tm.tbx TermEntry, and whether it is only a hint:
    uncertain (not vetted), or ambiguous (a common word that is a term in one sense)."""
    texts: dict[str, str] = {}
    uncertain = bool(getattr(entry, "uncertain", False))
    langs = getattr(entry, "terms", None) or getattr(entry, "languages", None) or {}
    items = langs.items() if isinstance(langs, dict) else (
        (getattr(t, "lang", ""), t) for t in langs)
    for lang, value in items:
        first = value[0] if isinstance(value, (list, tuple)) and value else value
        text = first if isinstance(first, str) else getattr(first, "text", None) or getattr(
            first, "term", "")
        if getattr(first, "uncertain", False):
            uncertain = True
        if text:
            texts.setdefault(lang_code(lang), text)
    ambiguous = set(getattr(entry, "ambiguous", ()) or ())
    if ambiguous & set(texts.values()):
        uncertain = True  # `Exile` alone may be a person in exile, not ссылка: a hint only
    return texts, uncertain


def read_tbx_memory(path: Path) -> Iterator[MemoryUnit]:
    """Term entries as units (preferred term per language), via tm.tbx."""
    from tm.tbx import read_tbx

    try:
        entries = read_tbx(path)
    except MemoryFormatError:
        raise
    except TmError as e:
        raise MemoryFormatError(e.what, e.path or path, e.line, e.hint) from None
    for entry in entries:
        texts, uncertain = _term_texts(entry)
        if len(texts) >= 2:
            yield MemoryUnit(texts, int(getattr(entry, "line", 0) or 0),
                             uncertain=uncertain)
