"""Alignment quality on the hand-aligned pairs in tests/data/align: precision, recall
and F1 over sentence pairs, tm's aligner (its own segmentation) against NLTK's
Gale-Church given the same sentences. Run with -s to see the table:

    python -m pytest -s tests/test_align_quality.py
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tm.align.documents import align_files
from tm.align.evaluate import Score, gold_pairs, parse_gold, score
from tm.terms import load_termbase

DATA = Path(__file__).parent / "data" / "align"
GOLDS = sorted(DATA.glob("*.gold.tsv"))
TARGET_F1 = 0.95


@dataclass(frozen=True)
class Result:
    name: str
    tm: Score
    gale_church: Score


def _name(gold: Path) -> str:
    return gold.name[: -len(".gold.tsv")]


@cache
def evaluate(gold_path: Path) -> Result:
    """Align one pair with tm and with NLTK's Gale-Church; score both on the gold."""
    from nltk.translate import gale_church

    name = _name(gold_path)
    al = align_files(DATA / f"{name}.en.md", DATA / f"{name}.ru.md", "ru", "en",
                     terms=load_termbase())
    src = [s.text for s in al.source]
    tgt = [s.text for s in al.target]
    gold = gold_pairs(parse_gold(gold_path.read_text("utf-8"), gold_path), src, tgt)
    gale_church.MAX_ALIGN_BLOCKS = max(gale_church.MAX_ALIGN_BLOCKS, len(src), len(tgt))
    gc = set(gale_church.align_blocks([len(s) for s in src], [len(t) for t in tgt]))
    return Result(name, score(al.pairs(), gold), score(gc, gold))


def test_the_test_set_is_there() -> None:
    assert len(GOLDS) >= 3, "tests/data/align holds at least three hand-aligned pairs"


@pytest.mark.parametrize("gold", GOLDS, ids=_name)
def test_f1_at_least_target(gold: Path) -> None:
    r = evaluate(gold)
    assert r.tm.f1 >= TARGET_F1, (
        f"{r.name}: F1 {r.tm.f1:.3f} (P {r.tm.precision:.3f}, R {r.tm.recall:.3f})")


def test_summary_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The figures the README quotes; tm beats Gale-Church on every pair."""
    rows = [evaluate(g) for g in GOLDS]
    lines = [f"{'pair':<28} {'pairs':>5}  {'tm P/R/F1':>20}  {'Gale-Church P/R/F1':>20}"]
    for r in rows:
        lines.append(f"{r.name:<28} {r.tm.gold:>5}  "
                     f"{r.tm.precision:.3f}/{r.tm.recall:.3f}/{r.tm.f1:.3f}  "
                     f"{r.gale_church.precision:.3f}/{r.gale_church.recall:.3f}/"
                     f"{r.gale_church.f1:.3f}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert all(r.tm.f1 >= r.gale_church.f1 for r in rows)
