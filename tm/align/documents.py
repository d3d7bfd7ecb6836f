"""Documents in, alignment out: tm's own reader and segmenter on both sides, so the
units written are the sentences `tm segment` will later look up."""

from __future__ import annotations

from pathlib import Path, PurePath

from tm.align.anchors import TermFinder
from tm.align.cost import Weights
from tm.align.model import Alignment, Sentence
from tm.align.structure import Progress, align_sides, sides
from tm.errors import SourceError
from tm.formats import source_units
from tm.languages import base_lang, guess_language
from tm.segment import segment_document
from tm.segment.prose import prose
from tm.source import read_source
from tm.termkeys import CYRILLIC_LANGS as TERM_CYRILLIC


def sentences(text: str, lang: str, name: str | PurePath = "document.md") -> list[Sentence]:
    """The segments of a document (format by `name`'s suffix), as tm segments it."""
    segs = segment_document(text, source_units(name, text), lang)
    return [Sentence(s.text, s.block, s.kind, s.line) for s in segs]


def align_texts(source: str, target: str, source_lang: str, target_lang: str,
                terms: TermFinder | None = None, names: tuple[str, str] = ("a.md", "b.md"),
                weights: Weights | None = None, progress: Progress | None = None,
                ) -> Alignment:
    """The sentence alignment of a document and its translation."""
    src = sentences(source, source_lang, names[0])
    tgt = sentences(target, target_lang, names[1])
    links = align_sides(*sides(src, tgt, (source_lang, target_lang), terms), weights,
                        progress)
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
    lang = source_lang or guess_language([prose(texts[0][:20000])])
    if base_lang(lang) == base_lang(target_lang):
        raise SourceError(f"source and translation are both `{lang}`", source, 1,
                          "name the translation's language with --to" if source_lang
                          else "name the source language with --from")
    _check_script(texts[1], target_lang, target)
    found = align_texts(texts[0], texts[1], lang, target_lang, terms,
                        (str(source), str(target)), progress=progress)
    for path, sents in ((source, found.source), (target, found.target)):
        if not sents:
            raise SourceError("no text to align", path, 1, "is this the right file?")
    return found


CYRILLIC_LANGS = TERM_CYRILLIC | {"kk", "ky", "tg", "mn", "tt", "ba", "cv", "os", "ce", "sah",
                                  "udm", "kv", "mhr", "myv"}
"""Languages written in Cyrillic letters: those term finding knows, and the others a
translation may be in (`sr` is written in both alphabets)."""


def _check_script(text: str, lang: str, path: Path) -> None:
    """A translation in the other alphabet than `lang` is written in (the source given
    twice, the two paths swapped) would become a memory that pre-fills English as
    Russian: a SourceError."""
    base = base_lang(lang)
    if base == "sr":  # written in both alphabets
        return
    cyrillic = guess_language([prose(text[:20000])]) == "ru"  # not its URLs and code
    if base in CYRILLIC_LANGS and not cyrillic:
        raise SourceError(f"the translation is not in Cyrillic letters, as `{lang}` is "
                          "written", path, 1, "is this the translation? check --to")
    if base not in CYRILLIC_LANGS and cyrillic:
        raise SourceError(f"the translation is in Cyrillic letters, not in `{lang}`", path,
                          1, "is this the translation? check --to")
