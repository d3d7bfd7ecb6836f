"""Stale catalogs: a fully translated project whose source changes after `tm segment`.

Nobody runs `tm segment` again: `tm check`, `tm status`, `tm segment --check` and
`tm merge --strict` must all see that the catalogs no longer match the source.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.checks import check_project
from tm.checks import stale as stale_mod
from tm.checks.counts import Counts
from tm.checks.jobs import project_jobs
from tm.checks.run import run_jobs
from tm.checks.stale import SourceSpec, Staleness, compare, source_sentences
from tm.cli import app
from tm.config import load_config
from tm.digest import DIGEST_HEADER
from tm.po import Message, read_po, write_po
from tm.project import merge_project, segment_project
from tm.report import render_html
from tm.status import project_status, status_json

SOURCE = """\
# The Opposition in 1927

In June 1927, Trotsky spoke. The Commission listened.

The report is online.
"""
CHANGED = """\
# The Opposition in 1927

In June 1927, Trotsky spoke. The Commission did not listen.

The report is online.

A new paragraph came. It has two sentences.
"""
DOC = "sources/lecture.md"
RU, DE = "locales/ru/lecture.po", "locales/de/lecture.po"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def entry(path: Path, msgid: str) -> Message:
    found = [m for m in read_po(path).messages if m.msgid == msgid]
    assert len(found) == 1
    return found[0]


def translate_all(root: Path) -> None:
    for rel in (RU, DE):
        cat = read_po(root / rel)
        for m in cat.messages:
            m.msgstr = f"[{rel[8:10]}] {m.msgid}"
        write_po(root / rel, cat)


@pytest.fixture
def done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fully translated two-language project (QA off: only counts and staleness)."""
    (tmp_path / "sources").mkdir()
    (tmp_path / DOC).write_text(SOURCE, "utf-8")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru", "de"]\nbuiltin_terms = false\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n'
        '[check]\nmin_translated = { ru = 100 }\nqa = "off"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    segment_project(load_config())
    translate_all(tmp_path)
    return tmp_path


@pytest.fixture
def changed(done: Path) -> Path:
    """The same project after its source got a changed sentence and a new paragraph."""
    (done / DOC).write_text(CHANGED, "utf-8")
    return done


def test_up_to_date_project_passes(done: Path) -> None:
    report = check_project(load_config())
    assert report.ok
    assert [(f.counts.translated, f.counts.untranslated, f.stale) for f in report.files] == [
        (4, 0, 0), (4, 0, 0)]
    assert run("segment", "--check")[0] == 0
    assert run("merge", "--strict")[0] == 0


def test_library_finds_missing_and_gone_sentences(changed: Path) -> None:
    report = check_project(load_config())
    assert not report.ok
    ru = report.files[0]
    # 4 entries: one's sentence changed (gone), 3 sentences of the source have no entry
    assert (ru.counts.translated, ru.counts.fuzzy, ru.counts.untranslated) == (3, 0, 3)
    assert ru.counts.percent() == 50.0 and ru.stale == 4
    stale = [(f.path, f.line, f.severity) for f in ru.findings if f.code == "stale"]
    gone_line = entry(changed / RU, "The Commission listened.")
    assert stale == [(RU, gone_line.line, "error"), (DOC, 3, "error"), (DOC, 7, "error"),
                     (DOC, 7, "error")]
    messages = {f.message for f in ru.findings if f.code == "stale" and f.path == DOC}
    assert messages == {f"sentence not in {RU} (run tm segment)"}
    assert [f.code for f in ru.findings][:1] == ["below-minimum"]
    assert "50.0% translated (3 of 6)" in ru.findings[0].message
    de = report.files[1]  # no minimum for de: stale findings alone fail the check
    assert [f.code for f in de.findings] == ["stale"] * 4 and de.errors == 4


def test_text_json_github(changed: Path) -> None:
    code, out, _ = run("check")
    assert code == 1
    assert f"{DOC}:3: stale: sentence not in {RU} (run tm segment)" in out.splitlines()
    assert f"{DOC}:7: stale: sentence not in {DE} (run tm segment)" in out.splitlines()
    assert "100.0%" not in out and "50.0%" in out
    code, out, _ = run("check", "--format", "json")
    assert code == 1
    data = json.loads(out)
    ru = data["files"][0]
    assert (ru["translated"], ru["untranslated"], ru["stale"]) == (3, 3, 4)
    assert {(x["path"], x["line"]) for x in ru["findings"] if x["code"] == "stale"} >= {
        (DOC, 3), (DOC, 7)}
    code, out, _ = run("check", "--format", "github")
    assert code == 1
    assert (f"::error file={DOC},line=7::stale: sentence not in {DE} (run tm segment)"
            in out.splitlines())


def test_counts_only_sees_it_too(changed: Path) -> None:
    code, out, _ = run("check", "--counts-only", "--format", "json")
    assert code == 1
    assert json.loads(out)["files"][1]["untranslated"] == 3


def test_severity_can_be_lowered_or_switched_off(changed: Path) -> None:
    toml = changed / "tm.toml"
    toml.write_text(toml.read_text("utf-8").replace(
        'qa = "off"', 'qa = "off"\nmin_translated = {}\nseverity = { stale = "warning" }'
    ).replace("min_translated = { ru = 100 }\n", ""), "utf-8")
    report = check_project(load_config())
    assert report.ok and report.files[0].warnings == 4
    assert report.files[0].counts.untranslated == 3
    toml.write_text(toml.read_text("utf-8").replace('"warning"', '"off"'), "utf-8")
    report = check_project(load_config())
    assert report.ok and not any(f.findings for f in report.files)
    assert report.files[0].counts == Counts(translated=4)  # the catalog as it is


def test_status_text_json_html(changed: Path) -> None:
    rows = project_status(load_config())
    assert [(r.language, r.stale, round(r.percent, 1)) for r in rows] == [
        ("ru", 4, 50.0), ("de", 4, 50.0)]
    assert not rows[0].meets_minimum
    data = json.loads(status_json(rows))
    assert data[0]["percent"] == 50.0 and data[0]["stale"] == 4
    code, out, _ = run("status")
    assert code == 0 and "50.0%" in out and "100.0%" not in out and "stale" in out
    code, out, _ = run("status", "--json")
    assert json.loads(out)[1]["untranslated"] == 3
    assert '<td class="stale below">4</td>' in render_html(rows)


def test_segment_check_lists_files_and_writes_nothing(changed: Path) -> None:
    before = {p: p.read_bytes() for p in (changed / "locales").rglob("*.po*")}
    code, out, err = run("segment", "--check", "--no-memory")
    assert code == 1
    assert out.splitlines() == ["locales/templates/lecture.pot", RU, DE]
    assert "3 of 3 file(s) would change" in err
    assert {p: p.read_bytes() for p in (changed / "locales").rglob("*.po*")} == before
    assert not (changed / "build").exists()
    assert run("segment", "--no-memory")[0] == 0
    code, out, err = run("segment", "--check", "--no-memory")
    assert (code, out) == (0, "")
    assert "3 file(s) up to date" in err


def test_segment_check_library(changed: Path) -> None:
    config = load_config()
    reports = segment_project(config, write=False)
    assert reports[0].written == ["locales/templates/lecture.pot", RU, DE]
    assert source_sentences(SourceSpec(config, "lecture")).lines  # no template digest match
    segment_project(config)
    assert segment_project(config, write=False)[0].written == []


def test_segment_check_ignores_only_the_creation_date(done: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pot = done / "locales/templates/lecture.pot"
    text = pot.read_text("utf-8")
    monkeypatch.setattr("tm.catalog.now_stamp", lambda: "2099-01-01 00:00+0000")
    assert run("segment", "--check", "--no-memory")[0] == 0  # a later run, same source
    cat = read_po(done / RU)
    cat.messages[0].msgstr = ""  # a translator's edit: tm segment keeps it as it is
    write_po(done / RU, cat)
    assert run("segment", "--check", "--no-memory")[0] == 0
    pot.write_text(text.replace("#. heading\n", ""), "utf-8")
    code, out, _ = run("segment", "--check", "--no-memory")
    # a new template gets a new date, which its catalogs' headers copy
    assert (code, out.splitlines()) == (1, ["locales/templates/lecture.pot", RU, DE])


def test_merge_strict(changed: Path) -> None:
    code, out, err = run("merge")
    assert code == 0
    assert "build/ru/lecture.md: 3/6 segments translated, 3 not in the catalog" in out
    (changed / "build/ru/lecture.md").unlink()
    code, out, err = run("merge", "--strict")
    assert code == 1 and "6 sentence(s) in 2 output(s) not in their catalogs" in err
    merged = (changed / "build/ru/lecture.md").read_text("utf-8")
    assert "[ru] In June 1927, Trotsky spoke." in merged  # written all the same
    assert "The Commission did not listen." in merged  # the changed sentence, untranslated
    reports = merge_project(load_config(), ["ru"])
    assert [(r.translated, r.fallback, r.missing) for r in reports] == [(3, 3, 3)]


def count_segmentations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the documents the stale check segments, one entry per segmentation."""
    calls: list[str] = []
    real = stale_mod.segment_source

    def counting(s: SourceSpec) -> tuple[frozenset[str], dict[str, int]]:
        calls.append(s.doc)
        return real(s)

    monkeypatch.setattr(stale_mod, "segment_source", counting)
    return calls


def test_template_digest_spares_the_segmentation(done: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config()
    pot = read_po(done / "locales/templates/lecture.pot")
    assert pot.header.get(DIGEST_HEADER)
    spec = SourceSpec(config, "lecture")
    segmented = stale_mod.segment_source(spec)[0]
    calls = count_segmentations(monkeypatch)
    assert source_sentences(spec).texts == segmented and calls == []
    (done / DOC).write_text(SOURCE.replace("spoke.", "spoke!"), "utf-8")
    assert "In June 1927, Trotsky spoke!" in source_sentences(spec).texts
    assert calls == ["lecture"]
    (done / DOC).write_text(SOURCE, "utf-8")
    monkeypatch.setattr("tm.digest.fingerprint", lambda: "another tm")
    source_sentences(spec)
    assert calls == ["lecture", "lecture"]  # a template from another segmenter is not trusted


def test_a_template_edited_with_its_catalogs_is_not_taken_for_the_source(
        done: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A search-and-replace over locales/ edits the template and the catalogs alike: the
    template still records the source's digest, but not these sentences, so the source
    is segmented and the edited entries are stale (tm check passed, status showed 100%)."""
    for rel in ("locales/templates/lecture.pot", RU, DE):
        path = done / rel
        path.write_text(path.read_text("utf-8").replace(
            'msgid "The report is online."', 'msgid "The report is offline."'), "utf-8")
    calls = count_segmentations(monkeypatch)
    report = check_project(load_config())
    assert not report.ok and calls == ["lecture"]
    assert [f.stale for f in report.files] == [2, 2]  # one missing, one gone, per catalog
    code, out, _ = run("check")
    assert code == 1 and "The report is offline." in out


def test_a_glob_that_claims_no_source_is_a_config_error(done: Path) -> None:
    """`glob = "**/*.rst"` left every catalog an orphan: tm check said "renamed or
    removed? ... or delete it" of fully translated catalogs whose sources are there."""
    toml = done / "tm.toml"
    toml.write_text(toml.read_text("utf-8").replace('"**/*.md"', '"**/*.rst"'), "utf-8")
    for command in ("check", "status"):
        code, _, err = run(command)
        assert code == 2 and err.startswith(
            "tm: error: tm.toml:3: no [[documents]] glob matches the 1 .md file(s) under "
            "sources/"), err
    # a glob that claims another document only: the lecture's catalogs name the cause
    (done / "sources" / "extra").mkdir()
    (done / "sources" / "extra" / "b.md").write_text("# B\n\nText.\n", "utf-8")
    toml.write_text(toml.read_text("utf-8").replace('"**/*.rst"', '"extra/*.md"'), "utf-8")
    assert run("segment")[0] == 0
    code, out, _ = run("check")
    assert code == 1
    assert (f"{RU}:1: stale: no [[documents]] glob of tm.toml claims its source "
            f"{DOC}: add one") in out and "delete it" not in out


def test_one_segmentation_per_document(changed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_segmentations(monkeypatch)
    files = run_jobs(project_jobs(load_config()), workers=1)
    assert [f.stale for f in files] == [4, 4] and calls == ["lecture"]


def test_lean_reader_still_used(changed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = changed / "tm.toml"
    toml.write_text(toml.read_text("utf-8").replace("min_translated = { ru = 100 }\n", ""),
                    "utf-8")

    def refuse(*_: object) -> None:
        raise AssertionError("the full reader was used")

    monkeypatch.setattr("tm.checks.run.read_po", refuse)
    report = check_project(load_config(), workers=1)
    assert [f.stale for f in report.files] == [4, 4]


def test_unusual_catalog_goes_through_the_full_reader(changed: Path) -> None:
    po = changed / RU
    po.write_text(po.read_text("utf-8").replace('msgid "The report is online."',
                                                'msgid "The report is online."\n""'), "utf-8")
    report = check_project(load_config(), workers=1)
    assert report.files[0].stale == 4


def test_gone_untranslated_entry_is_not_listed_twice(changed: Path) -> None:
    cat = read_po(changed / RU)
    gone = next(m for m in cat.messages if m.msgid == "The Commission listened.")
    gone.msgstr = ""
    write_po(changed / RU, cat)
    gone = entry(changed / RU, "The Commission listened.")
    ru = check_project(load_config()).files[0]
    assert [f.code for f in ru.findings if f.line == gone.line] == ["stale"]
    assert (ru.counts.translated, ru.counts.untranslated) == (3, 3)


def test_staleness_is_pure() -> None:
    class Fake:
        texts = frozenset({"a", "b", "c"})
        lines = {"a": 1, "b": 2, "c": 5}

        def line(self, s: str) -> int:
            return self.lines.get(s, 1)

    found = compare(Fake(), [("a", 10, "translated"), ("x", 14, "fuzzy"),  # type: ignore[arg-type]
                             ("y", 18, "untranslated")])
    assert found.missing == [("b", 2), ("c", 5)]
    assert [e[0] for e in found.gone] == ["x", "y"] and len(found) == 4
    assert found.adjust(Counts(1, 1, 1, 2)) == Counts(1, 0, 2, 2)
    assert Staleness().adjust(Counts(3, 0, 0)) == Counts(3, 0, 0)


def test_catalog_named_as_a_path_is_compared_too(changed: Path) -> None:
    code, out, _ = run("check", RU)
    assert code == 1
    assert f"{DOC}:7: stale: sentence not in {RU} (run tm segment)" in out.splitlines()
    assert DE not in out


def test_deleted_entry_found_through_the_template(done: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cat = read_po(done / DE)
    cat.messages = [m for m in cat.messages if m.msgid != "The report is online."]
    write_po(done / DE, cat)
    calls = count_segmentations(monkeypatch)
    ru, de = run_jobs(project_jobs(load_config()), workers=1)
    assert ru.findings == []
    assert [(f.path, f.line, f.code) for f in de.findings] == [(DOC, 5, "stale")]
    assert calls == ["lecture"]  # the template gave the sentences; segmented for the line
    assert (de.counts.translated, de.counts.untranslated) == (3, 1)


def test_template_msgids_read_fast_equal_the_segmentation(
        done: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (done / DOC).write_text(SOURCE + '\nA "quoted" word, a back\\\\slash\nand a soft break.\n'
                            "\n| cell *one* | cell `two` |\n|---|---|\n| x | y |\n", "utf-8")
    config = load_config()
    segment_project(config)
    spec = SourceSpec(config, "lecture")
    texts, _ = stale_mod.segment_source(spec)
    assert any("\n" in t for t in texts) and any('"' in t for t in texts)
    with monkeypatch.context() as m:  # the catalogs' own digests suffice, escapes and all
        m.setattr(stale_mod, "_template_msgids", None)
        m.setattr(stale_mod, "segment_source", None)
        assert [f.stale for f in run_jobs(project_jobs(config), workers=1)] == [0, 0]
    pot = done / "locales/templates/lecture.pot"
    digest = read_po(pot).header[DIGEST_HEADER].split()[0]
    assert stale_mod._template_msgids(pot, digest) == texts
    assert stale_mod._template_msgids(pot, "0" * 32) is None
    edited = pot.read_text("utf-8").replace('msgstr ""\n\n', 'msgstr "filled"\n\n', 1)
    assert edited != pot.read_text("utf-8")
    pot.write_text(edited, "utf-8")  # not tm's own shape: read by the lean scanner
    assert stale_mod._template_msgids(pot, digest) == texts


def test_up_to_date_catalog_needs_neither_template_nor_segmentation(
        done: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_po(done / RU).header[DIGEST_HEADER] == read_po(
        done / "locales/templates/lecture.pot").header[DIGEST_HEADER]

    def refuse(*_: object) -> None:
        raise AssertionError("read the template or segmented the source")

    monkeypatch.setattr(stale_mod, "segment_source", refuse)
    monkeypatch.setattr(stale_mod, "_template_msgids", refuse)
    files = run_jobs(project_jobs(load_config()), workers=1)
    assert [(f.stale, f.counts.translated) for f in files] == [(0, 4), (0, 4)]


def test_hand_edited_msgid_is_stale_although_the_source_is_not(done: Path) -> None:
    po = done / RU
    po.write_text(po.read_text("utf-8").replace('msgid "The report is online."',
                                                'msgid "The report is on line."'), "utf-8")
    ru, de = check_project(load_config()).files
    assert [(f.path, f.line) for f in ru.findings if f.code == "stale"] == [
        (RU, entry(po, "The report is on line.").line), (DOC, 5)]
    assert (ru.counts.translated, ru.counts.untranslated) == (3, 1) and de.stale == 0


def test_reordered_catalog_is_not_stale(done: Path) -> None:
    cat = read_po(done / RU)
    cat.messages.reverse()
    write_po(done / RU, cat)
    ru, de = check_project(load_config()).files
    assert (ru.stale, ru.counts.translated, ru.findings) == (0, 4, [])


def test_an_entry_with_a_context_is_named_with_it() -> None:
    """A gone entry with a context (added by another tool) is shown as such, not with
    the NUL-separated key the check matches on."""
    assert stale_mod._excerpt("x\x04Clara Weiss") == "msgctxt 'x' 'Clara Weiss'"
    assert stale_mod._excerpt("\x04one file") == "'one file'"
    assert stale_mod._excerpt("Clara Weiss") == "'Clara Weiss'"
