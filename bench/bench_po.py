"""Benchmark tm's PO reader and writer against polib on one large generated catalog.

Generates a catalog of N entries (sentences of the bundled lecture with varied numbers,
wrapped as msgcat wraps them: `#.` and `#:` comments, 10% fuzzy with a previous msgid,
5% untranslated, 1% plural, 1% with msgctxt, 2% obsolete), then times, in one run:

  tm read       tm.po.parse_po (the strict reader: every entry, every error with its line)
  tm counts     tm.checks.counts.scan_counts (what `tm check --counts-only`, `tm status` use)
  polib read    polib.pofile(text)
  tm write      tm.po.format_po
  polib write   str(polib_file)

and prints the best of --repeat runs of each and the ratios polib / tm. CPU time of this
process is what is timed (time.process_time), so other load on the machine matters less;
what is alive before a call is frozen for the garbage collector (gc.freeze), so a call
does not pay for collections over the other library's objects.

    python bench/bench_po.py                     # 50,000 entries
    python bench/bench_po.py --entries 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.checks.counts import scan_counts  # noqa: E402
from tm.po import Catalog, Message, format_po, parse_po  # noqa: E402

TEMPLATE = ROOT / "locales/templates/lectures/weiss-2025-stalinist-war-on-trotskyists.pot"
NUM = re.compile(r"\d+")


def generate(n: int, seed: int = 1) -> str:
    """A catalog of `n` entries, as tm writes it (msgcat's wrapping)."""
    rnd = random.Random(seed)
    sentences = [m.msgid for m in parse_po(TEMPLATE.read_text("utf-8")).messages] or ["x"]
    cat = Catalog(header={"Project-Id-Version": "bench", "Language": "ru",
                          "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                          "Content-Transfer-Encoding": "8bit",
                          "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
                                          "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
                                          "? 1 : 2);"})
    for i in range(n):
        base = rnd.choice(sentences)
        msgid = NUM.sub(lambda m: str(rnd.randrange(1, 3000)), base) + f" ({i})"
        m = Message(msgid, msgstr=msgid.upper(), extracted=["paragraph"],
                    references=[f"sources/lectures/doc{i % 40}.md:{i + 1}"])
        r = rnd.random()
        if r < 0.10:
            m.flags = ["fuzzy"]
            m.previous_msgid = base
        elif r < 0.15:
            m.msgstr = ""
        elif r < 0.16:
            m.msgid_plural = msgid + " (plural)"
            m.msgstr_plural = {0: "a " + msgid, 1: "b " + msgid, 2: "c " + msgid}
            m.msgstr = ""
        elif r < 0.17:
            m.msgctxt = f"context {i % 7}"
        elif r < 0.19:
            m.obsolete = True
            m.references = []
        cat.messages.append(m)
    return format_po(cat)


def best(fn: Callable[[], object], repeat: int) -> float:
    """The least CPU time of `repeat` calls; the objects alive before each call (the
    other library's catalog among them) are frozen, so that the garbage collector's
    passes over them are not charged to the call."""
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.freeze()
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
        gc.unfreeze()
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    import polib

    text = generate(a.entries)
    cat = parse_po(text)
    pf = polib.pofile(text)
    assert len(pf) == len(cat.messages), "polib and tm read different entries"
    counts = scan_counts(text)
    assert counts is not None, "the counting path deferred on a well-formed catalog"
    print(f"{a.entries:,} entries, {len(text) / 1e6:.1f} MB, {text.count(chr(10)):,} lines; "
          f"Python {platform.python_version()}, polib {polib.__version__}, "
          f"{platform.machine()}, best of {a.repeat} (CPU seconds)")
    rows = [
        ("tm read", best(lambda: parse_po(text), a.repeat)),
        ("tm counts", best(lambda: scan_counts(text), a.repeat)),
        ("polib read", best(lambda: polib.pofile(text), a.repeat)),
        ("tm write", best(lambda: format_po(cat), a.repeat)),
        ("polib write", best(lambda: str(pf), a.repeat)),
    ]
    t = dict(rows)
    for name, secs in rows:
        print(f"  {name:<12} {secs:7.3f} s")
    print(f"polib/tm: read {t['polib read'] / t['tm read']:.1f}x, "
          f"read vs counts {t['polib read'] / t['tm counts']:.1f}x, "
          f"write {t['polib write'] / t['tm write']:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
