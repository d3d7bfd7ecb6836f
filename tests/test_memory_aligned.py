"""Units from sentence alignment (a TMX whose header carries `<prop type="x-tm-origin">
aligned</prop>`, as `tm align` writes it) are marked in the index and rank below units a
person reviewed when the scores are equal; at a higher score they still win."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tm.memory import MemoryAdvisor, MemorySource, SqliteIndex
from tm.memory.advisor import Helpers
from tm.memory.formats import MemoryUnit, read_memory, tmx_bytes
from tm.memory.indexdb import SCHEMA_VERSION
from tm.memory.match import Candidate, best_matches
from tm.memory.tmx import read_tmx_tree

ALIGNED_HEADER = ('<header srclang="en" o-tmf="tm-align" segtype="sentence">'
                  '<prop type="x-tm-origin">aligned</prop></header>')


def _tmx(path: Path, pairs: list[tuple[str, str]], header: str) -> MemorySource:
    tus = "".join(f'<tu><prop type="x-tm-align-confidence">0.93</prop>'
                  f'<tuv xml:lang="en"><seg>{en}</seg></tuv>'
                  f'<tuv xml:lang="ru"><seg>{ru}</seg></tuv></tu>\n' for en, ru in pairs)
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">{header}'
                    f"<body>\n{tus}</body></tmx>\n", "utf-8")
    return MemorySource(path, path.name)


@pytest.mark.parametrize("header, aligned", [
    (ALIGNED_HEADER, True),
    ('<header><prop type="x-tm-origin">reviewed</prop></header>', False),
    ('<header><prop type="x-origin">aligned</prop></header>', False),
    ('<header srclang="en"/>', False),
])
def test_the_header_marks_every_unit(tmp_path: Path, header: str, aligned: bool) -> None:
    src = _tmx(tmp_path / "a.tmx", [("One.", "Один."), ("Two.", "Два.")], header)
    assert [u.aligned for u in read_memory(src.path)] == [aligned, aligned]
    assert [u.aligned for u in read_tmx_tree(src.path)] == [aligned, aligned]
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    idx.sync([src])
    assert [u.aligned for u in idx.units()] == [aligned, aligned]
    assert [c.aligned for c in idx.exact(["One."], "en", "ru")["One."]] == [aligned]
    idx.close()


def test_tmx_bytes_writes_the_mark(tmp_path: Path) -> None:
    p = tmp_path / "x.tmx"
    p.write_bytes(tmx_bytes([MemoryUnit({"en": "One.", "ru": "Один."})], "en", aligned=True))
    assert [u.aligned for u in read_memory(p)] == [True]


def _sources(tmp_path: Path) -> list[MemorySource]:
    """The aligned file sorts first by name: without the rule it would win every tie."""
    same = ("The tribunal met in June.", "Трибунал заседал в июне.")
    aligned = _tmx(tmp_path / "a-aligned.tmx",
                   [(same[0], "Суд собрался в июне."),
                    ("The workers of Europe suffered defeats.", "Рабочие Европы потерпели.")],
                   ALIGNED_HEADER)
    reviewed = _tmx(tmp_path / "z-reviewed.tmx",
                    [same, ("The workers of Europe suffered defeats!", "Рабочие Европы!")],
                    "<header/>")
    return [aligned, reviewed]


def test_reviewed_units_win_ties(tmp_path: Path) -> None:
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    idx.sync(_sources(tmp_path))
    advisor = MemoryAdvisor(idx, 75, Helpers())
    best = advisor.best(["The tribunal met in June.", "The workers of Europe suffered defeats?"],
                        "en", "ru")
    assert best["The tribunal met in June."].target == "Трибунал заседал в июне."
    assert best["The tribunal met in June."].origin == "z-reviewed.tmx"
    # both units score the same against this text (punctuation is not scored)
    assert best["The workers of Europe suffered defeats?"].origin == "z-reviewed.tmx"
    found = advisor.search("The tribunal met in June.", "en", "ru", limit=2)
    assert [m.origin for m in found] == ["z-reviewed.tmx", "a-aligned.tmx"]
    assert found[0].score == found[1].score == 100
    idx.close()


def test_a_better_aligned_unit_still_wins() -> None:
    segment = "The tribunal met in June 1927."
    reviewed = Candidate(1 << 32, "The tribunal met in July of 1927.", "Трибунал в июле.",
                         "z.tmx")
    aligned = Candidate(2 << 32, "The tribunal met in June 1927.", "Трибунал в июне.",
                        "a.tmx", aligned=True)
    assert best_matches(segment, [reviewed, aligned])[0].origin == "a.tmx"


def test_an_index_of_the_previous_schema_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                     "INSERT INTO meta VALUES ('schema', '3');"
                     "CREATE TABLE variants(unit_id INTEGER, lang TEXT, text TEXT);")
    db.close()
    idx = SqliteIndex(path, {"en"})
    idx.sync(_sources(tmp_path))
    assert idx.db.execute("SELECT value FROM meta").fetchone() == (SCHEMA_VERSION,)
    assert sorted(u.aligned for u in idx.units()) == [False, False, True, True]
    idx.close()
