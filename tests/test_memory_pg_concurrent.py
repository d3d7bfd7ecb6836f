"""The shared PostgreSQL memory with writers on several machines at once: processes
that each open their own connection and sync (different origins, the same origin, the
same origin in different versions) on a server that has no `tm` schema yet; readers
looking up meanwhile. No errors, no lost units, no duplicates, no half-replaced origin.

The server comes from tests/test_memory_pg.py (TM_TEST_POSTGRES_URL or a throwaway
cluster); these tests skip with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests import test_memory_pg
from tests.test_memory_pg import write_tmx

server = test_memory_pg.server  # the module's PostgreSQL server fixture, shared


@pytest.fixture
def url(server: str) -> str:
    """The server with no `tm` schema: the parallel writers also race to create it."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as db:
        db.execute("DROP SCHEMA IF EXISTS tm CASCADE")
    return server


WORKER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from tm.memory.index import MemorySource
    from tm.memory.pg import PostgresIndex
    url, start, jobs = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    while not start.exists():
        time.sleep(0.005)
    index = PostgresIndex(url)
    seen = 0
    for kind, path, origin in jobs:
        src = MemorySource(Path(path), origin)
        if kind == "sync":
            index.sync([src])
        elif kind == "add":
            from tm.memory.formats import read_memory
            index.add_units(src, read_memory(src.path))
        else:  # look up while others write
            for _ in range(20):
                seen += len(index.exact([origin], "en", "ru"))
    index.close()
    print(seen)
""")


def pairs(tag: str, n: int) -> list[tuple[str, str]]:
    return [(f"Sentence {i} of {tag}, with some words.", f"Предложение {i} из {tag}.")
            for i in range(n)]


def run_workers(url: str, tmp: Path, jobs: list[list[tuple[str, str, str]]]) -> list[str]:
    start = tmp / "go"
    start.unlink(missing_ok=True)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(start), json.dumps(j)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for j in jobs]
    time.sleep(0.5)  # all started and waiting: they connect and write at the same moment
    start.touch()
    out = []
    for p in procs:
        o, e = p.communicate(timeout=300)
        assert p.returncode == 0, e
        out.append(o.strip())
    return out


def state(url: str) -> dict[str, list[tuple[str, str]]]:
    """origin -> its units' (en, ru) texts in order, read back from the server; checks
    that the file rows, variant rows and word counts agree on the way."""
    import psycopg

    with psycopg.connect(url) as db:
        files = db.execute("SELECT id, origin, units FROM tm.files").fetchall()
        out: dict[str, list[tuple[str, str]]] = {}
        for fid, origin, units in files:
            rows = db.execute(
                "SELECT unit_id, lang, text FROM tm.variants WHERE unit_id >> 32 = %s "
                "ORDER BY unit_id, lang", (fid,)).fetchall()
            by_unit: dict[int, dict[str, str]] = {}
            for uid, lang, text in rows:
                by_unit.setdefault(uid, {})[lang] = text
            out[origin] = [(u["en"], u["ru"]) for u in by_unit.values()]
            assert len(out[origin]) == units
            counts = dict(db.execute("SELECT lang, df FROM tm.postings WHERE file_id = %s "
                                     "AND token = ''", (fid,)).fetchall())
            assert counts == {"en": units, "ru": units}
        orphans = db.execute("SELECT count(*) FROM tm.variants v WHERE NOT EXISTS (SELECT 1 "
                             "FROM tm.files f WHERE f.id = v.unit_id >> 32)").fetchone()
        assert orphans == (0,)
        assert len({o for _, o, _ in files}) == len(files)
    return out


def test_parallel_importers_lose_and_duplicate_nothing(url: str, tmp_path: Path) -> None:
    n = 4
    files = {}
    for i in range(n):
        files[f"memory/own{i}.tmx"] = pairs(f"own{i}", 200)
        write_tmx(tmp_path / f"own{i}.tmx", files[f"memory/own{i}.tmx"])
    files["memory/shared.tmx"] = pairs("shared", 300)
    write_tmx(tmp_path / "shared.tmx", files["memory/shared.tmx"])
    jobs = []
    for i in range(n):  # each machine: its own file, a neighbour's, and the shared one
        mine = [(f"own{i}", f"memory/own{i}.tmx"), (f"own{(i + 1) % n}",
                                                    f"memory/own{(i + 1) % n}.tmx")]
        job = [("sync", str(tmp_path / f"{f}.tmx"), o) for f, o in mine]
        job.insert(i % 3, ("sync", str(tmp_path / "shared.tmx"), "memory/shared.tmx"))
        jobs.append(job)
    jobs.append([("look", "", pairs("shared", 1)[0][0])])  # a reader meanwhile
    run_workers(url, tmp_path, jobs)
    assert state(url) == files


def test_one_origin_in_two_versions_at_once_ends_as_one_of_them(url: str,
                                                                  tmp_path: Path) -> None:
    versions = [pairs(f"version {v}", 200 + 50 * v) for v in range(3)]
    for v, p in enumerate(versions):
        write_tmx(tmp_path / f"v{v}.tmx", p)
    jobs = [[("sync", str(tmp_path / f"v{v}.tmx"), "memory/lecture.tmx"),
             ("add", str(tmp_path / f"v{(v + 1) % 3}.tmx"), "memory/lecture.tmx"),
             ("sync", str(tmp_path / f"v{v}.tmx"), "memory/lecture.tmx")] for v in range(3)]
    jobs.append([("look", "", versions[0][0][0])])
    run_workers(url, tmp_path, jobs)
    final = state(url)
    assert list(final) == ["memory/lecture.tmx"]
    assert final["memory/lecture.tmx"] in versions  # whole, never a mix or a double
