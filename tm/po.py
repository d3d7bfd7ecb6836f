"""Gettext catalogs: the data model, a strict reader and an atomic writer.

polib reads malformed files without complaint (an unterminated string passes) and
is several times slower on catalogs of tens of thousands of entries; tm needs both
the line of every error and the speed, so the format is read and written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tm.atomic import atomic_write
from tm.errors import CatalogError, escape_control
from tm.po_tokens import (
    COMMENT,
    EXTRACTED,
    FLAGS,
    MSGCTXT,
    MSGID,
    MSGID_PLURAL,
    MSGSTR,
    MSGSTR_N,
    PREV_MALFORMED,
    PREV_MSGCTXT,
    PREV_MSGID,
    PREV_MSGID_PLURAL,
    PREV_OTHER,
    PREV_STRING,
    REFERENCE,
    STRING,
    UNEXPECTED,
    Token,
    tokens,
    unescape,
    value,
)
from tm.wrap import layout, text_columns, wrap_width
from tm.wrap import parse_wrap as parse_wrap  # re-exported (tests/test_po_wrap.py)


@dataclass(slots=True)
class Message:
    """One catalog entry, as gettext defines it."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    """Translator comments (`# ...`)."""
    extracted: list[str] = field(default_factory=list)
    """Extracted comments (`#. ...`): block kind, memory origin, term hints."""
    references: list[str] = field(default_factory=list)
    """`#:` references, e.g. `sources/lectures/x.md:17`."""
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0
    """1-based line of the `msgid` keyword in the file read (0 for new entries)."""

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags.remove("fuzzy")

    @property
    def translated(self) -> bool:
        """Has a translation and is not fuzzy (msgfmt's notion of translated)."""
        if self.fuzzy or self.obsolete:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return self.msgstr != ""

    @property
    def has_translation(self) -> bool:
        if self.msgid_plural is not None:
            return any(self.msgstr_plural.values())
        return self.msgstr != ""


@dataclass(slots=True)
class Catalog:
    """A PO or POT file: header fields, header comments and messages in order."""

    header: dict[str, str] = field(default_factory=dict)
    header_comments: list[str] = field(default_factory=list)
    header_flags: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    path: str | None = None
    header_msgstr: str | None = None
    """The header entry's raw msgstr; None when the file has no header entry."""

    @property
    def active(self) -> list[Message]:
        return [m for m in self.messages if not m.obsolete]

    @property
    def language(self) -> str:
        return self.header.get("Language", "")

    def index(self) -> dict[tuple[str | None, str], Message]:
        return {m.key: m for m in self.messages if not m.obsolete}


# --- reading -------------------------------------------------------------------------

_unescape = unescape  # the name tm.checks.stale imports


def decode_po(data: bytes, path: str) -> str:
    """Decode a catalog: UTF-8, or the charset its header declares."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        m = re.search(rb"charset=([-\w]+)", data[:4096])
        charset = m.group(1).decode("ascii").lower() if m else "utf-8"
        if charset not in ("utf-8", "utf8", "charset"):
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        line = data[: e.start].count(b"\n") + 1
        raise CatalogError(f"not valid {charset.upper()} (byte 0x{data[e.start]:02x})",
                           path, line, "save the catalog as UTF-8") from None


def read_po(path: Path | str) -> Catalog:
    """Read and strictly parse a PO/POT file; errors name the file and line."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise CatalogError(f"cannot read: {e.strerror}", p, 1) from None
    return parse_po(decode_po(data, str(p)), str(p))


def parse_po(text: str, path: str = "<string>") -> Catalog:
    """Parse catalog text; the inverse of `format_po`."""
    cat = Catalog(path=path)
    _Builder(path, _Collect(cat, path)).read(tokens(text))
    return cat


def parse_header(text: str, path: str = "<string>") -> dict[str, str]:
    """The header fields of catalog text, read strictly up to the end of the first entry
    (the rest is not read); empty when the first entry is not a header."""
    found: list[Message] = []
    builder = _Builder(path, found.append)
    for token in tokens(text):
        builder.step(token)
        if found:
            break
    else:
        builder.close()
    first = found[0] if found else None
    if first is None or first.msgid or first.msgctxt is not None or first.obsolete:
        return {}
    return _parse_header(first.msgstr)


class _Collect:
    """Entries into a catalog: the header entry apart, duplicates refused as msgfmt does."""

    def __init__(self, cat: Catalog, path: str) -> None:
        self.cat, self.path = cat, path
        self.seen: dict[tuple[bool, str | None, str], int] = {}

    def __call__(self, msg: Message) -> None:
        cat = self.cat
        if msg.msgid == "" and msg.msgctxt is None and not msg.obsolete:
            if cat.header_msgstr is not None:  # msgfmt accepts a header after messages
                raise CatalogError("a second header entry (empty msgid)", self.path, msg.line)
            cat.header = _parse_header(msg.msgstr)
            cat.header_msgstr = msg.msgstr
            cat.header_comments = msg.comments
            cat.header_flags = msg.flags
            return
        k = (msg.obsolete, msg.msgctxt, msg.msgid)
        first = self.seen.get(k)
        if first is not None:
            if msg.obsolete:
                return  # msgfmt tolerates, gettext tools drop duplicate obsolete entries
            raise CatalogError(f"duplicate message definition (first at line {first})",
                               self.path, msg.line, "merge the two entries into one")
        self.seen[k] = msg.line
        cat.messages.append(msg)


def _parse_header(s: str) -> dict[str, str]:
    out = {}
    for line in s.split("\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


_CONTINUES_NOTHING = "a string line must follow msgid, msgstr or another string"


class _Builder:
    """The strict reader: tokens -> entries, each handed to `done` as soon as it ends
    (so that a duplicate is reported before an error further down), every error a
    CatalogError with the file and line."""

    __slots__ = ("path", "done", "cur", "pending", "field", "plural_index", "have_msgstr",
                 "handlers")

    def __init__(self, path: str, done: Callable[[Message], None]) -> None:
        self.path, self.done = path, done
        self.cur: Message | None = None
        """The entry whose keywords are being read."""
        self.pending = Message(msgid="")
        """Comments and previous strings go here: the next entry, or `cur` while it has
        no msgstr yet."""
        self.field = ""
        """What a string line continues: a keyword, "msgstr[]" or "prev_<keyword>"."""
        self.plural_index = 0
        self.have_msgstr = False
        self.handlers: dict[str, Callable[[Token], None]] = {
            STRING: self.string, MSGCTXT: self.start, MSGID: self.start,
            MSGID_PLURAL: self.msgid_plural, MSGSTR: self.msgstr, MSGSTR_N: self.msgstr_n,
            PREV_MSGCTXT: self.previous, PREV_MSGID: self.previous,
            PREV_MSGID_PLURAL: self.previous, PREV_MALFORMED: self.previous,
            PREV_STRING: self.previous_string, COMMENT: self.comment,
            EXTRACTED: self.comment, REFERENCE: self.comment, FLAGS: self.comment,
            PREV_OTHER: self.comment, UNEXPECTED: self.unexpected,
        }

    def read(self, stream: Iterable[Token]) -> None:
        handlers = self.handlers
        for token in stream:
            handlers[token[0]](token)
        self.close()

    def step(self, token: Token) -> None:
        self.handlers[token[0]](token)

    def close(self) -> None:
        """End the entry being read (at the next entry, a comment after its msgstr, or
        the end of the file)."""
        cur = self.cur
        if cur is not None:
            if not self.have_msgstr:
                raise CatalogError("msgid without msgstr", self.path, cur.line,
                                   'add msgstr "" after the msgid')
            self.cur = None
            self.pending = Message(msgid="")
            self.done(cur)

    def string(self, token: Token) -> None:
        cur, field_name = self.cur, self.field
        if cur is None or not field_name:
            raise CatalogError("a string continues nothing", self.path, token[1],
                               _CONTINUES_NOTHING)
        val = value(token, self.path)
        if field_name == "msgstr":
            cur.msgstr += val
        elif field_name == "msgid":
            cur.msgid += val
        elif field_name == "msgstr[]":
            cur.msgstr_plural[self.plural_index] += val
        elif field_name == "msgctxt":
            cur.msgctxt = (cur.msgctxt or "") + val
        elif field_name == "msgid_plural":
            cur.msgid_plural = (cur.msgid_plural or "") + val
        else:  # a previous string's continuation must say so (`#| "..."`)
            raise CatalogError("a string continues nothing", self.path, token[1])

    def start(self, token: Token) -> None:
        """msgctxt or msgid: a new entry, or the msgid after an entry's msgctxt."""
        kw, line = token[0], token[1]
        val = value(token, self.path)
        cur = self.cur
        if cur is not None:
            if not self.have_msgstr:
                if kw == MSGID and self.field == MSGCTXT:
                    cur.msgid, cur.line, self.field = val, line, MSGID
                    return
                raise CatalogError(f"{kw} follows a msgid that has no msgstr", self.path,
                                   line, 'add msgstr "" to the entry before')
            self.close()
        self.cur = cur = self.pending
        cur.obsolete, cur.line, self.have_msgstr, self.field = token[4], line, False, kw
        if kw == MSGCTXT:
            cur.msgctxt = val
        else:
            cur.msgid = val

    def msgid_plural(self, token: Token) -> None:
        val = value(token, self.path)
        if self.cur is None or self.have_msgstr:
            raise CatalogError("msgid_plural without msgid", self.path, token[1])
        self.cur.msgid_plural, self.field = val, MSGID_PLURAL

    def _entry_for_msgstr(self, token: Token) -> Message:
        if self.cur is None:
            raise CatalogError("msgstr without msgid", self.path, token[1],
                               "every msgstr must follow its msgid")
        return self.cur

    def msgstr(self, token: Token) -> None:
        val = value(token, self.path)
        cur = self._entry_for_msgstr(token)
        if cur.msgid_plural is not None:
            raise CatalogError("plural entry needs msgstr[0], msgstr[1], ...", self.path,
                               token[1])
        if self.have_msgstr:
            raise CatalogError("a second msgstr for one msgid", self.path, token[1])
        cur.msgstr, self.field, self.have_msgstr = val, MSGSTR, True

    def msgstr_n(self, token: Token) -> None:
        val = value(token, self.path)
        cur = self._entry_for_msgstr(token)
        if cur.msgid_plural is None:
            raise CatalogError("msgstr[n] without msgid_plural", self.path, token[1])
        index = token[3]
        if index != len(cur.msgstr_plural):  # as msgfmt: 0, 1, 2... in order
            raise CatalogError(f"plural form has wrong index: msgstr[{index}] "
                               f"after {len(cur.msgstr_plural)} form(s)", self.path, token[1],
                               "number the forms msgstr[0], msgstr[1], ... in order")
        cur.msgstr_plural[index] = val
        self.plural_index, self.field, self.have_msgstr = index, MSGSTR_N, True

    def previous(self, token: Token) -> None:
        """`#| msgctxt`, `#| msgid`, `#| msgid_plural`: the strings a fuzzy entry had."""
        kind = token[0]
        if kind == PREV_MALFORMED:
            raise CatalogError("malformed #| line", self.path, token[1])
        if self.cur is not None and self.have_msgstr and self.field.startswith("msgstr"):
            self.close()
        val = value(token, self.path)
        if kind == PREV_MSGCTXT:
            self.pending.previous_msgctxt, self.field = val, "prev_msgctxt"
        elif kind == PREV_MSGID:
            self.pending.previous_msgid, self.field = val, "prev_msgid"
        else:
            self.pending.previous_msgid_plural, self.field = val, "prev_msgid_plural"

    def previous_string(self, token: Token) -> None:
        val = value(token, self.path)
        p, field_name = self.pending, self.field
        if field_name == "prev_msgid":
            p.previous_msgid = (p.previous_msgid or "") + val
        elif field_name == "prev_msgctxt":
            p.previous_msgctxt = (p.previous_msgctxt or "") + val
        elif field_name == "prev_msgid_plural":
            p.previous_msgid_plural = (p.previous_msgid_plural or "") + val

    def comment(self, token: Token) -> None:
        if self.cur is not None and self.have_msgstr:
            self.close()
        kind, body = token[0], token[2] or ""
        p = self.pending
        if kind == EXTRACTED:
            p.extracted.append(body)
        elif kind == REFERENCE:
            p.references.extend(body.split())
        elif kind == FLAGS:
            p.flags.extend(f.strip() for f in body.split(",") if f.strip())
        elif kind == COMMENT:
            p.comments.append(body)

    def unexpected(self, token: Token) -> None:
        raise CatalogError(f"syntax error: unexpected {token[2]!r}", self.path, token[1],
                           "expected msgctxt, msgid, msgstr, a string or a comment")


# --- writing -------------------------------------------------------------------------

_OUT_ESC = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                          "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"})
_NEEDS_ESC = re.compile(r'[\\"\n\t\r\a\b\f\v\x00]')
_NUL_BEFORE_DIGIT = re.compile(r"\x00(?=[0-7])")


def _escape(value: str) -> str:
    # str.translate is slow on non-ASCII text; most strings need no escape at all
    if not _NEEDS_ESC.search(value):
        return value
    value = value.translate(_OUT_ESC)
    if "\x00" in value:  # a `\0` read stays an escape: a raw NUL would end the string
        value = _NUL_BEFORE_DIGIT.sub(r"\\000", value).replace("\x00", "\\0")
    return value


def _comment_lines(lines: list[str]) -> list[str]:
    """Comment lines with any line break escaped: a break would end the comment."""
    if any("\n" in c or "\r" in c for c in lines):
        return [escape_control(c) for c in lines]
    return lines


def _quote_into(
    out: list[str], keyword: str, value: str, prefix: str = "", width: int | None = None
) -> None:
    """Append `keyword "value"` the way msgcat writes it: split after each \\n and, when
    `width` > 0, wrapped at Unicode line-break opportunities so no line is wider."""
    if width is None:
        width = wrap_width.get()
    if "\n" not in value[:-1]:
        esc = _escape(value)
        first = width - len(prefix) - len(keyword) - 3
        if width <= 0 or text_columns(esc) <= first or len(layout(esc, first, first)) < 2:
            out.append(f'{prefix}{keyword} "{esc}"')
            return
        out.append(f'{prefix}{keyword} ""')
        room = width - len(prefix) - 2
        out.extend(f'{prefix}"{c}"' for c in layout(esc, room, room))
        return
    parts = [c + "\n" for c in value.split("\n")]
    parts[-1] = parts[-1][:-1]
    if not parts[-1]:
        parts.pop()
    out.append(f'{prefix}{keyword} ""')
    room = width - len(prefix) - 2
    for c in parts:
        esc = _escape(c)
        if width <= 0 or text_columns(esc) <= room:
            out.append(f'{prefix}"{esc}"')
        else:
            out.extend(f'{prefix}"{line}"' for line in layout(esc, room, room))


def _references_into(out: list[str], refs: list[str]) -> None:
    """`#:` lines filled up to the width, as msgcat fills them (one line when not wrapping)."""
    width = wrap_width.get()
    line = "#:"
    for r in refs:
        if width > 0 and line != "#:" and len(line) + 1 + len(r) > width:
            out.append(line)
            line = "#:"
        line += " " + r
    out.append(line)


def _message_into(out: list[str], m: Message) -> None:
    """Append the lines of one entry."""
    if m.comments:
        out.extend(f"# {c}" if c else "#" for c in _comment_lines(m.comments))
    if m.extracted:
        out.extend(f"#. {c}" if c else "#." for c in _comment_lines(m.extracted))
    if m.references:
        _references_into(out, _comment_lines(m.references))
    if m.flags:
        out.append("#, " + ", ".join(m.flags))
    p = "#~ " if m.obsolete else ""
    pp = "#~| " if m.obsolete else "#| "  # msgcat's form for an obsolete entry's previous
    if m.previous_msgctxt is not None:
        _quote_into(out, "msgctxt", m.previous_msgctxt, pp)
    if m.previous_msgid is not None:
        _quote_into(out, "msgid", m.previous_msgid, pp)
    if m.previous_msgid_plural is not None:
        _quote_into(out, "msgid_plural", m.previous_msgid_plural, pp)
    if m.msgctxt is not None:
        _quote_into(out, "msgctxt", m.msgctxt, p)
    _quote_into(out, "msgid", m.msgid, p)
    if m.msgid_plural is not None:
        _quote_into(out, "msgid_plural", m.msgid_plural, p)
        for i in sorted(m.msgstr_plural) or [0, 1]:
            _quote_into(out, f"msgstr[{i}]", m.msgstr_plural.get(i, ""), p)
    else:
        _quote_into(out, "msgstr", m.msgstr, p)


def format_header(cat: Catalog) -> str:
    """The header comments and entry of `cat`, the start of `format_po(cat)`."""
    lines = [f"# {c}" if c else "#" for c in cat.header_comments]
    if cat.header_flags:
        lines.append("#, " + ", ".join(cat.header_flags))
    head = "".join(f"{k}: {v}\n" for k, v in cat.header.items())
    _quote_into(lines, "msgid", "")
    if head:
        _quote_into(lines, "msgstr", head)
    else:
        lines.append('msgstr ""')
    lines.append("")
    return "\n".join(lines)


def format_messages(messages: Iterable[Message]) -> str:
    """The entries as PO text, each after a blank line: the rest of `format_po`."""
    lines: list[str] = []
    for m in messages:
        lines.append("")
        _message_into(lines, m)
    if not lines:
        return ""
    lines.append("")
    return "\n".join(lines)


def format_po(cat: Catalog, width: int | None = None) -> str:
    """The catalog as PO text (UTF-8), wrapped as msgcat wraps at `width` (default: the
    context's `wrap_width`, 79; 0: split only after \\n)."""
    if width is None:
        return format_header(cat) + format_messages(cat.messages)
    token = wrap_width.set(width)
    try:
        return format_header(cat) + format_messages(cat.messages)
    finally:
        wrap_width.reset(token)


def write_po(path: Path, cat: Catalog) -> bool:
    """Write a catalog atomically; returns whether the file changed."""
    return atomic_write(path, format_po(cat))
