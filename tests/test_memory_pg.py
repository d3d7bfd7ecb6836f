"""The shared team memory on a real PostgreSQL server (memory_url).

The server is TM_TEST_POSTGRES_URL (a scratch database; each test works in a schema of
its own, dropped afterwards) or, without it, a throwaway cluster started here from
/usr/lib/postgresql/*/bin; the tests skip, saying why, only when neither is possible.
"""

from __future__ import annotations

import glob
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from tests.conftest import LECTURE
from tm.cli import app
from tm.config import load_config
from tm.errors import TmError
from tm.memory import MemoryAdvisor, MemorySource, SqliteIndex, open_index
from tm.memory.pg import ServerUnreachable, SharedMemory
from tm.memory.replica import ReplicaIndex, forget_connections, forget_origin, load_state
from tm.model import Match
from tm.po import read_po
from tm.redact import redact

DATA = Path(__file__).parent / "data"
runner = CliRunner()


# --- the server -------------------------------------------------------------------------


def _run(cmd: list[str], as_postgres: bool) -> subprocess.CompletedProcess[str]:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def _throwaway_cluster() -> Iterator[str]:
    """initdb + pg_ctl into a temporary folder, listening on a unix socket only."""
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                     key=lambda p: int(re.findall(r"/(\d+)/bin", p)[0]))
    found = shutil.which("initdb")
    initdb = initdbs[-1] if initdbs else found
    if initdb is None:
        pytest.skip("no PostgreSQL server: TM_TEST_POSTGRES_URL is not set and there is no "
                    "initdb (apt-get install postgresql postgresql-contrib)")
    bindir = Path(initdb).parent
    version = re.findall(r"/(\d+)/bin", str(bindir))
    if version and not glob.glob(f"/usr/share/postgresql/{version[0]}/extension/pg_trgm*"):
        pytest.skip(f"PostgreSQL {version[0]} has no pg_trgm (apt-get install "
                    "postgresql-contrib)")
    as_postgres = os.geteuid() == 0
    if as_postgres and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as `postgres`")
    base = Path(tempfile.mkdtemp(prefix="tm-pg-"))
    try:
        if as_postgres:
            shutil.chown(base, "postgres")
        r = _run([str(bindir / "initdb"), "-D", f"{base}/data", "-A", "trust", "-U",
                  "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], as_postgres)
        if r.returncode != 0:
            pytest.skip(f"initdb failed: {r.stderr.strip()[-300:]}")
        opts = (f"-k {base} -c listen_addresses='' -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off")
        r = _run([str(bindir / "pg_ctl"), "-D", f"{base}/data", "-o", opts, "-l",
                  f"{base}/log", "-w", "start"], as_postgres)
        if r.returncode != 0:
            log = (base / "log").read_text(errors="replace") if (base / "log").exists() else ""
            pytest.skip(f"pg_ctl start failed: {(r.stderr + log).strip()[-300:]}")
        try:
            yield f"postgresql://postgres@/postgres?host={base}"
        finally:
            _run([str(bindir / "pg_ctl"), "-D", f"{base}/data", "-m", "immediate", "stop"],
                 as_postgres)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A PostgreSQL URL the tests may scribble on."""
    pytest.importorskip("psycopg", reason="no PostgreSQL driver: pip install 'tm[postgres]'")
    url = os.environ.get("TM_TEST_POSTGRES_URL")
    if url:
        yield url
    else:
        yield from _throwaway_cluster()


_SCHEMAS = iter(range(1_000_000))


@pytest.fixture
def pg_url(server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server, with a schema of this test's own (TM_PG_SCHEMA: test runs sharing one
    database do not meet), dropped afterwards: every test starts from an empty memory."""
    import psycopg

    schema = f"tm_test_{os.getpid()}_{next(_SCHEMAS)}"
    monkeypatch.setenv("TM_PG_SCHEMA", schema)
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    yield server
    forget_connections()
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


# --- data -------------------------------------------------------------------------------


def lecture_sentences() -> list[str]:
    """Real English prose: the sentences of the bundled lecture."""
    text = re.sub(r"<[^>]+>|\[[^\]]*\]|[*#>]", " ", LECTURE.read_text("utf-8"))
    parts = re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text))
    return list(dict.fromkeys(p.strip() for p in parts if 40 <= len(p.strip()) <= 300))


def write_tmx(path: Path, pairs: list[tuple[str, str]]) -> None:
    body = "".join(f'<tu><tuv xml:lang="en"><seg>{escape(en)}</seg></tuv>'
                   f'<tuv xml:lang="ru"><seg>{escape(ru)}</seg></tuv></tu>\n' for en, ru in pairs)
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                    'creationtool="t" creationtoolversion="1" datatype="plaintext" '
                    'segtype="sentence" adminlang="en" srclang="en" o-tmf="t"/><body>\n'
                    f"{body}</body></tmx>\n", encoding="utf-8")


def memory_and_queries(folder: Path) -> tuple[list[MemorySource], list[str], list[str]]:
    """Two memory files and queries: exact, changed year, changed word, unrelated; EN
    and RU sources (the RU texts come from the lecture memory)."""
    rng = random.Random(5)
    sentences = lecture_sentences()
    assert len(sentences) > 90
    mem, unseen = sentences[:-30], sentences[-30:]
    pairs = [(f"In {1920 + i % 15}, {s[0].lower()}{s[1:]}", f"В {1920 + i % 15} г. {s}")
             for i, s in enumerate(mem)]
    pairs.append((pairs[0][0], "другой перевод"))  # a duplicate source: first file order wins
    write_tmx(folder / "lecture.tmx", pairs)
    shutil.copy(DATA / "memory_lecture.tmx", folder / "small.tmx")
    words = " ".join(mem).split()
    en = [pairs[3][0], "  " + pairs[5][0].replace(" ", "  ")]
    for en_src, _ in rng.sample(pairs[:-1], 20):
        en.append(re.sub(r"\b19\d\d\b", lambda m: str(int(m.group()) + 3), en_src, count=1))
    for en_src, _ in rng.sample(pairs[:-1], 15):
        w = en_src.split()
        w[rng.randrange(2, len(w))] = rng.choice(words)
        en.append(" ".join(w))
    en += unseen[:10] + ["In June 1929, Trotsky and other leaders of the Opposition were "
                         "summoned before the party tribunal.", "Left Opposition", "x"]
    ru = ["Таков устав Коминтерна.", "Таков устав Коминтерна 1928 года.",
          "В 1925 г. " + mem[7], "Он прямо сказал своим обвинителям, что они сидят здесь."]
    sources = [MemorySource(folder / "lecture.tmx", "memory/lecture.tmx"),
               MemorySource(folder / "small.tmx", "memory/small.tmx")]
    return sources, en, ru


def summary(found: Mapping[str, Match]) -> dict[str, tuple[str, float, str, str]]:
    return {t: (m.target, round(m.score, 6), m.kind, m.origin) for t, m in found.items()}


# --- projects ---------------------------------------------------------------------------

DOC = ("# Part 4\n\nHe bluntly told his accusers that they were sitting there as "
       "representatives of that bureaucracy.\n\nIn June 1928, Trotsky and other leaders of "
       "the Opposition were summoned before the party tribunal.\n\nThe world revolution had "
       "been delayed, and the workers of Europe had suffered heavy defeats.\n\nSuch is the "
       "statute of the Comintern.\n")
STATUTE = "Such is the statute of the Comintern."


def make_project(root: Path, url: str | None, memory: dict[str, Path] | None = None,
                 extra: str = "") -> Path:
    """A project at `root` with DOC, the given memory files and (or not) memory_url."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    (root / "sources" / "doc.md").write_text(DOC, encoding="utf-8")
    (root / "memory").mkdir(exist_ok=True)
    for name, src in (memory or {}).items():
        shutil.copy(src, root / "memory" / name)
    url_line = f'memory_url = "{url}"\n' if url else ""
    (root / "tm.toml").write_text(
        f'languages = ["en", "ru"]\nbuiltin_terms = false\n{url_line}{extra}'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    return root


def tm_run(root: Path, *args: str, env: dict[str, str] | None = None,
           block_psycopg: bool = False) -> subprocess.CompletedProcess[str]:
    """`tm ARGS` in a separate process (as a translator runs it), in `root`."""
    pre = "import sys; sys.modules['psycopg'] = None; " if block_psycopg else "import sys; "
    code = pre + "from tm.cli import main; sys.argv[0] = 'tm'; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=root, text=True,
                          capture_output=True, timeout=300, env={**os.environ, **(env or {})})


def catalog(root: Path) -> dict[str, tuple[str, bool, list[str]]]:
    return {m.msgid: (m.msgstr, m.fuzzy, m.extracted)
            for m in read_po(root / "locales" / "ru" / "doc.po").messages if m.msgid}


class Proxy:
    """A TCP forwarder to the server: stopping it makes the server unreachable for the
    clients that connect through it (the server itself stays up for the others)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.socks: list[socket.socket] = []
        self.running = False

    def start(self) -> None:
        if not self.running:
            self.listener = socket.socket()
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.port))
            self.listener.listen(16)
            self.running = True
            threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            up = socket.create_connection(self.target)
            self.socks += [conn, up]
            for a, b in ((conn, up), (up, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        self.running = False
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept
        except OSError:
            pass
        self.listener.close()
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.socks.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tcp_url(url: str) -> tuple[str, int] | None:
    """Host and port of a TCP server URL (None for a unix socket)."""
    import psycopg

    params = psycopg.conninfo.conninfo_to_dict(url)
    host = str(params.get("host") or "")
    if not host or host.startswith("/"):
        return None
    return host, int(params.get("port") or 5432)


def via(url: str, port: int) -> str:
    import psycopg

    params = psycopg.conninfo.conninfo_to_dict(url)
    params.update(host="127.0.0.1", port=str(port))
    return str(psycopg.conninfo.make_conninfo("", **params))


# --- tests ------------------------------------------------------------------------------


def test_replica_lookups_give_the_same_best_matches_as_the_local_index(
        pg_url: str, tmp_path: Path) -> None:
    sources, en, ru = memory_and_queries(tmp_path)
    local = SqliteIndex(tmp_path / "index.sqlite", {"en", "ru"})
    replica = ReplicaIndex(load_config(make_project(tmp_path / "p", pg_url)))
    try:
        assert local.sync(sources).units == replica.sync(sources).units > 100
        assert replica.languages() == local.languages() == {"en", "ru", "de"}
        for texts, src, tgt in ((en, "en", "ru"), (ru, "ru", "en")):
            ex_l, ex_r = local.exact(texts, src, tgt), replica.exact(texts, src, tgt)
            assert {t: [(c.source, c.target, c.origin) for c in cs] for t, cs in ex_l.items()} \
                == {t: [(c.source, c.target, c.origin) for c in cs] for t, cs in ex_r.items()}
            best_l = summary(MemoryAdvisor(local, 75).best(texts, src, tgt))
            best_r = summary(MemoryAdvisor(replica, 75).best(texts, src, tgt))
            assert best_r == best_l
        kinds = [m[2] for m in summary(MemoryAdvisor(replica, 75).best(en, "en", "ru")).values()]
        assert kinds.count("exact") >= 3 and kinds.count("adapted") >= 15
        assert kinds.count("fuzzy") >= 10
        assert [(u.texts, u.extra["origin"]) for u in replica.units()] == \
            [(u.texts, u.extra["origin"]) for u in local.units()]
    finally:
        local.close()
        replica.close()


def test_segment_with_memory_url_fills_like_the_local_index(pg_url: str,
                                                           tmp_path: Path) -> None:
    mem = {"lecture.tmx": DATA / "memory_lecture.tmx"}
    local = make_project(tmp_path / "local", None, mem)
    shared = make_project(tmp_path / "shared", pg_url, mem)
    for root in (local, shared):
        r = tm_run(root, "segment", "--quiet")
        assert r.returncode == 0, r.stderr
    got = catalog(shared)
    assert got == catalog(local)
    exact = got["He bluntly told his accusers that they were sitting there as representatives "
                "of that bureaucracy."]
    assert exact[0].startswith("Он прямо сказал") and not exact[1]
    assert "tm: 100% memory/lecture.tmx" in exact[2]
    assert not (shared / ".tm" / "index.sqlite").exists()  # the replica serves lookups
    assert load_state(shared / ".tm" / "replica").seq > 0
    r = tm_run(shared, "memory", "search", STATUTE, "--to", "ru")
    assert r.returncode == 0 and "Таков устав Коминтерна." in r.stdout
    r = tm_run(shared, "memory", "export", "out.tmx")
    assert r.returncode == 0, r.stderr
    assert "Таков устав Коминтерна." in (shared / "out.tmx").read_text("utf-8")


def write_pairs(path: Path, n: int, tag: str, start: int = 0) -> list[tuple[str, str]]:
    pairs = [(f"Sentence number {i} of the {tag} memory, with words.",
              f"Предложение {i} из памяти {tag}.") for i in range(start, start + n)]
    write_tmx(path, pairs)
    return pairs


def test_a_client_pulls_only_what_changed_and_drops_what_was_replaced(
        pg_url: str, tmp_path: Path) -> None:
    a_root = make_project(tmp_path / "a", pg_url, {"lecture.tmx": DATA / "memory_lecture.tmx"})
    b_root = make_project(tmp_path / "b", pg_url)
    b_file = b_root / "memory" / "glossary.tmx"
    write_pairs(b_file, 50, "glossary")
    a, b = open_index(load_config(a_root)), open_index(load_config(b_root))
    assert isinstance(a, ReplicaIndex) and isinstance(b, ReplicaIndex)
    folder = a_root / ".tm" / "replica"
    try:
        b.sync(load_memory(b_root))
        a.sync(load_memory(a_root))
        assert a.origins() == ["memory/lecture.tmx", "memory/glossary.tmx"]
        first = sorted(folder.glob("*.csv"))
        assert len(first) == 2
        # B appends 3 units: one new batch of 3 units on the server and in A's replica
        pairs = write_pairs(b_file, 53, "glossary")
        b.sync(load_memory(b_root))
        a.sync(load_memory(a_root))
        files = sorted(folder.glob("*.csv"))
        assert files[:2] == first and len(files) == 3
        assert len(files[2].read_text("utf-8").splitlines()) == 1 + 3
        probe = "Sentence number 51 of the glossary memory, with words."
        (cand,) = a.exact([probe], "en", "ru")[probe]
        assert cand.target == "Предложение 51 из памяти glossary."
        # B changes a unit at the start: its batches are dropped (tombstones), one added
        pairs[0] = (pairs[0][0], "Исправленный перевод.")
        write_tmx(b_file, pairs)
        b.sync(load_memory(b_root))
        before = a.state.seq
        a.sync(load_memory(a_root))
        assert a.state.seq > before
        files = sorted(folder.glob("*.csv"))
        assert files[0] == first[0] and len(files) == 2
        (cand,) = a.exact([pairs[0][0]], "en", "ru")[pairs[0][0]]
        assert cand.target == "Исправленный перевод." and cand.origin == "memory/glossary.tmx"
        assert sum(1 for u in a.units() if u.extra["origin"] == "memory/glossary.tmx") == 53
    finally:
        a.close()
        b.close()


def test_advice_is_cached_until_the_shared_memory_changes(pg_url: str,
                                                           tmp_path: Path) -> None:
    from tm.advice_cache import memory_fingerprint

    a_root = make_project(tmp_path / "a", pg_url, {"lecture.tmx": DATA / "memory_lecture.tmx"})
    b_root = make_project(tmp_path / "b", pg_url)
    first = memory_fingerprint(load_config(a_root))
    assert first is not None and memory_fingerprint(load_config(a_root)) == first
    write_tmx(b_root / "memory" / "b.tmx", [(STATUTE, "Вот устав Коминтерна.")])
    assert tm_run(b_root, "segment", "--quiet").returncode == 0  # another client uploads
    assert memory_fingerprint(load_config(a_root)) != first


def test_a_big_batch_is_split_into_replica_files(pg_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import tm.memory.pg

    monkeypatch.setattr(tm.memory.pg, "PART", 10)
    root = make_project(tmp_path / "a", pg_url)
    pairs = write_pairs(root / "memory" / "big.tmx", 25, "big")
    index = open_index(load_config(root))
    try:
        assert len(list((root / ".tm" / "replica").glob("*.csv"))) == 3
        assert [(u.texts["en"], u.texts["ru"]) for u in index.units()] == pairs
        (cand,) = index.exact([pairs[24][0]], "en", "ru")[pairs[24][0]]
        assert (cand.target, cand.origin) == (pairs[24][1], "memory/big.tmx")
    finally:
        index.close()


def load_memory(root: Path) -> list[MemorySource]:
    from tm.memory import memory_sources

    return memory_sources(load_config(root))


def test_forget_removes_an_origin_for_every_client(pg_url: str, tmp_path: Path) -> None:
    a_root = make_project(tmp_path / "a", pg_url, {"lecture.tmx": DATA / "memory_lecture.tmx"})
    b_root = make_project(tmp_path / "b", pg_url)
    write_pairs(b_root / "memory" / "old.tmx", 20, "old")
    for root in (a_root, b_root, a_root):
        assert tm_run(root, "segment", "--quiet").returncode == 0
    (b_root / "memory" / "old.tmx").unlink()  # gone from B's files, still shared
    r = tm_run(a_root, "memory", "forget", "memory/old.tmx")
    assert (r.returncode, r.stdout.strip()) == (0, "memory/old.tmx: 20 units forgotten")
    r = tm_run(a_root, "memory", "forget", "memory/old.tmx")
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert "no units from 'memory/old.tmx'" in line and "origins: memory/lecture.tmx" in line
    with pytest.raises(TmError, match="no units from 'memory/old.tmx'"):
        forget_origin(load_config(b_root), "memory/old.tmx")
    for root in (a_root, b_root):
        index = open_index(load_config(root))
        try:
            assert isinstance(index, ReplicaIndex)
            assert index.origins() == ["memory/lecture.tmx"]
            assert {u.extra["origin"] for u in index.units()} == {"memory/lecture.tmx"}
        finally:
            index.close()


def shared_origins(root: Path) -> list[str]:
    """The origins a client of the shared memory sees after a sync."""
    index = open_index(load_config(root))
    try:
        assert isinstance(index, ReplicaIndex)
        return index.origins()
    finally:
        index.close()


def test_segment_check_publishes_nothing_to_the_shared_memory(pg_url: str,
                                                                tmp_path: Path) -> None:
    """`tm segment --check` (CI, the pre-commit hook) writes nothing: not the catalogs,
    and not this project's memory files into the team's memory either."""
    a_root = make_project(tmp_path / "a", pg_url, {"lecture.tmx": DATA / "memory_lecture.tmx"})
    watcher = make_project(tmp_path / "w", pg_url)
    r = tm_run(a_root, "segment", "--check")
    assert r.returncode == 1, r.stderr  # the catalogs do not exist yet
    assert not (a_root / "locales").exists()
    assert shared_origins(watcher) == []
    assert tm_run(a_root, "segment", "--quiet").returncode == 0
    assert shared_origins(watcher) == ["memory/lecture.tmx"]
    write_pairs(a_root / "memory" / "new.tmx", 5, "new")
    tm_run(a_root, "segment", "--check")
    assert shared_origins(watcher) == ["memory/lecture.tmx"]


def test_forget_without_memory_url_follows_the_memory_folder(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None, {"lecture.tmx": DATA / "memory_lecture.tmx"})
    open_index(load_config(root)).close()
    with pytest.raises(TmError, match="is a memory file of this project"):
        forget_origin(load_config(root), "memory/lecture.tmx")
    (root / "memory" / "lecture.tmx").unlink()
    assert forget_origin(load_config(root), "memory/lecture.tmx") == 5
    with pytest.raises(TmError, match="the memory is empty"):
        forget_origin(load_config(root), "memory/lecture.tmx")


def test_offline_replica_works_and_syncs_when_the_server_is_back(
        pg_url: str, tmp_path: Path) -> None:
    target = tcp_url(pg_url)
    if target is None:
        pytest.skip("the test server listens on a unix socket only: no TCP proxy to cut")
    proxy = Proxy(*target)
    proxy.start()
    url = via(pg_url, proxy.port)
    mem = {"lecture.tmx": DATA / "memory_lecture.tmx"}
    a_root = make_project(tmp_path / "a", url, mem, 'memory_offline = "replica"\n')
    try:
        assert tm_run(a_root, "segment", "--quiet").returncode == 0
        filled = catalog(a_root)
        proxy.stop()
        (a_root / "locales" / "ru" / "doc.po").unlink()
        r = tm_run(a_root, "segment", "--quiet")
        assert r.returncode == 0, r.stderr
        (line,) = r.stderr.strip().splitlines()
        assert line.startswith("tm: note: shared memory ") and "unreachable" in line
        assert "working from the local replica" in line
        assert catalog(a_root) == filled
        # without memory_offline: one line, exit 2
        strict = make_project(tmp_path / "strict", url, mem)
        r = tm_run(strict, "segment", "--quiet")
        assert r.returncode == 2
        (line,) = r.stderr.strip().splitlines()
        assert line.startswith("tm: error: tm.toml:3: cannot connect to ")
        # meanwhile another client adds a unit; the server comes back; A catches up
        b_root = make_project(tmp_path / "b", pg_url)
        write_tmx(b_root / "memory" / "b.tmx", [(STATUTE, "Вот устав Коминтерна.")])
        assert tm_run(b_root, "segment", "--quiet").returncode == 0
        proxy.start()
        r = tm_run(a_root, "segment", "--quiet")
        assert r.returncode == 0 and r.stderr == ""
        assert "memory/b.tmx" in [b[1] for b in load_state(a_root / ".tm" / "replica").batches]
    finally:
        proxy.stop()


def test_memory_offline_must_be_error_or_replica(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None, None, 'memory_offline = "sometimes"\n')
    r = tm_run(root, "segment", "--quiet")
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("tm: error: tm.toml:3: `memory_offline` must be")


@pytest.mark.parametrize("url, what", [
    ("postgresql://tm:secret@127.0.0.1:{port}/tm", "cannot connect to postgresql://tm:***@"),
    ("mysql://tm@db/tm", "is not a postgresql:// URL"),
    ("postgresql://tm@db:notaport/tm", "is not a valid URL"),
])
def test_unreachable_server_or_bad_url_is_one_line_exit_2(
        url: str, what: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text("# Title\n\nOne sentence here.\n", "utf-8")
    (tmp_path / "tm.toml").write_text(
        f'languages = ["en", "ru"]\nbuiltin_terms = false\n\nmemory_url = '
        f'"{url.format(port=_free_port())}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["segment", "--quiet"])
    assert r.exit_code == 2
    (line,) = r.output.strip().splitlines()
    assert line.startswith("tm: error: tm.toml:4: ")
    assert what in line and "secret" not in line
    assert "memory_url" in line or "cannot connect" in line
    assert not (tmp_path / "locales" / "ru" / "doc.po").exists()


def test_the_password_is_never_printed(pg_url: str, tmp_path: Path) -> None:
    import psycopg

    params = psycopg.conninfo.conninfo_to_dict(pg_url)
    params["password"] = "hunter2-Secret"
    wrong = psycopg.conninfo.make_conninfo("", **params)
    if params.get("host", "").startswith("/"):
        pytest.skip("a trust-authenticated unix socket ignores passwords")
    target = tcp_url(pg_url)
    assert target is not None
    bad = f"postgresql://tm:hunter2-Secret@{target[0]}:{target[1]}/{params.get('dbname')}"
    for url in (bad, wrong):
        root = make_project(tmp_path / f"p{len(url)}", url)
        r = tm_run(root, "segment")
        assert r.returncode == 2 or r.returncode == 0  # trust auth lets a wrong password in
        assert "hunter2" not in r.stdout + r.stderr
        closed = f"postgresql://tm:hunter2-Secret@127.0.0.1:{_free_port()}/tm"
        offline = make_project(tmp_path / "off", closed, None,
                               'memory_offline = "replica"\n')
        r = tm_run(offline, "segment")
        assert r.returncode == 0 and "tm: note: shared memory postgresql://tm:***@" in r.stderr
        assert "hunter2" not in r.stdout + r.stderr
        r = tm_run(offline, "status")
        assert "hunter2" not in r.stdout + r.stderr


def test_tls_settings_in_the_url_reach_libpq(monkeypatch: pytest.MonkeyPatch) -> None:
    psycopg = pytest.importorskip("psycopg", reason="pip install 'tm[postgres]'")

    seen: list[dict[str, object]] = []

    def fake_connect(conninfo: str, **kwargs: object) -> None:
        seen.append(psycopg.conninfo.conninfo_to_dict(conninfo))
        raise psycopg.OperationalError("stop here")

    monkeypatch.setattr(psycopg, "connect", fake_connect)
    for url in ("postgresql://tm@db.example.org/tm?sslmode=verify-full&sslrootcert="
                "/etc/tm/ca.pem&sslcert=/home/t/.tm.crt&sslkey=/home/t/.tm.key",
                "host=db.example.org dbname=tm sslmode=verify-full "
                "sslrootcert=/etc/tm/ca.pem sslcert=/home/t/.tm.crt sslkey=/home/t/.tm.key"):
        with pytest.raises(ServerUnreachable, match="stop here"):
            SharedMemory(url)
        got = seen.pop()
        assert got["sslmode"] == "verify-full" and got["sslrootcert"] == "/etc/tm/ca.pem"
        assert got["sslcert"] == "/home/t/.tm.crt" and got["sslkey"] == "/home/t/.tm.key"
        assert got["host"] == "db.example.org" and got["dbname"] == "tm"


def test_without_the_postgres_extra(tmp_path: Path) -> None:
    """psycopg is imported only when memory_url is set; missing, it is one line."""
    shared = make_project(tmp_path / "shared", "postgresql://tm@127.0.0.1/tm")
    r = tm_run(shared, "segment", block_psycopg=True)
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("tm: error: tm.toml:3: ")
    assert "pip install 'tm[postgres]'" in line
    local = make_project(tmp_path / "local", None, {"lecture.tmx": DATA / "memory_lecture.tmx"})
    r = tm_run(local, "segment", block_psycopg=True)
    assert r.returncode == 0, r.stderr
    assert catalog(local)[STATUTE][0] == "Таков устав Коминтерна."


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://tm:p%40ss@db:5432/tm") == "postgresql://tm:***@db:5432/tm"
    assert redact("postgresql://tm@db/tm") == "postgresql://tm@db/tm"
