"""An alignment as TMX 1.4b, written by the memory's TMX writer: a header saying the
units come from alignment (`<prop type="x-tm-origin">aligned</prop>`, which the memory
index ranks below reviewed translations) and each unit's confidence and link shape as
`<prop>`s. Omissions and additions (1-0, 0-1 links) are no units."""

from __future__ import annotations

from collections.abc import Iterable

from tm.align.model import Alignment
from tm.memory.tmx import CONFIDENCE_PROP, LINK_PROP, PROPS, tmx_bytes
from tm.memory.unit import MemoryUnit


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
    return tmx_bytes(
        (MemoryUnit({al.source_lang: source, al.target_lang: target}, aligned=True,
                    extra={PROPS: [(CONFIDENCE_PROP, f"{conf:.2f}"), (LINK_PROP, shape)]})
         for al in alignments for source, target, conf, shape in units(al)),
        source_lang, aligned=True)
