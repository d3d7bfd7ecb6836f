"""An alignment as TMX 1.4b: a header saying the units come from alignment
(`<prop type="x-tm-origin">aligned</prop>`, which the memory index ranks below reviewed
translations) and each unit's confidence as `<prop type="x-tm-align-confidence">`.
Omissions and additions (1-0, 0-1 links) are no units."""

from __future__ import annotations

from collections.abc import Iterable

from tm import __version__
from tm.align.model import Alignment

ORIGIN_PROP = "x-tm-origin"
ALIGNED = "aligned"
CONFIDENCE_PROP = "x-tm-align-confidence"
LINK_PROP = "x-tm-align-link"
"""The link's shape (1-1, 2-1...), for a reviewer filtering merges."""
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def units(alignment: Alignment) -> list[tuple[str, str, float, str]]:
    """(source, target, confidence, shape) of every link with text on both sides; the
    same pair of texts once, at its highest confidence."""
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for link in alignment.links:
        if not link.source or not link.target:
            continue
        key = alignment.texts(link)
        if key not in best or best[key][0] < link.confidence:
            best[key] = (link.confidence, link.kind)
    return [(s, t, c, k) for (s, t), (c, k) in best.items()]


def alignment_tmx(alignments: Iterable[Alignment], source_lang: str) -> bytes:
    """One TMX document for the units of `alignments` (all from `source_lang`)."""
    from lxml import etree

    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(root, "header", {
        "creationtool": "tm", "creationtoolversion": __version__,
        "datatype": "plaintext", "segtype": "sentence", "adminlang": "en",
        "srclang": source_lang, "o-tmf": "tm",
    })
    etree.SubElement(header, "prop", type=ORIGIN_PROP).text = ALIGNED
    body = etree.SubElement(root, "body")
    n = 0
    for al in alignments:
        for source, target, conf, shape in units(al):
            n += 1
            tu = etree.SubElement(body, "tu", tuid=str(n))
            etree.SubElement(tu, "prop", type=CONFIDENCE_PROP).text = f"{conf:.2f}"
            etree.SubElement(tu, "prop", type=LINK_PROP).text = shape
            for lang, text in ((al.source_lang, source), (al.target_lang, target)):
                tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
                etree.SubElement(tuv, "seg").text = _xml_safe(text)
    data: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + data)


def _xml_safe(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n\r")
