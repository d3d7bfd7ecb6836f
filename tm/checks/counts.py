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
from collections.abc import Callable
from dataclasses import dataclass

from tm.errors import CatalogError
from tm.po import Catalog, Message
from tm.po_tokens import (
    COMMENT,
    CR_IN_COMMENT,
    EXTRACTED,
    FLAGS,
    KEYWORDS,
    MSGCTXT,
    MSGID,
    MSGID_PLURAL,
    MSGSTR,
    MSGSTR_N,
    PREV_MALFORMED,
    PREV_OTHER,
    PREV_STRING,
    PREVIOUS,
    REFERENCE,
    STRING,
    UNEXPECTED,
    Token,
    tokens,
    unescape,
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


# --- the counting path: `tm check` over many files (counts, QA entries, stale keys) -----

_GOOD_ESCAPE = re.compile(r'\\(?:x[0-9A-Fa-f]+|[0-7]{1,3}|[ntr"\\abfv\'?])')


def _escapes_ok(v: str, line: int) -> bool:
    """Whether the strict reader accepts the escapes of `v` (without unescaping it)."""
    if "\\" in _GOOD_ESCAPE.sub("", v):
        return False
    if "\\x" in v:  # a code point beyond U+10FFFF is an error too
        try:
            unescape(v, "", line)
        except CatalogError:
            return False
    return True


class _Unusual(Exception):
    """Something the counting path leaves to the strict reader (which names the error)."""


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


def _scan(text: str, collect: bool,
          keys: list[Entry] | None = None) -> tuple[Counts, list[Message]]:
    if "\r" in text and CR_IN_COMMENT.search(text):
        raise _Unusual
    scan = _Scan(collect, keys)
    handlers = scan.handlers()
    for token in tokens(text):
        handlers[token[0]](token)
    scan.end()
    return scan.counts, scan.out


_NEXT = {"": (MSGCTXT, MSGID), MSGCTXT: (MSGID,), MSGID: (MSGID_PLURAL, MSGSTR),
         MSGID_PLURAL: (MSGSTR_N,), MSGSTR: (), MSGSTR_N: (MSGSTR_N,)}
"""The keywords that may follow each keyword of an entry ("": between entries)."""


class _Scan:
    """The counting consumer of `tm.po_tokens`: an entry's key, first msgstr and flags,
    strings kept escaped; whatever is not plainly well-formed raises `_Unusual`."""

    __slots__ = ("collect", "keys", "counts", "out", "seen", "header_seen", "state",
                 "obsolete", "ctx", "msgid", "first", "field", "flags", "plural",
                 "strs", "index", "line", "kind")

    def __init__(self, collect: bool, keys: list[Entry] | None) -> None:
        self.collect, self.keys = collect, keys
        self.counts = Counts()
        self.out: list[Message] = []
        self.seen: set[tuple[str | None, str]] = set()
        self.header_seen = False
        self.obsolete = False
        self.line = self.index = 0
        self.reset()

    def reset(self) -> None:
        """Between entries."""
        self.state = ""  # the entry's last keyword
        self.field = ""  # what a string line continues
        self.ctx: str | None = None
        self.msgid = self.first = ""  # first: msgstr or msgstr[0]
        self.flags: list[str] = []
        self.kind: str | None = None
        self.plural: str | None = None
        self.strs: dict[int, str] = {}

    def handlers(self) -> dict[str, Callable[[Token], None]]:
        """The method for each kind of token."""
        out: dict[str, Callable[[Token], None]] = dict.fromkeys(PREVIOUS | {UNEXPECTED, FLAGS},
                                                                self.other)
        out.update(dict.fromkeys(KEYWORDS, self.keyword))
        out.update(dict.fromkeys((COMMENT, REFERENCE, PREV_OTHER), self.comment))
        out[EXTRACTED] = self.extracted_comment
        out[STRING] = self.string
        return out

    def comment(self, token: Token) -> None:
        """A comment other than flags: it ends an entry that has its msgstr (one before
        the msgstr is an error the strict reader names)."""
        if self.state == MSGSTR or self.state == MSGSTR_N:
            self.finish()
        elif self.state:
            raise _Unusual

    def extracted_comment(self, token: Token) -> None:
        """A `#.` line: only the kind of an inline-only block is kept (QA's `block`)."""
        self.comment(token)
        if token[2] in INLINE_KINDS:
            self.kind = token[2]

    def string(self, token: Token) -> None:
        v = token[2]
        if v is None or not self.field or token[4] != self.obsolete:
            raise _Unusual
        if "\\" in v and not _escapes_ok(v, token[1]):
            raise _Unusual
        f = self.field
        if f == MSGID:
            self.msgid += v
        elif f == MSGSTR:
            self.strs[self.index] += v
            if self.index == 0:
                self.first = self.first or v
        elif f == MSGCTXT:
            self.ctx = (self.ctx or "") + v
        else:
            self.plural = (self.plural or "") + v

    def keyword(self, token: Token) -> None:
        kind, line, v, index, obsolete = token
        if v is None or "\\" in v and not _escapes_ok(v, line):
            raise _Unusual
        state = self.state
        if kind == MSGCTXT or kind == MSGID:
            if state == MSGSTR or state == MSGSTR_N:
                self.finish()
                state = ""
            if not state:
                self.obsolete = obsolete
        if obsolete != self.obsolete or kind not in _NEXT[state]:
            raise _Unusual
        if kind == MSGSTR_N and index != (len(self.strs) if state == MSGSTR_N else 0):
            raise _Unusual  # forms out of order: the strict reader names the line
        self.state = kind
        if kind == MSGID:
            self.msgid, self.field, self.line = v, MSGID, line
        elif kind == MSGCTXT:
            self.ctx, self.field = v, MSGCTXT
        elif kind == MSGID_PLURAL:
            self.plural, self.field = v, MSGID_PLURAL
        else:
            self.index = max(index, 0)
            self.strs[self.index], self.field = v, MSGSTR
            if self.index == 0:
                self.first = v

    def other(self, token: Token) -> None:
        """Comments and previous strings: they end an entry that has its msgstr."""
        kind, state = token[0], self.state
        if kind == UNEXPECTED or kind == PREV_MALFORMED:
            raise _Unusual
        if state == MSGSTR or state == MSGSTR_N:
            if kind == PREV_STRING:  # the strict reader would let a string line continue
                raise _Unusual
            self.finish()
        elif state:  # inside an entry, before its msgstr: msgfmt's syntax error
            raise _Unusual
        if kind in PREVIOUS:
            v = token[2]
            if v is None or "\\" in v and not _escapes_ok(v, token[1]):
                raise _Unusual
        elif kind == FLAGS:
            self.flags += [f.strip() for f in (token[2] or "").split(",") if f.strip()]

    def end(self) -> None:
        if self.state:
            if self.state != MSGSTR and self.state != MSGSTR_N:
                raise _Unusual
            self.finish()

    def finish(self) -> None:
        """Count the entry just read, and start the next."""
        ctx, msgid, obsolete, line = self.ctx, self.msgid, self.obsolete, self.line
        key = (obsolete, _text(ctx, line) if ctx is not None else None, _text(msgid, line))
        if key[1:] in self.seen:  # msgfmt refuses any duplicate: the strict reader says
            raise _Unusual
        self.seen.add(key[1:])
        self.count(key)
        self.reset()

    def count(self, key: tuple[bool, str | None, str]) -> None:
        c = self.counts
        if key[0]:
            c.obsolete += 1
            return
        if self.msgid == "" and self.ctx is None:
            if self.header_seen:
                raise _Unusual
            self.header_seen = True
            c.untranslated += self.first == ""
            return
        fuzzy = "fuzzy" in self.flags
        if self.first == "" and (fuzzy or JOINED not in self.flags):
            c.untranslated += 1
            s = UNTRANSLATED
        elif fuzzy:
            c.fuzzy += 1
            s = FUZZY
        else:
            c.translated += 1
            s = TRANSLATED
            if self.collect:
                m = _message(self.msgid, self.ctx, self.plural, self.strs, self.flags,
                             self.line)
                if self.kind is not None:
                    m.extracted = [self.kind]
                self.out.append(m)
        if self.keys is not None:
            self.keys.append((entry_key(self.msgid, self.ctx, self.plural), self.line, s))


INLINE_KINDS = frozenset({"heading", "table cell"})
"""Entry kinds (`#.` lines tm writes) whose text stays inline wherever it stands: a
translation there starts no block (a `1. ` after `# ` is no list)."""


def entry_key(msgid: str, ctx: str | None, plural: str | None) -> str:
    """What the stale check matches against the source's sentences: the msgid, or for
    an entry with a context or plural forms (no sentence of tm's has them: `tm merge`
    does not use them) gettext's `context EOT msgid`, which matches no sentence."""
    if ctx is None and plural is None:
        return msgid
    return f"{ctx or ''}\x04{msgid}"


def _text(v: str, line: int) -> str:
    return unescape(v, "", line) if "\\" in v else v


def _message(msgid: str, ctx: str | None, plural: str | None, strs: dict[int, str],
             flags: list[str], line: int) -> Message:
    """A translated entry, its strings unescaped as the strict reader does."""
    m = Message(msgid=_text(msgid, line), msgctxt=_text(ctx, line) if ctx is not None else None,
                flags=flags, line=line)
    if plural is None:
        m.msgstr = _text(strs.get(0, ""), line)
    else:
        m.msgid_plural = _text(plural, line)
        m.msgstr_plural = {i: _text(v, line) for i, v in strs.items()}
    return m
