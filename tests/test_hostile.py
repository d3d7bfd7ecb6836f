"""Hostile input stays harmless, and data is never altered (issue 9): secrets never
printed, control characters escaped, names validated and confined, messages not
rewritten by the terminal library."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.cli import app
from tm.errors import TmError, escape_control

runner = CliRunner()


def error_line(result: object, *parts: str) -> str:
    """The one `tm: error:` line of a run that exited 2 (no traceback)."""
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    out: str = result.output  # type: ignore[attr-defined]
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1, out
    assert lines[0].startswith("tm: error: "), out
    for p in parts:
        assert p in lines[0], out
    return lines[0]


def po_with_error_at(path: Path, line: int) -> None:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    path.write_text(head + "\n" * (line - 1 - head.count("\n")) + "garbage here\n", "utf-8")


# -- messages are printed as they are --------------------------------------------------------


@pytest.mark.parametrize("line", [100, 1234])
def test_line_numbers_are_not_turned_into_emoji(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                line: int) -> None:
    monkeypatch.chdir(tmp_path)
    po_with_error_at(tmp_path / "b.po", line)
    error_line(runner.invoke(app, ["check", "b.po"]), f"b.po:{line}: syntax error")


def test_brackets_in_a_message_are_not_markup(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x[red]y.po").write_text("garbage\n", "utf-8")
    error_line(runner.invoke(app, ["check", "x[red]y.po"]), "x[red]y.po:1:")


# -- control characters ------------------------------------------------------------------------


def test_control_characters_are_escaped_in_every_error() -> None:
    e = TmError("bad\n::error file=x::owned", "READ\nME.md", 3, "fix\r\x1b[31m")
    assert str(e) == "READ\\nME.md:3: bad\\n::error file=x::owned (fix\\r\\x1b[31m)"
    assert escape_control("a\u2028b\x85c\td") == "a\\u2028b\\x85c\\td"
    assert escape_control("plain: text, [x]") == "plain: text, [x]"
