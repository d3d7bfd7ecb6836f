"""Writing gettext catalogs as msgcat writes them (the inverse of `tm.po.parse_po`).

Strings are split after each \\n and, at a width (79 by default, the context's
`tm.wrap.wrap_width`), wrapped at Unicode line-break opportunities; `#:` references are
filled to the width; an obsolete entry's previous strings are written `#~| `, as msgcat
writes them. Writes are atomic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tm.atomic import atomic_write
from tm.errors import escape_control
from tm.po_model import Catalog, Message
from tm.wrap import layout, text_columns, wrap_width

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
