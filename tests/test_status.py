"""`tm status`: rows, the rich table, and the HTML page opened in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tm.cli import app
from tm.config import load_config
from tm.report import render_html
from tm.status import project_status, status_table

FIXTURE = Path(__file__).parent / "data" / "check_project"
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)



def test_rows(proj: Path) -> None:
    rows = project_status(load_config())
    assert [(r.language, r.counts.translated, r.counts.untranslated, r.minimum) for r in rows] \
        == [("ru", 7, 0, 100.0), ("de", 3, 4, 50.0)]
    assert rows[0].meets_minimum and not rows[1].meets_minimum
    (proj / "locales/de/lectures/mini.po").unlink()
    assert project_status(load_config(), ["de"])[0].missing


def test_table(proj: Path) -> None:
    console = Console(width=160, record=True)
    console.print(status_table(project_status(load_config())))
    text = console.export_text()
    # no vertical rules since the table fits 80 columns (tests/test_status_width.py)
    assert re.search(r"lectures/mini\s+ru\s+7\s+0\s+0\s+100\.0%", text)
    assert "42.9%" in text and "█" in text and "░" in text


def test_cli(proj: Path) -> None:
    r = CliRunner().invoke(app, ["status", "--json"])
    assert r.exit_code == 0
    assert [x["percent"] for x in json.loads(r.stdout)] == [100.0, 42.86]
    r = CliRunner().invoke(app, ["status", "--html", "report.html"])
    assert r.exit_code == 0 and "lectures/mini" in r.stdout
    assert (proj / "report.html").is_file()


def test_html_is_self_contained(proj: Path) -> None:
    html = render_html(project_status(load_config()))
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_in_headless_chromium(proj: Path, tmp_path: Path) -> None:
    page = proj / "report.html"
    assert CliRunner().invoke(app, ["status", "--html", str(page)]).exit_code == 0
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}"]
    assert CHROMIUM is not None
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=60).stdout
    # the browser parsed the page: one chart for all languages and one per language
    assert dom.count("<svg") == 3
    assert re.search(r'<section class="language" id="lang-ru">', dom)
    bars = re.findall(r'<rect class="(\w+)" x="[\d.]+" y="\d+" width="([\d.]+)"', dom)
    widths = {kind: sum(float(w) for k, w in bars if k == kind) for kind in
              ("translated", "untranslated")}
    assert widths["translated"] > widths["untranslated"] > 0
    assert re.search(r"<td>de</td><td>3</td><td>0</td><td>4</td><td class=\"below\">42\.9%</td>",
                     dom)
    shot = tmp_path / "shot.png"
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", "--window-size=1000,900",
                    page.as_uri()], capture_output=True, timeout=60)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_the_bar_tells_fuzzy_apart_without_colour() -> None:
    """Piped into a CI log the colours are gone: 8 translated, 4 fuzzy, 4 untranslated
    entries each keep their own character."""
    from tm.checks.counts import Counts
    from tm.status import bar

    shown = bar(Counts(translated=8, fuzzy=4, untranslated=4), 16).plain
    assert shown == "█" * 8 + "▒" * 4 + "░" * 4
