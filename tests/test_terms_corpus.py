"""Term hints and the `term` check on annotated sentences (tests/data/terms_corpus.toml).

Per sentence: the hints that must appear (sure or ambiguous) and must not, a correct
translation the check passes and, for sure terms, a wrong one it fails. Over the
corpus: precision and recall of hints and of the check, with the goals the README
quotes (check precision 100%, recall >= 95% on wrong translations of sure terms).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tm.checks.context import Context
from tm.checks.termcheck import check_terms
from tm.terms import Termbase, load_termbase

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CORPUS = Path(__file__).parent / "data" / "terms_corpus.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CORPUS.read_text("utf-8"))["case"]
OTHER = {"en": "ru", "ru": "en"}


@pytest.fixture(scope="module")
def tb() -> Termbase:
    return load_termbase(None)


def hints(tb: Termbase, case: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(sure, ambiguous-or-uncertain) term sources hinted for the case's sentence."""
    found = tb.find(case["src"], case["lang"], OTHER[case["lang"]])
    sure = {t.source for t in found if not t.ambiguous and not t.uncertain}
    return sure, {t.source for t in found} - sure


def findings(tb: Termbase, case: dict[str, Any], translation: str) -> list[str]:
    ctx = Context(case["lang"], OTHER[case["lang"]], tb)
    return list(check_terms(case["src"], translation, ctx))


def test_corpus_size_and_coverage() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    for lang in ("en", "ru"):
        mine = [c for c in CASES if c["lang"] == lang]
        assert sum(1 for c in mine if c.get("sure")) >= 15
        assert sum(1 for c in mine if not c.get("sure")) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hints_that_must_and_must_not_appear(tb: Termbase, case: dict[str, Any]) -> None:
    sure, other = hints(tb, case)
    assert set(case.get("sure", ())) <= sure
    assert set(case.get("ambiguous", ())) <= other
    assert not set(case.get("absent", ())) & (sure | other)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_correct_translation_passes(tb: Termbase, case: dict[str, Any]) -> None:
    assert findings(tb, case, case["correct"]) == []


WRONG = [c for c in CASES if c.get("wrong")]


@pytest.mark.parametrize("case", WRONG, ids=[c["id"] for c in WRONG])
def test_wrong_translation_of_a_sure_term_fails(tb: Termbase, case: dict[str, Any]) -> None:
    assert findings(tb, case, case["wrong"])


def corpus_figures(tb: Termbase) -> dict[str, float]:
    """Precision and recall of hints (any kind), of sure hints, and of the term check."""
    hinted = right = expected = 0
    sure_hinted = sure_right = sure_expected = 0
    correct_clean = wrong_caught = 0
    for case in CASES:
        sure, other = hints(tb, case)
        want_sure = set(case.get("sure", ()))
        want = want_sure | set(case.get("ambiguous", ()))
        hinted += len(sure | other)
        right += len((sure | other) & want)
        expected += len(want)
        sure_hinted += len(sure)
        sure_right += len(sure & want_sure)
        sure_expected += len(want_sure)
        correct_clean += not findings(tb, case, case["correct"])
        if case.get("wrong"):
            wrong_caught += bool(findings(tb, case, case["wrong"]))
    return {
        "hint precision": right / hinted, "hint recall": right / expected,
        "sure-hint precision": sure_right / sure_hinted,
        "sure-hint recall": sure_right / sure_expected,
        "check precision": correct_clean / len(CASES),
        "check recall": wrong_caught / len(WRONG),
    }


def test_precision_and_recall_goals(tb: Termbase, capsys: pytest.CaptureFixture[str]) -> None:
    figures = corpus_figures(tb)
    with capsys.disabled():
        print("\nterm corpus: " + ", ".join(f"{k} {v:.1%}" for k, v in figures.items()))
    assert figures["check precision"] == 1.0
    assert figures["check recall"] >= 0.95
    assert figures["sure-hint precision"] >= 0.95
    assert figures["hint recall"] >= 0.95
