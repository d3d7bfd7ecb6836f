"""The shared memory's tables on the PostgreSQL server, and connecting to it.

The server is the store of record for a team; lookups run on each client's replica
(tm.memory.replica). So the server keeps only what replication needs: a change counter
(`clock`), the units of each upload (`batches`, `units`) and, for a removed batch, its
tombstone (`batches.dropped`, the change that removed it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NoReturn

from tm.errors import TmError
from tm.redact import redact

SCHEMA_VERSION = "2"
LOCK = 0x746D_6D65  # "tmme": serializes schema set-up and uploads
SCHEMA_ENV = "TM_PG_SCHEMA"
"""The schema's name (default `tm`): tests that share one database use one each."""

TABLES = """
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.clock(
    one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one), seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.origins(
    origin TEXT PRIMARY KEY, digest TEXT NOT NULL, units INTEGER NOT NULL,
    skipped INTEGER NOT NULL, seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.batches(
    seq BIGINT PRIMARY KEY, origin TEXT NOT NULL, first INTEGER NOT NULL,
    units INTEGER NOT NULL, digest TEXT NOT NULL, langs TEXT NOT NULL,
    dropped BIGINT);
CREATE INDEX IF NOT EXISTS batches_origin ON {s}.batches(origin) WHERE dropped IS NULL;
CREATE INDEX IF NOT EXISTS batches_dropped ON {s}.batches(dropped);
CREATE TABLE IF NOT EXISTS {s}.units(
    batch BIGINT NOT NULL, pos INTEGER NOT NULL, texts JSONB NOT NULL,
    PRIMARY KEY(batch, pos));
INSERT INTO {s}.clock VALUES (true, 0) ON CONFLICT DO NOTHING;
"""


def schema_name() -> str:
    name = os.environ.get(SCHEMA_ENV) or "tm"
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise TmError(f"{SCHEMA_ENV}={name!r} is not a schema name", None, None,
                      "use lower-case letters, digits and _")
    return name


def url_line(path: Path | None) -> int:
    """The line of `memory_url` in the config file, for error messages."""
    if path is None or not path.is_file():
        return 1
    text = path.read_text("utf-8", "replace")
    m = re.search(r"^[ \t]*memory_url\b", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def one_line(e: BaseException, url: str) -> str:
    """The first line of a psycopg error, without any piece of the password in `url`."""
    lines = [s.strip() for s in str(e).splitlines() if s.strip()]
    text = lines[0] if lines else type(e).__name__
    return redact(text.removeprefix("connection failed: "), url)


def import_psycopg(where: tuple[Path | None, int]) -> Any:
    """psycopg, or one line naming the extra that installs it."""
    try:
        import psycopg
    except ImportError:
        raise TmError("memory_url needs the PostgreSQL driver, which is not installed",
                      where[0], where[1], "pip install 'tm[postgres]', or remove memory_url "
                      "to use the local index") from None
    return psycopg


def conninfo(url: str, psycopg: Any, fail: Any) -> str:
    """libpq's connection string for `url` with tm's defaults added; every other
    setting (sslmode, sslrootcert, ...) passes through unchanged."""
    if not re.match(r"^postgres(ql)?://", url) and not re.match(r"^\s*\w+\s*=", url):
        fail(f"memory_url {redact(url)!r} is not a postgresql:// URL",
             'write it as memory_url = "postgresql://user@host/database"')
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error as e:
        fail(f"memory_url {redact(url)!r} is not a valid URL: {one_line(e, url)}",
             "see https://www.postgresql.org/docs/current/libpq-connect.html")
    port = str(params.get("port", ""))
    if port and not re.fullmatch(r"\d+(,\d+)*", port):
        fail(f"memory_url {redact(url)!r} is not a valid URL: port {redact(port, url)!r}",
             'write it as memory_url = "postgresql://user@host:5432/database"')
    params.setdefault("connect_timeout", 10)
    params.setdefault("application_name", "tm")
    return str(psycopg.conninfo.make_conninfo("", **params))


def set_up(db: Any, schema: str, fail: Any) -> str:
    """Create the tables once (whoever comes first) and check their version; returns the
    memory's identity (a random id made with the tables: a replica of another memory, or
    of one dropped and made again, starts over)."""
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        if db.execute("SELECT to_regclass(%s)", (f"{schema}.clock",)).fetchone()[0] is None:
            old = db.execute("SELECT to_regclass(%s)", (f"{schema}.variants",)).fetchone()[0]
            if old is not None:
                fail(f"the shared memory in schema {schema} has the layout of tm 0.1 "
                     "(server-side lookups)", f"back it up (pg_dump -n {schema}), drop it "
                     f"(DROP SCHEMA {schema} CASCADE), and let every translator run tm "
                     "segment once to upload their files again")
            db.execute(TABLES.format(s=schema))
            db.execute(f"INSERT INTO {schema}.meta VALUES ('schema', %s), "
                       "('id', md5(random()::text || clock_timestamp()::text)) "
                       "ON CONFLICT (key) DO NOTHING", (SCHEMA_VERSION,))
        meta = dict(db.execute(f"SELECT key, value FROM {schema}.meta").fetchall())
    if meta.get("schema") != SCHEMA_VERSION:
        fail(f"the shared memory has schema version {meta.get('schema', '?')}, "
             f"this tm writes version {SCHEMA_VERSION}",
             "use the same tm version as the rest of the team")
    return str(meta["id"])


def raise_at(where: tuple[Path | None, int]) -> Any:
    def fail(what: str, hint: str) -> NoReturn:
        raise TmError(what, where[0], where[1], hint) from None
    return fail
