"""TBX termbases (TBX-Basic, TBX v2 `martif`, TBX v3 `tbx` in DCA or DCT style) read with lxml.

All three dialects describe the same thing (a concept with terms per language and
notes at each level), so the reader walks elements by local name and ignores
namespaces and nesting details (`tig`, `ntig/termGrp`, `termSec`). A term whose
`<termNote type="usageNote">` starts with `ambiguous` is a word with everyday senses
(file, camp, ссылка): hinted, never a `term` finding (TermEntry.ambiguous).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.errors import MemoryFormatError
from tm.languages import base_lang
from tm.xmltext import element_text

if TYPE_CHECKING:
    from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ABBREVIATION_TYPES = frozenset({"abbreviation", "acronym", "initialism", "shortForm"})
"""termType values that name a shorter form of the entry's main term."""

_UNCERTAIN_STATUS = frozenset({"unprocessed", "provisionallyprocessed", "proposed", "unverified"})


@dataclass
class TermEntry:
    """One concept of a termbase: its terms in every language and what is known about them."""

    id: str = ""
    terms: dict[str, list[str]] = field(default_factory=dict)
    """Language code -> term strings; the first one is the preferred term."""
    term_types: dict[str, str] = field(default_factory=dict)
    """Term string -> TBX termType (fullForm, abbreviation, acronym, shortForm, variant...)."""
    pos: str = ""
    """Part of speech of the preferred term (noun, properNoun, adjective, other...)."""
    note: str = ""
    romanization: list[str] = field(default_factory=list)
    """Latin spellings of the Russian terms: ALA-LC first, then BGN/PCGN and popular ones."""
    subject: str = ""
    """subjectField: person, place, title, institution, archive, citation, term, event."""
    uncertain: bool = False
    """Not vetted: shown as a hint marked (uncertain), never used to fill a translation."""
    line: int = 0
    """Source line of the entry in its file (for error messages)."""
    ambiguous: list[str] = field(default_factory=list)
    """Terms marked `<termNote type="usageNote">ambiguous...`: single words with everyday
    senses (file, camp, ссылка), hinted with the note but never a `term` finding."""

    def preferred(self, lang: str) -> str | None:
        """The preferred term in `lang` (language subtags fall back to the base language)."""
        forms = self.forms(lang)
        return forms[0] if forms else None

    def forms(self, lang: str) -> list[str]:
        if lang in self.terms:
            return self.terms[lang]
        base = base_lang(lang)
        for code, forms in self.terms.items():
            if base_lang(code) == base:
                return forms
        return []

    def display(self, lang: str) -> str | None:
        """`Full form (ABBR)` or `ABBR (Full form)`: the preferred term with its other form."""
        forms = self.forms(lang)
        if not forms:
            return None
        first = forms[0]
        first_short = self.term_types.get(first) in ABBREVIATION_TYPES - {"shortForm"}
        for other in forms[1:]:
            kind = self.term_types.get(other, "")
            if not first_short and kind in ("abbreviation", "acronym", "initialism"):
                return f"{first} ({other})"
            if first_short and kind == "fullForm":
                return f"{first} ({other})"
        return first


_LOCAL: dict[object, str] = {}
"""Tag -> local name (a termbase has a handful of tags; comments' tags are functions)."""


def _local(el: etree._Element) -> str:
    tag = el.tag
    name = _LOCAL.get(tag)
    if name is None:
        name = _LOCAL[tag] = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
    return name


_ENTITIES: ContextVar[dict[str, str] | None] = ContextVar("tbx_entities", default=None)
"""The plain-text entities the TBX being read declares (tm.memory.tmx.plain_entities)."""


class _Reference(Exception):
    """An entity reference the file does not declare as plain text, and where."""

    def __init__(self, name: str, line: int | None) -> None:
        super().__init__(name)
        self.name, self.line = name, line


def _text(el: etree._Element) -> str:
    """The element's text, its children's included, with runs of whitespace as one space
    (str.split and re's \\s agree on what whitespace is). A declared plain-text entity
    is expanded; any other entity reference stops the file (_Reference), as in a TMX."""
    if not len(el):  # a leaf: most of a termbase
        return " ".join((el.text or "").split())
    return " ".join(element_text(el, _child_text).split())


def _child_text(child: Any, parent: Any) -> Any:
    """What stands for a child in `_text`: an element is opened, a declared entity is its
    text, a comment or a processing instruction nothing."""
    if isinstance(child.tag, str):
        return child
    if type(child).__name__ == "_Entity":
        name = str(getattr(child, "name", "?"))
        value = (_ENTITIES.get() or {}).get(name)
        if value is None:
            raise _Reference(name, _line(child) or _line(parent))
        return value
    return None


def _line(el: etree._Element) -> int | None:
    line = el.sourceline
    return line if isinstance(line, int) else None


def _category(el: etree._Element) -> tuple[str, str]:
    """(data category, value) for DCA `<termNote type="x">` and DCT `<x>` alike."""
    name = _local(el)
    if name in ("termNote", "descrip", "admin", "transac", "termCompList"):
        return el.get("type", ""), _text(el)
    return name, _text(el)


def _marks_uncertain(cat: str, value: str) -> bool:
    """A low reliability code, a provisional status, or a note saying UNCERTAIN."""
    if cat == "reliabilitycode":
        return value.isdigit() and int(value) <= 3
    if cat in ("processstatus", "administrativestatus"):
        return bool(value) and value.lower().removesuffix("-admn-sts") in _UNCERTAIN_STATUS
    return cat in ("note", "definition", "context") and value.upper().startswith("UNCERTAIN")


def _apply(entry: TermEntry, cat: str, value: str, term: str | None) -> None:
    """Record one data category of an entry (`term` None) or of one of its terms."""
    low = cat.lower()
    if _marks_uncertain(low, value):
        entry.uncertain = True
    if low == "partofspeech":
        if term is None or not entry.pos:
            entry.pos = entry.pos or value
    elif low == "termtype" and term is not None:
        entry.term_types[term] = value
    elif low in ("transliteration", "transcription", "romanization"):
        if value and value not in entry.romanization:
            entry.romanization.append(value)
    elif low == "subjectfield":
        entry.subject = entry.subject or value
    elif low == "usagenote" and term is not None and value.lower().startswith("ambiguous"):
        if term not in entry.ambiguous:
            entry.ambiguous.append(term)
    elif low == "note" and value:
        entry.note = f"{entry.note}; {value}" if entry.note else value


_TERM_GROUPS = ("tig", "ntig", "termSec")
_ENTRY_TAGS = ("termEntry", "conceptEntry")
_LANG_TAGS = ("langSet", "langSec")


def _read_term_group(entry: TermEntry, group: etree._Element, lang: str) -> None:
    term_el = next((e for e in group.iter() if _local(e) == "term"), None)
    if term_el is None:
        return
    term = _text(term_el)
    if not term:
        return
    entry.terms.setdefault(lang, [])
    if term not in entry.terms[lang]:
        entry.terms[lang].append(term)
    for el in group.iter():
        if el is term_el or el is group or _local(el) in ("termGrp", "term", ""):
            continue
        cat, value = _category(el)
        _apply(entry, cat, value, term)


def _read_entry(el: etree._Element, path: Path) -> TermEntry:
    entry = TermEntry(id=el.get("id", ""), line=_line(el) or 0)
    for child in el:
        name = _local(child)
        if name in _LANG_TAGS:
            lang = child.get(XML_LANG) or child.get("lang") or ""
            if not lang:
                raise MemoryFormatError(f"<{name}> without xml:lang", path,
                                        _line(child), "add xml:lang=\"en\" (or the language)")
            for sub in child:
                sub_name = _local(sub)
                if sub_name in _TERM_GROUPS:
                    _read_term_group(entry, sub, lang)
                elif sub_name:
                    _read_notes(entry, sub)
        elif name:
            _read_notes(entry, child)
    return entry


def _read_notes(entry: TermEntry, el: etree._Element) -> None:
    """Entry- or language-level data categories, looking inside descripGrp/adminGrp."""
    for sub in el.iter():
        name = _local(sub)
        if name and not name.endswith("Grp"):
            cat, value = _category(sub)
            _apply(entry, cat, value, None)


def parse_tbx(data: bytes, path: Path) -> list[TermEntry]:
    """Entries of a TBX document given as bytes; `path` only names it in errors."""
    from lxml import etree  # loaded when a TBX file is read, not when tm.tbx is

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line = e.lineno or (e.position[0] if e.position else 1)
        what = re.sub(r", line \d+, column \d+$", "", e.msg)
        raise MemoryFormatError(f"not well-formed XML: {what}", path, line,
                                "fix the XML or export the termbase again") from None
    if _local(root) not in ("martif", "tbx"):
        raise MemoryFormatError(f"not a TBX file: root element <{_local(root)}>", path,
                                _line(root), "expected <martif> (TBX v2) or <tbx> (TBX v3)")
    from tm.memory.tmx import declared_entities, entity_error

    token = _ENTITIES.set(declared_entities(data[:1 << 16].decode("utf-8", "replace"))
                          if b"<!ENTITY" in data[:1 << 16] else {})
    entries = []
    try:
        for el in root.iter(*(f"{{*}}{tag}" for tag in _ENTRY_TAGS)):  # any namespace
            entry = _read_entry(el, path)
            if entry.terms:
                entries.append(entry)
    except _Reference as e:
        raise entity_error(e.name, path, e.line or 1) from None
    finally:
        _ENTITIES.reset(token)
    return entries


def read_tbx(path: str | Path) -> list[TermEntry]:
    """Every entry with at least one term, in file order; MemoryFormatError names file and line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise MemoryFormatError(f"cannot read: {e.strerror}", path, None) from None
    return parse_tbx(data, path)
