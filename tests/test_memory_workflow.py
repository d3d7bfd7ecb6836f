"""The memory in the workflow: pre-fill by `tm segment`, the index, and the memory commands."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.cli import app
from tm.config import load_config
from tm.memory import MemorySource, SqliteIndex, open_index, project_advisor
from tm.memory.formats import read_memory
from tm.memory.learn import learn
from tm.po import read_po

DATA = Path(__file__).parent / "data"
runner = CliRunner()

DOC = """\
# Part 4

He bluntly told his accusers that they were sitting there as representatives of that bureaucracy.

In June 1928, Trotsky and other leaders of the Opposition were summoned before the party tribunal.

The world revolution had been delayed, and the workers of Europe had suffered heavy defeats.

I would not recommend violating it.<sup>[3]</sup>

The Central Control Commission expelled him, citing RGASPI, f. 17, op. 171, d. 87, l. 83, as proof.

RGASPI, f. 17, op. 171, d. 109, ll. 41-44.
"""


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one English document and the lecture memory, as the current folder."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "memory").mkdir()
    shutil.copy(DATA / "memory_lecture.tmx", tmp_path / "memory" / "lecture.tmx")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\nbuiltin_terms = true\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def segment(proj: Path) -> dict[str, object]:
    r = runner.invoke(app, ["segment", "--quiet"])
    assert r.exit_code == 0, r.output
    return {m.msgid: m for m in read_po(proj / "locales" / "ru" / "doc.po").messages}


def test_exact_match_fills_translated(proj: Path) -> None:
    m = segment(proj)["He bluntly told his accusers that they were sitting there as "
                      "representatives of that bureaucracy."]
    assert m.msgstr.startswith("Он прямо сказал своим обвинителям")
    assert not m.fuzzy
    assert "tm: 100% memory/lecture.tmx" in m.extracted


def test_changed_year_is_carried_into_the_translation(proj: Path) -> None:
    m = segment(proj)["In June 1928, Trotsky and other leaders of the Opposition were "
                      "summoned before the party tribunal."]
    assert m.msgstr == "В июне 1928 г. Троцкий и другие лидеры оппозиции были вызваны на " \
                       "партийный суд."
    assert m.fuzzy
    assert "tm: 99% memory/lecture.tmx (adapted)" in m.extracted


def test_footnote_mark_is_carried_over(proj: Path) -> None:
    m = segment(proj)["I would not recommend violating it.<sup>[3]</sup>"]
    assert m.msgstr == "Я бы не рекомендовал его нарушать.<sup>[3]</sup>"


def test_fuzzy_match_is_flagged_with_score_and_origin(proj: Path) -> None:
    m = segment(proj)["The world revolution had been delayed, and the workers of Europe had "
                      "suffered heavy defeats."]
    assert m.fuzzy and m.msgstr.startswith("Мировая революция задержалась")
    (comment,) = [c for c in m.extracted if c.startswith("tm:")]
    pct = int(comment.split()[1].rstrip("%"))
    assert 75 <= pct < 99 and comment.endswith(" memory/lecture.tmx")


def test_term_hints_and_inline_citation(proj: Path) -> None:
    m = segment(proj)["The Central Control Commission expelled him, citing RGASPI, f. 17, "
                      "op. 171, d. 87, l. 83, as proof."]
    assert not m.msgstr
    assert any(c.startswith("terms: Central Control Commission = Центральная контрольная")
               for c in m.extracted)
    assert "citation: РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83." in m.extracted


def test_citation_only_segment_is_filled_fuzzy(proj: Path) -> None:
    m = segment(proj)["RGASPI, f. 17, op. 171, d. 109, ll. 41-44."]
    assert m.msgstr == "РГАСПИ. Ф. 17. Оп. 171. Д. 109. Л. 41–44."
    assert m.fuzzy and "tm: citation" in m.extracted


def test_russian_source_matches_back_into_english(proj: Path) -> None:
    advisor = project_advisor(load_config())
    got = advisor.advise(["Таков устав Коминтерна.", "Таков устав Коминтерна 1928 года."],
                         "ru", "en")
    assert got["Таков устав Коминтерна."].translation == "Such is the statute of the Comintern."
    assert not got["Таков устав Коминтерна."].fuzzy
    other = advisor.advise(["So lautet das Statut der Komintern."], "de", "ru")
    assert other["So lautet das Statut der Komintern."].translation == "Таков устав Коминтерна."


def test_advisor_is_batch_and_order_independent(proj: Path) -> None:
    advisor = project_advisor(load_config())
    texts = [line for line in DOC.splitlines() if line and not line.startswith("#")]
    together = advisor.advise(texts, "en", "ru")
    for t in texts:
        alone = advisor.advise([t], "en", "ru")[t]
        assert (alone.translation, alone.fuzzy, alone.comments) == (
            together[t].translation, together[t].fuzzy, together[t].comments)


def test_index_rebuilt_only_when_a_file_changes(proj: Path) -> None:
    tmx = proj / "memory" / "lecture.tmx"
    index = SqliteIndex(proj / ".tm" / "index.sqlite")
    sources = [MemorySource(tmx, "memory/lecture.tmx")]
    assert index.sync(sources).indexed == ["memory/lecture.tmx"]
    assert index.sync(sources).indexed == []
    st = tmx.stat()
    os.utime(tmx, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same content
    report = index.sync(sources)
    assert (report.indexed, report.unchanged) == ([], 1)
    tmx.write_text(tmx.read_text("utf-8").replace("Таков устав", "Вот устав"), "utf-8")
    assert index.sync(sources).indexed == ["memory/lecture.tmx"]
    assert index.exact(["Such is the statute of the Comintern."], "en", "ru")[
        "Such is the statute of the Comintern."][0].target == "Вот устав Коминтерна."
    assert index.sync([]).removed == ["memory/lecture.tmx"]
    assert index.exact(["Such is the statute of the Comintern."], "en", "ru") == {}


def test_broken_memory_file_stops_segment_with_one_line(proj: Path) -> None:
    shutil.copy(DATA / "memory_broken.tmx", proj / "memory" / "broken.tmx")
    r = runner.invoke(app, ["segment"])
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tm: error: ")
    assert "memory/broken.tmx:6: not well-formed XML" in lines[0]
    assert not (proj / "locales" / "ru" / "doc.po").exists()


def test_import_copies_every_format_and_indexes_it(proj: Path) -> None:
    files = [str(DATA / n) for n in
             ("memory_glossary.csv", "memory_old.po", "memory_terms.tbx")]
    r = runner.invoke(app, ["memory", "import", *files])
    assert r.exit_code == 0, r.output
    assert "memory/memory_glossary.csv: 2 units (copied)" in r.output
    for n in ("memory_glossary.csv", "memory_old.po", "memory_terms.tbx"):
        assert (proj / "memory" / n).read_bytes() == (DATA / n).read_bytes()
    index = open_index(load_config())
    assert index.exact(["Left Opposition"], "en", "ru")["Left Opposition"][0].target == \
        "Левая оппозиция"
    assert "The bureaucracy responded with expulsions." in index.exact(
        ["The bureaucracy responded with expulsions."], "en", "ru")
    assert index.exact(["Zzyzx test holding cell"], "en", "ru") == {}  # uncertain
    got = project_advisor(load_config()).advise(["Zzyzx test holding cell"], "en", "ru")
    assert got["Zzyzx test holding cell"].translation is None
    again = runner.invoke(app, ["memory", "import", files[0]])
    assert "(unchanged)" in again.output


def test_import_refuses_broken_tmx_and_copies_nothing(proj: Path) -> None:
    r = runner.invoke(app, ["memory", "import", str(DATA / "memory_glossary.csv"),
                            str(DATA / "memory_broken.tmx")])
    assert r.exit_code == 2
    (line,) = r.output.strip().splitlines()
    assert line.startswith("tm: error: ") and "memory_broken.tmx:6:" in line
    assert not (proj / "memory" / "memory_glossary.csv").exists()


def test_import_will_not_overwrite_without_force(proj: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(DATA / "memory_glossary.csv", other / "lecture.tmx")
    (other / "lecture.tmx").write_bytes((DATA / "memory_lecture.tmx").read_bytes()
                                        .replace(b"Such is", b"This is"))
    r = runner.invoke(app, ["memory", "import", str(other / "lecture.tmx")])
    assert r.exit_code == 2 and "--force" in r.output
    r = runner.invoke(app, ["memory", "import", "--force", str(other / "lecture.tmx")])
    assert r.exit_code == 0 and "(replaced)" in r.output


def test_export_reads_back_in_translate_toolkit(proj: Path) -> None:
    from translate.storage.tmx import tmxfile

    shutil.copy(DATA / "memory_glossary.csv", proj / "memory" / "glossary.csv")
    r = runner.invoke(app, ["memory", "export", "out.tmx"])
    assert r.exit_code == 0, r.output
    store = tmxfile((proj / "out.tmx").open("rb"), sourcelanguage="en", targetlanguage="ru")
    pairs = {(u.source, u.target) for u in store.units}
    assert ("Left Opposition", "Левая оппозиция") in pairs
    assert ("Such is the statute of the Comintern.", "Таков устав Коминтерна.") in pairs
    assert len(store.units) == 7  # 5 TMX + 2 CSV; the builtin termbase is not exported
    de = [u for u in read_memory(proj / "out.tmx") if "de" in u.texts]
    assert de[0].texts["de"] == "So lautet das Statut der Komintern."


@pytest.mark.parametrize("out", ["memory/lecture.tmx", "memory/all.tmx"])
def test_export_never_replaces_or_becomes_a_memory_file(proj: Path, out: str) -> None:
    """`tm memory export memory/lecture.tmx` replaced the file with every file's units,
    its notes, ids and properties gone; onto a new name the `memory` globs match, the
    next run would read every unit twice. One line, exit 2, nothing written."""
    before = (proj / "memory" / "lecture.tmx").read_bytes()
    r = runner.invoke(app, ["memory", "export", out])
    assert r.exit_code == 2
    assert r.output.startswith(f"tm: error: {out}:1: the export would be one of the "
                               "project's memory files"), r.output
    assert (proj / "memory" / "lecture.tmx").read_bytes() == before
    assert not (proj / "memory" / "all.tmx").exists()


def test_search_json(proj: Path) -> None:
    r = runner.invoke(app, ["memory", "search", "--to", "ru", "--json",
                            "In June 1930, Trotsky and other leaders of the Opposition were "
                            "summoned before the party tribunal."])
    assert r.exit_code == 0, r.output
    hits = json.loads(r.output)
    assert hits[0]["kind"] == "adapted" and hits[0]["score"] == 99.0
    assert hits[0]["origin"] == "memory/lecture.tmx"
    assert "1930" in hits[0]["target"]
    back = json.loads(runner.invoke(app, ["memory", "search", "--to", "en", "--json",
                                          "Таков устав Коминтерна."]).output)
    assert back[0]["target"] == "Such is the statute of the Comintern."


def test_search_prints_a_memorys_control_characters_as_escapes(proj: Path) -> None:
    """A memory file's text with a terminal escape sequence (or a line break) went to
    the terminal as it was; `--json` escapes them already."""
    (proj / "memory" / "bad.csv").write_text(
        "en,ru\nThe committee met in Moscow.,Комитет\x1b[2J\x1b]0;pwned\x07 собрался\n",
        "utf-8")
    r = runner.invoke(app, ["memory", "search", "--to", "ru", "The committee met in Moscow."])
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\x07" not in r.output
    assert "-> Комитет\\x1b[2J\\x1b]0;pwned\\x07 собрался" in r.output


def test_search_same_language_is_a_usage_error(proj: Path) -> None:
    r = runner.invoke(app, ["memory", "search", "--to", "en", "--from", "en", "text"])
    assert r.exit_code == 2 and r.output.startswith("tm: error: ")


def test_learn_takes_reviewed_entries_once(proj: Path) -> None:
    segment(proj)
    po = proj / "locales" / "ru" / "doc.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgid "Part 4"\nmsgstr ""', 'msgid "Part 4"\nmsgstr "Часть 4"'),
                  "utf-8")
    first = learn(load_config())
    units = list(read_memory(proj / "memory" / "learned.tmx"))
    texts = [u.texts for u in units]
    assert {"en": "Part 4", "ru": "Часть 4"} in texts
    # the exact fill was reviewed (not fuzzy); the adapted and fuzzy fills were not
    assert any(t["en"].startswith("He bluntly told") for t in texts)
    assert not any(t["en"].startswith("In June 1928") for t in texts)
    assert first.added == len(units) == 2
    second = runner.invoke(app, ["learn"])
    assert second.exit_code == 0 and "0 new, 2 units" in second.output
    assert len(list(read_memory(proj / "memory" / "learned.tmx"))) == 2


def test_learned_translations_get_no_line_about_themselves(proj: Path) -> None:
    """After `tm learn`, the memory holds the translator's own translations: the next
    `tm segment` wrote `#. tm: 100% memory/learned.tmx` into every learned entry (and
    `tm segment --check` failed in CI for it). An exact fill keeps its line."""
    segment(proj)
    po = proj / "locales" / "ru" / "doc.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgid "Part 4"\nmsgstr ""', 'msgid "Part 4"\nmsgstr "Часть 4"'),
                  "utf-8")
    assert runner.invoke(app, ["segment", "--quiet"]).exit_code == 0
    before = po.read_bytes()
    assert runner.invoke(app, ["learn"]).exit_code == 0
    entries = segment(proj)
    assert po.read_bytes() == before
    assert not [c for c in entries["Part 4"].extracted if c.startswith("tm:")]  # type: ignore[attr-defined]
    bluntly = next(m for k, m in entries.items() if k.startswith("He bluntly"))
    assert "tm: 100% memory/lecture.tmx" in bluntly.extracted  # type: ignore[attr-defined]
    assert runner.invoke(app, ["segment", "--check"]).exit_code == 0


def test_a_rewrapped_translated_paragraph_is_not_counted_as_prefilled(proj: Path) -> None:
    """The memory holds the sentence (learned); the source re-wraps its paragraph: the
    entry keeps its own translation, which the summary counted as `pre-filled ru 1`."""
    segment(proj)
    po = proj / "locales" / "ru" / "doc.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgid "Part 4"\nmsgstr ""', 'msgid "Part 4"\nmsgstr "Часть 4"'),
                  "utf-8")
    assert runner.invoke(app, ["learn"]).exit_code == 0
    assert runner.invoke(app, ["segment", "--quiet"]).exit_code == 0
    doc = proj / "sources" / "doc.md"
    doc.write_text(doc.read_text("utf-8").replace("The world revolution had been delayed,",
                                                  "The world revolution\nhad been delayed,"),
                   "utf-8")
    r = runner.invoke(app, ["segment"])
    assert r.exit_code == 0 and "wrote" in r.output and "pre-filled" not in r.output, r.output


def test_learn_takes_a_joined_group_as_one_unit(proj: Path) -> None:
    """A translation that renders two sentences (the second flagged tm-joined) is the
    translation of both: learned as such, never as the first sentence's alone (which
    would pre-fill that sentence elsewhere with a sentence it does not have)."""
    (proj / "sources" / "doc.md").write_text(
        "What lay behind this campaign? There is no answer!\n", encoding="utf-8")
    segment(proj)
    po = proj / "locales" / "ru" / "doc.po"
    text = po.read_text("utf-8")
    text = text.replace('msgid "What lay behind this campaign?"\nmsgstr ""',
                        'msgid "What lay behind this campaign?"\n'
                        'msgstr "Что стояло за кампанией? Ответа нет!"')
    text = text.replace('msgid "There is no answer!"', '#, tm-joined\nmsgid "There is no answer!"')
    po.write_text(text, "utf-8")
    learn(load_config())
    texts = [u.texts for u in read_memory(proj / "memory" / "learned.tmx")]
    assert texts == [{"en": "What lay behind this campaign? There is no answer!",
                      "ru": "Что стояло за кампанией? Ответа нет!"}]


def test_citation_inside_a_sentence_is_a_placeable(proj: Path) -> None:
    (proj / "memory" / "cit.csv").write_text(
        "en,ru\n"
        '"The report (RGASPI, f. 17, op. 171, d. 109, ll. 41-44) names him.",'
        '"Доклад (РГАСПИ. Ф. 17. Оп. 171. Д. 109. Л. 41–44) называет его."\n',
        encoding="utf-8")
    seg = "The report (RGASPI, f. 17, op. 171, d. 87, l. 83) names him."
    got = project_advisor(load_config()).advise([seg], "en", "ru")[seg]
    assert got.translation == "Доклад (РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83) называет его."
    assert got.fuzzy and "tm: 99% memory/cit.csv (adapted)" in got.comments


def test_import_of_a_folder_says_it_is_one(proj: Path) -> None:
    (proj / "team.tmx").mkdir()
    r = runner.invoke(app, ["memory", "import", "team.tmx"])
    assert r.exit_code == 2
    assert "team.tmx:1: a folder, not a file (name a TMX, TBX, CSV or PO file)" in r.output


def test_a_fuzzy_match_that_carried_numbers_says_so() -> None:
    """The segment's day and year go into a fuzzy match's translation, but its month
    word stays the unit's: the comment says the numbers were carried, so a reviewer
    does not take the date for checked (a tester's 14 October 1938 came out as 14
    September 1938 with a plain `tm: 92%`)."""
    from tm.memory.advisor import memory_comment
    from tm.memory.match import Candidate, best_matches

    cand = Candidate(1 << 32, "12 сентября 1937 г. Политбюро рассмотрело вопрос о троцкистах.",
                     "On 12 September 1937 the Politburo considered the question of the "
                     "Trotskyists.", "memory/old.csv")
    seg = "14 октября 1938 г. Политбюро рассмотрело вопрос о троцкистах."
    (m,) = best_matches(seg, [cand], 1, 75)
    assert m.kind == "fuzzy" and m.carried
    assert m.target.startswith("On 14 September 1938")
    assert memory_comment(m) == f"tm: {int(m.score)}% memory/old.csv (numbers carried)"
    same = best_matches("12 октября 1937 г. Политбюро рассмотрело вопрос о троцкистах.",
                        [cand], 1, 75)[0]  # no number changed: nothing carried
    assert same.kind == "fuzzy" and not same.carried and "(" not in memory_comment(same)
