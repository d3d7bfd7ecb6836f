"""Lines as GNU msgcat wraps them (Poedit and Weblate write the same): Unicode line-break
opportunities (UAX #14, from unicode-segmentation-rs) plus the few libunistring adds, never
inside an escape, columns counted per character as libunistring counts them."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from contextvars import ContextVar
from itertools import accumulate

from unicode_segmentation_rs import line_breaks

WRAP = 79
"""msgcat's, Poedit's and Weblate's width: a catalog an editor saved is written back the same."""
wrap_width: ContextVar[int] = ContextVar("wrap_width", default=WRAP)
"""The width of the catalogs written in this context (0: split only after \\n)."""


def parse_wrap(value: object) -> int:
    """A width from `--wrap` or tm.toml: a number of columns, or 0/"no" for no wrapping."""
    if isinstance(value, bool):
        raise ValueError("wrap must be a number of columns or \"no\"")
    if isinstance(value, int):
        width = value
    elif isinstance(value, str) and value.strip().lower() in ("no", "none", "off", "false"):
        return 0
    elif isinstance(value, str) and value.strip().isdigit():
        width = int(value)
    else:
        raise ValueError(f"wrap must be a number of columns or \"no\", not {value!r}")
    if width and width < 10:
        raise ValueError(f"wrap {width} is too narrow (use 10 or more, or \"no\")")
    return width


def _char_width(c: str) -> int:
    if unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


_WIDTHS: dict[str, int] = {}
_ASCII = frozenset(map(chr, range(128)))
"""Columns of each non-ASCII character met so far (a few hundred in practice)."""


def _one_column(text: str) -> bool:
    """Whether every character of `text` is one column wide: each distinct character is
    looked at once, so Cyrillic or accented text costs no Python call per character."""
    for c in set(text).difference(_ASCII):
        w = _WIDTHS.get(c)
        if w is None:
            w = _WIDTHS[c] = _char_width(c)
        if w != 1:
            return False
    return True


def text_columns(text: str) -> int:
    """Columns as libunistring counts them (per character: no ligatures, as in "لا")."""
    if text.isascii() or _one_column(text):
        return len(text)
    return sum(map(_char_width, text))


def _escape_inner(esc: str) -> set[int]:
    """Offsets inside an escape sequence (`\\n`, `\\"`, `\\000`): never a line break."""
    inner: set[int] = set()
    i = esc.find("\\")
    while i >= 0:
        j = i + 2
        while j < len(esc) and j < i + 4 and esc[i + 1] in "01234567" and esc[j] in "01234567":
            j += 1
        inner.update(range(i + 1, j))
        i = esc.find("\\", j)
    return inner


_IS_ALPHA = re.compile(r"[.,:;](?=[^\W\d_]|[*`<])")
"""Ends just after the punctuation (`m.end()`): faster than a look-behind at every offset."""


_MULTIBYTE = re.compile(rb"[\xc0-\xff][\x80-\xbf]*")


def _char_offsets(esc: str, starts: list[int]) -> list[int]:
    """`starts`, UTF-8 byte offsets into `esc` (as line_breaks counts them), as character
    offsets: shifted once per multibyte character when there are few (English with a
    dash or a curly quote), else by decoding each stretch between two offsets."""
    raw = esc.encode()
    offsets: list[int] = []
    if len(raw) - len(esc) < len(starts):
        shift, lo = 0, 0
        for m in _MULTIBYTE.finditer(raw):
            hi = bisect_left(starts, m.end(), lo)
            offsets += [n - shift for n in starts[lo:hi]]
            shift, lo = shift + m.end() - m.start() - 1, hi
        offsets += [n - shift for n in starts[lo:]]
        return offsets
    at, prev = 0, 0
    for n in starts:
        at += len(raw[prev:n].decode())
        offsets.append(at)
        prev = n
    return offsets


LAYOUTS: dict[tuple[str, int, int], tuple[int, ...]] = {}
"""Where lines were cut in this process, by (text, first room, room) (offsets, not
lines; tm.po_write keeps the lines of whole strings, and tm.workcache those for the
next run)."""
MAX_LAYOUTS = 400_000


def layout(esc: str, first_room: int, room: int) -> list[str]:
    """Greedy lines of `esc` broken at Unicode (UAX #14) opportunities, as GNU gettext's
    libunistring does: a word wider than the room stays whole."""
    key = (esc, first_room, room)
    cuts = LAYOUTS.get(key)
    if cuts is None:
        cuts = _cuts(esc, first_room, room)
        if len(LAYOUTS) >= MAX_LAYOUTS:
            LAYOUTS.clear()
        LAYOUTS[key] = cuts
    if not cuts:
        return [esc]
    return [esc[a:b] for a, b in zip((0, *cuts), (*cuts, len(esc)), strict=True)]


def line_cuts(esc: str, first_room: int, room: int) -> tuple[int, ...]:
    """Where `layout` cuts `esc` (the end of every line but the last), not remembered:
    for a string laid out once (tm.po_write remembers whole strings)."""
    return _cuts(esc, first_room, room)


def _cuts(esc: str, first_room: int, room: int) -> tuple[int, ...]:
    """Where `layout` cuts `esc` into lines (the end of every line but the last)."""
    starts = [n for n, _ in line_breaks(esc)]
    plain = esc.isascii()
    if plain and "\\" not in esc and not _IS_ALPHA.search(esc):
        while starts and starts[-1] >= len(esc):
            starts.pop()
        return _greedy_ascii(starts, len(esc), first_room, room)
    col: Sequence[int]
    if plain:
        offsets, col = starts, range(len(esc) + 1)
    else:
        offsets = _char_offsets(esc, starts)
        col = (range(len(esc) + 1) if _one_column(esc)  # columns summed once, not per slice
               else list(accumulate(map(_char_width, esc), initial=0)))
    if _IS_ALPHA.search(esc):  # gettext's libunistring also breaks in "a.b", "[:ss"
        offsets = sorted(set(offsets).union(m.end() for m in _IS_ALPHA.finditer(esc)))
    inner = _escape_inner(esc) if "\\" in esc else set()
    if esc.endswith("\\n"):  # gettext never breaks right before the closing \n
        inner.add(len(esc) - 2)
    cand = [b for b in offsets if b not in inner] if inner else list(offsets)
    while cand and cand[-1] >= len(esc):
        cand.pop()
    if isinstance(col, range):
        return _greedy_ascii(cand, len(esc), first_room, room)
    cuts: list[int] = []
    start, last, cap, i = 0, 0, first_room, 0
    while True:  # the offsets that still fit are skipped by bisection, not one by one
        j = bisect_right(cand, col[start] + cap, lo=i, key=col.__getitem__)
        if j > i:
            last = cand[j - 1]
        if j == len(cand):
            break
        b, i = cand[j], j + 1
        cut = last if last > start else b
        cuts.append(cut)
        start, cap = cut, room
        last = b if col[b] - col[start] <= cap else start
        if last == start and b > start:  # still too wide: break at b itself
            cuts.append(b)
            start = last = b
    if col[len(esc)] - col[start] > cap and last > start:
        cuts.append(last)
    return tuple(cuts)


def _greedy_ascii(cand: list[int], end: int, first_room: int, room: int) -> tuple[int, ...]:
    """`_cuts`'s greedy loop where a character is a column (column = offset)."""
    cuts: list[int] = []
    start, last, cap, i = 0, 0, first_room, 0
    while True:
        j = bisect_right(cand, start + cap, lo=i)
        if j > i:
            last = cand[j - 1]
        if j == len(cand):
            break
        b, i = cand[j], j + 1
        cut = last if last > start else b
        cuts.append(cut)
        start, cap = cut, room
        last = b if b - start <= cap else start
        if last == start and b > start:  # still too wide: break at b itself
            cuts.append(b)
            start = last = b
    if end - start > cap and last > start:
        cuts.append(last)
    return tuple(cuts)
