"""Benchmark: pre-translating new segments against a big TMX, tm vs. msgmerge vs. pot2po.

Generates a project in bench/out/memory-<units>/: a TMX of N English->Russian units
(synthetic sentences over a Zipf-distributed vocabulary, many with years) and a
Markdown document of S new segments, half of them near-duplicates of memory units
(one word or one year changed). Then, in the same run:

  tm segment               cold: no index yet, it is built in the run
  msgmerge --compendium    GNU gettext, the compendium being the same memory as PO
  pot2po --tm              translate-toolkit, the TMX as its memory
  rapidfuzz cdist          the exhaustive scan: every segment against every unit

and prints times, ratios and recall: every segment whose exhaustive best
`fuzz.ratio` is >= 80 must be filled by tm with the translation of that best unit (or of
a unit with an equal score; numbers may be adapted). The project has the defaults: the
builtin termbase is on (`--no-terms` turns it off, for comparison), and tm's headline
time is a single cold run (`--repeat N` adds the best of N).

    python bench/bench_memory.py                    # 20,000 units, 2,000 segments
    python bench/bench_memory.py --units 1000000    # msgmerge and pot2po skipped
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.po import Catalog, Message, format_po, read_po  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ter", "sol", "van", "dre", "po", "gul", "nis", "bor", "ta",
             "ve", "rus", "lan", "chi", "dom", "pel", "sta", "kor", "mun", "ist", "ov", "en"]
CYR = {"ka": "ка", "lo": "ло", "mi": "ми", "ter": "тер", "sol": "сол", "van": "ван",
       "dre": "дре", "po": "по", "gul": "гул", "nis": "нис", "bor": "бор", "ta": "та",
       "ve": "ве", "rus": "рус", "lan": "лан", "chi": "чи", "dom": "дом", "pel": "пель",
       "sta": "ста", "kor": "кор", "mun": "мун", "ist": "ист", "ov": "ов", "en": "ен"}


def vocabulary(rng: random.Random, size: int) -> list[tuple[str, str]]:
    """Pseudo-words with a Russian-looking rendering (so the TMX is a real EN->RU pair)."""
    seen: set[str] = set()
    out = []
    while len(out) < size:
        parts = [rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))]
        word = "".join(parts)
        if word in seen:
            continue
        seen.add(word)
        out.append((word, "".join(CYR[p] for p in parts)))
    return out


class Generator:
    """Deterministic synthetic sentences and their 'translations'."""

    def __init__(self, seed: int, vocab_size: int = 20000) -> None:
        self.rng = random.Random(seed)
        self.vocab = vocabulary(self.rng, vocab_size)
        weights = 1.0 / np.arange(1, vocab_size + 1)
        self.cum = np.cumsum(weights / weights.sum())
        self.np_rng = np.random.default_rng(seed)

    def words(self, n: int) -> list[int]:
        return np.searchsorted(self.cum, self.np_rng.random(n)).tolist()

    def sentence(self) -> list[int | str]:
        n = self.rng.randint(8, 24)
        items: list[int | str] = list(self.words(n))
        if self.rng.random() < 0.6:
            items.insert(self.rng.randrange(len(items)), str(self.rng.randint(1900, 1991)))
        return items

    def render(self, items: list[int | str], lang: str) -> str:
        col = 0 if lang == "en" else 1
        text = " ".join(x if isinstance(x, str) else self.vocab[x][col] for x in items)
        return text[0].upper() + text[1:] + "."

    def near_duplicate(self, items: list[int | str]) -> list[int | str]:
        out = list(items)
        years = [i for i, x in enumerate(out) if isinstance(x, str)]
        if years and self.rng.random() < 0.5:
            i = years[0]
            out[i] = str(int(str(out[i])) + self.rng.randint(1, 9))
        else:
            i = self.rng.choice([i for i, x in enumerate(out) if not isinstance(x, str)])
            out[i] = self.words(1)[0]
        return out


def write_project(base: Path, units: int, segments: int, seed: int) -> tuple[list[str], Path]:
    """The TMX, the compendium PO, the document and tm.toml; returns the segment texts."""
    if base.exists():
        shutil.rmtree(base)
    (base / "memory").mkdir(parents=True)
    (base / "sources").mkdir()
    gen = Generator(seed)
    memory_items: list[list[int | str]] = []
    seen: set[str] = set()
    with (base / "memory" / "big.tmx").open("w", encoding="utf-8") as tmx, \
            (base / "compendium.po").open("w", encoding="utf-8") as comp:
        tmx.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                  '<header creationtool="bench" creationtoolversion="1" datatype="plaintext" '
                  'segtype="sentence" adminlang="en" srclang="en" o-tmf="bench"/>\n<body>\n')
        comp.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                   '"Language: ru\\n"\n\n')
        while len(memory_items) < units:
            items = gen.sentence()
            en = gen.render(items, "en")
            if en in seen:
                continue
            seen.add(en)
            memory_items.append(items)
            ru = gen.render(items, "ru")
            tmx.write(f'<tu><tuv xml:lang="en"><seg>{escape(en)}</seg></tuv>'
                      f'<tuv xml:lang="ru"><seg>{escape(ru)}</seg></tuv></tu>\n')
            comp.write(f'msgid "{en}"\nmsgstr "{ru}"\n\n')
        tmx.write("</body>\n</tmx>\n")
    texts: list[str] = []
    new_seen: set[str] = set()
    while len(texts) < segments:
        if len(texts) % 2 == 0:
            items = gen.near_duplicate(gen.rng.choice(memory_items))
        else:
            items = gen.sentence()
        en = gen.render(items, "en")
        if en in seen or en in new_seen:
            continue
        new_seen.add(en)
        texts.append(en)
    doc = base / "sources" / "new.md"
    doc.write_text("# Benchmark\n\n" + "\n\n".join(texts) + "\n", encoding="utf-8")
    (base / "tm.toml").write_text(
        'languages = ["en", "ru"]\nmemory = ["memory/*.tmx"]\nbuiltin_terms = false\n'
        "fuzzy_threshold = 75\n\n[[documents]]\nglob = \"**/*.md\"\nlanguage = \"en\"\n",
        encoding="utf-8")
    return texts, doc


def timed(cmd: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    return elapsed


def _tree(pid: int) -> list[int]:
    """A process and its descendants (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
    except OSError:
        return [pid]
    return [pid] + [p for k in kids for p in _tree(k)]


def tree_peak_mb(cmd: list[str], cwd: Path) -> float | None:
    """Peak memory of a run with all its processes (tm forks helpers on big files): the
    sum of their PSS (shared pages counted once), sampled every 50 ms. An untimed run:
    sampling costs CPU. None where /proc has no smaps_rollup."""
    if not Path(f"/proc/{os.getpid()}/smaps_rollup").exists():
        return None
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        total = 0
        for pid in _tree(proc.pid):
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            except OSError:
                pass
        peak = max(peak, total)
        time.sleep(0.05)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode})")
    return peak / 1024


def exhaustive(queries: list[str], choices: list[str], workers: int) -> tuple[float, np.ndarray]:
    """Best fuzz.ratio of every query over all choices (chunked to bound memory)."""
    t = time.perf_counter()
    best = np.zeros(len(queries), dtype=np.float32)
    step = max(1, 200_000_000 // max(1, len(queries)) // 4)
    for i in range(0, len(choices), step):
        m = process.cdist(queries, choices[i:i + step], scorer=fuzz.ratio, workers=workers,
                          dtype=np.float32)
        best = np.maximum(best, m.max(axis=1))
    return time.perf_counter() - t, best


def _runs(n: int) -> str:
    return "one run" if n == 1 else f"best of {n}"


def _numbers_masked(text: str) -> str:
    """A translation with its numbers masked: tm adapts a unit's years and numbers to
    the segment's (a placeable), so that is still the unit's translation."""
    return re.sub(r"\d+", "#", text)


def best_translations(queries: list[str], choices: list[str], targets: list[str],
                      workers: int) -> dict[str, set[str]]:
    """For each query, the translations (numbers masked) of every unit whose fuzz.ratio
    equals the query's exhaustive best (untimed; chunks of queries bound the memory)."""
    out: dict[str, set[str]] = {}
    step = max(1, 50_000_000 // max(1, len(choices)))
    for i in range(0, len(queries), step):
        chunk = queries[i:i + step]
        m = process.cdist(chunk, choices, scorer=fuzz.ratio, workers=workers,
                          dtype=np.float32)
        top = m.max(axis=1)
        for row, q in enumerate(chunk):
            out[q] = {_numbers_masked(targets[j]) for j in np.flatnonzero(m[row] == top[row])}
    return out


def filled(po: Path) -> dict[str, Message]:
    return {m.msgid: m for m in read_po(po).messages if not m.obsolete and m.msgstr}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--segments", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=-1, help="cdist workers (-1: all cores)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--skip-msgmerge", action="store_true")
    ap.add_argument("--skip-pot2po", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of tm (cold and warm), msgmerge and the scan; the first cold"
                    " run is the headline, the best of all is printed too (pot2po runs once)")
    ap.add_argument("--no-terms", action="store_true",
                    help="Turn the builtin termbase off (not the default configuration).")
    args = ap.parse_args()
    big = args.units > 100_000
    base = args.out / f"memory-{args.units}"
    t = time.perf_counter()
    texts, _ = write_project(base, args.units, args.segments, args.seed)
    if not args.no_terms:  # the default configuration
        toml = base / "tm.toml"
        toml.write_text(toml.read_text().replace("builtin_terms = false", "builtin_terms = true"))
    print(f"generated {args.units} units, {len(texts)} segments in "
          f"{time.perf_counter() - t:.1f}s ({base})")
    # the generated files written out before any tool is timed: their writeback (480 MB at
    # a million units) would otherwise fall into the first timed run, tm's cold one, and
    # into no other tool's
    os.sync()

    # Byte-compile tm once, as installing a wheel does: with PYTHONDONTWRITEBYTECODE set
    # (this machine sets it) an editable install would recompile tm on every run.
    compileall.compile_dir(str(ROOT / "tm"), quiet=1)
    script = Path(sys.executable).with_name("tm")  # the console script, not a pyenv shim
    tm_cmd = [str(script) if script.is_file() else shutil.which("tm") or "tm",
              "segment", "--quiet"]
    env_root = base
    pot = base / "locales" / "templates" / "new.pot"
    po = base / "locales" / "ru" / "new.po"
    runs = max(1, args.repeat)
    colds = []
    for i in range(runs):
        if i:
            shutil.rmtree(base / ".tm")
            po.unlink()
        colds.append(timed(tm_cmd, env_root))
    cold, cold_best = colds[0], min(colds)
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    tm_filled = filled(po)
    shutil.copy(po, base / "tm-cold.po")
    shutil.rmtree(base / ".tm")
    po.unlink()
    tree_mb = tree_peak_mb(tm_cmd, env_root)  # cold again, untimed: all processes' memory
    warms = []
    for _ in range(runs):
        po.unlink()
        warms.append(timed(tm_cmd, env_root))
    warm = min(warms)
    tree = f", all processes {tree_mb:.0f} MB (PSS)" if tree_mb is not None else ""
    terms = "builtin termbase off" if args.no_terms else "defaults: builtin termbase on"
    print(f"tm segment ({terms}): cold {cold:.2f}s single run (index built; runs "
          f"{', '.join(f'{t:.2f}' for t in colds)}; best {cold_best:.2f}s), warm (index and "
          f"advice kept) best of {runs} {warm:.2f}s, peak RSS {rss_mb:.0f} MB "
          f"(largest process){tree}, filled {len(tm_filled)}")

    results = {"tm": cold}
    empty = base / "empty.po"  # msgmerge's def.po and pot2po's template: nothing translated
    empty.write_text(format_po(Catalog(header={
        "Content-Type": "text/plain; charset=UTF-8", "Language": "ru"})), "utf-8")
    if not (args.skip_msgmerge or big):
        results["msgmerge"] = min(
            timed(["msgmerge", "--quiet", "--compendium", "compendium.po",
                   "-o", "msgmerge.po", str(empty), str(pot)], base) for _ in range(runs))
        print(f"msgmerge --compendium ({_runs(runs)}): {results['msgmerge']:.2f}s, "
              f"filled {len(filled(base / 'msgmerge.po'))}")
    if not (args.skip_pot2po or big):
        results["pot2po"] = timed(["pot2po", "--tm", "memory/big.tmx", "-t", str(empty),
                                   "-i", str(pot), "-o", "pot2po.po"], base)
        print(f"pot2po --tm: {results['pot2po']:.2f}s, filled {len(filled(base / 'pot2po.po'))}")

    msgids = [m.msgid for m in read_po(pot).messages if m.msgid]
    from tm.memory.formats import read_tmx

    tmx_units = list(read_tmx(base / "memory" / "big.tmx"))
    choices = [u.texts["en"] for u in tmx_units]
    scans = [exhaustive(msgids, choices, args.workers) for _ in range(runs)]
    scan, best = min(t for t, _ in scans), scans[0][1]
    results["scan"] = scan
    print(f"exhaustive cdist, {_runs(runs)} ({len(msgids)} x {len(choices)}, "
          f"workers={args.workers}): "
          f"{scan:.2f}s")

    required = [q for q, b in zip(msgids, best, strict=True) if b >= 80]
    wanted = best_translations(required, choices, [u.texts.get("ru", "") for u in tmx_units],
                               args.workers)
    got = sum(1 for q in required if q in tm_filled)
    hits = sum(1 for q in required
               if q in tm_filled and _numbers_masked(tm_filled[q].msgstr) in wanted[q])
    recall = hits / len(required) if required else 1.0
    extra = sum(1 for q, b in zip(msgids, best, strict=True) if q in tm_filled and b < 75)
    print(f"recall: {hits}/{len(required)} = {recall:.4f} (segments with exhaustive best "
          f">= 80 filled with that best unit's translation, or one with an equal score, "
          f"numbers adapted); filled at all: {got}/{len(required)}; tm fills with "
          f"exhaustive best < 75: {extra}")
    print("ratios (tm cold / other):")
    for name in ("msgmerge", "pot2po", "scan"):
        if name in results:
            print(f"  tm / {name:<8} = {cold / results[name]:.3f}  "
                  f"(warm: {warm / results[name]:.3f})")
    if os.environ.get("BENCH_STRICT"):
        ok = recall == 1.0 and cold <= (0.05 if big else 0.2) * scan and (
            "msgmerge" not in results or cold <= 0.1 * results["msgmerge"]) and (
            not big or max(rss_mb, tree_mb or 0) < 2048)
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
