"""Catalog statistics with the exact semantics of GNU `msgfmt --statistics`.

msgfmt decides on the first msgstr alone: an entry whose msgstr (msgstr[0] for a
plural entry) is empty is untranslated, even when flagged fuzzy; otherwise a fuzzy
flag makes it fuzzy, else it is translated. Plural entries count once, obsolete
(`#~`) entries not at all, and the header entry only when its msgstr is empty
(msgfmt then counts it as untranslated, and so do we, to agree file by file).

One exception, tm's own: an entry flagged `tm-joined` and not fuzzy counts as
translated whatever its msgstr (its sentence is rendered by the translation of the
sentence before it, tm.merge), so tm's numbers differ from msgfmt's by such entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tm.po import (
    Catalog,
    Message,
    _unescape,  # the same escapes as the strict reader
)

TRANSLATED, FUZZY, UNTRANSLATED = "translated", "fuzzy", "untranslated"
JOINED = "tm-joined"


@dataclass(slots=True)
class Counts:
    """How many entries of a catalog are translated, fuzzy, untranslated, obsolete."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        """Active entries (what msgfmt counts); obsolete ones are not part of the work."""
        return self.translated + self.fuzzy + self.untranslated

    def percent(self, fuzzy_counts_as_translated: bool = False) -> float:
        """Share of active entries done, 0-100; an empty catalog is 100% done."""
        done = self.translated + (self.fuzzy if fuzzy_counts_as_translated else 0)
        return 100.0 * done / self.total if self.total else 100.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.translated + other.translated, self.fuzzy + other.fuzzy,
                      self.untranslated + other.untranslated, self.obsolete + other.obsolete)


def first_msgstr(m: Message) -> str:
    """The string msgfmt looks at: msgstr, or msgstr[0] of a plural entry."""
    if m.msgid_plural is not None:
        return m.msgstr_plural.get(0, "")
    return m.msgstr


def state(m: Message) -> str:
    """translated | fuzzy | untranslated, as msgfmt --statistics classifies an active entry."""
    if not first_msgstr(m):
        return TRANSLATED if JOINED in m.flags and "fuzzy" not in m.flags else UNTRANSLATED
    return FUZZY if "fuzzy" in m.flags else TRANSLATED


def count_catalog(cat: Catalog) -> Counts:
    """Counts for one catalog; agrees with `msgfmt --statistics` on every file it accepts."""
    c = Counts()
    if cat.header_msgstr == "":
        c.untranslated += 1
    for m in cat.messages:
        if m.obsolete:
            c.obsolete += 1
            continue
        s = state(m)
        if s is TRANSLATED:
            c.translated += 1
        elif s is FUZZY:
            c.fuzzy += 1
        else:
            c.untranslated += 1
    return c


# --- a lean scanner for `--counts-only` over many files -------------------------------

# A quoted string as an unrolled loop: runs of plain characters, then an escape (several
# times faster than an alternation per character on long strings).
_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"[ \t]*\r?\Z'
_KW = re.compile(r'[ \t]*(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+' + _QUOTED)
_STR = re.compile(r'[ \t]*' + _QUOTED)
_ESCAPE = re.compile(r'\\(?:[ntr"\\abfv\'?0-7]|x[0-9A-Fa-f])')


def _bad_escape(v: str) -> bool:
    return "\\" in _ESCAPE.sub("", v)
_NEXT = {"": ("msgctxt", "msgid"), "msgctxt": ("msgid",), "msgid": ("msgid_plural", "msgstr"),
         "msgid_plural": ("msgstr[]",), "msgstr": (), "msgstr[]": ("msgstr[]",)}


class _Unusual(Exception):
    """Something the lean scanner leaves to the full parser (which names the error)."""


def scan_counts(text: str) -> Counts | None:
    """Counts straight from PO text without building messages; None for anything unusual
    (syntax errors, duplicates, odd escapes), so the caller can fall back to `read_po`."""
    try:
        return _scan(text, False)[0]
    except _Unusual:
        return None


def scan_translated(text: str) -> tuple[Counts, list[Message]] | None:
    """Counts and the translated entries (all QA looks at), lighter than a full parse;
    None for anything unusual, as with `scan_counts`."""
    try:
        return _scan(text, True)
    except _Unusual:
        return None


Entry = tuple[str, int, str]
"""An active entry as the stale check sees it: (msgid, catalog line, translated | fuzzy |
untranslated)."""


def scan_active(text: str, collect: bool) -> tuple[Counts, list[Message], list[Entry]] | None:
    """As `scan_translated` (`collect`) or `scan_counts`, and every active entry as
    (msgid still escaped, line, state), for the stale check; None for anything unusual."""
    keys: list[Entry] = []
    try:
        counts, out = _scan(text, collect, keys)
    except _Unusual:
        return None
    return counts, out, keys


def _scan(text: str, collect: bool,  # noqa: C901
          keys: list[Entry] | None = None) -> tuple[Counts, list[Message]]:
    c = Counts()
    out: list[Message] = []
    state_kw = ""          # last keyword of the current entry ("" = between entries)
    fuzzy = obsolete = False
    ctx: str | None = None
    msgid = ""
    first = ""              # msgstr or msgstr[0]
    field = ""
    flags: list[str] = []
    plural: str | None = None
    strs: dict[int, str] = {}
    index = 0
    line_no = entry_line = 0
    seen: set[tuple[bool, str | None, str]] = set()
    header_seen = False

    def finish() -> None:
        nonlocal header_seen
        key = (obsolete, ctx, msgid)
        if key in seen:
            if obsolete:
                return
            raise _Unusual
        seen.add(key)
        if obsolete:
            c.obsolete += 1
        elif msgid == "" and ctx is None:
            if header_seen:
                raise _Unusual
            header_seen = True
            if first == "":
                c.untranslated += 1
        elif first == "" and (fuzzy or JOINED not in flags):
            c.untranslated += 1
            if keys is not None:
                keys.append((msgid, entry_line, UNTRANSLATED))
        elif fuzzy:
            c.fuzzy += 1
            if keys is not None:
                keys.append((msgid, entry_line, FUZZY))
        else:
            c.translated += 1
            if keys is not None:
                keys.append((msgid, entry_line, TRANSLATED))
            if collect:
                out.append(_message(msgid, ctx, plural, strs, flags, entry_line))

    for line in text.split("\n"):
        line_no += 1
        s = line.lstrip(" \t")
        if not s or s == "\r":
            continue
        is_obsolete = False
        if s[0] == "#":
            if s[1:2] == "~":
                s = s[2:].lstrip(" \t")
                if not s or s[0] == "|":
                    continue
                is_obsolete = True
            else:
                if state_kw.startswith("msgstr"):
                    finish()
                    state_kw, fuzzy, ctx, msgid, first, plural = "", False, None, "", "", None
                    flags, strs = [], {}
                if s[1:2] == ",":
                    new = [f.strip() for f in s[2:].split(",") if f.strip()]
                    flags += new
                    fuzzy = fuzzy or "fuzzy" in new
                continue
        if s[0] == '"':
            m = _STR.match(s)
            if m is None or not field or is_obsolete != obsolete:
                raise _Unusual
            v = m.group(1)
            if "\\" in v and _bad_escape(v):
                raise _Unusual
            if field == "msgid":
                msgid += v
            elif field == "msgctxt":
                ctx = (ctx or "") + v
            elif field == "str":
                strs[index] += v
                if index == 0:
                    first = first or v
            elif field == "msgid_plural":
                plural = (plural or "") + v
            continue
        m = _KW.match(s)
        if m is None:
            raise _Unusual
        kw, idx, v = m.group(1), m.group(2), m.group(3)
        if "\\" in v and _bad_escape(v):
            raise _Unusual
        if kw == "msgctxt" or kw == "msgid":
            if state_kw.startswith("msgstr"):
                finish()
                state_kw, ctx, msgid, first, plural = "", None, "", "", None
                fuzzy, flags, strs = False, [], {}
            elif state_kw and not (state_kw == "msgctxt" and kw == "msgid"):
                raise _Unusual
            obsolete = is_obsolete
        elif is_obsolete != obsolete:
            raise _Unusual
        name = "msgstr[]" if idx is not None else kw
        if name not in _NEXT[state_kw]:
            raise _Unusual
        if name == "msgstr[]" and (idx != "0" and state_kw != "msgstr[]"
                                   or state_kw == "msgstr[]" and int(idx) != len(strs)):
            raise _Unusual  # forms out of order: the strict reader names the line
        state_kw = name
        if kw == "msgctxt":
            ctx, field = v, "msgctxt"
        elif kw == "msgid":
            msgid, field, entry_line = v, "msgid", line_no
        elif kw == "msgid_plural":
            plural, field = v, "msgid_plural"
        else:
            index = int(idx) if idx is not None else 0
            strs[index], field = v, "str"
            if index == 0:
                first = v
    if state_kw:
        if not state_kw.startswith("msgstr"):
            raise _Unusual
        finish()
    return c, out


def _message(msgid: str, ctx: str | None, plural: str | None, strs: dict[int, str],
             flags: list[str], line: int) -> Message:
    """A translated entry, its strings unescaped as the strict reader does."""
    def u(v: str) -> str:
        return _unescape(v, "", line) if "\\" in v else v

    m = Message(msgid=u(msgid), msgctxt=u(ctx) if ctx is not None else None,
                flags=flags, line=line)
    if plural is None:
        m.msgstr = u(strs.get(0, ""))
    else:
        m.msgid_plural = u(plural)
        m.msgstr_plural = {i: u(v) for i, v in strs.items()}
    return m
