"""`tm check` on a small project: a broken footnote mark, a changed year, a wrong
citation number, a language below its minimum; text, JSON and GitHub output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.checks import check_paths, check_project
from tm.checks.output import format_github, format_text
from tm.cli import app
from tm.config import load_config
from tm.po import read_po, write_po

FIXTURE = Path(__file__).parent / "data" / "check_project"
RU = "locales/ru/lectures/mini.po"
DE = "locales/de/lectures/mini.po"



def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def codes(report_files: list[dict[str, object]], path: str) -> list[tuple[int, str]]:
    f = next(x for x in report_files if x["path"] == path)
    return [(x["line"], x["code"]) for x in f["findings"]]  # type: ignore[index, union-attr]


def test_library_report(proj: Path) -> None:
    report = check_project(load_config())
    assert not report.ok
    ru, de = report.files
    assert (ru.language, ru.counts.translated, ru.counts.untranslated) == ("ru", 7, 0)
    messages = {(f.line, f.code): f.message for f in ru.findings}
    assert messages[(19, "number")] == "number 1927 changed to 1928 in the translation"
    assert messages[(34, "footnote")] == "footnote mark <sup>[1]</sup> lost"
    assert "17, 171, 87, 38" in messages[(50, "citation")]
    assert (50, "number") not in messages  # silenced by `#, tm-ignore:number`
    assert [f.code for f in de.findings].count("untranslated") == 4
    assert de.findings[0].code == "below-minimum"
    assert "42.9% translated (3 of 7), policy requires 50%" in de.findings[0].message


def test_json_shape_and_exit_code(proj: Path) -> None:
    code, out, _ = run("check", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"ok", "files"} and data["ok"] is False
    for f in data["files"]:
        assert set(f) == {"path", "language", "translated", "fuzzy", "untranslated",
                          "obsolete", "stale", "findings"}
        for x in f["findings"]:
            assert set(x) == {"path", "line", "code", "severity", "message"}
            assert x["path"] == f["path"]  # catalogs match their source: nothing stale
    assert codes(data["files"], RU) == [(19, "number"), (34, "footnote"), (50, "citation")]
    assert (1, "below-minimum") in codes(data["files"], DE)


def test_text_format(proj: Path) -> None:
    code, out, _ = run("check")
    assert code == 1
    assert f"{RU}:19: number: number 1927 changed to 1928 in the translation\n" in out
    assert f"{RU}:34: footnote: footnote mark <sup>[1]</sup> lost\n" in out
    table = out[out.index("language  files"):].splitlines()
    assert table[1].split() == ["ru", "1", "7", "0", "0", "100.0%", "3", "0"]
    assert table[2].split() == ["de", "1", "3", "0", "4", "42.9%", "5", "0"]
    assert table[-1].startswith("failed:")


def test_github_format(proj: Path) -> None:
    code, out, _ = run("check", "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert f"::error file={RU},line=34::footnote: footnote mark <sup>[1]</sup> lost" in lines
    assert (f"::error file={DE},line=1::below-minimum: de: 42.9%25 translated (3 of 7), "
            "policy requires 50%25") in lines
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)


URL = "<https://iskra-research.org/FI/BO/BO-09.shtml>"
FIXES = {
    RU: {"The attacks on the Opposition in 1927": "Нападки на оппозицию в 1927 году",
         "I would not recommend violating it.<sup>[1]</sup>":
             "Я бы не рекомендовал его нарушать.<sup>[1]</sup>",
         "[1] RGASPI, f. 17, op. 171, d. 87, l. 83.": "[1] РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83."},
    DE: {f"The report is online: {URL}": f"Der Bericht ist online: {URL}"},
}


def test_fixing_everything_passes(proj: Path) -> None:
    for path, fixes in FIXES.items():
        cat = read_po(proj / path)
        for m in cat.messages:
            if m.msgid in fixes:
                m.msgstr = fixes[m.msgid]
        write_po(proj / path, cat)
    code, out, _ = run("check")
    assert code == 0, out
    assert out.splitlines()[-1] == "ok: 2 catalog(s), 0 error(s), 0 warning(s)"


def test_lang_filter_and_counts_only(proj: Path) -> None:
    code, out, _ = run("check", "--lang", "ru", "--counts-only", "--format", "json")
    data = json.loads(out)
    assert code == 0 and [f["language"] for f in data["files"]] == ["ru"]
    assert data["files"][0]["findings"] == []


@pytest.mark.parametrize("command", [["check"], ["check", "--counts-only"],
                                     ["check", RU], ["status"]])
def test_a_language_not_in_the_project_is_bad_input(proj: Path, command: list[str]) -> None:
    """A misspelt --lang selects no catalog: the gate would check nothing and pass."""
    rc, out, err = run(*command, "--lang", "fr")
    assert rc == 2 and out == ""
    assert err == ("tm: error: tm.toml:1: language 'fr' is not in `languages` "
                   "(configured: en, ru, de)\n")


def test_errors_name_files_from_the_working_folder(
        proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (proj / RU).write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    rc, _out, err = run("check")
    assert rc == 2 and err.startswith(f"tm: error: {RU}:2: ")
    monkeypatch.chdir(proj / "locales")
    rc, _out, err = run("check")
    assert rc == 2 and err.startswith("tm: error: ru/lectures/mini.po:2: ")


def test_severity_overrides(proj: Path) -> None:
    toml = proj / "tm.toml"
    toml.write_text(toml.read_text().replace(
        'severity = { identical = "warning" }',
        'severity = { footnote = "warning", number = "off", citation = "warning", '
        'below-minimum = "warning" }'))
    report = check_project(load_config())
    sev = {(f.code, f.severity) for x in report.files for f in x.findings}
    assert ("footnote", "warning") in sev and ("below-minimum", "warning") in sev
    assert not any(code == "number" for code, _ in sev)
    assert report.ok is False  # untranslated entries stay errors
    text = format_text(report)
    assert "warning(s)" in text
    assert "::warning file=" in format_github(report)


def test_one_code_on_with_qa_off_is_checked_alike_by_project_and_by_path(proj: Path) -> None:
    """`qa = "off"` with one QA code turned on checks that code only, whether the
    catalog is reached as part of the project or named on the command line."""
    toml = proj / "tm.toml"
    toml.write_text(toml.read_text().replace(
        'qa = "error"\nseverity = { identical = "warning" }',
        'qa = "off"\nseverity = { number = "warning" }'))
    by_project = check_project(load_config(), ["ru"])
    by_path = check_paths([RU], load_config())
    found = [(f.line, f.code, f.severity) for f in by_project.files[0].findings]
    assert found == [(19, "number", "warning")]  # not the footnote, not the citation
    assert [(f.line, f.code, f.severity) for f in by_path.files[0].findings] == found
    code, out, _ = run("check", "--format", "json", RU)
    assert code == 0 and codes(json.loads(out)["files"], RU) == [(19, "number")]
    toml.write_text(toml.read_text().replace('severity = { number = "warning" }',
                                             'severity = { broken-paragraph = "error" }'))
    for report in (check_project(load_config(), ["ru"]), check_paths([RU], load_config())):
        assert report.files[0].findings == []  # a source-side code is no QA code


def test_fuzzy_counts_as_translated(proj: Path) -> None:
    cat = read_po(proj / DE)
    for m in cat.messages:
        if not m.msgstr:
            m.msgstr, m.fuzzy = "Entwurf.", True
    write_po(proj / DE, cat)
    report = check_project(load_config(), ["de"], qa=False)
    assert [f.code for f in report.files[0].findings].count("fuzzy") == 4
    toml = proj / "tm.toml"
    toml.write_text(toml.read_text().replace("fuzzy_counts_as_translated = false",
                                             "fuzzy_counts_as_translated = true"))
    assert check_project(load_config(), ["de"], qa=False).ok


def test_unknown_severity_code_is_bad_input(proj: Path) -> None:
    toml = proj / "tm.toml"
    toml.write_text(toml.read_text().replace("identical =", "identicl ="))
    code, out, err = run("check")
    assert code == 2 and out == ""
    assert err.startswith("tm: error: ") and "identicl" in err and "tm.toml:" in err
    assert len(err.splitlines()) == 1


def test_paths_outside_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No tm.toml around: counts and QA only, no policy."""
    folder = tmp_path / "loose"
    shutil.copytree(FIXTURE / "locales", folder)
    monkeypatch.chdir(tmp_path)
    report = check_paths([folder])
    assert [f.language for f in report.files] == ["de", "ru"]
    assert not any(x.code in ("below-minimum", "untranslated")
                   for f in report.files for x in f.findings)
    code, out, _ = run("check", "--format", "json", "loose")
    data = json.loads(out)
    assert code == 1  # QA errors in ru
    ru = next(f for f in data["files"] if f["language"] == "ru")
    assert ("footnote" in {x["code"] for x in ru["findings"]})
    code, out, _ = run("check", "loose/de")
    assert code == 0


def test_missing_catalog_is_bad_input(proj: Path) -> None:
    (proj / DE).unlink()
    code, _, err = run("check")
    assert code == 2 and "run `tm segment`" in err


def test_many_files_use_workers(proj: Path) -> None:
    """More than a handful of files fan out over processes; results keep their order."""
    for i in range(12):
        shutil.copy(proj / RU, proj / f"copy{i:02}.po")
    files = sorted(proj.glob("copy*.po"))
    serial = check_paths(files, workers=1)
    parallel = check_paths(files, workers=2)
    assert [f.path for f in parallel.files] == [str(p) for p in files]
    assert [f.findings for f in parallel.files] == [f.findings for f in serial.files]


def test_bad_file_among_many_is_reported_with_its_line(proj: Path) -> None:
    for i in range(9):
        shutil.copy(proj / RU, proj / f"copy{i}.po")
    (proj / "copy4.po").write_text('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', "utf-8")
    code, out, err = run("check", "--jobs", "2", *sorted(str(p) for p in proj.glob("copy*.po")))
    assert code == 2 and out == ""
    assert err.strip() == "tm: error: copy4.po:3: a second msgstr for one msgid"
