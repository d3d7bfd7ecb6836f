"""The CLI's consoles are made at their first use, and a plain summary line is written
without them: `tm segment` prints what rich would print, without importing rich (40 ms of
every run's start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tm.cli import common

LINES = ["lectures/part-4: 34116 segments, 33903 entries; pre-filled ru 12; up to date",
         "Лекция: 5 segments", "漢字 wide: [x] :smile: b.po:100:", "a\tb tab", "bell \x07 here",
         "nbsp\u00a0here", ""]


@pytest.mark.parametrize("line", LINES)
def test_say_prints_what_the_console_prints(line: str, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    Console(soft_wrap=True, highlight=False, markup=False, emoji=False).print(
        line, markup=False, highlight=False)
    expected = capsys.readouterr().out
    common.say(line)
    assert capsys.readouterr().out == expected


def test_a_segment_run_does_not_import_rich(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text("One sentence. Two.\n", encoding="utf-8")
    (tmp_path / "tm.toml").write_text(
        'languages = ["en", "ru"]\n[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n',
        encoding="utf-8")
    code = ("import sys\nfrom tm.cli import _run\nsys.argv = ['tm', 'segment', '--no-memory']\n"
            "rc = _run()\nprint('rich' in sys.modules, rc)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    assert out.splitlines() == ["doc: 2 segments, 2 entries; wrote 2 file(s)", "False 0"]
