"""TMX with lxml: the reader every unusual file goes to, the parts of it the fast reader
(tm.memory.tmxfast) shares, and the writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm import __version__
from tm.errors import MemoryFormatError
from tm.languages import base_lang
from tm.memory.unit import MemoryUnit
from tm.xmltext import element_text

if TYPE_CHECKING:
    from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
    return declared_entities(head)


def declared_entities(head: str) -> dict[str, str]:
    """`plain_entities` of a document's first 64 KB, as text."""
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


def _seg_text(seg: etree._Element, entities: dict[str, str] | None = None) -> str:
    """The text of a <seg>: native codes as their text, <hi> unwrapped, and any foreign
    element (a stray `<sup>` some tools write) kept as markup. Nesting of any depth is
    walked without recursion (tm.xmltext)."""
    if len(seg) == 0:
        return seg.text or ""

    def expand(child: Any, parent: Any) -> Any:
        if not isinstance(child.tag, str):
            if type(child).__name__ != "_Entity":
                return None  # a comment or a processing instruction
            name = str(getattr(child, "name", "?"))
            if entities is None or name not in entities:
                raise EntityReference(name)
            return entities[name]
        if child.tag in TMX_CODES:
            return "".join(child.itertext())
        if child.tag in ("hi", "g", "sub"):
            return child
        from lxml import etree  # lxml is loaded only when needed

        return etree.tostring(child, encoding="unicode", with_tail=False)

    return element_text(seg, expand)


def tu_unit(el: Any, path: Path, codes: dict[str, str], line_offset: int = 0,
            entities: dict[str, str] | None = None, aligned: bool = False
            ) -> MemoryUnit | None:
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
                code = codes[lang] = base_lang(lang)
            seg = child.find("seg")
            try:
                text = _seg_text(seg, entities) if seg is not None else ""
            except EntityReference as e:
                raise entity_error(e.name, path, (el.sourceline or 1) + line_offset) from None
            if text.strip() and code not in texts:
                texts[code] = text
        elif tag == "note" and child.text and not note:
            note = child.text  # the first, as the fast reader takes it
        elif tag == "prop" and child.get("type") == ORIGIN_PROP and (
                (child.text or "").strip() == ALIGNED):
            aligned = True  # a unit `tm memory export` took from an alignment
    if len(texts) < 2:
        return None
    return MemoryUnit(texts, (el.sourceline or 1) + line_offset, note, aligned=aligned)


ORIGIN_PROP = "x-tm-origin"
"""<header> property naming where the units come from; ALIGNED marks `tm align`'s (on a
<tu>: that unit's, in a file of other units too, as `tm memory export` writes it)."""
ALIGNED = "aligned"
CONFIDENCE_PROP = "x-tm-align-confidence"
"""Per-<tu> property of aligned units (the aligner's confidence; not read by the index)."""
LINK_PROP = "x-tm-align-link"
"""Per-<tu> property of aligned units: the link's shape (1-1, 2-1...), for a reviewer."""
PROPS = "props"
"""`MemoryUnit.extra` key of (type, value) pairs written as the unit's <prop>s."""


def aligned_header(header: etree._Element) -> bool:
    """Whether a parsed <header> says its file's units come from sentence alignment."""
    return any(prop.get("type") == ORIGIN_PROP and (prop.text or "").strip() == ALIGNED
               for prop in header.iterchildren("prop"))


def read_tmx_tree(path: Path) -> Iterator[MemoryUnit]:
    """TMX 1.1-1.4b units by lxml's streaming parser (flat memory on any size)."""
    from lxml import etree

    try:
        context = etree.iterparse(str(path), events=("end",), tag=("header", "tu"),
                                  huge_tree=True, resolve_entities=False, no_network=True)
        codes: dict[str, str] = {}
        entities = plain_entities(path)
        aligned = False
        for n, (_, el) in enumerate(context):
            if el.tag == "header":
                aligned = aligned_header(el)
                continue
            unit = tu_unit(el, path, codes, 0, entities, aligned)
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
        raise _syntax_error(e, path) from None
    except OSError as e:
        raise MemoryFormatError(f"cannot read: {e.strerror or e}", path, 1) from None


def _syntax_error(e: Any, path: Path) -> MemoryFormatError:
    """lxml's XMLSyntaxError as tm's one-line error (libxml2's own line where it has one)."""
    line = e.position[0] if e.position else e.lineno
    what = re.sub(r",? line \d+, column \d+$", "", e.msg or str(e))
    first = next((x for x in e.error_log  # libxml2's own error, for this file
                  if x.level >= 2 and x.filename == str(path)), None)
    if first is not None and (not line or what == "no element found"):
        line, what = first.line, first.message.strip()
    undefined = re.fullmatch(r"Entity '([^']+)' not defined", what)
    if undefined:
        return entity_error(undefined.group(1), path, line or 1)
    return MemoryFormatError(f"not well-formed XML: {what}", path, line or 1,
                             "fix the XML or re-export the TMX")


def tmx_bytes(units: Iterable[MemoryUnit], source_lang: str, origin: str = "",
              aligned: bool = False) -> bytes:
    """A TMX 1.4b document for `units` (one <tu> each, <prop type="x-origin"> if known,
    then the unit's own `extra[PROPS]`; `aligned`: the header says the units come from
    sentence alignment)."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": "tm", "creationtoolversion": __version__,
        "datatype": "plaintext", "segtype": "sentence", "adminlang": "en",
        "srclang": source_lang, "o-tmf": "tm",
    })
    if aligned:
        etree.SubElement(header, "prop", type=ORIGIN_PROP).text = ALIGNED
    body = etree.SubElement(root, "body")
    for n, unit in enumerate(units, 1):
        tu = etree.SubElement(body, "tu", tuid=str(n))
        where = unit.extra.get("origin") or origin
        if where:
            etree.SubElement(tu, "prop", type="x-origin").text = where
        if unit.aligned and not aligned:  # one unit of an alignment among reviewed ones
            etree.SubElement(tu, "prop", type=ORIGIN_PROP).text = ALIGNED
        for kind, value in unit.extra.get(PROPS, ()):
            etree.SubElement(tu, "prop", type=kind).text = value
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
