"""`tm lint` on the bundled lecture: its deliberate faults are found, and little else."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import LECTURE
from tm.checks.lint import Spellings
from tm.checks.run import lint_source
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


def _reference_near_misses(source: str, known: object) -> set[tuple[int, str]]:
    """Every run of every size compared with every entry of as many words (the check as
    first written, quadratic in practice): what the indexed check must agree with."""
    from rapidfuzz import fuzz, process

    from tm.checks.lint import _WORD, _accepted, _key, _pieces
    from tm.source import units

    assert isinstance(known, Spellings)
    sizes = sorted({r.words for r in known.canonical}, reverse=True)
    out = set()
    for u in units(source):
        for line, text in _pieces(source, u):
            words = list(_WORD.finditer(text.replace("’", "'")))
            runs = [(i, n, _key(text[words[i].start():words[i + n - 1].end()]))
                    for i in range(len(words)) for n in sizes
                    if i + n <= len(words) and not any(
                        text[x.end():y.start()].strip(" ")
                        for x, y in zip(words[i:i + n], words[i + 1:i + n], strict=False))]
            covered = {j for i, n, key in runs if _accepted(key, known.accepted)
                       for j in range(i, i + n)}
            for i, n, key in runs:
                if (words[i].group(0)[0].isupper() and not covered & set(range(i, i + n))
                        and len(key) >= 5 and not _accepted(key, known.accepted)):
                    choices = [r for r in known.canonical if r.words == n]
                    if process.extractOne(key, [r.key for r in choices], scorer=fuzz.ratio,
                                          score_cutoff=86):
                        out.add((line, text[words[i].start():words[i + n - 1].end()]))
    return out


def test_indexed_near_miss_check_agrees_with_the_exhaustive_one() -> None:
    import random

    from tm.checks.lint import lint_near_miss, spellings
    from tm.source import units

    known = spellings(load_termbase())
    rng = random.Random(7)
    lines = []
    for r in rng.sample(list(known.canonical), 80):
        t = r.text
        i = rng.randrange(3, len(t)) if len(t) > 3 else 0  # a typo past the first letters
        typo = rng.choice((t[:i] + t[i + 1:], t[:i] + "e" + t[i:], t[:i] + "u" + t[i + 1:]))
        lines.append(f"In 1927 the {typo[:1].upper() + typo[1:]} was cited, and {t} -- "
                     f"with Trotsky's and El'tsin's notes.")
    source = "\n\n".join(lines) + "\n" + LECTURE.read_text("utf-8")
    want = _reference_near_misses(source, known)
    got = {(line, msg.split(" nearly ")[0].removeprefix("romanization "))
           for line, msg in lint_near_miss(source, units(source), known)}
    want = {(line, phrase.replace("’", "'")) for line, phrase in want}
    assert len(want) > 40
    assert got == want


def test_each_document_is_read_as_its_format() -> None:
    """A plain-text transcription keeps its lines' indentation (no Markdown code block) and
    an HTML article's text is linted as such, as `tm segment` reads them."""
    text = "    Tetradи verkhne-ural'skogo politizoliatora.\n"
    assert lint_source(text, "notes.md") == []  # Markdown: an indented code block
    [f] = lint_source(text, "sources/fonds/notes.txt")
    assert (f.line, f.code) == (1, "mixed-script")
    [f] = lint_source("<ul>\n  <li>Tetradи verkhne-ural'skogo.</li>\n</ul>\n", "a.html")
    assert (f.line, f.code) == (2, "mixed-script")
