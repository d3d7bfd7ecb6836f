"""Documents in, alignment out: tm's own reader and segmenter on both sides, so the
units written are the sentences `tm segment` will later look up."""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from tm.align.anchors import TermFinder
from tm.align.cost import Weights
from tm.align.model import Alignment, Sentence
from tm.align.structure import Progress, align_sides, side
from tm.errors import SourceError
from tm.formats import source_units
from tm.segment import segment_document
from tm.source import read_source

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


def sentences(text: str, lang: str, name: str | PurePath = "document.md") -> list[Sentence]:
    """The segments of a document (format by `name`'s suffix), as tm segments it."""
    segs = segment_document(text, source_units(name, text), lang)
    return [Sentence(s.text, s.block, s.kind, s.line) for s in segs]


def guess_language(text: str) -> str:
    """`ru` when most letters are Cyrillic, else `en` (for a missing --from)."""
    sample = text[:20000]
    letters = len(_LETTER.findall(sample))
    return "ru" if letters and len(_CYRILLIC.findall(sample)) * 2 > letters else "en"


def align_texts(source: str, target: str, source_lang: str, target_lang: str,
                terms: TermFinder | None = None, names: tuple[str, str] = ("a.md", "b.md"),
                weights: Weights | None = None, progress: Progress | None = None,
                ) -> Alignment:
    """The sentence alignment of a document and its translation."""
    src = sentences(source, source_lang, names[0])
    tgt = sentences(target, target_lang, names[1])
    links = align_sides(side(src, source_lang, terms), side(tgt, target_lang, terms),
                        weights, progress)
    return Alignment(source_lang, target_lang, src, tgt, links, names[0], names[1])


def read_document(path: Path) -> str:
    """A document's text; a missing, unreadable or textless file is a SourceError."""
    if not path.is_file():
        raise SourceError("no such file" if not path.exists() else "not a file", path, 1,
                          "give the path of a document")
    return read_source(path)


def align_files(source: Path, target: Path, target_lang: str, source_lang: str | None = None,
                terms: TermFinder | None = None, progress: Progress | None = None,
                ) -> Alignment:
    """Read, segment and align two files; a document without text is an error (an
    alignment of nothing would write an empty memory silently)."""
    texts = read_document(source), read_document(target)
    lang = source_lang or guess_language(texts[0])
    if lang.split("-")[0].lower() == target_lang.split("-")[0].lower():
        raise SourceError(f"source and translation are both `{lang}`", source, 1,
                          "name the source language with --from")
    found = align_texts(texts[0], texts[1], lang, target_lang, terms,
                        (str(source), str(target)), progress=progress)
    for path, sents in ((source, found.source), (target, found.target)):
        if not sents:
            raise SourceError("no text to align", path, 1, "is this the right file?")
    return found
