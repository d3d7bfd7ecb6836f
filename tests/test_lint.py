"""`tm lint` on the bundled lecture: its deliberate faults are found, and little else."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import LECTURE
from tm.checks.lint import lint_source
from tm.cli import app
from tm.terms import load_termbase


def test_lecture_faults() -> None:
    found = lint_source(LECTURE.read_text("utf-8"), "lecture.md", load_termbase())
    errors = [(f.line, f.code, f.message) for f in found if f.severity == "error"]
    assert errors == [
        (65, "near-miss", "romanization Krasnai nov' nearly matches termbase entry "
                          "Krasnaia nov' but is no recognized spelling"),
        (119, "mixed-script", "mixed-script word Tetradи (Latin and Cyrillic letters)"),
    ]
    broken = [f for f in found if f.code == "broken-paragraph"]
    assert broken and all(f.severity == "warning" for f in broken)
    assert any(f.line == 47 and "reported to Stalin" in f.message for f in broken)


def test_accepted_spellings_are_not_near_misses() -> None:
    text = ("Boris El'tsin and Iosif Eltsin wrote for *Krasnaia nov'* and the Comintern; "
            "Trotsky's secretaries went to Petersburg.\n")
    assert lint_source(text, "x.md", load_termbase()) == []


def test_broken_paragraph_lowercase_start() -> None:
    text = "The Opposition was banned from\n\ncirculation and discussion in 1927.\n"
    [f] = lint_source(text, "x.md")
    assert (f.line, f.code) == (1, "broken-paragraph")
    assert "next one starts in lowercase" in f.message


def test_cli(project: object) -> None:
    r = CliRunner().invoke(app, ["lint", "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert {x["code"] for x in data["findings"] if x["severity"] == "error"} == {"mixed-script"}
    r = CliRunner().invoke(app, ["lint"])
    assert ":119: mixed-script: mixed-script word Tetradи" in r.stdout
