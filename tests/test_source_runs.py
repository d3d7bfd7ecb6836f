"""tm.source parses a document in runs of blocks and remembers what each run gave: the
units are those of parsing the whole document at once, from a first parse and from the
memo, whatever blocks stand across a run's end (tm.formats.markdown_runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tm.formats.markdown_runs as runs
from tm.formats.markdown_extra import SourceOptions, extra_units
from tm.formats.markers import trim_markers
from tm.model import Unit
from tm.source import _BLOCKS, _iter_units, line_starts, units

from .conftest import CORPORA

ROOT = Path(__file__).resolve().parent.parent


def whole_units(text: str) -> list[Unit]:
    """The units of one parse of the whole text (what tm.source did before runs)."""
    env: dict[str, Any] = {}
    tokens = _BLOCKS.parse(text, env)
    starts = line_starts(text)
    found = (trim_markers(text, u) for u in _iter_units(text, tokens, env, starts))
    out = [u for u in found if u is not None]
    extra = extra_units(text, tokens, env, SourceOptions(), starts)
    return sorted([*out, *extra], key=lambda u: u.start) if extra else out


@pytest.fixture
def every_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line that may start a run starts one (the most run ends to get wrong)."""
    monkeypatch.setattr(runs, "SPREAD", 1)
    runs.RUNS.clear()


FRAGMENTS = [
    "Plain text. Another sentence.", "Second *para* with [a link][ref].", "Wrapped",
    "*Emphasis around [a link][ref] and a note[^n].*", "_Under [^n] score_",
    "```", "```rust", "~~~", "````", "    indented code", "\tTabbed code",
    "- item", "  continued item", "1. first", "2) second", "* star", "+ plus",
    "> quote", "> ```", ">", "<pre>", "</pre>", "<!-- comment", "-->", "<div>", "</div>",
    "<?php", "?>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<script>", "</script>",
    "<p>Inline <b>html</b> text</p>", "---", "...", "title: A title", "***",
    "[^n]: A footnote.", "    Footnote continued.", "[ref]: /url \"A title\"",
    "[ref]: /other 'Second title'", "| a | b |", "|---|---|", "| c | d |",
    "Heading", "===", "# ATX heading", "## Install {#install}", "- [x] Done", "> [!NOTE]",
    "  ", "\t", "Zed ends here", "Ünïcode Буквы начало", "1986. A year", "> > > > deep",
]


def _doc(parts: list[str]) -> str:
    return "\n".join(parts) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*FRAGMENTS, "", "", ""]), max_size=40))
def test_runs_give_the_whole_parse(every_line: None, parts: list[str]) -> None:
    text = _doc(parts)
    expected = whole_units(text)
    runs.RUNS.clear()
    assert units(text) == expected
    assert units(text) == expected  # from what the runs left


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*FRAGMENTS, "", ""]), min_size=1, max_size=30),
       st.lists(st.sampled_from([*FRAGMENTS, "", ""]), max_size=8), st.data())
def test_an_edit_reuses_runs_and_gives_the_whole_parse(
        every_line: None, parts: list[str], edit: list[str], data: st.DataObject) -> None:
    """Runs remembered from one text serve the edited text only where they still hold."""
    at = data.draw(st.integers(0, len(parts)))
    cut = data.draw(st.integers(0, len(parts) - at))
    before, after = _doc(parts), _doc([*parts[:at], *edit, *parts[at + cut:]])
    runs.RUNS.clear()
    units(before)
    assert units(after) == whole_units(after)


def test_deep_nesting_is_an_error_at_its_line(every_line: None) -> None:
    """Past markdown-it's nesting limit a list would swallow the rest of the document
    (markdown-it says nothing): an error at the line of the tenth nested item."""
    from tm.errors import SourceError

    deep = "".join("  " * i + "- x\n" for i in range(25))
    text = "Intro.\n\n" + deep + "\nAfter the list.\n\nAnd more text.\n"
    with pytest.raises(SourceError, match="nested too deep") as e:
        units(text)
    assert e.value.line == 12
    got = whole_units(text)  # what markdown-it alone gives: the rest is gone
    assert text[got[-1].start:got[-1].pieces[-1].end] == "x"


def test_an_unclosed_fence_runs_to_the_end(every_line: None) -> None:
    text = "Intro.\n\n```\ncode\n\nNot a paragraph.\n\nStill code.\n"
    got = units(text)
    assert got == whole_units(text)
    assert [text[u.start:u.pieces[-1].end] for u in got] == ["Intro."]


def test_front_matter_closed_later(every_line: None) -> None:
    text = "---\ntitle: A title\n\nAbout: this\n---\n\nBody text.\n"
    assert units(text) == whole_units(text)


def _same_units_in(files: list[Path]) -> None:
    for f in files:
        text = f.read_text("utf-8")
        runs.RUNS.clear()
        assert units(text) == whole_units(text), f
        assert units(text) == whole_units(text), f


def test_shipped_documents(every_line: None) -> None:
    files = sorted((ROOT / "docs").glob("*.md"))
    assert files
    _same_units_in(files)


@pytest.mark.corpus
def test_the_rust_book(every_line: None) -> None:
    """The English Rust book, where the corpora are on this machine (TM_CORPORA)."""
    files = sorted((CORPORA / "rust-lang+book" / "src").glob("*.md"))
    if not files:
        pytest.skip(f"no documents in {CORPORA / 'rust-lang+book' / 'src'}")
    _same_units_in(files)


def test_a_changed_paragraph_parses_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a re-run parses after a one-paragraph edit: the run that holds it."""
    paras = [f"Paragraph {i} says something about item {i * 7919 % 1000}." for i in range(400)]
    text = "\n\n".join(paras) + "\n"
    runs.RUNS.clear()
    units(text)
    kept = dict(runs.RUNS)
    assert len(kept) > 5  # cut into runs
    edited = text.replace("Paragraph 200 says", "Paragraph 200 now says")
    runs.RUNS.clear()
    monkeypatch.setattr(runs, "EARLIER_RUNS", kept)
    monkeypatch.setattr("tm.source.EARLIER_RUNS", kept)
    parsed: list[str] = []
    parse = _BLOCKS.parse
    monkeypatch.setattr(_BLOCKS, "parse", lambda src, env: parsed.append(src) or parse(src, env))
    assert units(edited) == whole_units(edited)
    assert len(parsed) == 2  # the changed run, and the whole text in whole_units
    assert "Paragraph 200 now says" in parsed[0] and len(parsed[0]) < len(text) / 5


def test_options_are_part_of_what_is_remembered() -> None:
    text = "---\ntitle: A title\n---\n\nBody text.\n\n" + "More text here.\n\n" * 40
    runs.RUNS.clear()
    with_title = units(text)
    without = units(text, SourceOptions(front_matter=()))
    assert len(with_title) == len(without) + 1
    assert units(text) == with_title and units(text, SourceOptions(front_matter=())) == without


def test_a_rerun_reads_the_runs_an_earlier_run_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tm segment keeps the runs in .tm/runs.bin (tm.workcache); a new process that
    loads them parses only the run an edit changed."""
    from tm import workcache
    from tm.config import load_config
    from tm.project import segment_project

    paras = [f"Paragraph {i} says something about item {i * 7919 % 1000}." for i in range(300)]
    (tmp_path / "sources").mkdir()
    doc = tmp_path / "sources" / "doc.md"
    doc.write_text("\n\n".join(paras) + "\n\n", encoding="utf-8")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\n[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runs.RUNS.clear()
    segment_project(load_config(), advisor=None)
    assert (tmp_path / ".tm" / "runs.bin").is_file()
    runs.RUNS.clear()  # as a new process
    runs.EARLIER_RUNS.clear()
    monkeypatch.setattr(workcache, "_LOADED", set())
    doc.write_text(doc.read_text("utf-8").replace("Paragraph 150 says", "Paragraph 150 now says"),
                   encoding="utf-8")
    parsed: list[str] = []
    parse = _BLOCKS.parse
    monkeypatch.setattr(_BLOCKS, "parse", lambda src, env: parsed.append(src) or parse(src, env))
    try:
        segment_project(load_config(), advisor=None)
    finally:
        runs.EARLIER_RUNS.clear()
    assert len(parsed) == 1 and "Paragraph 150 now says" in parsed[0]
    pot = (tmp_path / "locales" / "templates" / "doc.pot").read_text("utf-8")
    assert 'msgid "Paragraph 150 now says something about item 850."' in pot


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*FRAGMENTS, "", "", ""]), min_size=1, max_size=60),
       st.integers(1, 9), st.integers(8, 400), st.booleans())
def test_sampled_runs_are_runs(every_line: None, parts: list[str], count: int,
                               window: int, crlf: bool) -> None:
    """`run_samples` reads a few windows of the text, not all of it: whatever it gives
    is a run of the whole text as `run_spans` (and so `read_runs`) cuts it."""
    from tm.source import run_spans

    text = _doc(parts).replace("\n", "\r\n" if crlf else "\n")
    spans = set(run_spans(text))
    got = runs.run_samples(text, count, window)
    assert len(got) <= count
    assert all(s in spans for s in got)


def test_sampled_runs_of_the_lecture_are_spread_over_it() -> None:
    from tm.source import run_spans

    text = (ROOT / "sources" / "lectures" /
            "weiss-2025-stalinist-war-on-trotskyists.md").read_text("utf-8") * 20
    got = runs.run_samples(text)
    assert len(got) == 8 and set(got) <= set(run_spans(text))
    assert got[-1][0] > len(text) * 7 // 8 - (1 << 16)
