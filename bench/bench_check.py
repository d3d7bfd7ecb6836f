"""Benchmark `tm check` against `msgfmt --statistics` and translate-toolkit's `pofilter`.

Generates N catalogs of M entries (real sentences of the bundled lecture with varied
numbers, pseudo-translated with termbase terms, footnote marks, citations and URLs
kept; 80% translated, 10% fuzzy, 10% untranslated, 2% with a planted fault), then
times, over the same files in the same run:

  tm check --format json            all QA checks on (one worker per CPU)
  tm check --counts-only            counts and policy only
  msgfmt --statistics               one process per file (how per-file counts are had),
                                    in series and two at a time
  pofilter IN OUT                   all default checks, one process (and, with
                                    --pofilter-parallel, two processes over halves)

and prints the ratios. Also: `--agree DIR` compares tm's counts with msgfmt's for
every catalog under DIR.

`--project` measures the stale check instead: the same catalogs in a tm project, each
document with a real source (its sentences as paragraphs) and a template written by
`tm segment`; `tm check` is timed with the stale check off (`severity.stale = "off"`),
on (the template's source digest matches: no segmentation), and on with the digest
useless (an HTML comment appended to every source: no sentence changes, but no
digest matches, so every source is segmented). No pofilter, no msgfmt.

    python bench/bench_check.py                      # 1,000 x 2,000 (takes a while)
    python bench/bench_check.py --files 40 --entries 500
    python bench/bench_check.py --project --files 200
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tm.po import Catalog, Message, format_po, read_po  # noqa: E402

TEMPLATE = ROOT / "locales/templates/lectures/weiss-2025-stalinist-war-on-trotskyists.pot"
STAT = re.compile(r"(\d+) translated messages?|(\d+) fuzzy translations?"
                  r"|(\d+) untranslated messages?")
NUM = re.compile(r"\d+")
KEEP = re.compile(r"<sup>\[\d+\]</sup>|<https?://[^>]+>|\]\([^)]+\)|\d[\d,.]*|[*_`\[\]()]")
END = re.compile(r"(?:[.?!:;…]|<sup>\[\d+\]</sup>|[*_”\"»)\]\s])*$")
CYR = dict(zip("abvgdezijklmnoprstufhcywqx", "абвгдезийклмнопрстуфхцывкс", strict=True))
LAT2CYR = str.maketrans({**CYR, **{k.upper(): v.upper() for k, v in CYR.items()}})
DE = {"the": "die", "and": "und", "of": "von", "is": "ist", "was": "war", "were": "waren",
      "in": "im", "to": "zu", "a": "ein", "by": "von", "with": "mit", "for": "für"}


def sentences() -> list[str]:
    """The lecture's segments, from its template as `tm segment` wrote it."""
    return [m.msgid for m in read_po(TEMPLATE).messages if len(m.msgid) > 3]


def pseudo_translate(text: str, lang: str, termbase: object) -> str:
    """Letters swapped into the target script (ru) or some words swapped (de); markup,
    numbers, URLs and end punctuation kept; citations converted; approved terms added."""
    from tm.citations import convert_citation

    if lang == "ru":
        cited = convert_citation(text, "en", "ru")
        if cited is not None:
            return cited
        text = text.replace("No. ", "№ ")
    out, pos = [], 0
    for m in KEEP.finditer(text):
        out.append(_words(text[pos:m.start()], lang))
        out.append(m.group(0))
        pos = m.end()
    out.append(_words(text[pos:], lang))
    result = "".join(out)
    if lang == "ru" and termbase is not None:
        terms = [t.target for t in termbase.find(text, "en", "ru")  # type: ignore[attr-defined]
                 if not t.uncertain and t.target not in result]
        if terms:
            cut = END.search(result)
            at = cut.start() if cut else len(result)
            result = result[:at] + " (" + "; ".join(terms) + ")" + result[at:]
    return result


def _words(chunk: str, lang: str) -> str:
    if lang in ("ru", "uk"):
        return chunk.translate(LAT2CYR)
    return re.sub(r"[A-Za-z]+", lambda m: DE.get(m.group(0), m.group(0)), chunk)


def generate(folder: Path, files: int, entries: int, langs: list[str], seed: int = 4) -> list[Path]:
    from tm.terms import load_termbase

    rng = random.Random(seed)
    termbase = load_termbase()
    pool = sentences()
    docs = max(1, files // len(langs))
    paths = []
    for d in range(docs):
        srcs = []
        for i in range(entries):
            s = pool[(d * 31 + i) % len(pool)]
            s = NUM.sub(lambda m: str(rng.randint(1, 2000)), s)
            if not NUM.search(s):
                s = re.sub(r"([.?!:]*)$", lambda m: f" ({rng.randint(1900, 1950)})" + m.group(1), s,
                           count=1)
            srcs.append(s)
        srcs = list(dict.fromkeys(srcs))
        for lang in langs:
            if len(paths) >= files:
                break
            cat = Catalog(header={"Project-Id-Version": f"doc{d}", "Language": lang,
                                  "MIME-Version": "1.0",
                                  "Content-Type": "text/plain; charset=UTF-8",
                                  "Content-Transfer-Encoding": "8bit"})
            cat.header_msgstr = "x"
            for i, s in enumerate(srcs):
                r = rng.random()
                m = Message(msgid=s, extracted=["paragraph"],
                            references=[f"sources/doc{d}.md:{i + 1}"])
                if r < 0.8:
                    m.msgstr = pseudo_translate(s, lang, termbase)
                    if rng.random() < 0.02:  # a planted fault: a changed number or a lost mark
                        m.msgstr = NUM.sub(lambda x: str(int(x.group(0)) + 1), m.msgstr, count=1)
                        m.msgstr = m.msgstr.replace("</sup>", "", 1)
                elif r < 0.9:
                    m.msgstr, m.fuzzy = pseudo_translate(s, lang, None), True
                cat.messages.append(m)
            path = folder / lang / f"doc{d:04}.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(format_po(cat), "utf-8")
            paths.append(path)
    return paths


CPU: dict[float, tuple[float, float]] = {}
"""wall seconds -> (CPU seconds of child processes, load average during the step)"""


def timed(fn):  # type: ignore[no-untyped-def]
    """Wall time of fn(); the children's CPU time and the load average go into CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU[wall] = (cpu, os.getloadavg()[0])
    return wall, result


def msgfmt_stats(path: Path) -> tuple[int, int, int] | None:
    r = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, str(path)],
                       capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    if r.returncode:
        return None
    c = [0, 0, 0]
    for m in STAT.finditer(r.stderr):
        for i in range(3):
            if m.group(i + 1):
                c[i] = int(m.group(i + 1))
    return c[0], c[1], c[2]


def tm_check(args: list[str], cwd: Path | None = None) -> dict[str, object]:
    r = subprocess.run([sys.executable, "-c", "from tm.cli import main; main()", "check",
                        "--format", "json", *args],
                       capture_output=True, text=True, cwd=cwd or tempfile.gettempdir())
    if r.returncode not in (0, 1):
        raise SystemExit(f"tm check failed: {r.stderr}")
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def pofilter(paths: list[Path], out: Path, procs: int) -> None:
    """pofilter over `paths` (symlinked into `procs` input folders), `procs` at a time."""
    shutil.rmtree(out, ignore_errors=True)
    jobs = []
    for k in range(procs):
        src = out / f"in{k}"
        src.mkdir(parents=True)
        for i, p in enumerate(paths[k::procs]):
            (src / f"{i:05}-{p.parent.name}-{p.name}").symlink_to(p)
        cmd = ["pofilter", "--progress=none", str(src), str(out / f"out{k}")]
        jobs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for j in jobs:
        j.wait()


def agree(folder: Path) -> int:
    from tm.checks import count_catalog
    from tm.errors import TmError

    same = differ = rejected = 0
    for p in sorted(folder.rglob("*.po")):
        ref = msgfmt_stats(p)
        try:
            c = count_catalog(read_po(p))
            ours: tuple[int, int, int] | None = (c.translated, c.fuzzy, c.untranslated)
        except TmError:
            ours = None
        if ref is None:
            rejected += 1
            if ours is not None:
                print(f"msgfmt rejects, tm accepts: {p}")
        elif ours == ref:
            same += 1
        else:
            differ += 1
            print(f"DIFFER {p}: tm {ours}, msgfmt {ref}")
    print(f"{same + differ + rejected} catalogs: {same} agree, {differ} differ, "
          f"{rejected} rejected by msgfmt")
    return 1 if differ else 0


PROJECT_TOML = """languages = ["en", {langs}]
builtin_terms = true
[[documents]]
glob = "**/*.md"
language = "en"
[check]
qa = "error"
severity = {{ stale = "{stale}" }}
"""


def generate_project(root: Path, files: int, entries: int, langs: list[str]) -> list[Path]:
    """A tm project: sources/docNNNN.md (the generated sentences as paragraphs), templates
    and empty catalogs by `tm segment --no-memory`, then the catalogs filled as in
    `generate` (80% translated, 10% fuzzy, 10% untranslated, planted faults)."""
    from tm.config import load_config
    from tm.project import segment_project
    from tm.terms import load_termbase

    shutil.rmtree(root, ignore_errors=True)
    (root / "sources").mkdir(parents=True)
    (root / "tm.toml").write_text(PROJECT_TOML.format(
        langs=", ".join(f'"{x}"' for x in langs), stale="error"), "utf-8")
    rng = random.Random(4)
    pool = [s for s in sentences() if "\n" not in s and s[0].isalpha()]
    docs = max(1, files // len(langs))
    for d in range(docs):
        srcs = []
        for i in range(entries):
            s = pool[(d * 31 + i) % len(pool)]
            s = NUM.sub(lambda m: str(rng.randint(1, 2000)), s)
            if not NUM.search(s):
                s = re.sub(r"([.?!:]*)$", lambda m: f" ({rng.randint(1900, 1950)})" + m.group(1), s,
                           count=1)
            srcs.append(s)
        (root / "sources" / f"doc{d:04}.md").write_text("\n\n".join(srcs) + "\n", "utf-8")
    config = load_config(root / "tm.toml")
    segment_project(config)
    termbase = load_termbase()
    paths = []
    for d in range(docs):
        for lang in langs:
            path = config.catalog_path(f"doc{d:04}", lang)
            cat = read_po(path)
            for m in cat.messages:
                r = rng.random()
                if r < 0.8:
                    m.msgstr = pseudo_translate(m.msgid, lang, termbase)
                    if rng.random() < 0.02:
                        m.msgstr = NUM.sub(lambda x: str(int(x.group(0)) + 1), m.msgstr, count=1)
                elif r < 0.9:
                    m.msgstr, m.fuzzy = pseudo_translate(m.msgid, lang, None), True
            path.write_text(format_po(cat), "utf-8")
            paths.append(path)
    return paths


def stale_bench(a: argparse.Namespace, work: Path) -> int:
    """tm check with the stale check off, on, and on with every source segmented."""
    root = work / "project"
    langs = a.langs.split(",")
    if a.reuse and (root / "tm.toml").is_file():
        t, paths = 0.0, sorted((root / "locales").rglob("*.po"))
    else:
        t, paths = timed(lambda: generate_project(root, a.files, a.entries, langs))
    n = sum(1 for p in paths for line in p.open(encoding="utf-8") if line.startswith("msgid "))
    print(f"generated {len(paths)} catalogs, {n - len(paths)} entries in {t:.1f}s ({root})")
    # templates record the segmenter's code: refresh them for the tm being measured
    from tm.checks.counts import scan_active
    from tm.checks.stale import Source, SourceSpec
    from tm.config import load_config
    from tm.project import segment_project

    config = load_config(root / "tm.toml")
    doc = config.documents_list()[0]
    text = config.catalog_path(doc, langs[0]).read_text("utf-8")
    found = scan_active(text, False)
    if found is None or not Source(SourceSpec(config, doc)).matches(
            text, (k for k, _, _ in found[2])):
        t, _ = timed(lambda: segment_project(config))
        print(f"tm segment --no-memory (templates refreshed) in {t:.1f}s")
    toml = root / "tm.toml"
    sources = sorted((root / "sources").glob("*.md"))
    results: dict[str, float] = {}
    stale: dict[str, int] = {}
    for counts_only in (True,) if a.skip_qa else (False, True):
        extra = ["--counts-only"] if counts_only else []
        label = " --counts-only" if counts_only else " (all QA)"
        for mode in ("off", "on", "on, segmenting"):
            toml.write_text(PROJECT_TOML.format(langs=", ".join(f'"{x}"' for x in langs),
                                                stale="off" if mode == "off" else "error"))
            if mode == "on, segmenting":
                for src in sources:
                    with src.open("a", encoding="utf-8") as f:
                        f.write("\n<!-- edited -->\n")
            try:
                name = f"tm check{label}, stale {mode}"
                for _ in range(a.repeat):
                    secs, out = timed(lambda: tm_check(extra, cwd=root))  # noqa: B023
                    results[name] = min(secs, results.get(name, secs))
                stale[name] = sum(f["stale"] for f in out["files"])  # type: ignore[attr-defined]
            finally:
                if mode == "on, segmenting":
                    for src in sources:
                        text = src.read_text("utf-8")
                        src.write_text(text.removesuffix("\n<!-- edited -->\n"), "utf-8")
    print(f"{os.cpu_count()} CPUs")
    print(f"  {'':44} {'wall':>9} {'CPU':>9}  load  stale findings")
    for name, secs in results.items():
        cpu, load = CPU.get(secs, (0.0, 0.0))
        print(f"  {name:44} {secs:8.2f}s {cpu:8.2f}s  {load:4.1f}  {stale[name]}")
    for label in (" --counts-only",) if a.skip_qa else (" (all QA)", " --counts-only"):
        off = results[f"tm check{label}, stale off"]
        for mode in ("on", "on, segmenting"):
            on = results[f"tm check{label}, stale {mode}"]
            print(f"stale check{label}, {mode}: +{on - off:.2f}s wall "
                  f"({100 * (on - off) / on:.1f}% of the run)")
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if any(stale.values()) else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=2000)
    ap.add_argument("--langs", default="ru,de", help="target languages, files split evenly")
    ap.add_argument("--workdir", type=Path, help="keep the generated files here")
    ap.add_argument("--reuse", action="store_true",
                    help="time the catalogs already generated in --workdir")
    ap.add_argument("--pofilter-parallel", action="store_true",
                    help="also time pofilter as two processes over halves of the files")
    ap.add_argument("--agree", type=Path, metavar="DIR", help="only compare counts with msgfmt")
    ap.add_argument("--project", action="store_true",
                    help="time the stale check (tm only) in a generated project")
    ap.add_argument("--skip-qa", action="store_true",
                    help="with --project: time only --counts-only runs")
    ap.add_argument("--repeat", type=int, default=1,
                    help="with --project: best of this many runs of each")
    a = ap.parse_args()
    if a.agree:
        return agree(a.agree)
    work = a.workdir or Path(tempfile.mkdtemp(prefix="tm-bench-"))
    if a.project:
        return stale_bench(a, work)
    data = work / "catalogs"
    if a.reuse and data.is_dir():
        t, paths = 0.0, sorted(data.rglob("*.po"))
    else:
        shutil.rmtree(data, ignore_errors=True)
        t, paths = timed(lambda: generate(data, a.files, a.entries, a.langs.split(",")))
    n = sum(1 for p in paths for line in p.open(encoding="utf-8") if line.startswith("msgid "))
    print(f"generated {len(paths)} catalogs, {n - len(paths)} entries in {t:.1f}s ({data})")
    cpus = os.cpu_count() or 1
    results: dict[str, float] = {}

    results["tm check (all QA)"], full = timed(lambda: tm_check([str(data)]))
    results["tm check --counts-only"], counts = timed(
        lambda: tm_check(["--counts-only", str(data)]))
    results["msgfmt --statistics, serial"], ref = timed(lambda: [msgfmt_stats(p) for p in paths])
    with ThreadPoolExecutor(2) as pool:
        results["msgfmt --statistics, 2 at a time"], _ = timed(
            lambda: list(pool.map(msgfmt_stats, paths)))
    results["pofilter, 1 process"], _ = timed(lambda: pofilter(paths, work / "pofilter", 1))
    if a.pofilter_parallel:
        results["pofilter, 2 processes"], _ = timed(lambda: pofilter(paths, work / "pofilter", 2))

    ours = {str(Path(f["path"]).resolve()): (f["translated"], f["fuzzy"], f["untranslated"])
            for f in counts["files"]}  # type: ignore[attr-defined]
    mismatches = sum(ours.get(str(p.resolve())) != r for p, r in zip(paths, ref, strict=True))
    findings = sum(len(f["findings"]) for f in full["files"])  # type: ignore[attr-defined]
    print(f"{cpus} CPUs; counts differing from msgfmt: {mismatches} of {len(paths)} files; "
          f"tm QA findings: {findings}")
    print(f"  {'':36} {'wall':>9} {'CPU':>9}  load (others' work on the machine)")
    for name, secs in results.items():
        cpu, load = CPU.get(secs, (0.0, 0.0))
        print(f"  {name:36} {secs:8.2f}s {cpu:8.2f}s  {load:4.1f}")
    qa, co = results["tm check (all QA)"], results["tm check --counts-only"]
    cpu = {name: CPU.get(secs, (0.0, 0.0))[0] for name, secs in results.items()}
    ratios = [
        ("pofilter (1 process) / tm check all QA, wall", results["pofilter, 1 process"] / qa,
         ">= 5"),
        ("pofilter / tm check all QA, CPU seconds",
         cpu["pofilter, 1 process"] / max(cpu["tm check (all QA)"], 1e-9), ""),
        ("tm --counts-only / msgfmt serial, wall", co / results["msgfmt --statistics, serial"],
         "<= 2"),
        ("tm --counts-only / msgfmt 2 at a time, wall",
         co / results["msgfmt --statistics, 2 at a time"], ""),
    ]
    if "pofilter, 2 processes" in results:
        ratios.insert(1, ("pofilter (2 processes) / tm check all QA, wall",
                          results["pofilter, 2 processes"] / qa, ""))
    for name, value, target in ratios:
        print(f"{name:48} {value:6.2f}" + (f"   (target {target})" if target else ""))
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
