"""Passwords out of everything tm prints: a `memory_url` may hold one in any form libpq
accepts, and error messages end up in CI logs."""

from __future__ import annotations

import re
from urllib.parse import unquote

_SECRET_KEYS = ("password", "sslpassword")
_URL = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://")
_KV_SECRET = re.compile(
    r"(?i)(?<![\w])((?:ssl)?password)(\s*=\s*)('(?:[^'\\]|\\.)*(?:'|\Z)"
    r"|(?:[^\s'\\]|\\.)+(?:\s+(?!\w+\s*=)(?:[^\s'\\]|\\.)+)*)")
"""A password in key=value form; bare words after it that are no `key=` go with it (libpq
would quote them in its error)."""


def _conninfo_secrets(conninfo: str) -> tuple[str, list[str]]:
    """`conninfo` with its passwords replaced by `***`, and the passwords as written."""
    found: list[str] = []
    m = _URL.match(conninfo)
    if m is None:  # libpq's key=value form, values bare or 'quoted'
        def hide(k: re.Match[str]) -> str:
            found.append(k.group(3))
            return f"{k.group(1)}{k.group(2)}***"
        return _KV_SECRET.sub(hide, conninfo), found
    head, rest = conninfo[: m.end()], conninfo[m.end():]
    # user:password@host: up to the last `@`, as a password may hold a raw `@` or `/`
    at = rest.rfind("@")
    if at >= 0 and ":" in rest[:at]:
        colon = rest.index(":")
        found.append(rest[colon + 1 : at])
        rest = f"{rest[: colon + 1]}***{rest[at:]}"
    q = rest.find("?")
    if q >= 0:  # ?password=...: to the next `&key=`, as a raw `&` stays in the value
        parts, hiding = [], False
        for part in rest[q + 1 :].split("&"):
            key, eq, value = part.partition("=")
            if eq and re.fullmatch(r"[\w%.-]+", key):
                hiding = unquote(key).lower() in _SECRET_KEYS
                if hiding:
                    found.append(value)
                    part = f"{key}=***"
            elif hiding:
                found.append(part)
                continue
            parts.append(part)
        rest = rest[: q + 1] + "&".join(parts)
    return head + rest, found


def redact(text: str, conninfo: str | None = None) -> str:
    """`text` without passwords (error messages end up in CI logs): `text` as a connection
    string in any form libpq accepts (`postgresql://user:pw@host`, with a raw `@` in the
    password too, `?password=pw`, `host=h password='p w'`), and, when `conninfo` is
    given, without any piece of its passwords that a libpq message may quote.

    >>> redact("postgresql://tm:p@ss@db/tm?sslmode=require&password=x&y")
    'postgresql://tm:***@db/tm?sslmode=require&password=***'
    >>> redact("host=db password='a b' user=tm")
    'host=db password=*** user=tm'
    """
    out, secrets = _conninfo_secrets(text)
    if conninfo is not None and conninfo != text:
        secrets = _conninfo_secrets(conninfo)[1]
    pieces: set[str] = set()
    for secret in secrets:
        for form in (secret, unquote(secret), secret.strip("'").replace("\\", "")):
            pieces.add(form)
            pieces.update(re.split(r"[\s&@/:?'\\=]+", form))
    for piece in sorted(pieces, key=len, reverse=True):
        if len(piece) >= 3:
            out = out.replace(piece, "***")
        elif piece:
            out = re.sub(rf"(?<![\w*]){re.escape(piece)}(?![\w*])", "***", out)
    return out
