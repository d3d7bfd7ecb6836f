"""Bad input under `tm check --format github|json`: the one `tm: error:` line on stderr and
exit 2 as always, and the error also in the format asked for, so CI shows it on the file
and a script reading JSON gets an object instead of nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tm.cli import app

runner = CliRunner()


def _break_a_catalog(project: Path) -> str:
    assert runner.invoke(app, ["segment", "--no-memory", "-q"]).exit_code == 0
    po = next((project / "locales" / "ru").rglob("*.po"))
    lines = po.read_text("utf-8").splitlines(keepends=True)
    lines.insert(24, 'msgid "unterminated\n')
    po.write_text("".join(lines), "utf-8")
    return po.relative_to(project).as_posix()


def test_github_format_annotates_the_broken_file(project: Path) -> None:
    rel = _break_a_catalog(project)
    r = runner.invoke(app, ["check", "--format", "github"])
    assert r.exit_code == 2
    assert r.stderr.startswith("tm: error: ") and len(r.stderr.splitlines()) == 1
    (line,) = r.stdout.splitlines()
    assert line.startswith(f"::error file={rel},line=25::"), line


def test_json_format_gives_an_error_object(project: Path) -> None:
    rel = _break_a_catalog(project)
    r = runner.invoke(app, ["check", "--format", "json"])
    assert r.exit_code == 2
    error = json.loads(r.stdout)["error"]
    assert error["path"] == rel and error["line"] == 25 and error["message"]


def test_text_format_prints_only_the_error_line(project: Path) -> None:
    _break_a_catalog(project)
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and r.stdout == ""
