"""A real book through segment and merge: chapters of the Rust book in English and
Russian (tests/data/rustbook, MIT), and the whole books where TM_CORPORA (or a `corpora`
folder beside the repository) holds them.

Identity translations give every chapter back byte for byte; an upper-case
pseudo-translation keeps the HTML structure and leaves no lowercase running text; the
text the issue found missing (Listing captions, `<span class="caption">` titles) is
offered, and no caption is cut from its title.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tm.merge import merge
from tm.segment import segment_document
from tm.source import units

from .conftest import CORPORA as BOOKS
from .test_roundtrip import prose, pseudo, skeleton

DATA = Path(__file__).parent / "data" / "rustbook"
CORPORA = {"en": BOOKS / "rust-lang+book" / "src",
           "ru": BOOKS / "rust-lang-ru+book" / "rustbook-ru" / "src"}
CHAPTERS = [(lang, p) for lang in ("en", "ru") for p in sorted((DATA / lang).glob("*.md"))]


def _check(path: Path, lang: str, *, all_prose: bool) -> None:
    src = path.read_text("utf-8")
    segs = segment_document(src, units(src), lang)
    assert merge(src, segs, {s.text: s.text for s in segs}).text == src
    out = merge(src, segs, {s.text: pseudo(s.text) for s in segs}).text
    assert skeleton(out) == skeleton(src)
    if all_prose:
        assert [t for t in prose(out) if re.search("[a-zа-яё]", t)] == []


@pytest.mark.parametrize(("lang", "path"), CHAPTERS, ids=lambda x: getattr(x, "name", x))
def test_chapter_round_trips(lang: str, path: Path) -> None:
    _check(path, lang, all_prose=True)


def test_chapters_are_there() -> None:
    assert len(CHAPTERS) == 10


def test_captions_are_offered_whole() -> None:
    en = (DATA / "en/ch02-00-guessing-game-tutorial.md").read_text("utf-8")
    captions = re.findall(r'<Listing [^>]*caption="([^"]+)"', en)
    texts = [s.text for s in segment_document(en, units(en), "en")]
    assert captions and all(c in texts for c in captions)
    ru = (DATA / "ru/ch16-01-threads.md").read_text("utf-8")
    texts = [s.text for s in segment_document(ru, units(ru), "ru")]
    spans = [t for t in texts if "<span" in t or "</span>" in t]
    assert all(t.count("<span") == t.count("</span>") == 1 for t in spans)
    captions = [t for t in spans if t.startswith('<span class="caption">Листинг 16-')]
    assert len(captions) == ru.count('<span class="caption">') == 5
    assert not [t for t in texts if re.fullmatch(r".*Листинг [\d-]+\.", t)]


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_whole_book_round_trips(lang: str) -> None:
    """Every chapter of the book, where the corpora are on this machine (not in CI)."""
    if not CORPORA[lang].is_dir():
        pytest.skip(f"{CORPORA[lang]} is not on this machine")
    files = sorted(CORPORA[lang].glob("*.md"))
    assert len(files) > 100
    for path in files:
        _check(path, lang, all_prose=False)
