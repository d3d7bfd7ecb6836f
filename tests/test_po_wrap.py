"""Catalogs are written wrapped as msgcat, Poedit and Weblate write them, so that an editor
opening and saving a catalog causes no churn the next time tm writes it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.cli import app
from tm.config import ConfigError, load_config
from tm.po import Message, format_po, parse_po, parse_wrap, read_po
from tm.po_write import _quote_into

ROOT = Path(__file__).parent.parent
LECTURE = sorted((ROOT / "locales").rglob("*.po*"))
REALWORLD = sorted(p for p in (ROOT / "tests/data/realworld").rglob("*.po")
                   if "rejected" not in p.parts)
# msgcat cannot take these back in the form tm wrote them: the test writes UTF-8 text
# under an ISO-8859-15 header, msgcat refuses a header without charset, and it drops a
# fuzzy header that has no fields
NOT_COMPARABLE = {"test_iso-8859-15.po", "test_noencoding.po", "test_fuzzy_header.po"}

needs_msgcat = pytest.mark.skipif(shutil.which("msgcat") is None, reason="needs GNU msgcat")


def _quote(keyword: str, value: str, prefix: str = "", width: int | None = None) -> list[str]:
    out: list[str] = []
    _quote_into(out, keyword, value, prefix, width)
    return out


def _msgcat(text: str, *args: str) -> str:
    r = subprocess.run(["msgcat", *args, "-"], input=text.encode(), capture_output=True,
                       check=True)
    return r.stdout.decode()


def _no_churn(path: Path, *args: str, width: int = 79) -> None:
    ours = format_po(read_po(path), width)
    theirs = _msgcat(ours, *args)
    assert format_po(parse_po(theirs, str(path)), width) == theirs


@needs_msgcat
@pytest.mark.parametrize("path", LECTURE, ids=lambda p: p.name)
def test_lecture_catalogs_survive_msgcat(path: Path) -> None:
    _no_churn(path)
    _no_churn(path, "--width=60", width=60)


@needs_msgcat
def test_committed_catalogs_are_in_msgcat_form() -> None:
    for path in LECTURE:
        text = path.read_text("utf-8")
        # msgcat drops flags it does not know (tm-ignore:identical); all else is equal
        assert [x for x in _msgcat(text).splitlines() if not x.startswith("#,")] == \
            [x for x in text.splitlines() if not x.startswith("#,")], path


@needs_msgcat
def test_realworld_catalogs_survive_msgcat() -> None:
    checked = 0
    for path in REALWORLD:
        if path.name in NOT_COMPARABLE:
            continue
        _no_churn(path)
        checked += 1
    assert checked > 100


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU msgfmt")
@pytest.mark.parametrize("path", [p for p in LECTURE if p.suffix == ".po"], ids=lambda p: p.name)
def test_wrapped_catalogs_pass_msgfmt_check(path: Path) -> None:
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True,
                   capture_output=True)


def test_wrapping_rules() -> None:
    words = " ".join(f"w{i:03d}" for i in range(20))
    assert _quote("msgid", words) == [
        'msgid ""',
        '"w000 w001 w002 w003 w004 w005 w006 w007 w008 w009 w010 w011 w012 w013 w014 "',
        '"w015 w016 w017 w018 w019"']
    assert _quote("msgid", words, "#~ ")[1].startswith('#~ "w000')
    assert _quote("msgid", "b" * 90) == [f'msgid "{"b" * 90}"']  # no break opportunity
    assert _quote("msgid", "a" * 71) == [f'msgid "{"a" * 71}"']  # exactly 79 columns
    assert _quote("msgid", "one\ntwo") == ['msgid ""', '"one\\n"', '"two"']
    assert _quote("msgid", words, width=0) == [f'msgid "{words}"']
    # never inside an escape, never right before the closing \n
    lines = _quote("msgid", "x" * 70 + ' "quoted" text.\n')
    for line in lines[1:]:  # an even run of backslashes at the end: no escape cut in two
        body = line[1:-1]
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0, line
    assert "".join(line[1:-1] for line in lines[1:]) == "x" * 70 + ' \\"quoted\\" text.\\n'
    assert not lines[-1].startswith('"\\n')


def test_references_filled_to_the_width() -> None:
    m = Message("x", references=[f"sources/lectures/a-long-name.md:{n}" for n in range(1, 5)])
    from tm.po import Catalog

    text = format_po(Catalog(header={}, messages=[m]))
    refs = [line for line in text.splitlines() if line.startswith("#:")]
    assert len(refs) == 2 and all(len(line) <= 79 for line in refs)
    assert parse_po(text).messages[0].references == m.references


def test_parse_wrap() -> None:
    assert parse_wrap("no") == 0 and parse_wrap(0) == 0 and parse_wrap("100") == 100
    for bad in ("wide", True, 3):
        with pytest.raises(ValueError):
            parse_wrap(bad)


def _project(tmp: Path, toml: str = "") -> Path:
    shutil.copytree(ROOT / "tests/data/review_project", tmp / "p")
    if toml:
        with open(tmp / "p" / "tm.toml", "a", encoding="utf-8") as f:
            f.write(toml)
    return tmp / "p"


def test_segment_wrap_option_and_config_key(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    po = root / "locales/ru/lectures/r.po"
    r = CliRunner().invoke(app, ["segment", "-q", "--no-memory", "--wrap", "no"])
    assert r.exit_code == 0, r.output
    text = po.read_text("utf-8")
    assert max(map(len, text.splitlines())) > 79
    assert text == format_po(read_po(po), 0)
    (root / "tm.toml").write_text("wrap = 60\n" + (root / "tm.toml").read_text())
    assert load_config().wrap == 60
    r = CliRunner().invoke(app, ["segment", "-q", "--no-memory"])
    assert r.exit_code == 0, r.output
    lines = po.read_text("utf-8").splitlines()
    assert max(len(line) for line in lines if not line.startswith("#")) <= 60
    r = CliRunner().invoke(app, ["segment", "--wrap", "wide"])
    assert r.exit_code == 2 and "--wrap" in r.output


def test_wrap_key_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    (root / "tm.toml").write_text('wrap = "wide"\n' + (root / "tm.toml").read_text())
    monkeypatch.chdir(root)
    with pytest.raises(ConfigError):
        load_config()


def test_editor_header_fields_survive_an_update(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Poedit sets Last-Translator, Language-Team, PO-Revision-Date and X-Generator on save;
    tm keeps them, as msgmerge does (else Poedit and tm would flip them on every save)."""
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    po = root / "locales/ru/lectures/r.po"
    cat = read_po(po)
    edited = {"PO-Revision-Date": "2026-11-20 10:00+0100",
              "Last-Translator": "Ivan Petrov <ivan@example.org>",
              "Language-Team": "Russian <team@example.org>",
              "X-Generator": "Poedit 3.4.2"}
    cat.header.update(edited)
    po.write_text(format_po(cat), "utf-8")
    src = root / "sources/lectures/r.md"
    src.write_text(src.read_text("utf-8") + "\nA sentence added later.\n", "utf-8")
    r = CliRunner().invoke(app, ["segment", "-q", "--no-memory"])
    assert r.exit_code == 0, r.output
    after = read_po(po)
    assert any(m.msgid == "A sentence added later." for m in after.messages)
    assert {k: after.header[k] for k in edited} == edited


def test_new_and_bundled_catalogs_share_the_header_form(tmp_path: Path) -> None:
    from tm.catalog import update_catalog

    template = read_po(next((ROOT / "locales/templates").rglob("*.pot")))
    new = update_catalog(template, None, "ru", {})
    bundled = read_po(next((ROOT / "locales/ru").rglob("*.po")))
    for k in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
        assert "YEAR-MO-DA" not in new.header[k] and "FULL NAME" not in new.header[k]
        assert "YEAR-MO-DA" not in bundled.header[k] and "FULL NAME" not in bundled.header[k]
    assert list(new.header) == list(bundled.header)
