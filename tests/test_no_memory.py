"""`tm segment --no-memory` consults no memory and so leaves the memory's comments as they
are: a catalog that is up to date stays byte for byte the same, and `--check --no-memory`
(the pre-commit hook, the CI example) passes on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.cli import app

runner = CliRunner()


def test_no_memory_keeps_the_hints_of_an_up_to_date_catalog(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init"]).exit_code == 0
    (tmp_path / "sources" / "a.md").write_text(
        "# The Central Control Commission\n\nIn June 1927, Trotsky spoke before the "
        "Central Control Commission.\n\n[1] RGASPI, f. 17, op. 171, d. 87, l. 83.\n", "utf-8")
    assert runner.invoke(app, ["segment", "-q"]).exit_code == 0
    po = tmp_path / "locales" / "ru" / "a.po"
    before = po.read_text("utf-8")
    assert "#. terms: Central Control Commission" in before and "#. tm: citation" in before
    r = runner.invoke(app, ["segment", "--check", "--no-memory"])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["segment", "--no-memory", "-q"]).exit_code == 0
    assert po.read_text("utf-8") == before
    # a changed sentence is still updated; only the memory's comments are not asked again
    src = tmp_path / "sources" / "a.md"
    src.write_text(src.read_text("utf-8") + "\nA new sentence.\n", "utf-8")
    assert runner.invoke(app, ["segment", "--no-memory", "-q"]).exit_code == 0
    after = po.read_text("utf-8")
    assert 'msgid "A new sentence."' in after and "#. terms: Central Control Commission" in after
