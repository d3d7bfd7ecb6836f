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


# -- secrets -----------------------------------------------------------------------------------

SECRET = "Zq7s3cr3tWord"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("url", [
    "postgresql://tm:{pw}@127.0.0.1:{port}/tm",
    "postgresql://tm:{pw}@x@127.0.0.1:{port}/tm",  # a raw @ in the password
    "postgresql://tm:ab@{pw}@127.0.0.1:{port}/tm",
    "postgresql://tm:{pw}/x@127.0.0.1:{port}/tm",  # a raw / in the password
    "postgresql://tm@127.0.0.1:{port}/tm?password={pw}",
    "postgresql://tm@127.0.0.1:{port}/tm?sslmode=disable&password={pw}&x{pw}",
    "postgresql://tm@127.0.0.1:{port}/tm?%70assword={pw}",
    "postgresql://tm:{pw}@127.0.0.1:notaport/tm",
    "host=127.0.0.1 port={port} user=tm password={pw}",
    "host=127.0.0.1 port={port} password = {pw} dbname=tm",
    "host=127.0.0.1 port={port} password='{pw} with spaces' dbname=tm",
    "host=127.0.0.1 port={port} password=ab {pw} dbname=tm",  # libpq quotes the stray word
    "host=127.0.0.1 port={port} password='{pw}",  # unterminated quote
    "host=127.0.0.1 port=notaport password={pw}",
])
def test_memory_url_password_is_never_printed(url: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text("# Title\n\nOne sentence here.\n", "utf-8")
    value = url.format(pw=SECRET, port=_free_port()).replace("\\", "\\\\")
    (tmp_path / "tm.toml").write_text(
        f'languages = ["en", "ru"]\nbuiltin_terms = false\nmemory_url = "{value}"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    for command in (["segment", "--quiet"], ["memory", "search", "x", "--to", "ru"]):
        line = error_line(runner.invoke(app, command), "tm.toml:3:", "memory_url")
        for piece in (SECRET, SECRET[:6], SECRET[-6:]):
            assert piece not in line
    assert not (tmp_path / "locales" / "ru" / "doc.po").exists()


def test_redact_keeps_everything_but_the_password() -> None:
    from tm.config import redact

    assert redact("postgresql://tm:p@ss@db:5432/tm?sslmode=require") == (
        "postgresql://tm:***@db:5432/tm?sslmode=require")
    assert redact("postgresql://tm@db/tm?password=a&b&sslmode=require") == (
        "postgresql://tm@db/tm?password=***&sslmode=require")
    assert redact("host=db password='a \\' b' user=tm") == "host=db password=*** user=tm"
    assert redact("postgresql://tm@db/tm") == "postgresql://tm@db/tm"
    assert redact("host=db user=tm") == "host=db user=tm"
    assert redact('missing "=" after "cret" in connection info string',
                  "host=db password=se cret") == (
        'missing "=" after "***" in connection info string')
