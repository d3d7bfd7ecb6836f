"""`tm review`: rows in document order, the page's escaping, and what a real headless
Chromium shows (text, row colours, the "needs work" filter) on tests/data/review_project.

The fixture's catalog holds one entry of every kind: translated, fuzzy with a memory
comment and a translator comment, untranslated, translated with a lost footnote (a QA
finding), hostile markup in source and translation, a source sentence missing from the
catalog and an entry whose sentence is gone.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tm.cli import app
from tm.config import load_config
from tm.review import render_review, review_page, review_project

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


def test_rows_in_document_order(rproj: Path) -> None:
    [doc] = review_project(load_config(), "ru")
    got = [(r.status, r.source_line, r.source[:20]) for r in doc.rows]
    assert got == [
        ("translated", 1, "Review fixture"),
        ("translated", 3, "The Opposition was s"),
        ("fuzzy", 3, "Such is the statute "),
        ("untranslated", 5, "Trotsky was expelled"),
        ("translated", 7, "I would not recommen"),
        ("translated", 9, 'A <script>alert("x")'),
        ("stale", 11, "This sentence is new"),        # in the source, not in the catalog
        ("stale", None, "This sentence was re"),      # in the catalog, gone from the source
    ]
    fuzzy = doc.rows[2]
    assert (fuzzy.score, fuzzy.origin) == (87.0, "memory/old-lectures.tmx")
    assert fuzzy.previous == "Such was the statute of the Comintern."
    assert fuzzy.comments == ["Checked against the 1927 stenogram."]
    assert doc.rows[1].hints == [
        "Central Control Commission = Центральная контрольная комиссия (ЦКК)"]
    assert [f.code for f in doc.rows[4].findings] == ["footnote"]
    # the stale rows carry tm check's stale findings
    # line 59 of the catalog since it is wrapped at 79 columns as msgcat writes it (was 54)
    assert [(f.code, f.path, f.line) for r in doc.rows[6:] for f in r.findings] == [
        ("stale", "sources/lectures/r.md", 11), ("stale", "locales/ru/lectures/r.po", 59)]
    assert doc.rows[6].findings[0].message.startswith("sentence not in locales/ru/lectures/r.po")
    assert "no longer in sources/lectures/r.md" in doc.rows[7].findings[0].message
    assert [r.needs_work for r in doc.rows] == [False, False, True, True, True, False, True, True]


def test_page_escapes_hostile_text(rproj: Path) -> None:
    page = review_page(load_config(), "ru")
    assert page.count("<script") == 1  # the filter's own
    assert "<img" not in page
    assert "A &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; and &quot;quotes&quot; &amp; " \
           "&lt;img src=x onerror=alert(1)&gt; here." in page


def test_page_is_self_contained(rproj: Path) -> None:
    page = review_page(load_config(), "ru")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page and "fetch(" not in page


def test_cli_writes_default_path(rproj: Path) -> None:
    r = CliRunner().invoke(app, ["review", "--lang", "ru"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("wrote build/review-ru.html: 8 sentences (4 translated, "
                               "1 fuzzy, 1 untranslated, 2 stale)")
    assert (rproj / "build" / "review-ru.html").is_file()
    r = CliRunner().invoke(app, ["review", "--lang", "ru", "--html", "out/r.html",
                                 "lectures/r"])
    assert r.exit_code == 0 and (rproj / "out" / "r.html").is_file()


def test_cli_errors(rproj: Path) -> None:
    r = CliRunner().invoke(app, ["review", "--lang", "fr"])
    assert r.exit_code == 2
    assert r.stderr.strip().startswith("tm: error: tm.toml:1: language 'fr' is not in")
    (rproj / "locales/ru/lectures/r.po").unlink()
    r = CliRunner().invoke(app, ["review", "--lang", "ru"])
    assert r.exit_code == 2
    assert r.stderr.strip() == ("tm: error: locales/ru/lectures/r.po:1: no ru catalog for "
                                "lectures/r (run `tm segment` to create it)")
    assert not (rproj / "build").exists()


def test_render_without_documents() -> None:
    page = render_review([], "de")
    assert "0 sentences in 0 document(s)" in page


# --- in a real browser -----------------------------------------------------------------

def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Debian's chromium headless and offline, as tests/test_status.py does."""
    assert CHROMIUM is not None
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={tmp_path / 'chromium'}"]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=90)


def _pixels(png: bytes) -> np.ndarray:
    """The RGB pixels (n x 3) of an 8-bit, non-interlaced RGB or RGBA PNG (what chromium
    writes); rows filtered None, Sub or Up are undone by numpy, Average and Paeth by hand."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, channels = 8, b"", 0, 0
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, _h, depth, color, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(-1, stride + 1)
    out = np.zeros((len(raw), stride), np.uint8)
    prev = np.zeros(stride, np.uint8)
    for y, row in enumerate(raw):
        ftype, line = row[0], row[1:]
        if ftype == 0:
            cur = line.copy()
        elif ftype == 1:
            cur = (line.reshape(width, channels).astype(np.uint32).cumsum(axis=0) % 256
                   ).astype(np.uint8).reshape(-1)
        elif ftype == 2:
            cur = line + prev
        else:
            buf, up = bytearray(line.tobytes()), prev.tobytes()
            for i in range(stride):
                a = buf[i - channels] if i >= channels else 0
                b = up[i]
                if ftype == 3:
                    buf[i] = (buf[i] + (a + b) // 2) & 255
                    continue
                c = up[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                buf[i] = (buf[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            cur = np.frombuffer(bytes(buf), np.uint8)
        out[y], prev = cur, cur
    return out.reshape(-1, channels)[:, :3]


def _count(pixels: np.ndarray, rgb: str) -> int:
    """How many pixels have colour `rgb` (#rrggbb), give or take 2 per channel."""
    want = np.array([int(rgb[i:i + 2], 16) for i in (1, 3, 5)], np.int16)
    return int((np.abs(pixels.astype(np.int16) - want) <= 2).all(axis=1).sum())


@needs_chromium
def test_review_in_headless_chromium(rproj: Path, tmp_path: Path) -> None:
    page = rproj / "review.html"
    assert CliRunner().invoke(app, ["review", "-l", "ru", "--html", str(page)]).exit_code == 0
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    # the browser parsed the text as text: one script (the filter), no injected image
    assert dom.count("<script") == 1 and "<img" not in dom
    # a translated row shows its source and translation side by side
    assert re.search(r'<tr class="row translated" data-needs-work="no">'
                     r'<td class="n" [^>]*>3</td><td class="src">The Opposition was summoned '
                     r'before the Central Control Commission\.</td><td class="tgt">Оппозицию '
                     r"вызвали в Центральную контрольную комиссию\.</td>", dom)
    assert re.search(r'<tr class="row fuzzy" data-needs-work="yes">.*?memory: 87% '
                     r"memory/old-lectures\.tmx", dom)
    # nothing hidden until the filter is on
    assert " hidden" not in dom
    filtered = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#needs-work").stdout
    rows = re.findall(r'<tr class="row (\w+)[^"]*" data-needs-work="(\w+)"( hidden="")?>',
                      filtered)
    assert len(rows) == 8
    assert all(bool(hidden) == (work == "no") for _, work, hidden in rows)
    assert sorted(s for s, _, h in rows if h) == ["translated", "translated", "translated"]
    assert '<input type="checkbox" id="filter-needs-work">' in filtered  # a property
    assert 'id="needs-work"' not in filtered  # the fragment must not scroll the page down

    # what is on the screen: the fuzzy row's background and the status stripes
    shot, shot_filtered = tmp_path / "all.png", tmp_path / "work.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,800", page.as_uri())
    _chromium(tmp_path, f"--screenshot={shot_filtered}", "--window-size=900,800",
              page.as_uri() + "#needs-work")
    every, work = _pixels(shot.read_bytes()), _pixels(shot_filtered.read_bytes())
    fuzzy_bg, green = "#fff8e1", "#2e7d32"
    assert _count(every, fuzzy_bg) > 5_000 and _count(work, fuzzy_bg) > 5_000
    # the filter hides the translated rows: their green stripes go, the badges stay
    assert _count(work, green) < _count(every, green) / 2


def test_joined_entry_is_done(rproj: Path) -> None:
    """An entry flagged `#, tm-joined` (its translation is carried by the entry before)
    is not work left to do."""
    po = rproj / "locales/ru/lectures/r.po"
    po.write_text(po.read_text("utf-8").replace(
        '#: sources/lectures/r.md:5\nmsgid "Trotsky', '#: sources/lectures/r.md:5\n'
        '#, tm-joined\nmsgid "Trotsky'), "utf-8")
    [doc] = review_project(load_config(), "ru")
    row = doc.rows[3]
    assert (row.status, row.joined, row.needs_work) == ("translated", True, False)
    assert "joined with the sentence before" in review_page(load_config(), "ru")


def test_nothing_to_review(rproj: Path) -> None:
    r = CliRunner().invoke(app, ["review", "--lang", "en"])
    assert r.exit_code == 2 and r.stderr == (
        "tm: error: tm.toml:1: no document is translated into en (en is their source "
        "language; review a target language)\n")
    (rproj / "sources/lectures/r.md").unlink()
    r = CliRunner().invoke(app, ["review", "--lang", "ru"])
    assert r.exit_code == 2 and "no source documents under sources/" in r.stderr
