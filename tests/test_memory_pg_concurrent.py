"""The shared PostgreSQL memory with clients on several machines at once: separate
processes, each with its own project and local replica, uploading new versions of their
memory files (appended to, changed at the start, two files at once) and one file that
all of them write in versions of their own, while another client keeps pulling and
looking up. Nobody loses a unit, nobody sees half an upload (an upload of two files
shows both new versions or neither), and at the end every replica holds the same memory,
the server's.

The server comes from tests/test_memory_pg.py (TM_TEST_POSTGRES_URL or a throwaway
cluster; a schema of the test's own); these tests skip with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests import test_memory_pg
from tests.test_memory_pg import make_project, write_tmx

server = test_memory_pg.server  # the module's PostgreSQL server fixture, shared
pg_url = test_memory_pg.pg_url

WORKER = textwrap.dedent("""
    import json, shutil, sys, time
    from pathlib import Path
    from tm.config import load_config
    from tm.memory import memory_sources
    from tm.memory.replica import ReplicaIndex
    root, start, jobs, versions = (Path(sys.argv[1]), Path(sys.argv[2]),
                                   json.loads(sys.argv[3]), json.loads(sys.argv[4]))
    while not start.exists():
        time.sleep(0.005)
    config = load_config(root)
    problems = []

    def sync():
        index = ReplicaIndex(config)
        try:
            index.sync(memory_sources(config))
            return index
        except BaseException:
            index.close()
            raise

    def check(index):
        held = {}
        for u in index.units():
            held.setdefault(u.extra["origin"], []).append(u.texts["en"])
        seen = {}
        for origin, texts in held.items():
            options = versions.get(origin, [])
            if texts not in options:
                problems.append(f"{origin}: {len(texts)} units, no version of it")
            else:
                seen[origin] = options.index(texts)
        for origin, k in seen.items():  # files uploaded together are seen together
            if origin.endswith("a.tmx"):
                twin = origin[:-5] + "b.tmx"
                if twin in seen and seen[twin] != k:
                    problems.append(f"{origin} version {k} with {twin} version {seen[twin]}")
        probe = "Unit 0 of memory/w0a.tmx version 0."
        index.exact([probe], "en", "ru")

    for job in jobs:
        if job[0] == "write":  # new versions of memory files, uploaded in one sync
            for name, src in job[1]:
                shutil.copy(src, root / "memory" / name)
            sync().close()
        else:
            for _ in range(job[1]):
                index = sync()
                check(index)
                index.close()
    print(json.dumps(problems))
""")

WRITERS = 3
VERSIONS = 4


def en_texts(origin: str, k: int) -> list[str]:
    """Version k of a file: 60 units, 20 more each version (appended), and from version 3
    on a changed first unit (its batches are replaced)."""
    texts = [f"Unit {i} of {origin} version 0." for i in range(60 + 20 * k)]
    if k >= 3:
        texts[0] = f"Unit 0 of {origin}, changed in version {k}."
    return texts


def write_version(path: Path, texts: list[str]) -> None:
    write_tmx(path, [(t, f"Перевод: {t}") for t in texts])


def run_workers(tmp: Path, work: list[tuple[Path, list[object]]],
                versions: dict[str, list[list[str]]]) -> list[list[str]]:
    start = tmp / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(start),
                               json.dumps(jobs), json.dumps(versions)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for root, jobs in work]
    time.sleep(0.5)  # all started and waiting: they connect and write at the same moment
    start.touch()
    out = []
    for p in procs:
        o, e = p.communicate(timeout=600)
        assert p.returncode == 0, e
        out.append(json.loads(o.strip().splitlines()[-1]))
    return out


def replica_memory(root: Path) -> dict[str, list[tuple[str, str]]]:
    from tm.config import load_config
    from tm.memory.replica import ReplicaIndex

    index = ReplicaIndex(load_config(root))
    try:
        index.sync([])  # pull only (each client's own shared.tmx would win again)
        held: dict[str, list[tuple[str, str]]] = {}
        for u in index.units():
            held.setdefault(u.extra["origin"], []).append((u.texts["en"], u.texts["ru"]))
        return held
    finally:
        index.close()


def test_clients_lose_nothing_see_no_half_upload_and_converge(pg_url: str,
                                                              tmp_path: Path) -> None:
    files = tmp_path / "versions"
    files.mkdir()
    versions: dict[str, list[list[str]]] = {}
    work: list[tuple[Path, list[object]]] = []
    for w in range(WRITERS):
        root = make_project(tmp_path / f"writer{w}", pg_url)
        jobs: list[object] = []
        for k in range(VERSIONS):
            pair = []
            for part in "ab":
                origin = f"memory/w{w}{part}.tmx"
                versions.setdefault(origin, []).append(en_texts(origin, k))
                src = files / f"w{w}{part}-{k}.tmx"
                write_version(src, en_texts(origin, k))
                pair.append((f"w{w}{part}.tmx", str(src)))
            jobs.append(["write", pair])
            if k == 1:  # everyone's own version of one shared file, in the middle
                texts = [f"Shared unit {i} as writer {w} has it." for i in range(40 + w)]
                versions.setdefault("memory/shared.tmx", []).append(texts)
                src = files / f"shared-{w}.tmx"
                write_version(src, texts)
                jobs.append(["write", [("shared.tmx", str(src))]])
            jobs.append(["look", 1])
        work.append((root, jobs))
    reader = make_project(tmp_path / "reader", pg_url)
    work.append((reader, [["look", 25]]))
    problems = run_workers(tmp_path, work, versions)
    assert problems == [[]] * len(work)

    final = [replica_memory(root) for root, _ in work]
    assert all(m == final[0] for m in final[1:])  # every replica the same memory
    memory = final[0]
    for w in range(WRITERS):  # every writer's last versions, whole
        for part in "ab":
            origin = f"memory/w{w}{part}.tmx"
            assert [en for en, _ in memory[origin]] == en_texts(origin, VERSIONS - 1)
            assert all(ru == f"Перевод: {en}" for en, ru in memory[origin])
    assert [en for en, _ in memory["memory/shared.tmx"]] in versions["memory/shared.tmx"]
    assert len(memory) == 2 * WRITERS + 1

    import psycopg  # the server agrees: one live batch set per origin, counts as held

    from tm.memory.pg_schema import schema_name

    s = schema_name()
    with psycopg.connect(pg_url) as db:
        rows = db.execute(f"SELECT o.origin, o.units, (SELECT sum(b.units) FROM {s}.batches b "
                          "WHERE b.origin = o.origin AND b.dropped IS NULL), (SELECT count(*) "
                          f"FROM {s}.units u JOIN {s}.batches b ON b.seq = u.batch WHERE "
                          f"b.origin = o.origin) FROM {s}.origins o").fetchall()
    assert {r[0]: r[1] for r in rows} == {o: len(u) for o, u in memory.items()}
    assert all(r[1] == r[2] == r[3] for r in rows)
