"""Where Latin and Cyrillic letters stand side by side in a text: the pre-pass of
`tm lint`'s mixed-script check, which only looks into the units that have such a place.

A text with few Cyrillic letters (an English lecture quoting a Russian title or two) is
not matched letter by letter: its UTF-8 bytes are searched for Cyrillic lead bytes at
memory speed, and only the letters beside them are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tm.checks.text import _LAT, _SWITCH

_CYRILLIC_LEADS = bytes(range(0xD0, 0xD4))
"""The UTF-8 lead bytes of U+0400-U+04FF (tm.checks.text's Cyrillic letters)."""
_NOT_CYRILLIC_LEADS = bytes(b for b in range(256) if b not in _CYRILLIC_LEADS)
_FEW_CYRILLIC = 20_000


def switch_starts(source: str) -> list[int]:
    """Where _SWITCH (a Latin letter beside a Cyrillic one) matches in `source`, as its
    finditer finds them; with few Cyrillic letters, only the letters beside those."""
    data = source.encode("utf-8", "surrogatepass")
    count = len(data.translate(None, _NOT_CYRILLIC_LEADS))
    if count == 0:
        return []
    if count > _FEW_CYRILLIC:
        return [m.start() for m in _SWITCH.finditer(source)]
    latin = re.compile(f"[{_LAT}]")
    pairs = []  # (i, i + 1) a Latin and a Cyrillic letter, in either order
    for c in _cyrillic_offsets(data):
        if c and latin.match(source, c - 1):
            pairs.append(c - 1)
        if latin.match(source, c + 1):
            pairs.append(c)
    out: list[int] = []
    for i in sorted(pairs):  # leftmost first, no overlap: as finditer goes
        if not out or i >= out[-1] + 2:
            out.append(i)
    return out


def _cyrillic_offsets(data: bytes) -> list[int]:
    """Character offsets of the Cyrillic letters of UTF-8 `data`."""
    at = sorted(i for lead in _CYRILLIC_LEADS for i in _byte_offsets(data, lead))
    out, char, byte = [], 0, 0
    for i in at:  # every offset starts a character: the slices between them decode
        char += len(data[byte:i].decode("utf-8", "surrogatepass"))
        byte = i
        out.append(char)
    return out


def _byte_offsets(data: bytes, value: int) -> Iterator[int]:
    i = data.find(value)
    while i >= 0:
        yield i
        i = data.find(value, i + 1)
