"""`tm status` stays readable in an 80-column terminal: every number is visible."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from tm.checks.counts import Counts
from tm.status import StatusRow, status_table

DOC = "lectures/weiss-2025-stalinist-war-on-trotskyists"


@pytest.mark.parametrize("stale", [0, 7])
@pytest.mark.parametrize("width", [80, 100])
def test_every_number_visible(width: int, stale: int) -> None:
    rows = [StatusRow(DOC, "ru", "x.po", Counts(translated=1234, fuzzy=56, untranslated=789),
                      minimum=90.0, stale=stale),
            StatusRow(DOC, "de", "y.po", Counts(translated=3, fuzzy=0, untranslated=2076))]
    console = Console(width=width, record=True, color_system=None)
    console.print(status_table(rows))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= width
    cells = {w for line in text.splitlines() for w in re.findall(r"[\d.]+%?", line)}
    for number in ("1234", "56", "789", "3", "0", "2076", "59.4%", "0.1%", "90%"):
        assert number in cells, (number, text)
    if stale:
        assert "7" in cells
    for header in ("translated", "fuzzy", "untranslated", "done", "min"):
        assert header in text
