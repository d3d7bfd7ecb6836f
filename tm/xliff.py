"""XLIFF 2.0 for teams on OmegaT, memoQ or Trados: export a language's catalogs, import
the translated file back into them.

One XLIFF document per target language; one `<file>` per source document (`original`
is the document's name under sources/); one `<unit>` per catalog entry, its `id` a digest
of the entry's msgctxt and msgid, so ids stay the same from one export to the next and
an import finds its entry even after `tm segment` reordered the catalog.

States (XLIFF 2.0 `state` on `<segment>`): translated -> `translated`; fuzzy ->
`initial` with the target and `subState="tm:fuzzy"` (translate-toolkit reads an initial
segment with a target as fuzzy too); untranslated -> `initial`, no target. On import
`translated`, `reviewed` and `final` are translated; `initial` (also the spec's default
when a tool writes no state) with a target is fuzzy; no or an empty target is
untranslated.

Notes: translator comments are `<note category="translator">` and come back on import
(as does any note without a category, which is what a CAT tool adds); the extracted
comments (block kind, `tm:` memory origin, `terms:` and `citation:` hints) and the
source references, and a fuzzy entry's previous source (`#|`), are read-only notes
(`appliesTo="source"`, categories `extracted`, `memory`, `terms`, `citation`,
`location`, `previous`): the catalog keeps its own.

Text is plain: inline Markdown and HTML stay characters in `<source>` (the translator
keeps them, as in the PO file); a target with inline codes (`<ph>`, `<pc>`...) is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tm.atomic import FileState
from tm.config import Config
from tm.errors import TmError
from tm.languages import base_lang
from tm.merge import is_joined
from tm.po import Catalog, Message, decode_po, format_po, parse_po, read_po
from tm.project import resolve_documents

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FUZZY_SUBSTATE = "tm:fuzzy"
STATES = ("initial", "translated", "reviewed", "final")
"""The segment states of XLIFF 2.0 (anything else is refused: it says nothing sure)."""
TRANSLATED_STATES = ("translated", "reviewed", "final")
HINT_CATEGORIES = {"tm:": "memory", "terms:": "terms", "citation:": "citation"}
"""Extracted-comment prefix -> note category (other extracted comments: `extracted`)."""
COMMENT_CATEGORIES = ("translator", None)
"""Notes that import reads as translator comments: tm's own and uncategorised ones."""
TEXT_INLINE = {"mrk", "sm", "em"}
"""Inline elements that only annotate text (kept as their text); any other is refused."""


class XliffError(TmError):
    """An XLIFF file that cannot be imported."""


def unit_id(m: Message) -> str:
    """A stable id for an entry (an XML NMTOKEN): a digest of msgctxt and msgid."""
    key = (m.msgctxt or "") + "\x04" + m.msgid if m.msgctxt is not None else m.msgid
    return "u" + hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def _state(m: Message) -> str:
    if not m.msgstr:
        return "untranslated"
    return "fuzzy" if m.fuzzy else "translated"


def _etree() -> Any:
    from lxml import etree  # loaded only for XLIFF work

    return etree


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _exportable(cat: Catalog) -> list[Message]:
    """Active singular entries (tm writes no plural ones; XLIFF has no plural forms)."""
    return [m for m in cat.messages if not m.obsolete and m.msgid_plural is None]


JOINED_NOTE = ("tm-joined: the translation of the unit before holds this sentence too "
               "(tm merge leaves this one out)")


def _notes(etree: Any, unit: Any, m: Message) -> None:
    notes: list[tuple[str, str | None, str]] = []
    for c in m.comments:
        notes.append(("translator", None, c))
    for c in m.extracted:
        cat = next((v for k, v in HINT_CATEGORIES.items() if c.startswith(k)), None)
        text = c.split(":", 1)[1].strip() if cat else c
        notes.append((cat or "extracted", "source", text))
    if m.references:
        notes.append(("location", "source", " ".join(m.references)))
    if m.fuzzy and m.previous_msgid is not None:
        notes.append(("previous", "source", m.previous_msgid))
    if is_joined(m):
        notes.append(("joined", "source", JOINED_NOTE))
    if not notes:
        return
    box = etree.SubElement(unit, _q("notes"))
    for category, applies, text in notes:
        note = etree.SubElement(box, _q("note"), category=category)
        if applies:
            note.set("appliesTo", applies)
        note.text = text


def export_xliff(config: Config, lang: str, docs: Sequence[str] | None = None) -> tuple[bytes, int]:
    """The XLIFF 2.0 document for `lang` over every (or the named) document, and how
    many units it holds."""
    etree = _etree()
    if lang not in config.languages:
        raise XliffError(f"language {lang!r} is not in `languages`", config.display_path, 1,
                         f"configured: {', '.join(config.languages)}")
    names = [d for d in resolve_documents(config, docs) if lang in config.target_languages(d)]
    if not names:
        raise XliffError(f"no document is translated into {lang}", config.display_path, 1,
                         "add a .md file under sources/ and run `tm segment`, or export a "
                         "target language")
    src_langs = {config.source_language(d) or "en" for d in names}
    if len(src_langs) > 1:
        raise XliffError(f"documents in several source languages ({', '.join(sorted(src_langs))})",
                         config.display_path, 1, "export one source language at a time: "
                         "name its documents")
    root = etree.Element(_q("xliff"), nsmap={None: NS}, version="2.0",
                         srcLang=src_langs.pop() if src_langs else "en", trgLang=lang)
    count = 0
    for i, doc in enumerate(names, 1):
        path = config.catalog_path(doc, lang)
        if not path.is_file():
            raise XliffError(f"no {lang} catalog for {doc}", config.relative(path), 1,
                             "run `tm segment` to create it")
        cat = read_po(path)
        f = etree.SubElement(root, _q("file"), id=f"f{i}", original=doc, canResegment="no")
        f.set(f"{{{XML_NS}}}space", "preserve")  # a unit is already one sentence
        for m in _exportable(cat):
            unit = etree.SubElement(f, _q("unit"), id=unit_id(m))
            if m.msgctxt is not None:
                unit.set("name", m.msgctxt)
            if is_joined(m):  # nothing to translate: locked in CAT tools, and said why
                unit.set("translate", "no")
            _notes(etree, unit, m)
            state = _state(m)
            seg = etree.SubElement(unit, _q("segment"),
                                   state="translated" if state == "translated" else "initial")
            if state == "fuzzy":
                seg.set("subState", FUZZY_SUBSTATE)
            etree.SubElement(seg, _q("source")).text = m.msgid
            if state != "untranslated":
                etree.SubElement(seg, _q("target")).text = m.msgstr
            count += 1
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, count


# --- reading and importing --------------------------------------------------------------

@dataclass(slots=True)
class XliffUnit:
    """What import takes from one `<unit>`."""

    id: str
    line: int
    source: str
    target: str | None
    state: str
    """translated | fuzzy | untranslated"""
    comments: list[str] = field(default_factory=list)


@dataclass(slots=True)
class XliffFile:
    """One `<file>`: a source document's units."""

    doc: str
    line: int
    units: list[XliffUnit] = field(default_factory=list)


@dataclass(slots=True)
class XliffDocument:
    src_lang: str
    trg_lang: str
    files: list[XliffFile] = field(default_factory=list)


def _text(el: Any, path: str, what: str) -> str:
    """The text of a `<source>`/`<target>`: plain text and text-only annotations."""
    for child in el.iterdescendants():
        name = child.tag.split("}")[-1] if isinstance(child.tag, str) else ""
        if name not in TEXT_INLINE:
            what_el = f"<{name}>" if name else "an entity or processing instruction"
            raise XliffError(f"{what_el} inside a {what}: tm exports plain text",
                             path, child.sourceline or el.sourceline,
                             "keep the text as characters (no inline codes)")
    return "".join(el.itertext())


def parse_xliff(data: bytes, path: str) -> XliffDocument:
    """Read an XLIFF 2.0 document; XliffError names the file and line of anything wrong."""
    etree = _etree()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        line = e.lineno or (e.position[0] if e.position else 1)
        what = re.sub(r", line \d+, column \d+$", "", e.msg or "syntax error")
        raise XliffError(f"not well-formed XML: {what}", path, line,
                         "fix the XML or export it again from the CAT tool") from None
    if root.tag != _q("xliff") or not root.get("version", "").startswith("2."):
        found = root.get("version") or root.tag
        raise XliffError(f"not an XLIFF 2.0 document ({found})", path, root.sourceline,
                         "export XLIFF 2.0 from the CAT tool, or use its XLIFF 2 filter")
    doc = XliffDocument(root.get("srcLang", ""), root.get("trgLang", ""))
    first: dict[str, int] = {}
    for f in root.iter(_q("file")):
        original = f.get("original")
        if not original:
            raise XliffError("<file> without an `original` document name", path, f.sourceline,
                             "import a file exported by `tm xliff export`")
        if original in first:  # both would be applied, the second silently winning
            raise XliffError(f"document {original!r} appears twice (first at line "
                             f"{first[original]})", path, f.sourceline, "keep one of them")
        first[original] = f.sourceline
        xf = XliffFile(original, f.sourceline)
        for u in f.iter(_q("unit")):
            xf.units.append(_unit(u, path, doc.trg_lang))
        doc.files.append(xf)
    return doc


def _unit(u: Any, path: str, trg_lang: str = "") -> XliffUnit:
    segments = [s for s in u if s.tag in (_q("segment"), _q("ignorable"))]
    if not segments or not u.get("id"):
        raise XliffError("<unit> without an id or a segment", path, u.sourceline,
                         "import a file exported by `tm xliff export`")
    sources, targets, states = [], [], []
    for s in segments:
        src, tgt = s.find(_q("source")), s.find(_q("target"))
        said = tgt.get(f"{{{XML_NS}}}lang") if tgt is not None else None
        if said and trg_lang and said != trg_lang:  # XLIFF 2.0: it must equal trgLang
            raise XliffError(f"<target xml:lang={said!r}> in a file of trgLang={trg_lang!r}",
                             path, tgt.sourceline, "a unit's target is in the file's "
                             "target language")
        sources.append(_text(src, path, "source") if src is not None else "")
        targets.append(_text(tgt, path, "target") if tgt is not None else "")
        if s.tag == _q("segment"):
            st = s.get("state", "initial")
            if st not in STATES:
                raise XliffError(f"unknown state={st!r}", path, s.sourceline,
                                 f"XLIFF 2.0 states: {', '.join(STATES)}")
            states.append(st)
    target = "".join(targets)
    if not target:
        state = "untranslated"
    elif all(s in TRANSLATED_STATES for s in states):
        state = "translated"
    else:
        state = "fuzzy"
    comments: list[str] = []
    box = u.find(_q("notes"))
    if box is not None:
        for note in box.iter(_q("note")):
            if note.get("category") in COMMENT_CATEGORIES and note.text:
                comments.extend(note.text.split("\n"))
    return XliffUnit(u.get("id"), u.sourceline, "".join(sources), target or None, state,
                     comments)


@dataclass(slots=True)
class ImportReport:
    """What `tm xliff import` changed in one catalog."""

    path: str
    units: int
    changed: int
    written: bool
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line in the XLIFF, unit id) of the units left out (`skip_stale`)."""


def apply_units(cat: Catalog, units: Sequence[XliffUnit], path: str, catalog: str,
                skipped: list[tuple[int, str]] | None = None) -> int:
    """Put the units' translations, states and comments into `cat`; returns how many
    entries changed. A unit the catalog does not hold is an error, nothing is applied;
    unless `skipped` is given: then such units are left out and listed in it."""
    by_id = {unit_id(m): m for m in _exportable(cat)}
    seen: set[str] = set()
    good: list[tuple[XliffUnit, Message]] = []
    for u in units:
        m = by_id.get(u.id)
        if u.id in seen:
            raise XliffError(f"unit {u.id} appears twice", path, u.line, "keep one of them")
        seen.add(u.id)
        if m is None or m.msgid != u.source:
            if skipped is not None:
                skipped.append((u.line, u.id))
                continue
            raise XliffError(f"unit {u.id} is not in {catalog}", path, u.line,
                             "its sentence changed or was removed: run `tm segment`, "
                             "export again and carry the translation over, or import "
                             "the rest with --skip-stale")
        if is_joined(m) and u.target:  # merge would leave it out without a word
            raise XliffError(f"unit {u.id} is joined to the unit before (tm-joined in "
                             f"{catalog}): its sentence is translated there", path, u.line,
                             "leave its target empty, or remove the tm-joined flag in the "
                             "catalog to translate it on its own")
        good.append((u, m))
    changed = 0
    for u, m in good:
        before = (m.msgstr, m.fuzzy, list(m.comments))
        m.msgstr = u.target or ""
        m.fuzzy = u.state == "fuzzy"
        if not m.fuzzy:
            m.forget_previous()
        m.comments = list(u.comments)
        changed += (m.msgstr, m.fuzzy, m.comments) != before
    return changed


def _project_language(code: str, languages: Sequence[str]) -> str:
    """The project's language that an XLIFF language tag names: itself, or the same
    tag spelt otherwise (`ru-RU` for `ru_RU`), or its base language when the project has
    only that (`ru-RU` for `ru`: what CAT tools often write)."""
    if code in languages:
        return code
    norm = code.replace("_", "-").lower()
    same = ([lang for lang in languages if lang.replace("_", "-").lower() == norm]
            or [lang for lang in languages if lang.lower() == base_lang(code)])
    return same[0] if same else code


def import_xliff(config: Config, file: Path, lang: str | None = None,
                 skip_stale: bool = False) -> list[ImportReport]:
    """Read `file` and update the catalogs it names; writes only when every unit of every
    file is good (with `skip_stale`, units whose sentence is no longer in the catalog
    are left out and reported instead), each catalog atomically."""
    from tm.atomic import FileChanged, atomic_write, read_state

    path = str(file)
    try:
        data = file.read_bytes()
    except OSError as e:
        raise XliffError(f"cannot read: {e.strerror or e}", path, 1) from None
    doc = parse_xliff(data, path)
    trg = _project_language(doc.trg_lang, config.languages)
    src_lang = _project_language(doc.src_lang, config.languages) if doc.src_lang else ""
    known = config.documents_list()
    if not trg or trg not in config.languages or (lang is not None and trg != lang):
        targets = sorted({t for d in known for t in config.target_languages(d)})
        want = lang or ", ".join(targets or config.languages)
        raise XliffError(f"wrong target language trgLang={trg!r}", path, 1,
                         f"expected {want}")
    pending: list[tuple[Path, Catalog, ImportReport, FileState]] = []
    for xf in doc.files:
        if xf.doc not in known:
            raise XliffError(f"no source document {xf.doc!r} in this project", path, xf.line,
                             f"documents: {', '.join(known) or 'none'}")
        src = config.source_language(xf.doc) or "en"
        if trg not in config.target_languages(xf.doc) or (src_lang and src_lang != src):
            raise XliffError(f"wrong languages {doc.src_lang or '?'} -> {trg} for {xf.doc}", path,
                             1, f"its catalogs translate {src} into "
                             f"{', '.join(config.target_languages(xf.doc))}")
        po = config.catalog_path(xf.doc, trg)
        rel = config.relative(po)
        if not po.is_file():
            raise XliffError(f"no {trg} catalog for {xf.doc}", path, xf.line,
                             "run `tm segment` to create it")
        raw, seen = read_state(po)
        cat = parse_po(decode_po(raw or b"", rel), rel)
        skipped: list[tuple[int, str]] | None = [] if skip_stale else None
        changed = apply_units(cat, xf.units, path, rel, skipped)
        pending.append((po, cat, ImportReport(rel, len(xf.units), changed, False,
                                              skipped or []), seen))
    for po, cat, report, seen in pending:
        if report.changed:
            try:
                report.written = atomic_write(po, format_po(cat), expect=seen)
            except FileChanged:
                raise XliffError("the catalog changed while the XLIFF was imported",
                                 config.relative(po), 1, "run the import again") from None
    return [r for *_, r, _ in pending]
