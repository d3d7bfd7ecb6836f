"""Gettext catalogs: the strict reader, and the one place to import catalogs from (the
model, `Message` and `Catalog`, lives in tm.po_model, the writer, `format_po` and
`write_po`, in tm.po_write; lines are tokenized by tm.po_tokens).

polib reads malformed files without complaint (an unterminated string passes) and is
slower (2.4 times on a catalog of 50,000 entries: bench/bench_po.py); tm needs the line
of every error and the speed, so the format is read and written here.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from tm.errors import CatalogError
from tm.po_model import Catalog as Catalog
from tm.po_model import Message as Message
from tm.po_tokens import (
    COMMENT,
    CR_IN_COMMENT,
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
from tm.po_write import _escape as _escape  # tm.digest escapes as the writer does
from tm.po_write import format_header as format_header
from tm.po_write import format_messages as format_messages
from tm.po_write import format_po as format_po
from tm.po_write import write_po as write_po
from tm.wrap import parse_wrap as parse_wrap  # re-exported (tests/test_po_wrap.py)

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


def existing_catalog(path: Path) -> bool:
    """Whether a catalog is at `path` (False: none yet); a folder or any other thing that
    is not a file there is an error, not a missing catalog (merge and status wrote or
    counted the document as untranslated)."""
    if path.is_file():
        return True
    if not path.exists():
        return False
    what = "a folder" if path.is_dir() else "not a regular file"
    raise CatalogError(f"is {what}, not a catalog", path, 1,
                       "move it away: the document's catalog belongs at this path")


def parse_po(text: str, path: str = "<string>") -> Catalog:
    """Parse catalog text; the inverse of `format_po`."""
    if text.startswith("\ufeff"):
        raise CatalogError("starts with a byte order mark (BOM), which gettext refuses", path,
                           1, "save the catalog as UTF-8 without a BOM")
    if "\r" in text and (m := CR_IN_COMMENT.search(text)) is not None:
        raise CatalogError("a carriage return alone ends a line (old Mac line endings)", path,
                           text.count("\n", 0, m.start()) + 1,
                           "save the catalog with LF or CRLF line endings")
    cat = Catalog(path=path)
    _Builder(path, _Collect(cat, path)).read(tokens(text))
    return cat


_NEXT_ENTRY = re.compile(r"\s*(?:\Z|#|msgctxt\b|msgid[\s\"])")
"""What follows a blank line that ends an entry: the end, or the start of another."""


def parse_header(text: str, path: str = "<string>") -> dict[str, str]:
    """The header fields of catalog text, read strictly up to the end of the first entry
    (the rest is not read, nor split into lines: when a blank line that another entry
    follows ends the first entry, only the text before it is; a 6 MB template's header
    is read in microseconds); empty when the first entry is not a header."""
    entry = header_entry(text, path)
    return {} if entry is None else header_fields(entry.msgstr)


def header_entry(text: str, path: str = "<string>") -> Message | None:
    """The catalog text's header entry (msgid "", empty or not), None when its first entry
    is not one (msgfmt refuses such a file); read as `parse_header` reads."""
    cut = text.find("\n\n")
    first = None
    if cut >= 0 and _NEXT_ENTRY.match(text, cut):
        first = _first_entry(text[:cut + 1], path)  # None: only comments before it
    if first is None:
        first = _first_entry(text, path)
    if first is None or first.msgid or first.msgctxt is not None or first.obsolete:
        return None
    return first


def header_text(data: bytes) -> str:
    """The text of a catalog file's bytes that `parse_header` reads: its first entry
    when an entry follows it (a 6 MB template is not decoded to read its creation date),
    else all of it. UnicodeDecodeError as decoding the whole would raise it for them."""
    cut = data.find(b"\n\n")
    if cut >= 0:  # the first blank line and a little more, a character cut short kept back
        text = codecs.getincrementaldecoder("utf-8")().decode(data[:cut + 256], final=False)
        at = text.find("\n\n")
        m = _NEXT_ENTRY.match(text, at) if at >= 0 else None
        if m is not None and m.end() < len(text):  # an entry follows, not the cut's end
            return text
    return data.decode("utf-8")


def _first_entry(text: str, path: str) -> Message | None:
    found: list[Message] = []
    builder = _Builder(path, found.append)
    for token in tokens(text):
        builder.step(token)
        if found:
            break
    else:
        builder.close()
    return found[0] if found else None


class _Collect:
    """Entries into a catalog: the header entry apart, duplicates refused as msgfmt does."""

    def __init__(self, cat: Catalog, path: str) -> None:
        self.cat, self.path = cat, path
        self.seen: dict[tuple[str | None, str], tuple[int, bool]] = {}

    def __call__(self, msg: Message) -> None:
        cat = self.cat
        if msg.msgid == "" and msg.msgctxt is None and not msg.obsolete:
            if cat.header_msgstr is not None:  # msgfmt accepts a header after messages
                raise CatalogError("a second header entry (empty msgid)", self.path, msg.line)
            cat.header = header_fields(msg.msgstr)
            cat.header_msgstr = msg.msgstr
            cat.header_comments = msg.comments
            cat.header_flags = msg.flags
            return
        k = (msg.msgctxt, msg.msgid)
        first = self.seen.get(k)
        if first is not None:  # msgfmt refuses any, an obsolete (#~) copy too
            line, obsolete = first
            hint = ("delete the obsolete (#~) copy" if obsolete or msg.obsolete
                    else "merge the two entries into one")
            raise CatalogError(f"duplicate message definition (first at line {line})",
                               self.path, msg.line, hint)
        self.seen[k] = (msg.line, msg.obsolete)
        cat.messages.append(msg)


def header_fields(s: str) -> dict[str, str]:
    """The `Name: value` fields of a header entry's msgstr."""
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
        self._inside(token)
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

    def _inside(self, token: Token) -> None:
        """A comment line inside an entry, before its msgstr: msgfmt's syntax error."""
        if self.cur is not None and not self.have_msgstr:
            raise CatalogError("a comment between msgid and msgstr", self.path, token[1],
                               "move it above the entry's msgctxt or msgid")

    def comment(self, token: Token) -> None:
        if self.cur is not None:  # the first comment after an entry: it ends it
            self._inside(token)
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
