"""The committed alignment test set (tests/data/align/): hand alignments of EN/RU document
pairs for `tm align`. Each gold file must cover its pair's segments, exactly as tm's own
segmenter cuts them, once each and in document order, and each pair must hold the links an
aligner finds hard (merges, splits, omissions, additions, a reordered merge).

`python -m tests.test_align_data FILE.md LANG` prints a document's segments one per line:
the sentences a gold file is written from (see tests/data/align/README.md).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tm.citations import convert_citation
from tm.formats import source_units
from tm.model import Segment
from tm.segment import segment_document
from tm.source import read_source

DATA = Path(__file__).parent / "data" / "align"
SEP = " ||| "
REQUIRED = {"2-1": 3, "1-2": 3, "1-0": 1, "0-1": 1}
"""Minimum number of links of each type in every pair (EN side - RU side), made by the
translator (links shaped by tm's segmentation do not count)."""
SIZE = (40, 90)
"""Segments per document, each side."""


@dataclass(frozen=True)
class Link:
    """One gold line: the English and Russian segments aligned to each other."""

    en: tuple[str, ...]
    ru: tuple[str, ...]
    line: int
    comments: tuple[str, ...] = ()
    """The `#` lines just before it (`# merge`, `# reorder: ...`)."""

    @property
    def kind(self) -> str:
        return f"{len(self.en)}-{len(self.ru)}"

    @property
    def segmentation(self) -> bool:
        """The link's shape comes from tm's segmenter, not from the translator (a sentence
        tm does not cut, or cuts where no sentence ends): `# tm-segmentation: ...`."""
        return any(c.startswith("# tm-segmentation") for c in self.comments)


def read_gold(path: Path) -> list[Link]:
    """Links of a gold file: `EN ||| EN<TAB>RU ||| RU`, either side empty, `#` comments."""
    links: list[Link] = []
    comments: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            comments.append(line)
            continue
        if not line.strip():
            continue
        assert line.count("\t") == 1, f"{path.name}:{n}: one TAB between EN and RU"
        en, ru = line.split("\t")
        links.append(Link(tuple(en.split(SEP)) if en else (), tuple(ru.split(SEP)) if ru else (),
                          n, tuple(comments)))
        comments = []
    return links


def segments(path: Path, lang: str) -> list[Segment]:
    """The segments tm's own segmenter gives for a document (as `tm segment` does)."""
    src = read_source(path)
    return segment_document(src, source_units(path, src), lang)


def pair_names() -> list[str]:
    return sorted(p.name.removesuffix(".gold.tsv") for p in DATA.glob("*.gold.tsv"))


PAIRS = pair_names()


def test_the_set_has_three_development_pairs_and_a_held_out_one() -> None:
    held_out = [p for p in PAIRS if p.startswith("heldout-")]
    assert len(PAIRS) - len(held_out) >= 3, PAIRS
    assert held_out, PAIRS
    for name in PAIRS:
        for lang in ("en", "ru"):
            assert (DATA / f"{name}.{lang}.md").is_file(), f"{name}.{lang}.md is missing"


def _first_difference(gold: list[str], tm: list[str]) -> str:
    for i, (g, t) in enumerate(zip(gold, tm, strict=False)):
        if g != t:
            return f"segment {i}: gold {g!r}, tm {t!r}"
    return f"gold has {len(gold)} segments, tm {len(tm)}"


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_gold_covers_every_segment_once_in_order(name: str, lang: str) -> None:
    tm = [s.text for s in segments(DATA / f"{name}.{lang}.md", lang)]
    gold = [s for link in read_gold(DATA / f"{name}.gold.tsv")
            for s in (link.en if lang == "en" else link.ru)]
    assert gold == tm, f"{name}.gold.tsv vs {name}.{lang}.md: {_first_difference(gold, tm)}"


@pytest.mark.parametrize("name", PAIRS)
def test_gold_lines_are_well_formed(name: str) -> None:
    for link in read_gold(DATA / f"{name}.gold.tsv"):
        assert link.en or link.ru, f"line {link.line}: both sides empty"
        for s in link.en + link.ru:
            assert s and s == s.strip(), f"line {link.line}: empty or padded sentence {s!r}"


@pytest.mark.parametrize("name", PAIRS)
def test_pair_size(name: str) -> None:
    for lang in ("en", "ru"):
        n = len(segments(DATA / f"{name}.{lang}.md", lang))
        assert SIZE[0] <= n <= SIZE[1], f"{name}.{lang}.md has {n} segments"


@pytest.mark.parametrize("name", PAIRS)
def test_pair_has_the_hard_link_types(name: str) -> None:
    links = read_gold(DATA / f"{name}.gold.tsv")
    counts = Counter(link.kind for link in links if not link.segmentation)
    short = {k: counts[k] for k, n in REQUIRED.items() if counts[k] < n}
    assert not short, f"{name}: too few links of type {short} (need {REQUIRED})"
    reordered = [link for link in links
                 if any(c.startswith("# reorder") for c in link.comments)]
    assert any(link.kind in ("2-1", "1-2") for link in reordered), \
        f"{name}: no `# reorder` merge (two sentences rendered as one, in the other order)"


@pytest.mark.parametrize("name", PAIRS)
def test_markdown_structure_and_headings_align_to_headings(name: str) -> None:
    kinds: dict[str, list[str]] = {}
    for lang in ("en", "ru"):
        segs = segments(DATA / f"{name}.{lang}.md", lang)
        kinds[lang] = [s.kind for s in segs]
        present = set(kinds[lang])
        assert {"heading", "paragraph", "list item", "footnote"} <= present, (name, lang)
        assert any("[^" in s.text for s in segs if s.kind != "footnote"), \
            f"{name}.{lang}.md: no footnote reference"
    at = {"en": 0, "ru": 0}
    for link in read_gold(DATA / f"{name}.gold.tsv"):
        sides = {}
        for lang, texts in (("en", link.en), ("ru", link.ru)):
            sides[lang] = {k == "heading" for k in kinds[lang][at[lang]:at[lang] + len(texts)]}
            at[lang] += len(texts)
        if sides["en"] and sides["ru"]:
            assert sides["en"] == sides["ru"] and len(sides["en"]) == 1, \
                f"{name}.gold.tsv:{link.line}: a heading aligned with body text"


@pytest.mark.parametrize("name", PAIRS)
def test_citations_appear_in_both_forms_as_tm_converts_them(name: str) -> None:
    found = 0
    for link in read_gold(DATA / f"{name}.gold.tsv"):
        if link.kind != "1-1":
            continue
        ru = convert_citation(link.en[0], "en", "ru")
        if ru is not None:
            assert link.ru[0] == ru, f"{name}.gold.tsv:{link.line}: tm converts it to {ru!r}"
            assert convert_citation(link.ru[0], "ru", "en") == link.en[0]
            found += 1
    assert found >= 2, f"{name}: {found} archival citation(s) aligned 1-1, want 2 or more"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.test_align_data FILE.md LANG")
    for seg in segments(Path(sys.argv[1]), sys.argv[2]):
        print(seg.text)
