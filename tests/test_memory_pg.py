"""The shared team memory on a real PostgreSQL server (memory_url).

The server is TM_TEST_POSTGRES_URL (a scratch database: its `tm` schema is dropped
between tests) or, without it, a throwaway cluster started here from
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
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from tests.conftest import LECTURE
from tm.cli import app
from tm.config import load_config
from tm.memory import MemoryAdvisor, MemorySource, SqliteIndex, open_index
from tm.memory.pg import PostgresIndex, redact
from tm.model import Match
from tm.po import read_po

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
    url = os.environ.get("TM_TEST_POSTGRES_URL")
    if url:
        yield url
    else:
        yield from _throwaway_cluster()


@pytest.fixture
def pg_url(server: str) -> str:
    """The server with no `tm` schema: every test starts from an empty shared memory."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as db:
        db.execute("DROP SCHEMA IF EXISTS tm CASCADE")
    return server


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


# --- tests ------------------------------------------------------------------------------


def test_lookups_give_the_same_best_matches_as_sqlite(pg_url: str, tmp_path: Path) -> None:
    sources, en, ru = memory_and_queries(tmp_path)
    sqlite = SqliteIndex(tmp_path / "index.sqlite")
    pg = PostgresIndex(pg_url)
    try:
        assert sqlite.sync(sources).units == pg.sync(sources).units > 100
        assert pg.languages() == sqlite.languages() == {"en", "ru", "de"}
        for texts, src, tgt in ((en, "en", "ru"), (ru, "ru", "en")):
            ex_s, ex_p = sqlite.exact(texts, src, tgt), pg.exact(texts, src, tgt)
            assert {t: [(c.source, c.target, c.origin) for c in cs] for t, cs in ex_s.items()} \
                == {t: [(c.source, c.target, c.origin) for c in cs] for t, cs in ex_p.items()}
            best_s = summary(MemoryAdvisor(sqlite, 75).best(texts, src, tgt))
            best_p = summary(MemoryAdvisor(pg, 75).best(texts, src, tgt))
            assert best_p == best_s
        kinds = [m[2] for m in summary(MemoryAdvisor(pg, 75).best(en, "en", "ru")).values()]
        assert kinds.count("exact") >= 3 and kinds.count("adapted") >= 15
        assert kinds.count("fuzzy") >= 10
        assert [(u.texts, u.extra["origin"]) for u in pg.units()] == \
            [(u.texts, u.extra["origin"]) for u in sqlite.units()]
    finally:
        sqlite.close()
        pg.close()


def test_resync_replaces_a_changed_file_and_keeps_other_origins(pg_url: str,
                                                                tmp_path: Path) -> None:
    shutil.copy(DATA / "memory_lecture.tmx", tmp_path / "lecture.tmx")
    shutil.copy(DATA / "memory_glossary.csv", tmp_path / "glossary.csv")
    mine = [MemorySource(tmp_path / "lecture.tmx", "memory/lecture.tmx")]
    theirs = [MemorySource(tmp_path / "glossary.csv", "memory/glossary.csv")]
    statute = "Such is the statute of the Comintern."
    a, b = PostgresIndex(pg_url), PostgresIndex(pg_url)  # two translators
    try:
        assert a.sync(mine).indexed == ["memory/lecture.tmx"]
        assert b.sync(theirs).indexed == ["memory/glossary.csv"]
        assert a.sync(mine).indexed == [] and a.sync(mine).unchanged == 1
        assert a.origins() == ["memory/lecture.tmx", "memory/glossary.csv"]
        tmx = tmp_path / "lecture.tmx"
        st = tmx.stat()
        os.utime(tmx, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same content
        assert a.sync(mine).unchanged == 1
        tmx.write_text(tmx.read_text("utf-8").replace("Таков устав", "Вот устав"), "utf-8")
        report = a.sync(mine)
        assert (report.indexed, report.removed, report.units) == (["memory/lecture.tmx"], [], 5)
        (cand,) = b.exact([statute], "en", "ru")[statute]
        assert cand.target == "Вот устав Коминтерна."
        assert b.exact(["Left Opposition"], "en", "ru")["Left Opposition"][0].origin == \
            "memory/glossary.csv"
        assert a.sync([]).removed == []  # nobody else's origins go away
        assert sorted(b.origins()) == ["memory/glossary.csv", "memory/lecture.tmx"]
        assert a.forget("memory/lecture.tmx") and a.exact([statute], "en", "ru") == {}
    finally:
        a.close()
        b.close()


def test_segment_with_memory_url_prefills_the_catalog(pg_url: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text(
        "# Part 4\n\nHe bluntly told his accusers that they were sitting there as "
        "representatives of that bureaucracy.\n\nIn June 1928, Trotsky and other leaders of "
        "the Opposition were summoned before the party tribunal.\n\nThe world revolution had "
        "been delayed, and the workers of Europe had suffered heavy defeats.\n",
        encoding="utf-8")
    (tmp_path / "memory").mkdir()
    shutil.copy(DATA / "memory_lecture.tmx", tmp_path / "memory" / "lecture.tmx")
    (tmp_path / "tm.toml").write_text(
        f'languages = ["en", "ru"]\nmemory_url = "{pg_url}"\nbuiltin_terms = false\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["segment", "--quiet"])
    assert r.exit_code == 0, r.output
    got = {m.msgid: m for m in read_po(tmp_path / "locales" / "ru" / "doc.po").messages}
    exact = got["He bluntly told his accusers that they were sitting there as representatives "
                "of that bureaucracy."]
    assert exact.msgstr.startswith("Он прямо сказал") and not exact.fuzzy
    assert "tm: 100% memory/lecture.tmx" in exact.extracted
    year = got["In June 1928, Trotsky and other leaders of the Opposition were summoned "
               "before the party tribunal."]
    assert year.msgstr.startswith("В июне 1928 г. Троцкий") and year.fuzzy
    assert "tm: 99% memory/lecture.tmx (adapted)" in year.extracted
    fuzzy = got["The world revolution had been delayed, and the workers of Europe had "
                "suffered heavy defeats."]
    assert fuzzy.fuzzy and fuzzy.msgstr.startswith("Мировая революция")
    assert not (tmp_path / ".tm" / "index.sqlite").exists()  # the server served the lookups
    index = open_index(load_config())
    try:
        assert isinstance(index, PostgresIndex)
        assert index.origins() == ["memory/lecture.tmx"]
    finally:
        index.close()
    r = runner.invoke(app, ["memory", "search", "Such is the statute of the Comintern",
                            "--to", "ru"])
    assert r.exit_code == 0 and "Таков устав Коминтерна." in r.output
    r = runner.invoke(app, ["memory", "export", "out.tmx"])
    assert r.exit_code == 0, r.output
    assert "Таков устав Коминтерна." in (tmp_path / "out.tmx").read_text("utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    assert line.startswith(f"tm: error: {tmp_path / 'tm.toml'}:4: ")
    assert what in line and "secret" not in line
    assert "memory_url" in line
    assert not (tmp_path / "locales" / "ru" / "doc.po").exists()


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://tm:p%40ss@db:5432/tm") == "postgresql://tm:***@db:5432/tm"
    assert redact("postgresql://tm@db/tm") == "postgresql://tm@db/tm"
