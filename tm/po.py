"""Gettext catalogs: the data model, a strict reader and an atomic writer.

polib reads malformed files without complaint (an unterminated string passes) and
is several times slower on catalogs of tens of thousands of entries; tm needs both
the line of every error and the speed, so the format is read and written here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tm.errors import CatalogError, escape_control
from tm.files import atomic_write as atomic_write  # re-exported: the writer lives there
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

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "'": "'", "?": "?"}
_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"\s*$')
_ESC = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)")
_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$')
_KEYWORD_STRING = re.compile(
    r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"([^"\\]*(?:\\.[^"\\]*)*)"\s*$')
"""_KEYWORD and _STRING in one match, for the usual well-formed line."""


def _unescape(s: str, path: str, lineno: int) -> str:
    if "\\" not in s:
        return s

    def repl(m: re.Match[str]) -> str:
        c = m.group(1)
        if c in _ESCAPES:
            return _ESCAPES[c]
        try:
            if c[0] == "x" and len(c) > 1:
                return chr(int(c[1:], 16))
            if c[0] in "01234567":
                return chr(int(c, 8))
        except (ValueError, OverflowError):  # \x110000 and beyond
            pass
        raise CatalogError(f"invalid escape sequence \\{c}", path, lineno,
                           'write a backslash as \\\\ and a quote as \\"')

    return _ESC.sub(repl, s)


def _string(rest: str, path: str, lineno: int) -> str:
    m = _STRING.match(rest)
    if m is None:
        what = "unterminated string" if rest.startswith('"') else "expected a quoted string"
        raise CatalogError(what, path, lineno, 'every string must be on one line, in "quotes"')
    return _unescape(m.group(1), path, lineno)


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
    seen: dict[tuple[bool, str | None, str], int] = {}
    for msg in _parse_messages(text, path):
        if msg.msgid == "" and msg.msgctxt is None and not msg.obsolete:
            if cat.header_msgstr is not None:  # msgfmt accepts a header after messages
                raise CatalogError("a second header entry (empty msgid)", path, msg.line)
            cat.header = _parse_header(msg.msgstr)
            cat.header_msgstr = msg.msgstr
            cat.header_comments = msg.comments
            cat.header_flags = msg.flags
            continue
        k = (msg.obsolete, msg.msgctxt, msg.msgid)
        if k in seen:
            if msg.obsolete:
                continue  # msgfmt tolerates, gettext tools drop duplicate obsolete entries
            raise CatalogError(f"duplicate message definition (first at line {seen[k]})",
                               path, msg.line, "merge the two entries into one")
        seen[k] = msg.line
        cat.messages.append(msg)
    return cat


def _parse_header(s: str) -> dict[str, str]:
    out = {}
    for line in s.split("\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def _extend(
    cur: Message, field_name: str, plural_index: int, val: str, path: str, lineno: int
) -> None:
    """Append a continued string line to the field it continues."""
    if field_name == "msgstr":
        cur.msgstr += val
    elif field_name == "msgid":
        cur.msgid += val
    elif field_name == "msgctxt":
        cur.msgctxt = (cur.msgctxt or "") + val
    elif field_name == "msgid_plural":
        cur.msgid_plural = (cur.msgid_plural or "") + val
    elif field_name == "msgstr[]":
        cur.msgstr_plural[plural_index] += val
    else:
        raise CatalogError("a string continues nothing", path, lineno)


def _parse_messages(text: str, path: str) -> Iterator[Message]:  # noqa: C901
    cur: Message | None = None
    field_name = ""  # which string continuation lines extend
    plural_index = 0
    pending = Message(msgid="")  # comments collected before the next msgid
    pending_used = False
    have_msgstr = False

    def finish() -> Message | None:
        nonlocal cur
        done = cur
        if done is not None and not have_msgstr:
            raise CatalogError("msgid without msgstr", path, done.line,
                               'add msgstr "" after the msgid')
        cur = None
        return done

    string, keyword_string = _STRING.match, _KEYWORD_STRING.match
    lines = text.split("\n")
    for lineno, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            continue
        if s[0] == '"':  # the commonest line of a wrapped catalog: a continued string
            if cur is None or not field_name:
                raise CatalogError("a string continues nothing", path, lineno,
                                   "a string line must follow msgid, msgstr or another string")
            sm = string(s)
            val = _unescape(sm.group(1), path, lineno) if sm else _string(s, path, lineno)
            _extend(cur, field_name, plural_index, val, path, lineno)
            continue
        obsolete = False
        if s.startswith("#~"):
            obsolete = True
            s = s[2:].strip()
            if s.startswith("|"):
                s = "#" + s
            if not s:
                continue
        if s.startswith("#"):
            kind = s[1:2]
            if kind == "|" and s[2:].strip().startswith(("msgid", "msgctxt")):
                # previous msgid / msgctxt, possibly with continuation lines
                m = _KEYWORD.match(s[2:].strip())
                if m is None:
                    raise CatalogError("malformed #| line", path, lineno)
                if cur is not None and have_msgstr and field_name.startswith("msgstr"):
                    done = finish()
                    if done:
                        yield done
                    pending, pending_used = Message(msgid=""), False
                val = _string(m.group(3), path, lineno)
                if m.group(1) == "msgctxt":
                    pending.previous_msgctxt = val
                    field_name = "prev_msgctxt"
                else:
                    pending.previous_msgid = val
                    field_name = "prev_msgid"
                continue
            if kind == "|" and s[2:].strip().startswith('"'):
                val = _string(s[2:].strip(), path, lineno)
                if field_name == "prev_msgid":
                    pending.previous_msgid = (pending.previous_msgid or "") + val
                elif field_name == "prev_msgctxt":
                    pending.previous_msgctxt = (pending.previous_msgctxt or "") + val
                continue
            if cur is not None and have_msgstr:
                done = finish()
                if done:
                    yield done
                pending, pending_used = Message(msgid=""), False
            body = s[2:].strip() if len(s) > 1 and s[1] in ".:,|" else s[1:].lstrip(" ")
            if kind == ".":
                pending.extracted.append(body)
            elif kind == ":":
                pending.references.extend(body.split())
            elif kind == ",":
                pending.flags.extend(f.strip() for f in body.split(",") if f.strip())
            elif kind == "|":
                pass
            else:
                pending.comments.append(s[1:][1:] if s[1:].startswith(" ") else s[1:])
            continue
        if s.startswith('"'):
            if cur is None or not field_name:
                raise CatalogError("a string continues nothing", path, lineno,
                                   "a string line must follow msgid, msgstr or another string")
            _extend(cur, field_name, plural_index, _string(s, path, lineno), path, lineno)
            continue
        m = keyword_string(s)
        if m is not None:
            kw, idx, val = m.groups()
            val = _unescape(val, path, lineno)
        else:
            m = _KEYWORD.match(s)
            if m is None:
                word = s.split()[0] if s.split() else s
                raise CatalogError(f"syntax error: unexpected {word!r}", path, lineno,
                                   "expected msgctxt, msgid, msgstr, a string or a comment")
            kw, idx, rest = m.group(1), m.group(2), m.group(3)
            val = _string(rest, path, lineno)
        if kw in ("msgctxt", "msgid"):
            if cur is not None:
                if not have_msgstr:
                    if kw == "msgid" and field_name == "msgctxt":
                        cur.msgid = val
                        cur.line = lineno
                        field_name = "msgid"
                        continue
                    raise CatalogError(f"{kw} follows a msgid that has no msgstr", path, lineno,
                                       'add msgstr "" to the entry before')
                done = finish()
                if done:
                    yield done
                pending, pending_used = Message(msgid=""), False
            cur = pending if not pending_used else Message(msgid="")
            pending_used = True
            cur.obsolete = obsolete
            cur.line = lineno
            have_msgstr = False
            if kw == "msgctxt":
                cur.msgctxt = val
            else:
                cur.msgid = val
            field_name = kw
        elif kw == "msgid_plural":
            if cur is None or have_msgstr:
                raise CatalogError("msgid_plural without msgid", path, lineno)
            cur.msgid_plural = val
            field_name = kw
        else:  # msgstr / msgstr[n]
            if cur is None:
                raise CatalogError("msgstr without msgid", path, lineno,
                                   "every msgstr must follow its msgid")
            if idx is None:
                if cur.msgid_plural is not None:
                    raise CatalogError("plural entry needs msgstr[0], msgstr[1], ...",
                                       path, lineno)
                if have_msgstr:
                    raise CatalogError("a second msgstr for one msgid", path, lineno)
                cur.msgstr = val
                field_name = "msgstr"
            else:
                if cur.msgid_plural is None:
                    raise CatalogError("msgstr[n] without msgid_plural", path, lineno)
                plural_index = int(idx)
                if plural_index != len(cur.msgstr_plural):  # as msgfmt: 0, 1, 2... in order
                    raise CatalogError(f"plural form has wrong index: msgstr[{plural_index}] "
                                       f"after {len(cur.msgstr_plural)} form(s)", path, lineno,
                                       "number the forms msgstr[0], msgstr[1], ... in order")
                cur.msgstr_plural[plural_index] = val
                field_name = "msgstr[]"
            have_msgstr = True
    if cur is not None:
        done = finish()
        if done:
            yield done


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


def _quote(keyword: str, value: str, prefix: str = "", width: int | None = None) -> list[str]:
    """`keyword "value"` as msgcat writes it (see `_quote_into`)."""
    out: list[str] = []
    _quote_into(out, keyword, value, prefix, width)
    return out


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
