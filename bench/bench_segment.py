"""Benchmark `tm segment` and `tm lint` with the defaults against po4a and msgmerge.

Builds a ~4.4 MB Markdown document from the bundled lecture (about 200 copies, every
copy's sentences made unique) in a project with the defaults (builtin termbase on, the
project's memory as configured: none besides it), then times in one run, each command
once (single runs unless --repeat asks for the best of more):

1. the first `tm segment` (the CLI, in a subprocess, fresh project: no .tm/ yet)
   against `po4a-updatepo -f text -o markdown` on the same document;
2. `tm segment` again with nothing changed, and after one paragraph changed, each as
   a ratio of the first run;
3. after translating every entry of both catalogs and changing 3% of the paragraphs,
   the update `tm segment` against `msgmerge --previous old.po new.pot` run on tm's
   own old catalog and new template;
4. `tm lint` on the document against po4a-updatepo's first run;
5. the fixed cost: `tm segment` on the bundled lecture's project with nothing changed
   against `tm --help`, and `tm --help` against `python -c "import typer"`;
6. for the record, the first run and the update with `--no-memory`;
7. the peak memory of all tm's processes together;
8. the same text as 40 documents (`--chapters`), first run: tm with the defaults (both
   cores: the advisor's worker cuts whole documents too), the same on one core
   (`taskset -c 0`), and po4a-updatepo reading them all into one catalog.

It prints the times, the ratios, tm's peak memory, and checks that the update kept
every translation (translated, fuzzy, obsolete counts), so the time measured is that
of a correct run. Not part of the test suite.

    python bench/bench_segment.py [--repeat 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "sources" / "lectures" / "weiss-2025-stalinist-war-on-trotskyists.md"
DOC = "doc"
TM_TOML = """languages = ["en", "ru"]
sources = "sources"
locales = "locales"
output = "build"

[[documents]]
glob = "**/*.md"
language = "en"
"""
TARGETS = {"first": 0.5, "update": 0.5, "memory_mb": 500.0, "unchanged": 0.15,
           "one": 0.25, "lint": 0.5, "fixed": 2.0}


# --- the document ----------------------------------------------------------------------

_SYLLABLES = ("ba", "ke", "di", "mo", "lu", "ra", "si", "to", "ve", "zu", "pa", "ni",
              "go", "fe", "ha", "ju")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]*_]*(?:<sup>[^<]{0,12}</sup>)?\s+")
_WORD = re.compile(r"(?:(?<=[\s*(“«\"])|^)([A-Za-zА-Яа-яЁё]+) (?=[\w“«\"(*])")
_NUMBER = re.compile(r"\d+")
_LINE_MARK = re.compile(r"^(?:#+ |\[\d+\] |\*)?")


def copy_word(k: int) -> str:
    """A lowercase pseudo-word, different for every copy number `k`."""
    out = ""
    k += len(_SYLLABLES)  # at least two syllables
    while k:
        k, r = divmod(k, len(_SYLLABLES))
        out = _SYLLABLES[r] + out
    return "z" + out


def _outside_markup(line: str, pos: int) -> bool:
    """Whether `pos` lies outside HTML tags, autolinks, code spans and link targets."""
    before = line[:pos]
    if before.count("<") != before.count(">") or before.count("`") % 2:
        return False
    target = before.rfind("](")
    return target < 0 or ")" in before[target:]


def _unique_line(line: str, k: int) -> str:
    """Make every sentence of one source line specific to copy `k`.

    A lowercase pseudo-word goes after the first plain word of each sentence (a lowercase
    word after a word never creates or removes a sentence break); a sentence without such
    a word gets its last number changed instead (`l. 144` -> `l. 1440k` in copy k).
    """
    if not line.strip() or line.strip() == "---":
        return line
    word = copy_word(k)
    starts = [_LINE_MARK.match(line).end()]  # type: ignore[union-attr]
    starts += [m.end() for m in _SENTENCE_END.finditer(line) if m.end() < len(line)]
    ends = [*starts[1:], len(line)]
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement)
    for a, b in zip(starts, ends, strict=True):
        for m in _WORD.finditer(line, a, b):
            if _outside_markup(line, m.start()):
                edits.append((m.end(1), m.end(1), " " + word))
                break
        else:
            nums = [m for m in _NUMBER.finditer(line, a, b) if _outside_markup(line, m.start())]
            if nums:
                n = nums[-1]
                edits.append((n.start(), n.end(), f"{n.group()}0{k}"))
    for a, b, rep in reversed(edits):
        line = line[:a] + rep + line[b:]
    return line


def build_document(lecture: str, target_bytes: int) -> tuple[str, int]:
    """The lecture repeated until the text is about `target_bytes` long (UTF-8)."""
    lines = lecture.strip("\n").split("\n")
    one = len("\n".join(_unique_line(x, 1) for x in lines).encode("utf-8")) + 2
    copies = max(1, round(target_bytes / one))
    parts = ["\n".join(_unique_line(x, k) for x in lines) for k in range(copies)]
    return "\n\n".join(parts) + "\n", copies


def change_paragraphs(text: str, share: float, seed: int) -> tuple[str, dict[str, int]]:
    """Edit a word in, append a sentence to, or delete `share` of the plain paragraphs."""
    blocks = text.split("\n\n")
    eligible = [i for i, b in enumerate(blocks)
                if b.strip() and not b.lstrip().startswith(("#", "---", "|"))]
    rng = random.Random(seed)
    chosen = sorted(rng.sample(eligible, round(share * len(eligible))))
    done = {"paragraphs": len(eligible), "edited": 0, "appended": 0, "deleted": 0}
    drop = set()
    for n, i in enumerate(chosen):
        b = blocks[i]
        kind = ("edited", "edited", "appended", "deleted")[n % 4]
        if kind == "edited":
            words = [m for m in re.finditer(r"(?<= )[a-z]{4,}(?= )", b)
                     if _outside_markup(b, m.start())]
            if not words:
                kind = "appended"
            else:
                w = words[len(words) // 2]
                b = b[: w.start()] + "indeed " + b[w.start():]
        if kind == "appended":
            b = b.rstrip() + f" This sentence was added in revision {copy_word(n)}."
        if kind == "deleted":
            drop.add(i)
        blocks[i] = b
        done[kind] += 1
    return "\n\n".join(b for i, b in enumerate(blocks) if i not in drop), done


# --- measuring -------------------------------------------------------------------------

@dataclass
class Run:
    """Wall time and peak resident memory of one child process."""

    seconds: float
    peak_mb: float
    cpu: float = 0.0
    """User + system CPU seconds (less disturbed by other load than wall time)."""


GNU_TIME = "/usr/bin/time"


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
        ok_codes: Sequence[int] = (0,)) -> Run:
    """Run `cmd`, fail loudly on another exit code; time it and read its own rusage.

    The peak memory comes from GNU time when installed: a child forked from this process
    reports this process's resident size as its own peak (Linux keeps the high-water
    mark across exec), and this process holds polib's copy of a 10 MB catalog."""
    peak_file = Path(tempfile.mkstemp(prefix="tm-bench-peak-")[1])
    wrapped = ([GNU_TIME, "-f", "%M", "-o", str(peak_file), *cmd]
               if os.access(GNU_TIME, os.X_OK) else list(cmd))
    try:
        with tempfile.TemporaryFile() as out:
            t0 = time.perf_counter()
            p = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=out, env=env)
            _, status, usage = os.wait4(p.pid, 0)
            seconds = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode not in ok_codes:
                out.seek(0)
                sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n"
                         + out.read().decode("utf-8", "replace"))
        peak_kib = float(usage.ru_maxrss)
        lines = peak_file.read_text().split()
        if wrapped[0] == GNU_TIME and lines and lines[-1].isdigit():
            peak_kib = float(lines[-1])
    finally:
        peak_file.unlink(missing_ok=True)
    return Run(seconds, peak_kib / 1024, usage.ru_utime + usage.ru_stime)


def best(cmd: Sequence[str], cwd: Path, repeat: int, before: object = None) -> Run:
    """The fastest of `repeat` runs (peak memory: the largest); `before()` resets state."""
    runs = []
    for _ in range(repeat):
        if callable(before):
            before()
        runs.append(run(cmd, cwd))
    return Run(min(r.seconds for r in runs), max(r.peak_mb for r in runs),
               min(r.cpu for r in runs))


def tm_command() -> list[str]:
    """The `tm` console script users run (next to this interpreter, else on PATH)."""
    script = Path(sys.executable).with_name("tm")
    if script.is_file():
        return [str(script)]
    found = shutil.which("tm")
    if found is None:
        sys.exit("bench: no `tm` script; run `pip install -e .` first")
    return [found]


# --- catalogs --------------------------------------------------------------------------

def _polib() -> Any:
    """polib, imported when needed (it checks tm's catalogs independently of tm.po)."""
    import polib  # type: ignore[import-untyped]

    return polib


def translate_all(path: Path) -> int:
    """Fill every msgstr with the upper-cased msgid (polib, not tm's own writer)."""
    polib = _polib()

    po = polib.pofile(str(path), wrapwidth=78)
    n = 0
    for e in po:
        if not e.obsolete and e.msgid:
            e.msgstr = e.msgid.upper()
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
            n += 1
    po.save(str(path))
    return n


def counts(path: Path) -> dict[str, int]:
    """translated / fuzzy / untranslated / obsolete, as msgfmt counts them."""
    polib = _polib()

    po = polib.pofile(str(path))
    return {
        "translated": len(po.translated_entries()),
        "fuzzy": len(po.fuzzy_entries()),
        "untranslated": len(po.untranslated_entries()),
        "obsolete": len(po.obsolete_entries()),
    }


def check_update(old: Path, new: Path) -> list[str]:
    """Problems with `new` as an update of `old`: lost or altered translations."""
    polib = _polib()

    before = polib.pofile(str(old))
    after = polib.pofile(str(new))
    kept: set[str] = set()
    problems = []
    for e in after:
        if e.obsolete:
            kept.add(e.msgid)
        elif "fuzzy" in e.flags:
            if e.previous_msgid:
                kept.add(e.previous_msgid)
        elif e.msgstr:
            if e.msgstr != e.msgid.upper():
                problems.append(f"wrong translation for {e.msgid[:60]!r}")
            kept.add(e.msgid)
    lost = [e.msgid for e in before if e.msgstr and not e.obsolete and e.msgid not in kept]
    if lost:
        problems.append(f"{len(lost)} translations lost, e.g. {lost[0][:60]!r}")
    check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(new)],
                           capture_output=True, text=True)
    if check.returncode:
        problems.append("msgfmt --check: " + check.stderr.strip()[:300])
    return problems


# --- the benchmark ---------------------------------------------------------------------

def machine() -> str:
    """nproc, CPU model and tool versions, for the record."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            return out.splitlines()[0] if out else "?"
        except OSError:
            return "missing"

    return (f"{os.cpu_count()} CPUs, {model}; Python {platform.python_version()}; "
            f"{version(['po4a-updatepo', '--version'])}; {version(['msgmerge', '--version'])}")


def load_average() -> str:
    """1, 5 and 15-minute load averages: other jobs on the machine slow every figure."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def show(label: str, r: Run, note: str = "") -> None:
    """One timing line: wall time, CPU time, peak memory."""
    print(f"  {label:<23}: {r.seconds:7.2f} s  (cpu {r.cpu:5.2f} s)  peak {r.peak_mb:5.0f} MB"
          + (f"  ({note})" if note else ""))


RESULTS: list[tuple[str, float, float, bool]] = []
"""(what, ratio, target, met) for the summary at the end."""


def ratio_line(name: str, tm: Run, other: Run, target: float, strict: bool = False) -> str:
    """The wall-time ratio against its target, and the CPU-time ratio for comparison."""
    r = tm.seconds / other.seconds
    ok = r < target if strict else r <= target
    op = "<" if strict else "<="
    RESULTS.append((name, r, target, ok))
    return (f"  ratio {name}: {r:.3f}  (target {op} {target:g}: {'met' if ok else 'MISSED'};"
            f" cpu-time ratio {tm.cpu / max(other.cpu, 1e-9):.3f})")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=float, default=4.4, help="document size in MB (4.4)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per timing, best kept (1: single runs, as measured)")
    ap.add_argument("--change", type=float, default=0.03, help="share of paragraphs changed")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--chapters", type=int, default=40,
                    help="documents the text is cut into for the several-documents run (40)")
    ap.add_argument("--keep", type=Path, help="build the project here and keep it")
    args = ap.parse_args(argv)

    for tool in ("po4a-updatepo", "msgmerge", "msgfmt"):
        if shutil.which(tool) is None:
            sys.exit(f"bench: {tool} not found (apt-get install po4a gettext)")
    tm = tm_command()
    # Byte-compile tm once, as installing a wheel does: with PYTHONDONTWRITEBYTECODE set
    # an editable install would compile tm's modules again on every run.
    compileall.compile_dir(str(ROOT / "tm"), quiet=1)
    print(f"machine: {machine()}")
    print(f"tm: {' '.join(tm)}")
    print(f"load average at start: {load_average()}")

    base = args.keep or Path(tempfile.mkdtemp(prefix="tm-bench-"))
    if args.keep and base.exists():
        shutil.rmtree(base)
    proj, p4 = base / "tm", base / "po4a"
    (proj / "sources").mkdir(parents=True)
    p4.mkdir(parents=True)
    (proj / "tm.toml").write_text(TM_TOML, "utf-8")
    try:
        return _bench(args, tm, proj, p4)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def chapters(text: str, n: int) -> list[str]:
    """`text` cut at blank lines into `n` documents of about the same size."""
    paragraphs = text.split("\n\n")
    size = len(text) / n
    out: list[list[str]] = [[]]
    held = 0
    for para in paragraphs:
        if held >= size * len(out) and len(out) < n:
            out.append([])
        out[-1].append(para)
        held += len(para) + 2
    return ["\n\n".join(part).strip("\n") + "\n" for part in out]


def several(args: argparse.Namespace, seg: list[str], where: Path, text: str) -> None:
    """The document as `args.chapters` documents, a fresh project each time: tm's first
    run with the defaults (both cores: the advisor's worker cuts documents too), the same
    restricted to one core (`taskset -c 0`: no worker), and po4a-updatepo reading all of
    them into one catalog."""
    docs = chapters(text, args.chapters)
    proj, p4 = where / "chapters", where / "chapters-po4a"
    for d in (proj, p4):
        shutil.rmtree(d, ignore_errors=True)
    (proj / "sources").mkdir(parents=True)
    p4.mkdir()
    (proj / "tm.toml").write_text(TM_TOML, "utf-8")
    masters = []
    for i, doc in enumerate(docs):
        (proj / "sources" / f"ch{i:02d}.md").write_text(doc, "utf-8")
        (p4 / f"ch{i:02d}.md").write_text(doc, "utf-8")
        masters += ["-m", f"ch{i:02d}.md"]

    def fresh() -> None:
        shutil.rmtree(proj / "locales", ignore_errors=True)
        shutil.rmtree(proj / ".tm", ignore_errors=True)

    def fresh_po4a() -> None:
        (p4 / "all.po").unlink(missing_ok=True)

    both = best(seg, proj, args.repeat, fresh)
    one = (best(["taskset", "-c", "0", *seg], proj, args.repeat, fresh)
           if shutil.which("taskset") else None)
    p_all = best(["po4a-updatepo", "-f", "text", "-o", "markdown", "-M", "UTF-8", *masters,
                  "-p", "all.po"], p4, args.repeat, fresh_po4a)
    print(f"\n8. the same text as {len(docs)} documents, first run (defaults, fresh project)")
    show("tm segment", both)
    if one is not None:
        show("tm segment, one core", one, f"(taskset -c 0; {both.seconds / one.seconds:.3f}x "
             "of it on both cores)")
    show("po4a-updatepo, one catalog", p_all)
    print(f"  ratio several documents tm/po4a: {both.seconds / p_all.seconds:.3f} "
          f"(for the record; cpu-time ratio {both.cpu / p_all.cpu:.3f})")


def change_one_paragraph(text: str) -> str:
    """The document with one word added to its middle plain paragraph."""
    blocks = text.split("\n\n")
    plain = [i for i, b in enumerate(blocks)
             if b.strip() and not b.lstrip().startswith(("#", "---", "|", ">", "*", "-"))
             and len(b) > 200]
    i = plain[len(plain) // 2]
    words = list(re.finditer(r"(?<= )[a-z]{4,}(?= )", blocks[i]))
    w = words[len(words) // 2]
    blocks[i] = blocks[i][: w.start()] + "really " + blocks[i][w.start():]
    return "\n\n".join(blocks)


def _bench(args: argparse.Namespace, tm: list[str], proj: Path, p4: Path) -> int:  # noqa: C901
    text, copies = build_document(LECTURE.read_text("utf-8"), int(args.size * 1_000_000))
    src = proj / "sources" / f"{DOC}.md"
    pot = proj / "locales" / "templates" / f"{DOC}.pot"
    po = proj / "locales" / "ru" / f"{DOC}.po"
    src.write_text(text, "utf-8")
    (p4 / f"{DOC}.md").write_text(text, "utf-8")
    print(f"document: {len(text.encode()) / 1e6:.2f} MB, {copies} copies of the lecture, "
          f"{text.count(chr(10))} lines")
    seg = [*tm, "segment"]
    po4a = ["po4a-updatepo", "-f", "text", "-o", "markdown", "-M", "UTF-8",
            "-m", f"{DOC}.md", "-p", f"{DOC}.po"]

    def fresh_tm() -> None:  # a new project: no catalogs, no index, no caches
        shutil.rmtree(proj / "locales", ignore_errors=True)
        shutil.rmtree(proj / ".tm", ignore_errors=True)

    def fresh_po4a() -> None:
        (p4 / f"{DOC}.po").unlink(missing_ok=True)

    # 1. first segmentation, defaults
    t_first = best(seg, proj, args.repeat, fresh_tm)
    p_first = best(po4a, p4, args.repeat, fresh_po4a)
    tm_counts = counts(po)
    p4_counts = counts(p4 / f"{DOC}.po")
    polib = _polib()

    refs = [len(e.occurrences) for e in polib.pofile(str(pot))]
    shared = sum(1 for r in refs if r > 1)
    print("\n1. first segmentation (defaults: builtin termbase on, fresh project)")
    show("tm segment", t_first, f"{len(refs)} entries, {shared} occur more than once")
    show("po4a-updatepo markdown", p_first, f"{sum(p4_counts.values())} entries")
    print(ratio_line("first tm/po4a", t_first, p_first, TARGETS["first"]))
    if tm_counts["untranslated"] + tm_counts["fuzzy"] + tm_counts["translated"] != len(refs):
        print(f"  PROBLEM: catalog has {tm_counts} for {len(refs)} template entries")
        return 1

    # 2. nothing changed; one paragraph changed
    t_same = run(seg, proj)
    show("tm segment, unchanged", t_same)
    print(ratio_line("unchanged/first", t_same, t_first, TARGETS["unchanged"]))
    src.write_text(change_one_paragraph(text), "utf-8")
    t_one = run(seg, proj)
    show("tm segment, 1 paragraph", t_one)
    print(ratio_line("one-paragraph/first", t_one, t_first, TARGETS["one"]))
    src.write_text(text, "utf-8")
    run(seg, proj)  # back to the document as translated below

    # 3. translate everything, change 3% of the paragraphs, update
    n_tm = translate_all(po)
    translate_all(p4 / f"{DOC}.po")
    old = proj.parent / "old.po"
    shutil.copyfile(po, old)
    changed, what = change_paragraphs(text, args.change, args.seed)
    src.write_text(changed, "utf-8")
    (p4 / f"{DOC}.md").write_text(changed, "utf-8")
    print(f"\n3. update: {n_tm} entries translated; of {what['paragraphs']} paragraphs "
          f"{what['edited']} edited, {what['appended']} got a new sentence, "
          f"{what['deleted']} deleted")

    def restore() -> None:
        shutil.copyfile(old, po)

    t_upd = best(seg, proj, args.repeat, restore)
    merged = proj.parent / "msgmerge.po"
    mm = ["msgmerge", "--quiet", "--previous", str(old), str(pot), "-o", str(merged)]
    m_upd = best(mm, proj, args.repeat)
    show("tm segment", t_upd)
    show("msgmerge --previous", m_upd)
    print(ratio_line("update tm/msgmerge", t_upd, m_upd, TARGETS["update"]))
    p_upd = run(po4a, p4)
    print(f"  (po4a-updatepo update  : {p_upd.seconds:7.2f} s, for the record)")

    after, theirs = counts(po), counts(merged)
    print(f"  tm       : {after}")
    print(f"  msgmerge : {theirs}")
    problems = check_update(old, po)
    if after["translated"] != theirs["translated"]:
        problems.append("tm and msgmerge disagree on the unchanged (translated) entries")
    if after["fuzzy"] < what["edited"] or after["obsolete"] < 1:
        problems.append("fewer fuzzy or obsolete entries than paragraphs edited or deleted")
    print("  check: " + ("translations kept, msgfmt --check passes" if not problems
                         else "PROBLEMS: " + "; ".join(problems)))

    peak = max(t_first.peak_mb, t_same.peak_mb, t_one.peak_mb, t_upd.peak_mb)
    ok = peak < TARGETS["memory_mb"]
    RESULTS.append(("peak MB", peak, TARGETS["memory_mb"], ok))
    print(f"\npeak memory of tm: {peak:.0f} MB (target < {TARGETS['memory_mb']:.0f} MB: "
          f"{'met' if ok else 'MISSED'})")

    # 4. tm lint on the same document
    src.write_text(text, "utf-8")
    t_lint = run([*tm, "lint", "--format", "json"], proj, ok_codes=(0, 1))
    print("\n4. tm lint on the document")
    show("tm lint", t_lint)
    print(ratio_line("lint/po4a", t_lint, p_first, TARGETS["lint"]))

    # 5. the fixed cost
    print("\n5. fixed cost (the bundled lecture's project, nothing changed)")
    lect = proj.parent / "lecture"
    shutil.rmtree(lect, ignore_errors=True)
    lect.mkdir()
    for name in ("tm.toml", "sources", "locales"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile)(ROOT / name, lect / name)
    run(seg, lect)  # brings the catalogs up to date with this tm and warms .tm/
    t_fixed = best(seg, lect, max(args.repeat, 1))
    t_help = best([*tm, "--help"], lect, max(args.repeat, 1))
    t_status = run([*tm, "status"], lect)
    t_typer = best([sys.executable, "-c", "import typer"], lect, max(args.repeat, 1))
    show("tm segment, unchanged", t_fixed)
    show("tm --help", t_help)
    show("tm status", t_status)
    show("python -c 'import typer'", t_typer)
    print(ratio_line("lecture segment/--help", t_fixed, t_help, TARGETS["fixed"]))
    print(f"  tm --help / import typer: {t_help.seconds / t_typer.seconds:.2f}; "
          f"tm status / --help: {t_status.seconds / t_help.seconds:.2f}")

    # 6. for the record: --no-memory
    print("\n6. for the record, --no-memory (no term hints, no memory matches)")
    fresh_tm()
    src.write_text(text, "utf-8")
    t_nm = run([*seg, "--no-memory"], proj)
    show("first, --no-memory", t_nm, f"{t_nm.seconds / p_first.seconds:.3f}x po4a")
    translate_all(po)
    shutil.copyfile(po, old)
    src.write_text(changed, "utf-8")
    t_nm_upd = run([*seg, "--no-memory"], proj)
    show("update, --no-memory", t_nm_upd, f"(catalog as translated by polib; "
         f"msgmerge above took {m_upd.seconds:.2f} s)")

    # 7. memory of all of tm's processes (it forks a worker that loads the advisor)
    from bench_memory import tree_peak_mb  # the same sampler as the memory benchmark

    fresh_tm()
    src.write_text(text, "utf-8")
    tree_first = tree_peak_mb(seg, proj)
    shutil.copyfile(old, po)
    src.write_text(changed, "utf-8")
    tree_upd = tree_peak_mb(seg, proj)
    if tree_first is not None and tree_upd is not None:
        print("\n7. peak memory of all tm's processes together (PSS sampled every 50 ms, "
              f"untimed runs): first run {tree_first:.0f} MB, update {tree_upd:.0f} MB")

    # 8. several documents: both cores share them (tm), against one core and po4a
    several(args, seg, proj.parent, text)

    print(f"\nload average at the end: {load_average()}")
    print("\nsummary (ratios of single runs unless --repeat > 1):")
    for name, r, target, met in RESULTS:
        print(f"  {name:<24} {r:9.3f}  target {target:g}: {'met' if met else 'MISSED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
