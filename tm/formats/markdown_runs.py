"""Runs of Markdown blocks that parse alone exactly as they do in the whole document, so
that a re-run parses only the runs whose text changed.

A run ends before a line that begins with a letter and follows a blank line: there a
paragraph, list, block quote, table, footnote or HTML block (kinds 6 and 7) of the run
before has ended, and nothing but a fenced code block, an HTML block of kinds 1-5 or
front matter can still be open; `self_contained` rejects a run in which one is (it then
runs on to the end of the document). Which such lines end runs depends on their text
only (about one in `SPREAD`), so an edit moves no run boundary but its own.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it.token import Token

SPREAD = 16
"""About one line in this many of those that may start a run starts one."""
_MAY_START = re.compile(r"\n[ \t]*\n(?=[^\W\d_])")
"""A letter at the start of a line after a blank line (markdown-it: spaces and tabs)."""
_CONTAINERS = frozenset({"bullet_list_open", "ordered_list_open", "footnote_reference_open"})
"""Blocks that end where a line at the left margin does not continue them: they may
take in the blank line at the end of a run."""

RUNS: dict[bytes, Any] = {}
"""What each run parsed in this process gave (tm.source), by `run_key`."""
EARLIER_RUNS: dict[bytes, Any] = {}
"""What earlier runs gave (tm.workcache loads them under a key of tm's code)."""
MAX_RUNS = 20_000


def run_key(chunk: str, options: bytes) -> bytes:
    """A digest of a run's text and the source options it was read with (the memo
    holds no copy of the document). SHA-256 (in hardware here: 1.5x BLAKE2b's speed
    on a 4 MB document's runs), its first 20 bytes."""
    h = hashlib.sha256(len(options).to_bytes(8, "big") + options)
    h.update(chunk.encode("utf-8", "surrogatepass"))
    return h.digest()[:20]


def run_lines(text: str) -> list[int]:
    """0-based lines where runs begin: 0, then some lines that may start one."""
    out = [0]
    if "\r" in text:  # markdown-it reads `\r` as a line end: one run, as before
        return out
    line = 0
    pos = 0
    for m in _MAY_START.finditer(text):
        at = m.end()
        if zlib.crc32(text[at : at + 64].encode("utf-8", "surrogatepass")) % SPREAD:
            continue
        line += text.count("\n", pos, at)
        pos = at
        out.append(line)
    return out


def run_samples(text: str, count: int = 8, window: int = 1 << 16) -> list[tuple[int, int]]:
    """Up to `count` runs of `text` (start and end offsets), one from each of `count`
    windows spread over it: a run begins where `run_lines` begins one, and that is
    decided by the lines at that place alone, so a window is read, not the whole text."""
    if "\r" in text:
        return [(0, len(text))] if text else []
    out = []
    step = max(1, len(text) // count)
    for lo in range(0, len(text), step):
        found: list[int] = []
        for m in _MAY_START.finditer(text, lo, min(len(text), lo + window)):
            at = m.end()
            if not zlib.crc32(text[at : at + 64].encode("utf-8", "surrogatepass")) % SPREAD:
                found.append(at)
                if len(found) == 2:
                    out.append((found[0], found[1]))
                    break
    return out[:count]


def self_contained(chunk: str, tokens: list[Token], lines: int, max_nesting: int) -> bool:
    """Whether the parse of `chunk` (a run of `lines` lines, the last one blank) is its
    part of the whole document's parse: no fence or HTML block runs into its last line,
    no front matter is left unclosed, nothing is nested deep enough for markdown-it to
    skip the rest."""
    if chunk.startswith("-") and not any(t.type == "front_matter" for t in tokens):
        return False  # `---` opens front matter only if it closes
    for t in tokens:
        if t.level >= max_nesting - 2:
            return False
        if (t.level == 0 and t.map is not None and t.map[1] >= lines
                and t.type not in _CONTAINERS):
            return False
    return True
