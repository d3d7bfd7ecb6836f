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


def test_an_aligned_exact_match_is_only_a_suggestion(tmp_path: Path) -> None:
    """Nobody reviewed an aligned unit (a link shifted by a row pairs a table cell with
    its neighbour's translation): even its exact match is filled fuzzy, and says so.
    A reviewed unit's exact match is filled as translated."""
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    idx.sync(_sources(tmp_path)[:1])
    advisor = MemoryAdvisor(idx, 75, Helpers())
    s = advisor.advise(["The tribunal met in June."], "en", "ru")["The tribunal met in June."]
    assert (s.translation, s.fuzzy) == ("Суд собрался в июне.", True)
    assert s.comments == ["tm: 100% a-aligned.tmx (aligned)"]
    idx.close()
    idx = SqliteIndex(tmp_path / "index2.sqlite", {"en"})
    idx.sync(_sources(tmp_path)[1:])
    s = MemoryAdvisor(idx, 75, Helpers()).advise(["The tribunal met in June."], "en",
                                                 "ru")["The tribunal met in June."]
    assert (s.translation, s.fuzzy) == ("Трибунал заседал в июне.", False)
    assert s.comments == ["tm: 100% z-reviewed.tmx"]
    idx.close()


def test_an_exact_match_that_would_lose_a_footnote_is_fuzzy(tmp_path: Path) -> None:
    """A reviewed unit whose translation dropped the footnote mark (or a link, a number):
    accepted as it is, the merged document would lose it. Filled fuzzy, the check named;
    a finding of style (end punctuation) leaves an exact match translated."""
    seg = "The trial opened in August.<sup>[4]</sup>"
    src = _tmx(tmp_path / "m.tmx", [(seg.replace("<", "&lt;").replace(">", "&gt;"),
                                     "Процесс открылся в августе."),
                                    ("It was over.", "Всё кончилось")], "<header/>")
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    idx.sync([src])
    got = MemoryAdvisor(idx, 75, Helpers()).advise([seg, "It was over."], "en", "ru")
    assert got[seg].fuzzy and got[seg].translation == "Процесс открылся в августе."
    assert got[seg].comments == ["tm: 100% m.tmx; qa: footnote"]
    assert not got["It was over."].fuzzy
    assert got["It was over."].comments == ["tm: 100% m.tmx; qa: end-punctuation"]
    idx.close()


def test_a_fuzzy_suggestion_carries_the_units_source(tmp_path: Path) -> None:
    """What the `#|` line of a fuzzy pre-fill shows: the source of the unit whose
    translation it is (none for an exact match: that is the msgid itself)."""
    idx = SqliteIndex(tmp_path / "index.sqlite", {"en"})
    idx.sync(_sources(tmp_path)[1:])
    got = MemoryAdvisor(idx, 75, Helpers()).advise(
        ["The tribunal met in early June.", "The tribunal met in June."], "en", "ru")
    fuzzy = got["The tribunal met in early June."]
    assert fuzzy.fuzzy and fuzzy.source == "The tribunal met in June."
    assert got["The tribunal met in June."].source is None
    idx.close()


def test_an_export_keeps_each_aligned_units_mark(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`tm memory export` of a project with an aligned and a reviewed file wrote every
    unit as reviewed: a project that imported the export pre-filled the alignment's
    units as exact, not fuzzy. Each aligned unit now carries the mark; the same pair in
    both files is exported once, as the reviewed one."""
    from typer.testing import CliRunner

    from tm.cli import app

    (tmp_path / "memory").mkdir()
    _tmx(tmp_path / "memory" / "a-aligned.tmx",
         [("One.", "Один."), ("Both.", "Оба.")], ALIGNED_HEADER)
    _tmx(tmp_path / "memory" / "z-reviewed.tmx", [("Two.", "Два."), ("Both.", "Оба.")],
         "<header/>")
    (tmp_path / "tm.toml").write_text('languages = ["en", "ru"]\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["memory", "export", "out.tmx"])
    assert r.exit_code == 0, r.output
    for read in (read_memory, read_tmx_tree):
        marks = {u.texts["en"]: u.aligned for u in read(tmp_path / "out.tmx")}
        assert marks == {"One.": True, "Two.": False, "Both.": False}
