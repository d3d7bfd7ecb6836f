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
from tm.wrap import layout, line_cuts, text_columns, wrap_width

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


def _comments(mark: str, lines: list[str]) -> str:
    """`# `, `#. ` lines (`mark` without its space) as one chunk: an empty comment is the
    bare mark, a line break in a comment is escaped."""
    joined = "".join(lines)
    if "\n" in joined or "\r" in joined or "" in lines:
        return "\n".join(f"{mark} {c}" if c else mark for c in _comment_lines(lines))
    return f"{mark} " + f"\n{mark} ".join(lines)


QUOTED_MAX = 200_000
QUOTED: dict[tuple[str, str, str, int], str] = {}
"""Strings written on several lines in this process, by (value, keyword, prefix,
width): a template and its catalogs share their msgids (each is wrapped once), and
tm.workcache keeps them for the next run."""
EARLIER_QUOTED: dict[tuple[str, str, str, int], str] = {}
"""What earlier runs wrote on several lines (tm.workcache loads them; its key holds this
code)."""


def _quoted(keyword: str, value: str, prefix: str, width: int) -> str:
    """`keyword "value"` as msgcat writes it, its lines joined by \\n (see `_quote_into`)."""
    if len(value) < 40 and "\n" not in value:  # short: faster written than looked up
        esc = _escape(value)
        if width <= 0 or text_columns(esc) <= width - len(prefix) - len(keyword) - 3:
            return f'{prefix}{keyword} "{esc}"'
    key = (value, keyword, prefix, width)
    text = QUOTED.get(key)
    if text is None:
        text = EARLIER_QUOTED.get(key)
        if text is None:
            text = _quote_text(keyword, value, prefix, width)
            if "\n" not in text:
                return text  # on one line: as fast written again
        if len(QUOTED) >= QUOTED_MAX:
            QUOTED.clear()
        QUOTED[key] = text
    return text


def lines_ahead(keyword: str, value: str, width: int) -> str | None:
    """`keyword "value"` of an active entry as `format_blocks` will write it, when on
    several lines (then remembered in QUOTED), else None: work another process can do
    ahead (tm.project shares it with the advisor's worker)."""
    text = _quoted(keyword, value, "", width)
    return text if "\n" in text else None


def keep_lines(keyword: str, found: Iterable[tuple[str, str]], width: int) -> None:
    """Remember (value, its lines) that `lines_ahead` gave in another process."""
    for value, text in found:
        if len(QUOTED) >= QUOTED_MAX:
            QUOTED.clear()
        QUOTED[(value, keyword, "", width)] = text


def unwrapped(keyword: str, values: Iterable[str], width: int) -> list[str]:
    """The distinct values that `format_blocks` would lay out anew as `keyword` of active
    entries: long enough to be wrapped, and not remembered."""
    return [v for v in dict.fromkeys(values)
            if (len(v) >= 40 or "\n" in v) and (v, keyword, "", width) not in QUOTED
            and (v, keyword, "", width) not in EARLIER_QUOTED]


def _quote_into(
    out: list[str], keyword: str, value: str, prefix: str = "", width: int | None = None
) -> None:
    """Append `keyword "value"` the way msgcat writes it: split after each \n and, when
    `width` > 0, wrapped at Unicode line-break opportunities so no line is wider."""
    out.extend(_quoted(keyword, value, prefix,
                       wrap_width.get() if width is None else width).split("\n"))


def _quote_text(keyword: str, value: str, prefix: str, width: int) -> str:
    """The lines of `_quote_lines` joined by \\n; a string with nothing to escape (most
    sentences) is cut and joined at once, without a list of lines or `layout`'s memo
    (whole strings are remembered: `_quoted`)."""
    if width <= 0 or _NEEDS_ESC.search(value):
        lines: list[str] = []
        _quote_lines(lines, keyword, value, prefix, width)
        return "\n".join(lines)
    columns = text_columns(value)
    first = width - len(prefix) - len(keyword) - 3
    if columns <= first:
        return f'{prefix}{keyword} "{value}"'
    room = width - len(prefix) - 2  # > first
    cuts = line_cuts(value, room, room)
    # as `_quote_lines`: on one line when it has no break opportunity at all
    if not cuts and (columns > room or not line_cuts(value, first, first)):
        return f'{prefix}{keyword} "{value}"'
    ends = (*cuts, len(value))
    return f'{prefix}{keyword} ""\n{prefix}"' + f'"\n{prefix}"'.join(
        [value[a:b] for a, b in zip((0, *cuts), ends, strict=True)]) + '"'


def _quote_lines(out: list[str], keyword: str, value: str, prefix: str, width: int) -> None:
    if value.find("\n", 0, len(value) - 1) < 0:
        esc = _escape(value)
        first = width - len(prefix) - len(keyword) - 3
        columns = text_columns(esc) if width > 0 else 0
        if width <= 0 or columns <= first:
            out.append(f'{prefix}{keyword} "{esc}"')
            return
        room = width - len(prefix) - 2  # > first
        lines = layout(esc, room, room)
        # on one line when it has no break opportunity at all (laid out in `first`
        # columns it would stay one line): two lines or more at `room` show one
        if len(lines) < 2 and (columns > room or len(layout(esc, first, first)) < 2):
            out.append(f'{prefix}{keyword} "{esc}"')
            return
        out.append(f'{prefix}{keyword} ""')
        out.extend(f'{prefix}"{c}"' for c in lines)
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


def _references(refs: list[str], width: int) -> str:
    """`#:` lines filled up to the width, as msgcat fills them (one line when not wrapping)."""
    line = "#: " + " ".join(refs)
    if width <= 0 or len(refs) == 1 or len(line) <= width:
        return line  # what the loop below makes of it
    out = []
    line = "#:"
    for r in refs:
        if line != "#:" and len(line) + 1 + len(r) > width:
            out.append(line)
            line = "#:"
        line += " " + r
    out.append(line)
    return "\n".join(out)


def _message_into(out: list[str], m: Message, width: int) -> None:
    """Append the lines of one entry (a line may be several, joined by \n)."""
    if m.comments:
        out.append(_comments("#", m.comments))
    if m.extracted:
        out.append(_comments("#.", m.extracted))
    if m.references:
        refs = m.references
        joined = "".join(refs)
        if "\n" in joined or "\r" in joined:
            refs = _comment_lines(refs)
        out.append(_references(refs, width))
    if m.flags:
        out.append("#, " + ", ".join(m.flags))
    if m.obsolete:
        p, pp = "#~ ", "#~| "  # msgcat's form for an obsolete entry's previous
    else:
        p, pp = "", "#| "
    if m.previous_msgctxt is not None:
        out.append(_quoted("msgctxt", m.previous_msgctxt, pp, width))
    if m.previous_msgid is not None:
        out.append(_quoted("msgid", m.previous_msgid, pp, width))
    if m.previous_msgid_plural is not None:
        out.append(_quoted("msgid_plural", m.previous_msgid_plural, pp, width))
    if m.msgctxt is not None:
        out.append(_quoted("msgctxt", m.msgctxt, p, width))
    out.append(_quoted("msgid", m.msgid, p, width))
    if m.msgid_plural is not None:
        out.append(_quoted("msgid_plural", m.msgid_plural, p, width))
        for i in sorted(m.msgstr_plural) or [0, 1]:
            out.append(_quoted(f"msgstr[{i}]", m.msgstr_plural.get(i, ""), p, width))
    elif m.msgstr:
        out.append(_quoted("msgstr", m.msgstr, p, width))
    else:
        out.append(f'{p}msgstr ""')


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
    return join_blocks(format_blocks(messages))


def format_blocks(messages: Iterable[Message]) -> list[str]:
    """Each entry's text, without the blank line before it or the line break after it."""
    width = wrap_width.get()
    blocks = []
    for m in messages:
        # most entries: `#.` lines, one `#:` line, msgid and msgstr (written at once)
        if (m.extracted and len(m.references) == 1 and not m.comments and not m.flags
                and not m.obsolete and m.msgctxt is None and m.msgid_plural is None
                and m.previous_msgid is None and m.previous_msgctxt is None
                and m.previous_msgid_plural is None):
            ref = m.references[0]  # one `#:` reference stays on its line, however long
            joined = "\n#. ".join(m.extracted)
            if (joined.count("\n") == len(m.extracted) - 1 and "\r" not in joined
                    and "" not in m.extracted and "\n" not in ref and "\r" not in ref):
                msgstr = _quoted("msgstr", m.msgstr, "", width) if m.msgstr else 'msgstr ""'
                blocks.append(f"#. {joined}\n#: {ref}\n{_quoted('msgid', m.msgid, '', width)}"
                              f"\n{msgstr}")
                continue
        lines: list[str] = []
        _message_into(lines, m, width)
        blocks.append("\n".join(lines))
    return blocks


def join_blocks(blocks: list[str]) -> str:
    """Entries' texts as `format_messages` writes them: each after a blank line."""
    return "\n" + "\n\n".join(blocks) + "\n" if blocks else ""


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
