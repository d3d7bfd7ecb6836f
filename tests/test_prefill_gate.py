"""What tm pre-fills passes tm's own gate: every suggestion, accepted as is, passes the QA
checks of `tm check`, or its `#. tm:` comment names the findings."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tm.checks import QA_CHECKS, Context
from tm.config import load_config
from tm.memory import project_advisor
from tm.memory.gate import fit_end_punctuation, gate, qa_codes
from tm.memory.match import Candidate, best_matches
from tm.model import Match, Suggestion
from tm.po import read_po
from tm.project import segment_project
from tm.terms import load_termbase

from .conftest import LECTURE, LECTURE_DOC

DATA = Path(__file__).parent / "data"
MEMORY = ["memory_lecture.tmx", "memory_glossary.csv", "memory_old.po", "memory_terms.tbx"]


def _memory_sources(lang: str = "en") -> list[str]:
    """Sentences of the memory test data in `lang`."""
    from tm.memory.formats import read_memory

    return [u.texts[lang] for name in MEMORY for u in read_memory(DATA / name)
            if u.texts.get(lang)]


def _variations(text: str) -> list[str]:
    """The sentence as memory has it, and as a new document might: end punctuation
    changed, a footnote mark added, a number changed."""
    core = text.rstrip(".!?")
    out = [text, core, core + "?", core + ".<sup>[7]</sup>", core + "<sup>[2]</sup>."]
    if re.search(r"\d", text):
        out.append(re.sub(r"\d+", lambda m: str(int(m.group()) + 1), text, count=1))
    return out


@pytest.fixture
def prefilled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The lecture and a document of the memory test data's sentences (varied), pre-filled
    from that data and the shipped termbase into ru and de."""
    (tmp_path / "sources" / "lectures").mkdir(parents=True)
    shutil.copy(LECTURE, tmp_path / "sources" / "lectures" / LECTURE.name)
    (tmp_path / "memory").mkdir()
    for name in MEMORY:
        shutil.copy(DATA / name, tmp_path / "memory" / name.removeprefix("memory_"))
    paragraphs = [v for t in _memory_sources() for v in _variations(t)]
    (tmp_path / "sources" / "memory-data.md").write_text(
        "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (tmp_path / "sources" / "ru").mkdir()
    paragraphs = [v for t in _memory_sources("ru") for v in _variations(t)]
    (tmp_path / "sources" / "ru" / "memory-data.md").write_text(
        "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru", "de"]\n'
        'memory = ["memory/*.tmx", "memory/*.tbx", "memory/*.csv", "memory/*.po"]\n'
        '[[documents]]\nglob = "ru/**/*.md"\nlanguage = "ru"\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config()
    segment_project(config, advisor=project_advisor(config))
    return tmp_path


def test_every_prefill_passes_qa_or_says_why(prefilled: Path) -> None:
    config = load_config()
    termbase = load_termbase(config)
    checked = annotated = 0
    for doc, src, langs in ((LECTURE_DOC, "en", ("ru", "de")), ("memory-data", "en", ("ru", "de")),
                            ("ru/memory-data", "ru", ("en", "de"))):
        for lang in langs:
            for m in read_po(config.catalog_path(doc, lang)).messages:
                if m.obsolete or not m.msgstr:
                    continue
                checked += 1
                ctx = Context(src, lang, termbase)
                codes = [c.code for c in QA_CHECKS if list(c.run(m.msgid, m.msgstr, ctx))]
                note = next(x for x in m.extracted if x.startswith("tm:"))
                if codes:
                    annotated += 1
                    assert note.endswith(f"qa: {', '.join(codes)}"), (m.msgid, m.msgstr, codes)
                else:
                    assert "qa:" not in note, (m.msgid, m.msgstr)
    assert checked > 40
    assert annotated < checked / 4


def test_the_issues_examples(prefilled: Path) -> None:
    config = load_config()
    ru = {m.msgid: m for m in read_po(config.catalog_path(LECTURE_DOC, "ru")).messages}
    de = {m.msgid: m for m in read_po(config.catalog_path(LECTURE_DOC, "de")).messages}
    assert ru["Emphasis in the original."].msgstr == "Выделено в оригинале."
    note = next(k for k in de if k.startswith("[1] Russian State Archive"))
    assert de[note].msgstr.startswith(
        "[1] Russisches Staatsarchiv für sozialpolitische Geschichte (RGASPI), f. 17")


def test_footnote_mark_through_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "memory").mkdir()
    (tmp_path / "sources" / "doc.md").write_text(
        "The Politburo discussed his case on October 30, 1928.<sup>[1]</sup>\n\n"
        "The Politburo closed his case on October 30, 1929.\n", encoding="utf-8")
    (tmp_path / "memory" / "m.csv").write_text(
        "en,ru\n"
        '"The Politburo discussed his case on October 30, 1929.",'
        '"Политбюро рассмотрело его дело 30 октября 1929 г."\n'
        '"The Politburo closed his case on October 30, 1929.<sup>[4]</sup>",'
        '"Политбюро закрыло его дело 30 октября 1929 г.<sup>[4]</sup>"\n', encoding="utf-8")
    (tmp_path / "tm.toml").write_text('languages = ["en", "ru"]\nbuiltin_terms = false\n',
                                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config()
    segment_project(config, advisor=project_advisor(config))
    got = {m.msgid: (m.msgstr, [x for x in m.extracted if x.startswith("tm:")])
           for m in read_po(config.catalog_path("doc", "ru")).messages}
    assert got["The Politburo discussed his case on October 30, 1928.<sup>[1]</sup>"] == (
        "Политбюро рассмотрело его дело 30 октября 1928 г.<sup>[1]</sup>",
        ["tm: 99% memory/m.csv (adapted)"])
    assert got["The Politburo closed his case on October 30, 1929."] == (
        "Политбюро закрыло его дело 30 октября 1929 г.", ["tm: 99% memory/m.csv (adapted)"])


def test_end_punctuation_is_fitted_only_where_the_unit_ended_the_same() -> None:
    assert fit_end_punctuation("Emphasis in the original.", "Выделено в оригинале",
                               "Emphasis in the original") == "Выделено в оригинале."
    assert fit_end_punctuation("What was to be done?", "Что делать.",
                               "What was to be done.") == "Что делать?"
    # the unit ended with a period and its translator wrote none: a choice, left alone
    assert fit_end_punctuation("Emphasis mine.", "Курсив мой", "Emphasis mine!") == "Курсив мой"


def test_gate_annotates_what_it_cannot_fit() -> None:
    s = Suggestion("В июне 1927 г. Троцкий выступил", True, ["tm: 80% memory/m.tmx"])
    match = Match("In June 1927, Trotsky spoke", s.translation or "", 80.0, "memory/m.tmx",
                  "fuzzy")
    gate("In June 1928, Trotsky spoke.", s, match, "en", "ru")
    assert s.translation == "В июне 1927 г. Троцкий выступил."
    assert s.comments == ["tm: 80% memory/m.tmx; qa: number"]
    exact = Suggestion("Таков устав Коминтерна", False, ["tm: 100% memory/m.tmx"])
    gate("Such is the statute of the Comintern.", exact,
         Match("Such is the statute of the Comintern.", "Таков устав Коминтерна", 100.0,
               "memory/m.tmx", "exact"), "en", "ru")
    assert exact.translation == "Таков устав Коминтерна"  # the memory's reviewed text
    assert exact.comments == ["tm: 100% memory/m.tmx; qa: end-punctuation"]


def test_qa_codes_are_the_checks_codes() -> None:
    assert qa_codes("In 1927.", "В 1928 г.", "en", "ru") == ["number"]
    assert qa_codes("In 1927.", "В 1927 г.", "en", "ru") == []


def test_adapted_termbase_entry_keeps_segment_end() -> None:
    c = Candidate(1 << 32, "Emphasis in the original", "Выделено в оригинале",
                  "termbase (builtin)")
    (m,) = best_matches("Emphasis in the original.", [c], 1, 75)
    s = Suggestion(m.target, True, ["tm: 99% termbase (builtin) (adapted)"])
    gate("Emphasis in the original.", s, m, "en", "ru")
    assert (s.translation, s.comments) == ("Выделено в оригинале.",
                                           ["tm: 99% termbase (builtin) (adapted)"])
