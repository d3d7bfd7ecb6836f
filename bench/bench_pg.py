"""Benchmark: the shared memory (memory_url, PostgreSQL) against the local index.

The memory benchmark's data (bench/bench_memory.py: 2,000 new segments against a
20,000-unit TMX, half near-duplicates; defaults, builtin termbase on) goes through a
project without `memory_url` and through one with it, in one run, against a PostgreSQL
server this script starts (initdb + pg_ctl from /usr/lib/postgresql/*/bin in a
temporary folder, as the `postgres` user when run as root; stopped at the end) or, with
TM_TEST_POSTGRES_URL set, that server (in a schema of its own, dropped at the end).

Prints: cold (empty server, first upload) and warm `tm segment` with and without
memory_url, `msgmerge --compendium`, the ratios and targets, any difference between the
two projects' catalogs; then a second client adds 1,000 units and the first one's next
`tm segment` is timed; then the same at --big units on the server (bulk-loaded with
COPY): the replica's first sync, and the sync and `tm segment` after another client
added 1,000 units.

    python bench/bench_pg.py                  # 20,000 units and 1,000,000
    python bench/bench_pg.py --big 0          # without the big part
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_memory import Generator, write_project  # noqa: E402

from tm.po import read_po  # noqa: E402

SCHEMA = "tm_bench"
SERVER_PID: list[int] = []
"""The postmaster of the cluster started here (its CPU time, children included)."""
CPU: list[tuple[float, float]] = []
"""(client CPU s, server CPU s) of each timed run, in order."""


def server_cpu() -> float:
    """CPU seconds of the cluster started here so far (0 with TM_TEST_POSTGRES_URL):
    the postmaster's and its finished backends' (cutime), and the running backends'."""
    if not SERVER_PID:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [SERVER_PID[0]] + [int(p) for p in Path(f"/proc/{SERVER_PID[0]}/task/"
                                                   f"{SERVER_PID[0]}/children").read_text().split()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15 if pid == SERVER_PID[0] else 13]) / tick
    return total


def timed(cmd: list[str], cwd: Path) -> float:
    """Wall seconds of one run; its CPU seconds (tm's and the server's) go to CPU."""
    r0, s0 = resource.getrusage(resource.RUSAGE_CHILDREN), server_cpu()
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{cmd[-2]} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append((r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, server_cpu() - s0))
    return elapsed


def cpu() -> str:
    client, srv = CPU[-1]
    return f"CPU {client:.2f}s" + (f" + server {srv:.2f}s" if srv >= 0.005 else "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server() -> Iterator[str]:
    """A PostgreSQL URL: TM_TEST_POSTGRES_URL, or a cluster started (and stopped) here."""
    url = os.environ.get("TM_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="tm-bench-pg-"))
    as_postgres = os.geteuid() == 0
    pre = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    if as_postgres:
        shutil.chown(base, "postgres")
    port = _free_port()
    data = base / "data"
    try:
        subprocess.run([*pre, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U",
                        "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                       check=True, capture_output=True)
        subprocess.run([*pre, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                        "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "-w",
                        "start"], check=True, capture_output=True)
        SERVER_PID.append(int((data / "postmaster.pid").read_text().split()[0]))
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run([*pre, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "stop"], capture_output=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def drop_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def shared_copy(base: Path, dest: Path, url: str) -> None:
    """`dest`: the project at `base` with `memory_url` set (sources and memory copied)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("sources", "memory"):
        shutil.copytree(base / name, dest / name)
    toml = (base / "tm.toml").read_text()
    (dest / "tm.toml").write_text(f'memory_url = "{url}"\n' + toml)


def entries(po: Path) -> dict[str, tuple[str, bool, tuple[str, ...]]]:
    return {m.msgid: (m.msgstr, m.fuzzy, tuple(m.extracted))
            for m in read_po(po).messages if m.msgid and not m.obsolete}


def differences(a: Path, b: Path) -> list[str]:
    ea, eb = entries(a), entries(b)
    return [f"{k[:60]!r}: local {ea.get(k)!r} / shared {eb.get(k)!r}"
            for k in sorted(set(ea) | set(eb)) if ea.get(k) != eb.get(k)]


def write_client_tmx(path: Path, gen: Generator, n: int, tag: str) -> None:
    from xml.sax.saxutils import escape

    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="b" creationtoolversion="1" datatype="plaintext" '
                'segtype="sentence" adminlang="en" srclang="en" o-tmf="b"/><body>\n')
        for i in range(n):
            items = gen.sentence()
            en, ru = gen.render(items, "en"), gen.render(items, "ru")
            f.write(f'<tu><tuv xml:lang="en"><seg>{escape(en)} {tag}{i}</seg></tuv>'
                    f'<tuv xml:lang="ru"><seg>{escape(ru)} {tag}{i}</seg></tuv></tu>\n')
        f.write("</body></tmx>\n")


def client(base: Path, url: str, memory: Path | None) -> Path:
    """Another translator's project: the same sources, its own memory file."""
    if base.exists():
        shutil.rmtree(base)
    (base / "memory").mkdir(parents=True)
    (base / "sources").mkdir()
    (base / "sources" / "a.md").write_text("# Another client\n\nA sentence.\n", "utf-8")
    if memory is not None:
        shutil.copy(memory, base / "memory" / memory.name)
    (base / "tm.toml").write_text(
        f'memory_url = "{url}"\nlanguages = ["en", "ru"]\nmemory = ["memory/*.tmx"]\n\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', "utf-8")
    return base


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=20_000)
    ap.add_argument("--segments", type=int, default=2_000)
    ap.add_argument("--big", type=int, default=1_000_000,
                    help="units on the server for the second part (0: skip it)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    os.environ["TM_PG_SCHEMA"] = SCHEMA
    tm = [sys.executable, "-c", "import sys; from tm.cli import main; sys.exit(main())",
          "segment", "--quiet"]
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"load {os.getloadavg()}")
    with server() as url:
        print("server:", url.split("@")[-1])
        drop_schema(url)
        try:
            run(args, url, tm)
        finally:
            drop_schema(url)
            from tm.memory.replica import forget_connections

            forget_connections()


def run(args: argparse.Namespace, url: str, tm: list[str]) -> None:
    local = args.out / f"pg-local-{args.units}"
    texts, _ = write_project(local, args.units, args.segments, 7)
    toml = local / "tm.toml"
    toml.write_text(toml.read_text().replace("builtin_terms = false", "builtin_terms = true"))
    shared = args.out / f"pg-shared-{args.units}"
    shared_copy(local, shared, url)
    # a memory file modified in the last 3 s is hashed into the advice cache's key
    # (tm.advice_cache.RACY_NS): a cold run that early would key its advice differently
    # from the warm run's and the warm run would advise again
    time.sleep(3.5)
    po = Path("locales") / "ru" / "new.po"

    cold_local = timed(tm, local)
    cold_shared = timed(tm, shared)  # empty server: the first upload
    cpu_cold = CPU[-2:]
    diff = differences(local / po, shared / po)
    (local / po).unlink()
    (shared / po).unlink()
    warm_local = timed(tm, local)
    warm_shared = timed(tm, shared)
    cpu_warm = CPU[-2:]
    diff += differences(local / po, shared / po)
    (local / "empty.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; '
                                    'charset=UTF-8\\n"\n"Language: ru\\n"\n', "utf-8")
    mm = timed(["msgmerge", "--quiet", "--compendium", "compendium.po", "-o", "mm.po",
                "empty.po", "locales/templates/new.pot"], local)
    cpu_mm = CPU[-1][0]
    print(f"load {os.getloadavg()}")

    def both(pair: list[tuple[float, float]]) -> str:
        return (f"CPU local {pair[0][0]:.2f}s, memory_url {pair[1][0]:.2f}s + server "
                f"{pair[1][1]:.2f}s, ratio {sum(pair[1]) / sum(pair[0]):.2f}")

    print(f"cold: local {cold_local:.2f}s, memory_url {cold_shared:.2f}s "
          f"(ratio {cold_shared / cold_local:.2f}, target <= 3; {both(cpu_cold)})")
    print(f"warm: local {warm_local:.2f}s, memory_url {warm_shared:.2f}s "
          f"(ratio {warm_shared / warm_local:.2f}, target <= 1.5; {both(cpu_warm)})")
    print(f"msgmerge --compendium {mm:.2f}s (CPU {cpu_mm:.2f}s): memory_url warm / "
          f"msgmerge {warm_shared / mm:.3f} (CPU {sum(cpu_warm[1]) / cpu_mm:.3f}), "
          "target <= 0.15")
    print(f"fills: {len(entries(shared / po))} entries, differences from the local "
          f"index: {len(diff)}")
    for line in diff[:20]:
        print("  ", line)

    gen = Generator(99)
    extra = args.out / "pg-client-b.tmx"
    write_client_tmx(extra, gen, 1_000, "b")
    other = client(args.out / "pg-client-b", url, extra)
    added = timed(tm, other)
    again = timed(tm, shared)
    print(f"another client adds 1,000 units (its tm segment {added:.2f}s); the next "
          f"tm segment here {again:.2f}s ({cpu()}; warm {warm_shared:.2f}s, cold "
          f"{cold_shared:.2f}s)")
    if args.big:
        big(args, url, tm, gen)


def big(args: argparse.Namespace, url: str, tm: list[str], gen: Generator) -> None:
    """--big units on the server: what a client that synced before pays after a change."""
    from tm.config import load_config
    from tm.memory import MemoryUnit
    from tm.memory.pg import SharedMemory
    from tm.memory.replica import ReplicaIndex

    drop_schema(url)
    t = time.perf_counter()

    def units() -> Iterator[MemoryUnit]:
        for i in range(args.big):
            items = gen.sentence()
            yield MemoryUnit({"en": f"{gen.render(items, 'en')} u{i}",
                              "ru": f"{gen.render(items, 'ru')} u{i}"})

    mem = SharedMemory(url)
    mem.add_units("memory/bulk.tmx", units(), "bulk")
    mem.close()
    print(f"bulk-loaded {args.big} units with COPY in {time.perf_counter() - t:.1f}s")
    a = args.out / f"pg-shared-{args.units}"
    b = args.out / "pg-client-b"
    shutil.rmtree(a / ".tm", ignore_errors=True)
    (a / "locales" / "ru" / "new.po").unlink(missing_ok=True)

    def sync_only(project: Path) -> float:
        t = time.perf_counter()
        index = ReplicaIndex(load_config(project))
        from tm.memory import memory_sources

        index.sync(memory_sources(load_config(project)))
        index.close()
        return time.perf_counter() - t

    first = sync_only(a)
    seg1 = timed(tm, a)
    seg1_cpu = cpu()
    same = timed(tm, a)
    print(f"client A: first sync of the replica {first:.1f}s (pull + index), tm segment "
          f"{seg1:.1f}s ({seg1_cpu}), again (nothing changed) {same:.2f}s ({cpu()})")
    extra = args.out / "pg-client-b2.tmx"
    write_client_tmx(extra, gen, 1_000, "c")
    (b / "memory" / "pg-client-b.tmx").unlink(missing_ok=True)  # the first part's file
    shutil.copy(extra, b / "memory" / extra.name)
    timed(tm, b)
    t0 = time.perf_counter()
    synced = sync_only(a)
    seg2 = timed(tm, a)
    print(f"client B added 1,000 units; client A: sync {synced:.2f}s, then tm segment "
          f"{seg2:.1f}s ({cpu()}; advises all {args.segments} segments again against "
          f"{args.big + args.units + 1000:,} units; total {time.perf_counter() - t0:.1f}s)")
    write_client_tmx(extra, gen, 1_000, "d")
    shutil.copy(extra, b / "memory" / extra.name)
    timed(tm, b)
    seg3 = timed(tm, a)
    print(f"client B replaced those 1,000 units; client A's next tm segment (sync "
          f"included) {seg3:.1f}s ({cpu()}); load {os.getloadavg()}")


if __name__ == "__main__":
    main()
