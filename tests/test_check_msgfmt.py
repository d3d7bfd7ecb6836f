"""Counts agree with GNU `msgfmt --statistics`, file by file, on real-world catalogs.

tests/data/realworld/README says where each catalog comes from. `tm check --format
json` is what CI users read, so the comparison goes through the CLI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.checks import count_catalog
from tm.checks.counts import scan_counts, scan_translated, state
from tm.cli import app
from tm.errors import CatalogError
from tm.po import Message, decode_po, parse_po, read_po

DATA = Path(__file__).parent / "data"
REALWORLD = DATA / "realworld"
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="GNU msgfmt (gettext) is not installed")
STAT = re.compile(r"(\d+) translated messages?|(\d+) fuzzy translations?"
                  r"|(\d+) untranslated messages?")


def msgfmt_statistics(path: Path) -> tuple[int, int, int] | None:
    """(translated, fuzzy, untranslated) as msgfmt reports them; None if it rejects the file."""
    assert MSGFMT is not None
    r = subprocess.run([MSGFMT, "--statistics", "-o", os.devnull, str(path)],
                       capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    if r.returncode != 0:
        return None
    counts = [0, 0, 0]
    for m in STAT.finditer(r.stderr):
        for i in range(3):
            if m.group(i + 1):
                counts[i] = int(m.group(i + 1))
    return counts[0], counts[1], counts[2]


def accepted() -> list[Path]:
    return sorted(p for p in REALWORLD.rglob("*.po") if "rejected" not in p.parts)


def test_sample_is_varied() -> None:
    files = accepted()
    assert len(files) >= 100
    cats = [read_po(p) for p in files]
    assert sum(any(m.msgid_plural for m in c.messages) for c in cats) >= 20
    assert sum(any(m.fuzzy and not m.obsolete for m in c.messages) for c in cats) >= 10
    assert sum(any(m.obsolete for m in c.messages) for c in cats) >= 10
    assert any("8859" in c.header.get("Content-Type", "") for c in cats)


@needs_msgfmt
def test_json_counts_agree_with_msgfmt_file_by_file() -> None:
    files = accepted()
    result = CliRunner().invoke(app, ["check", "--format", "json", "--counts-only",
                                      *map(str, files)])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    ours = {Path(f["path"]).resolve(): (f["translated"], f["fuzzy"], f["untranslated"])
            for f in report["files"]}
    assert len(ours) == len(files)
    differ = {}
    for p in files:
        ref = msgfmt_statistics(p)
        assert ref is not None, f"msgfmt rejects {p}"
        if ours[p.resolve()] != ref:
            differ[str(p)] = (ours[p.resolve()], ref)
    assert not differ


@needs_msgfmt
@pytest.mark.parametrize("path", sorted((REALWORLD / "rejected").glob("*.po")), ids=str)
def test_both_reject_malformed_catalogs(path: Path) -> None:
    assert msgfmt_statistics(path) is None
    with pytest.raises(CatalogError):
        read_po(path)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("tm: error: ") and len(result.stderr.splitlines()) == 1


@needs_msgfmt
@pytest.mark.parametrize("name", ["check_msgfmt_edge.po", "check_msgfmt_empty_header.po"])
def test_edge_cases_agree(name: str) -> None:
    c = count_catalog(read_po(DATA / name))
    assert (c.translated, c.fuzzy, c.untranslated) == msgfmt_statistics(DATA / name)


def test_edge_case_semantics() -> None:
    """Written out, so the semantics are visible without msgfmt."""
    c = count_catalog(read_po(DATA / "check_msgfmt_edge.po"))
    assert (c.translated, c.fuzzy, c.untranslated, c.obsolete) == (2, 1, 2, 1)
    c = count_catalog(read_po(DATA / "check_msgfmt_empty_header.po"))
    assert (c.translated, c.fuzzy, c.untranslated) == (1, 0, 1)


def test_lean_scanner_matches_the_parser() -> None:
    """`--counts-only` reads with a lean scanner; it must count exactly as the parser does,
    and hand every file the parser rejects back to it (None)."""
    for p in sorted(REALWORLD.rglob("*.po")) + sorted(DATA.glob("check_msgfmt_*.po")):
        text = decode_po(p.read_bytes(), str(p))
        try:
            ref = count_catalog(read_po(p))
        except CatalogError:
            assert scan_counts(text) is None, p
            continue
        assert scan_counts(text) == ref, p


@pytest.mark.parametrize("text", [
    'msgid "a"\n',                                     # no msgstr
    'msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "c"\n',  # duplicate
    'msgid "a"\nmsgstr "b\\q"\n',                      # bad escape
    'msgid "a"\nmsgstr "b\n',                          # unterminated
    'msgid "a"\nmsgstr[0] "b"\n',                      # msgstr[n] without msgid_plural
    'msgid ""\nmsgstr "x"\nmsgid ""\nmsgstr "y"\n',    # two headers
])
def test_lean_scanner_defers_malformed(text: str) -> None:
    assert scan_counts(text) is None
    with pytest.raises(CatalogError):
        parse_po(text)


def test_lean_scanner_gives_qa_the_same_entries() -> None:
    """QA reads translated entries with the lean scanner: the same strings, flags and lines
    as the strict reader's."""
    def key(m: Message) -> tuple[object, ...]:
        return (m.line, m.msgctxt, m.msgid, m.msgid_plural, m.msgstr, m.msgstr_plural, m.flags)

    for p in accepted():
        found = scan_translated(decode_po(p.read_bytes(), str(p)))
        if found is None:
            continue
        full = [key(m) for m in read_po(p).messages if not m.obsolete and state(m) == "translated"]
        assert [key(m) for m in found[1]] == full, p


_HEAD = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize("body", [
    'msgid "Clara Weiss"\nmsgstr "Клара Вайс"\n\n#~ msgid "Clara Weiss"\n#~ msgstr "Клара"\n',
    '#~ msgid "Clara Weiss"\n#~ msgstr "Клара"\n\nmsgid "Clara Weiss"\nmsgstr "Клара Вайс"\n',
    '#~ msgid "Clara Weiss"\n#~ msgstr "Клара"\n\n#~ msgid "Clara Weiss"\n#~ msgstr "К"\n',
    'msgid "Clara Weiss"\n# note\nmsgstr "Клара Вайс"\n',
    'msgid "Clara Weiss"\n#, fuzzy\nmsgstr "Клара Вайс"\n',
    'msgctxt "a"\n#. note\nmsgid "Clara Weiss"\nmsgstr "Клара Вайс"\n',
    'msgid "Clara Weiss"\n#| msgid "Clara"\nmsgstr "Клара Вайс"\n',
], ids=["obsolete-copy-after", "obsolete-copy-before", "two-obsolete", "comment-inside",
        "flags-inside", "comment-after-msgctxt", "previous-inside"])
def test_catalogs_msgfmt_refuses_fail_the_gate(body: str, tmp_path: Path) -> None:
    """A tester's catalogs that msgfmt refuses (an obsolete copy of an entry, a comment
    between msgid and msgstr) passed `tm check`: a CI job that ran msgfmt after it broke.
    Both readers of tm refuse them now, with one line and exit 2."""
    path = tmp_path / "ru.po"
    path.write_text(_HEAD + body, encoding="utf-8")
    if MSGFMT is not None:
        assert msgfmt_statistics(path) is None
    assert scan_counts(_HEAD + body) is None  # the counting path hands it over
    with pytest.raises(CatalogError):
        read_po(path)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("tm: error: ") and len(result.stderr.splitlines()) == 1
