"""What term finding costs and finds: load, per segment, long lines, real books.

Run: python bench/bench_terms.py [--rust ../corpora] [--skip-long]   (not part of the tests)

Prints, in one run:
1. loading the built-in termbase cold (TBX parsed, tries built) and warm (from the
   `.tm/terms.pickle` of a temporary project), and loading pymorphy3 on its own;
2. hint cost per segment on the 4.4 MB document of bench/bench_segment.py, against
   the time tm takes to parse and segment the same document;
3. a single 10 MB line (linear time);
4. with --rust: on rust-lang/book (EN->RU) and its Russian translation (RU->EN), the
   segments, hints, ambiguous hints and `term` findings a translation without any
   termbase term would get (what `qa = "error"` would fail CI on), and hint cost.
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

LOAD = """
import sys, time
t = time.perf_counter()
from pathlib import Path
from tm.config import Config
from tm.terms import load_termbase
t0 = time.perf_counter()
tb = load_termbase(Config(root=Path(sys.argv[1])))
tb.find("The Left Opposition", "en", "ru")
t1 = time.perf_counter()
morph = 'pymorphy3' in sys.modules
tb.find("Левая оппозиция", "ru", "en")
t2 = time.perf_counter()
print(f"{(t1 - t) * 1000:.1f} {(t1 - t0) * 1000:.1f} {(t2 - t1) * 1000:.1f} {morph}")
"""


def load_times() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs = [subprocess.run([sys.executable, "-c", LOAD, tmp], check=True, text=True,
                               capture_output=True).stdout.split() for _ in range(3)]
    cold, warm = runs[0], runs[1:]
    print(f"termbase load + first EN find, new process: cold {cold[1]} ms (TBX parsed, "
          f"tries built; {cold[0]} ms with imports), warm {warm[0][1]} / {warm[1][1]} ms "
          f"(from .tm/terms.pickle; {warm[0][0]} ms with imports; pymorphy3 loaded: "
          f"{warm[0][3]})")
    print(f"  then the first RU find (loads pymorphy3 for the text's words): cold "
          f"{cold[2]} ms, warm {warm[0][2]} ms")
    from tm import termcache
    from tm.data import BUILTIN_ORIGIN, BUILTIN_TBX
    from tm.terms import Termbase

    files = [(BUILTIN_TBX, BUILTIN_ORIGIN)]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / ".tm" / "terms.pickle"
        times: dict[str, list[float]] = {"cold": [], "warm": []}
        for kind in ["cold"] * 3 + ["warm"] * 3:
            if kind == "cold":
                cache.unlink(missing_ok=True)
            termcache._LOADED.clear()
            termcache._read_tbx.cache_clear()
            t = time.perf_counter()
            tb = termcache.load_cached(files, cache, Termbase)
            tb.trie("en")
            tb.trie("ru")
            times[kind].append(time.perf_counter() - t)
    print("  in-process, both tries, best of 3: cold {:.0f} ms (TBX parsed, tries built, "
          "cache written), warm {:.1f} ms (content hash + pickle)".format(
              min(times["cold"]) * 1000, min(times["warm"]) * 1000))
    t = time.perf_counter()
    import pymorphy3

    pymorphy3.MorphAnalyzer()
    print(f"  pymorphy3 import + MorphAnalyzer(): {(time.perf_counter() - t) * 1000:.0f} ms")


def segments_of(paths: list[Path], lang: str) -> tuple[list[str], float]:
    from tm.segment import segment_document
    from tm.source import units

    t = time.process_time()
    out = []
    for p in paths:
        src = p.read_text(encoding="utf-8")
        out += [s.text for s in segment_document(src, units(src), lang)]
    return out, time.process_time() - t


def hint_cost(label: str, segs: list[str], seg_cpu: float, src: str, tgt: str) -> None:
    from tm.checks.context import Context
    from tm.checks.termcheck import check_terms
    from tm.terms import load_termbase

    tb = load_termbase(None)
    tb.find("warm up", src, tgt)
    t = time.process_time()
    found = [tb.find(s, src, tgt) for s in segs]
    cpu = time.process_time() - t
    hints = sum(len(f) for f in found)
    amb = sum(1 for f in found for x in f if x.ambiguous)
    ctx = Context(src, tgt, tb)
    findings = sum(len(list(check_terms(s, "—", ctx))) for s in segs)
    print(f"{label}: {len(segs)} segments; hints {hints} ({amb} ambiguous); `term` findings "
          f"on a translation without terms {findings}; hinting {cpu:.2f} s CPU = "
          f"{cpu / len(segs) * 1000:.3f} ms/segment, {cpu / seg_cpu:.0%} of parsing and "
          f"segmenting ({seg_cpu:.2f} s)")


def generated(tmp: Path) -> None:
    from bench_segment import LECTURE, build_document

    text, copies = build_document(LECTURE.read_text(encoding="utf-8"), 4_400_000)
    doc = tmp / "doc.md"
    doc.write_text(text, encoding="utf-8")
    segs, seg_cpu = segments_of([doc], "en")
    hint_cost(f"bench_segment document ({len(text.encode()) / 1e6:.1f} MB, lecture x {copies})",
              segs, seg_cpu, "en", "ru")


def long_line() -> None:
    from bench_segment import LECTURE

    from tm.terms import load_termbase

    tb = load_termbase(None)
    tb.find("warm up", "en", "ru")
    line = LECTURE.read_text(encoding="utf-8").replace("\n", " ")
    for mb in (2.5, 10):
        text = (line * int(mb * 1e6 / len(line) + 1))[:int(mb * 1e6)]
        t = time.process_time()
        n = len(tb.find(text, "en", "ru"))
        print(f"single {mb} MB line: {time.process_time() - t:.2f} s CPU ({n} terms)")


def rust(corpora: Path) -> None:
    for label, pattern, src, tgt in (
            ("rust-lang/book EN->RU", "rust-lang+book/src/*.md", "en", "ru"),
            ("rust-lang/book RU->EN", "rust-lang-ru+book/rustbook-ru/src/*.md", "ru", "en")):
        paths = [Path(p) for p in sorted(glob.glob(str(corpora / pattern)))]
        if not paths:
            print(f"{label}: not found under {corpora}")
            continue
        segs, seg_cpu = segments_of(paths, src)
        hint_cost(label, segs, seg_cpu, src, tgt)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rust", type=Path, help="folder holding rust-lang+book and rust-lang-ru+book")
    ap.add_argument("--skip-long", action="store_true", help="skip the 10 MB single line")
    args = ap.parse_args()
    print(f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, load "
          f"{os.getloadavg()[0]:.1f}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    load_times()
    with tempfile.TemporaryDirectory() as tmp:
        generated(Path(tmp))
    if not args.skip_long:
        long_line()
    if args.rust:
        rust(args.rust)


if __name__ == "__main__":
    main()
