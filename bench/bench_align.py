"""Benchmark `tm align` on the 4.4 MB benchmark document and a generated translation.

The English document is bench_segment's: the bundled lecture repeated (about 200
copies, each copy's sentences made unique). Its "translation" is the lecture's Russian
catalog (locales/ru) merged into the lecture by tm's own merge, repeated the same way,
with edits a real translation has: 2% of the paragraphs dropped (omissions), 2% run
into the next one (merged paragraphs), 2% cut in two at a sentence boundary, and 3% of
the paragraphs with one sentence dropped. Both are aligned at half and at full size, in
this process, with the builtin termbase; the times, the ratio (linear scaling means
about 2) and the links found are printed against targets set from the measured
baseline. Not part of the test suite.

    python bench/bench_align.py [--size MB]
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_segment import LECTURE, ROOT, _unique_line, build_document  # noqa: E402

from tm.align.documents import align_texts  # noqa: E402
from tm.formats import source_units  # noqa: E402
from tm.merge import merge  # noqa: E402
from tm.segment import segment_document  # noqa: E402
from tm.terms import load_termbase  # noqa: E402

CATALOG = ROOT / "locales" / "ru" / "lectures" / f"{LECTURE.stem}.po"
TARGETS = {"seconds_per_mb": 8.0, "scaling": 2.4}
"""Set from the measured baseline (see README, `tm align`): 4.4 MB in under 35 s on
the 2-core machine of the session, and at most 2.4 times the half-size time."""


def russian_lecture(lecture: str) -> str:
    """The lecture with every segment replaced by its Russian translation."""
    import polib  # type: ignore[import-untyped]

    po = polib.pofile(str(CATALOG))
    translated = {e.msgid: e.msgstr for e in po if e.msgstr and not e.obsolete
                  and "fuzzy" not in e.flags}
    segments = segment_document(lecture, source_units(LECTURE, lecture), "en")
    return merge(lecture, segments, translated).text


def repeat(lecture: str, copies: int) -> str:
    """`copies` copies of a lecture made unique as bench_segment.build_document does."""
    lines = lecture.strip("\n").split("\n")
    return "\n\n".join("\n".join(_unique_line(x, k) for x in lines)
                       for k in range(copies)) + "\n"


_SENTENCE = re.compile(r"(?<=[.!?»”])\s+(?=[А-ЯЁA-Z«“])")


def edit_translation(text: str, seed: int = 13) -> tuple[str, Counter[str]]:
    """Omissions, merged and split paragraphs, dropped sentences (see the docstring)."""
    rng = random.Random(seed)
    blocks = text.split("\n\n")
    out: list[str] = []
    done: Counter[str] = Counter()
    for b in blocks:
        plain = b.strip() and not b.lstrip().startswith(("#", "|", "---", "*", "<"))
        r = rng.random()
        cuts = [m for m in _SENTENCE.finditer(b)] if plain else []
        if plain and r < 0.02:
            done["paragraph dropped"] += 1
            continue
        if plain and r < 0.04 and out:
            out[-1] = out[-1].rstrip() + " " + b.strip()
            done["paragraphs merged"] += 1
            continue
        if cuts and r < 0.06:
            m = cuts[len(cuts) // 2]
            b = b[:m.start()] + "\n\n" + b[m.end():]
            done["paragraph split"] += 1
        elif len(cuts) >= 2 and r < 0.09:
            m0, m1 = cuts[0], cuts[1]
            b = b[:m0.end()] + b[m1.end():]
            done["sentence dropped"] += 1
        out.append(b)
    return "\n\n".join(out), done


def measure(en: str, ru: str, terms: object) -> tuple[float, float, Counter[str], int]:
    """CPU and wall seconds to align, link shapes, source sentences. CPU time is the
    measure: the machine is shared, and wall time counts the other processes' turns."""
    t0, c0 = time.perf_counter(), time.process_time()
    al = align_texts(en, ru, "en", "ru", terms)  # type: ignore[arg-type]
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    return cpu, wall, Counter(link.kind for link in al.links), len(al.source)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=float, default=4.4, help="full size in MB (default 4.4)")
    args = ap.parse_args()
    lecture = LECTURE.read_text("utf-8")
    ru_lecture = russian_lecture(lecture)
    terms = load_termbase()
    terms.matches("warm-up", "en")
    terms.matches("прогрев", "ru")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    results = []
    for share in (0.5, 1.0):
        size = int(args.size * share * 1_000_000)
        en, copies = build_document(lecture, size)
        ru = repeat(ru_lecture, copies)
        ru, edits = edit_translation(ru)
        seconds, wall, shapes, n = measure(en, ru, terms)
        mb = len(en.encode("utf-8")) / 1e6
        results.append((mb, seconds))
        print(f"{mb:.2f} MB ({copies} copies, {n} source sentences): {seconds:.1f} s CPU "
              f"({wall:.1f} s wall), {seconds / mb:.1f} s/MB, {n / seconds:.0f} sentences/s")
        print(f"  edits: {dict(edits)}")
        print(f"  links: {dict(sorted(shapes.items()))}")
    (mb0, s0), (mb1, s1) = results
    scaling = (s1 / s0) / (mb1 / mb0) * 2
    per_mb = s1 / mb1
    print(f"scaling (time ratio for twice the size): {scaling:.2f} "
          f"(target <= {TARGETS['scaling']})")
    print(f"speed: {per_mb:.1f} s/MB (target <= {TARGETS['seconds_per_mb']})")
    ok = scaling <= TARGETS["scaling"] and per_mb <= TARGETS["seconds_per_mb"]
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
