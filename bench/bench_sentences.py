"""Sentence segmentation of general prose: tm against pySBD and sentencex.

Scores the three segmenters on pySBD's golden rules (tests/data/golden_rules: English,
Russian, German), counting only the cases CommonMark reads as one paragraph (what a
Markdown source hands tm), and times each on them. pySBD and sentencex are only needed
here, not by tm:

    pip install pysbd sentencex
    python bench/bench_sentences.py [--failures] [--repeat 20]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_golden_rules import golden_cases, tm_sentences  # noqa: E402

LANGUAGES = ("en", "ru", "de")
Segmenter = Callable[[str, str], list[str]]


def _pysbd() -> Segmenter:
    import pysbd

    made: dict[str, pysbd.Segmenter] = {}

    def run(text: str, lang: str) -> list[str]:
        if lang not in made:
            made[lang] = pysbd.Segmenter(language=lang, clean=False)
        return [s.strip() for s in made[lang].segment(text) if s.strip()]
    return run


def _sentencex() -> Segmenter:
    from sentencex import segment

    def run(text: str, lang: str) -> list[str]:
        return [s.strip() for s in segment(lang, text) if s.strip()]
    return run


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--failures", action="store_true", help="print every wrong case")
    ap.add_argument("--repeat", type=int, default=20, help="timing runs (best is kept)")
    args = ap.parse_args(argv)
    tools: dict[str, Segmenter] = {"tm": tm_sentences}
    for name, make in (("pySBD", _pysbd), ("sentencex", _sentencex)):
        try:
            tools[name] = make()
        except ImportError:
            print(f"{name} is not installed (pip install pysbd sentencex): left out")
    print(f"Python {platform.python_version()}, tm {_version('tm')}, "
          f"pysbd {_version('pysbd')}, sentencex {_version('sentencex')}")
    print(f"{'':10}" + "".join(f"{lang:>16}" for lang in LANGUAGES) + f"{'time':>12}")
    for name, run in tools.items():
        cells = []
        wrong = []
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            for lang in LANGUAGES:
                for text, _expected in golden_cases(lang):
                    run(text, lang)
            best = min(best, time.perf_counter() - t0)
        for lang in LANGUAGES:
            cases = golden_cases(lang)
            ok = 0
            for text, expected in cases:
                got = run(text, lang)
                if got == expected:
                    ok += 1
                else:
                    wrong.append((lang, text, expected, got))
            cells.append(f"{ok}/{len(cases)}")
        print(f"{name:10}" + "".join(f"{c:>16}" for c in cells) + f"{best * 1000:>10.1f}ms")
        if args.failures:
            for lang, text, expected, got in wrong:
                print(f"  {lang} {text!r}\n     expected {expected}\n     got      {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
