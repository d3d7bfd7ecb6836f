"""Scanning texts for the termbase's key sequences: the hot path of hinting.

A text is cut at its spaces (`str.split(" ")`, in C, losslessly: the chunks joined
with one space are the text). Each distinct chunk is read once with the word pattern
and remembered with its words and which of them can start a term, so a text whose
chunks are all known and start nothing costs that split and one set test per chunk.
The others walk the trie from their starting words only, reading the words after them
chunk by chunk as far as the walk goes. The word pattern never matches a space, so the
words of a text are the words of its chunks, in order, at the same offsets.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from tm.termkeys import TOKEN
from tm.termwalk import (
    NO_KEYS,
    NUMBERED,
    Chunk,
    Found,
    Pause,
    Scanner,
    ends_met,
    step_on,
    walk,
)

MAX_WORDS = 300_000
"""The per-word memos are emptied (with the per-chunk ones) when they grow past this."""
MAX_CHUNKS = 100_000
"""The per-chunk memos are emptied when they grow past this (about 45 MB)."""
MAX_STEPS = 1024
"""A paused walk remembers its steps into this many next chunks at most."""
MAX_ISLANDS = 20_000
"""Islands remembered at most (then forgotten all at once)."""

_SPLIT = re.compile(f"({TOKEN.pattern})")
Island = tuple[int, tuple[tuple[int, bool], ...]]
"""Matches that walks going on past a chunk tie together: how many chunks after the
first the last chunk with a match in it is, and the outermost matches' (entry,
ambiguous) in order."""


def _learn(chunk: str, sc: Scanner) -> Chunk:
    """A chunk's words (their keys learned if new), the matches found in it alone, and
    the walks that may go on past it."""
    parts = _SPLIT.split(chunk)
    offsets = list(accumulate(map(len, parts)))
    toks = tuple((parts[i], offsets[i - 1], offsets[i]) for i in range(1, len(parts), 2))
    keys_of, starters, roots = sc.keys_of, sc.starters, sc.trie.keys()
    for w, _s, _e in toks:
        if w not in keys_of:
            ks = keys_of[w] = (sc.get_keys(w) & sc.vocabulary) or None
            if w in sc.dotted or (ks and not roots.isdisjoint(ks)):
                starters.add(w)
    info = sc.chunks[chunk] = Chunk(toks)
    if toks and toks[0][1] == 0 and toks[0][0] not in sc.dotted:
        info.head = keys_of[toks[0][0]] or NO_KEYS
    if starters.isdisjoint([w for w, _s, _e in toks]):
        sc.cold.add(chunk)  # the usual chunk: no word in it starts a term
        return info
    local: list[Found] = []
    paused: list[tuple[Pause, int, int]] = []
    numbered: list[int] = []
    for t, (w, _s, _e) in enumerate(toks):
        if w in starters:
            got: list[Found] = []
            stop = walk(chunk, [chunk], [len(chunk)], 0, t, sc, got, alone=True)
            if stop is NUMBERED:
                numbered.append(t)
                continue
            local += got
            if stop is not None:
                _t, word, start, end, before, nodes, kids = stop
                paused.append((Pause(word, nodes, kids, chunk[end:]), start, before))
    info.local, info.paused, info.numbered = tuple(local), tuple(paused), tuple(numbered)
    info.kept = tuple((n, a) for _s, _e, n, a in outermost(local))
    info.kids = frozenset().union(*(p.kids for p, _s, _b in paused))
    info.reach = max((f[1] for f in local), default=0)
    info.walks = bool(paused or numbered)
    if not (local or paused or numbered):
        sc.cold.add(chunk)
    return info


def _follow(text: str, parts: list[str], acc: list[int], k: int, p: Pause, start: int,
            before: int, sc: Scanner, found: list[Found]) -> tuple[int, int, bool]:
    """A walk paused at the end of chunk `k` (first word at `start`), read on chunk by
    chunk, each step remembered per paused walk and next chunk (up to MAX_STEPS).
    Returns where the last pattern it found ends (0: none), the last chunk it read
    (len(parts): it met the text's end) and whether a condition was checked in `text`."""
    last, reach, checked = len(parts) - 1, 0, False
    while k < last:
        k += 1
        chunk = parts[k]
        step = p.after.get(chunk)
        if step is None:
            if len(p.after) >= MAX_STEPS:
                p.after.clear()
            step = p.after[chunk] = step_on(p, chunk, sc)
        if step.ends:
            base = acc[k] - len(chunk) + k
            for e, plain, payloads in step.ends:
                end, had = base + e, len(found)
                if plain:
                    found += [(start, end, n, a) for n, a in plain]
                if payloads:
                    ends_met(payloads, text, p.word, start, end, before, found)
                    checked = True
                if len(found) > had:
                    reach = end  # the walk's ends only grow
        if step.then is None:
            return reach, k, checked
        p = step.then
    return reach, len(parts), checked


def _hot(text: str, sc: Scanner) -> tuple[list[str], list[int]]:
    """The text's chunks, and the indexes of those that hold a match or start a walk
    (every chunk met for the first time is learned)."""
    if len(sc.keys_of) > MAX_WORDS or len(sc.chunks) > MAX_CHUNKS:
        sc.forget(words=len(sc.keys_of) > MAX_WORDS)
    parts = text.split(" ")
    cold = sc.cold
    hot = [k for k, c in enumerate(parts) if c not in cold]
    if hot:
        chunks = sc.chunks
        for k in hot:
            if parts[k] not in chunks:
                _learn(parts[k], sc)
    return parts, hot


def _chunk_found(text: str, parts: list[str], acc: list[int], k: int, sc: Scanner,
                 found: list[Found]) -> tuple[int, int, bool]:
    """Add the matches that start in chunk `k`: those it holds alone, the walks that go
    on past it (when the next chunk's first word may follow) and those that need a
    number after it. Returns where the last of them ends (0: none), the last chunk read
    (len(parts): the text's end was met) and whether `text` beyond the chunks was read."""
    chunks = sc.chunks
    c = chunks[parts[k]]
    base = acc[k] - len(parts[k]) + k
    reach, read, checked = 0, k, False
    if c.local:
        found += [(base + s, base + e, n, a) for s, e, n, a in c.local]
        reach = base + c.reach
    if c.paused:
        if k + 1 < len(parts):
            head, read = chunks[parts[k + 1]].head, k + 1
            if head is None or not c.kids.isdisjoint(head):
                for p, s, b in c.paused:
                    if head is None or not p.kids.isdisjoint(head):
                        r, rd, ch = _follow(text, parts, acc, k, p, base + s, base + b, sc,
                                            found)
                        reach, read, checked = max(reach, r), max(read, rd), checked or ch
        else:
            read = len(parts)
    if c.numbered:
        first = len(found)
        for t in c.numbered:
            walk(text, parts, acc, k, t, sc, found)
        reach = max(reach, max((f[1] for f in found[first:]), default=0))
        checked = True
    return reach, read, checked


def _found(text: str, parts: list[str], hot: list[int], sc: Scanner) -> list[Found]:
    """The matches that start in the chunks `hot`."""
    found: list[Found] = []
    acc = list(accumulate(map(len, parts)))
    for k in hot:
        _chunk_found(text, parts, acc, k, sc, found)
    return found


def _recalled(parts: list[str], k: int, sc: Scanner) -> Island | None:
    """The island starting at chunk `k`, if one with the same chunks was met before."""
    node: Any = sc.islands.get(parts[k])
    while type(node) is dict:
        k += 1
        node = node.get(parts[k] if k < len(parts) else None)
    return node  # type: ignore[no-any-return]


def _remember(parts: list[str], k: int, read: int, island: Island, sc: Scanner) -> None:
    """Keep an island found from chunks k..read (None after the text's last chunk)."""
    if sc.island_count >= MAX_ISLANDS:
        sc.islands.clear()
        sc.island_count = 0
    node = sc.islands.setdefault(parts[k], {})
    for j in range(k + 1, read):
        node = node.setdefault(parts[j], {})
        if type(node) is not dict:
            return  # cannot happen: how far an island reads depends on its chunks alone
    node[parts[read] if read < len(parts) else None] = island
    sc.island_count += 1


def scan(text: str, sc: Scanner) -> list[Found]:
    """Every pattern of the scanner's trie found in `text`, in one pass over its chunks."""
    parts, hot = _hot(text, sc)
    return _found(text, parts, hot, sc) if hot else []


def outermost(found: list[Found]) -> list[Found]:
    """Drop matches inside a longer match of another entry (Left Opposition > Opposition),
    in one pass over the matches sorted by start. Those kept that share a start share
    their end too, so they come out in plain tuple order."""
    if len(found) < 2:
        return found
    found.sort(key=lambda f: (f[0], -f[1], f[2], f[3]))
    kept: list[Found] = []
    far_start, far_end = -1, -1
    for f in found:
        if f[1] < far_end or (f[1] == far_end and f[0] > far_start):
            continue
        kept.append(f)
        if f[1] > far_end:
            far_start, far_end = f[0], f[1]
    return kept


def entries(text: str, sc: Scanner) -> list[tuple[int, bool]]:
    """(entry, ambiguous) of the outermost matches in `text`, in order. Matches in two
    chunks never overlap, so these are the chunks' own outermost matches one after
    another, except where a walk goes on past its chunk (or needs a number after it):
    there the matches of the chunks it reaches (an island) are found and sorted out
    together, and remembered by those chunks unless the text around them was read."""
    parts, hot = _hot(text, sc)
    out: list[tuple[int, bool]] = []
    chunks = sc.chunks
    last = len(parts) - 1
    acc: list[int] | None = None
    i = 0
    while i < len(hot):
        k = hot[i]
        c = chunks[parts[k]]
        i += 1
        if not c.walks:
            out += c.kept
        elif c.numbered or k < last and (
                (head := chunks[parts[k + 1]].head) is None or not c.kids.isdisjoint(head)):
            island = None if c.numbered else _recalled(parts, k, sc)
            if island is None:
                if acc is None:
                    acc = list(accumulate(map(len, parts)))
                found: list[Found] = []
                reach, read, checked = _chunk_found(text, parts, acc, k, sc, found)
                span = 0
                while i < len(hot) and acc[hot[i]] - len(parts[hot[i]]) + hot[i] < reach:
                    span = hot[i] - k
                    r, rd, ch = _chunk_found(text, parts, acc, hot[i], sc, found)
                    reach, read, checked = max(reach, r), max(read, rd), checked or ch
                    i += 1
                island = span, tuple((n, a) for _s, _e, n, a in outermost(found))
                if not checked:
                    _remember(parts, k, read, island, sc)
            else:
                while i < len(hot) and hot[i] <= k + island[0]:
                    i += 1
            out += island[1]
        else:
            out += c.kept
    return out
