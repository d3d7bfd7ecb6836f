"""The lookup's shortcuts give what the long way gives: the length pre-check (a text no
unit can fit is not looked up), the one-file numpy paths of top_units (a counter per
unit, or merged lists), and best_matches building no match below the threshold."""

from __future__ import annotations

import random
from array import array
from pathlib import Path

import pytest

from tm.memory import lookup, postings
from tm.memory.formats import MemoryUnit
from tm.memory.index import SqliteIndex
from tm.memory.match import (
    Candidate,
    best_matches,
    normalize,
    rank_key,
    score_candidate,
    without_marks,
)
from tm.memory.postings import may_fit, size_range, top_units
from tm.memory.sources import MemorySource


def _lists(rng: random.Random, files: list[int], units: int) -> list[postings.Posting]:
    lists = []
    for _ in range(rng.randint(1, 8)):
        p = postings.Posting()
        for file_id in sorted(rng.sample(files, rng.randint(1, len(files)))):
            p.add(file_id, array("I", sorted(rng.sample(range(units), rng.randint(1, units)))))
        lists.append(p)
    return lists


@pytest.mark.parametrize("dense_units, python_tail", [(1 << 16, 256), (1 << 16, 0), (0, 0)])
@pytest.mark.parametrize("dense_from", [4096, 3])
@pytest.mark.parametrize("sort_from", [4000, 0])
def test_one_file_numpy_path_counts_like_the_counter(dense_from: int, dense_units: int,
                                                     python_tail: int, sort_from: int,
                                                     monkeypatch) -> None:
    """A counter per unit or sorted positions (ranked in Python or numpy), or merged
    lists: as the dict."""
    monkeypatch.setattr(postings, "SORT_FROM", sort_from)
    monkeypatch.setattr(postings, "DENSE_FROM", dense_from)
    monkeypatch.setattr(postings, "DENSE_UNITS", dense_units)
    monkeypatch.setattr(postings, "PYTHON_TAIL", python_tail)
    monkeypatch.setattr(postings, "DENSE_MIN_UNITS", 0)  # these files have 60 units
    rng = random.Random(11)
    for _ in range(200):
        lengths = {1: array("H", [rng.randint(5, 80) for _ in range(rng.choice([0, 60]))])}
        lists = _lists(rng, [1], 60)
        need, length = rng.randint(1, len(lists)), rng.randint(3, 90)
        monkeypatch.setattr(postings, "NUMPY_FROM", 10**9)
        monkeypatch.setattr(postings, "DENSE_IDS", 10**9)
        counted = top_units(lists, need, 20, length, lengths)
        monkeypatch.setattr(postings, "NUMPY_FROM", 0)
        assert top_units(lists, need, 20, length, lengths) == counted
        monkeypatch.setattr(postings, "NUMPY_FROM", 10**9)
        monkeypatch.setattr(postings, "DENSE_IDS", 0)  # small totals counted per unit too
        assert top_units(lists, need, 20, length, lengths) == counted


def test_a_text_that_may_not_fit_has_no_unit() -> None:
    rng = random.Random(5)
    skipped = 0
    for _ in range(500):
        lengths = {f: array("H", [rng.randint(1, 120) for _ in range(40)]) for f in (1, 2)}
        lists = _lists(rng, [1, 2], 40)
        length = rng.randint(1, 400)
        if not may_fit(length, size_range(lengths)):
            skipped += 1
            assert top_units(lists, 1, 100, length, lengths) == []
    assert skipped > 50  # the check was put to the test


def test_candidates_are_the_same_without_the_length_pre_check(tmp_path: Path,
                                                              monkeypatch) -> None:
    rng = random.Random(2)
    words = ["party", "central", "committee", "trotsky", "moscow", "exile", "letter", "war"]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."

    units = [MemoryUnit({"en": text(rng.randint(1, 6)), "ru": "перевод"}) for _ in range(80)]
    index = SqliteIndex(tmp_path / "index.sqlite", ["en"])
    try:
        index.add_units(MemorySource(tmp_path / "m.tmx", "m.tmx"), units)
        texts = list(dict.fromkeys(text(rng.randint(1, 30)) for _ in range(300)))
        fast = index.candidates(texts, "en", "ru")
        monkeypatch.setattr(lookup, "may_fit", lambda length, sizes: True)
        index.lookup.cache.sizes.clear()
        slow = index.candidates(texts, "en", "ru")
    finally:
        index.close()
    assert fast == slow
    assert sum(1 for c in fast if c) > 20 and sum(1 for c in fast if not c) > 20


def test_best_matches_are_those_of_scoring_every_shortlisted_candidate() -> None:
    rng = random.Random(8)
    words = ["in", "june", "1927", "trotsky", "spoke", "<sup>[1]</sup>", "the", "party",
             "1928", "moscow"]
    for _ in range(300):
        segment = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        sources = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
                   for _ in range(rng.randint(1, 12))]
        cands = [Candidate((1 << 32) | i, src, src.upper(), "m.tmx")  # numbers carried
                 for i, src in enumerate(sources)]
        floor = rng.choice([0.0, 50.0, 75.0, 90.0])
        got = best_matches(segment, cands, len(cands), floor, shortlist=len(cands))
        seg_norm = normalize(without_marks(segment))
        scored = [(rank_key(m, c), m) for c in cands
                  if (m := score_candidate(segment, seg_norm, c)).score >= floor]
        assert got == [m for _, m in sorted(scored, key=lambda x: x[0])]


def test_words_read_from_the_index_are_read_again_after_a_write(tmp_path: Path) -> None:
    """Document frequencies and postings read for one batch serve the next ones, but
    never past a write (a new file's units are found)."""
    first = [MemoryUnit({"en": "The central committee met in Moscow.", "ru": "один"})]
    second = [MemoryUnit({"en": "The central committee met in Leningrad.", "ru": "два"}),
              MemoryUnit({"en": "Exiled to Alma-Ata.", "ru": "три"})]
    index = SqliteIndex(tmp_path / "index.sqlite", ["en"])
    try:
        index.add_units(MemorySource(tmp_path / "a.tmx", "a.tmx"), first)
        text = ["The central committee met in Kiev."]
        assert [c.target for c in index.candidates(text, "en", "ru")[0]] == ["один"]
        assert index.exact(["Exiled to Alma-Ata."], "en", "ru") == {}
        index.add_units(MemorySource(tmp_path / "b.tmx", "b.tmx"), second)
        assert [c.target for c in index.candidates(text, "en", "ru")[0]] == ["один", "два"]
        assert [c.target for c in index.exact(["Exiled to Alma-Ata."], "en", "ru")[
            "Exiled to Alma-Ata."]] == ["три"]
    finally:
        index.close()


def test_a_small_memory_is_looked_up_exactly_as_a_big_one(tmp_path: Path,
                                                           monkeypatch) -> None:
    """A small memory (a termbase) is looked up and indexed without numpy: its exact
    matches (duplicates, two files, spacing) and its stored hashes are those of the
    numpy paths."""
    from tm.memory import ingest

    rng = random.Random(4)
    words = ["Party", "central", "committee", "Trotsky", "exile", "letter"]

    def text() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) + "."

    files = [[MemoryUnit({"en": text(), "ru": f"{k}-{i}"}) for i in range(60)]
             for k in range(2)]
    texts = list(dict.fromkeys(text() for _ in range(200))) + ["Party  central."]
    found = []
    stored = []
    for small in (10**9, 0):
        monkeypatch.setattr(lookup, "SMALL_EXACT", small)
        monkeypatch.setattr(ingest, "SMALL_SORT", small)
        index = SqliteIndex(tmp_path / f"index-{small}.sqlite", ["en"])
        try:
            for k, units in enumerate(files):
                index.add_units(MemorySource(tmp_path / f"{k}.tmx", f"{k}.tmx"), units)
            found.append({t: [c.target for c in cands]
                          for t, cands in index.exact(texts, "en", "ru").items()})
            stored.append(index.db.execute(
                "SELECT file_id, hashes, ids FROM exacts ORDER BY file_id").fetchall())
        finally:
            index.close()
    assert found[0] == found[1] and stored[0] == stored[1]
    assert any(len(targets) > 1 for targets in found[0].values())  # duplicates, in order
    assert len(found[0]) > 20
