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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from tm.termkeys import GAP, TOKEN

Trie = dict[str, Any]
Keys = frozenset[str]
Found = tuple[int, int, int, bool]
"""(start, end, entry, ambiguous) of one match."""
Payload = tuple[int, bool, bool, bool, bool]
"""(entry, needs a number after, needs a quote before, needs a capital, ambiguous)."""
Token = tuple[str, int, int]
"""A word and where it starts and ends in its chunk."""
Stop = tuple[int, str, int, int, int, list[Trie], frozenset[str]]
"""Where a walk over one chunk alone stopped at its end: the index of the last word, the
first word, its start, the end so far, where the gap before the first word begins, the
trie nodes reached and the keys that may follow (offsets in the chunk)."""

END = ""
"""Trie key of a node's list of patterns ending there (no word key is empty)."""
MAX_WORDS = 300_000
"""The per-word memos are emptied (with the per-chunk ones) when they grow past this."""
MAX_CHUNKS = 100_000
"""The per-chunk memos are emptied when they grow past this (about 45 MB)."""
MAX_STEPS = 1024
"""A paused walk remembers its steps into this many next chunks at most."""
MAX_ISLANDS = 20_000
"""Islands remembered at most (then forgotten all at once)."""

_NUMBER_AFTER = re.compile(r"\.?\s*(?:[RРAА]-)?\d")
_QUOTE_BEFORE = re.compile(r"[«\"„“][*_]{0,3}$")
_SPLIT = re.compile(f"({TOKEN.pattern})")
_NONE: Keys = frozenset()
_NUMBER: Stop = (-1, "", 0, 0, 0, [], _NONE)
Island = tuple[int, tuple[tuple[int, bool], ...]]
"""Matches that walks going on past a chunk tie together: how many chunks after the
first the last chunk with a match in it is, and the outermost matches' (entry,
ambiguous) in order."""
"""A walk whose finding depends on a number after its chunk: it is walked in full."""


@dataclass(slots=True)
class Pause:
    """A walk paused at the end of a chunk, without its place in a text: the first word,
    the trie nodes reached, the keys that may follow, the text after the last word
    matched (the gap so far), and what reading each next chunk met so far did."""

    word: str
    nodes: list[Trie]
    kids: Keys
    suffix: str
    after: dict[str, Step] = field(default_factory=dict)


@dataclass(slots=True)
class Step:
    """What reading one more chunk does to a paused walk: the patterns ending in it (a
    text checks their conditions) and the walk paused at its end, if it may go on."""

    ends: tuple[tuple[int, tuple[tuple[int, bool], ...], tuple[Payload, ...]], ...]
    """Where a pattern ends (offset in the chunk), the (entry, ambiguous) of those
    ending there with no condition, and the payloads of those with one."""
    then: Pause | None


@dataclass(slots=True)
class Chunk:
    """What a chunk holds alone, and what decides whether a walk goes on into it."""

    toks: tuple[Token, ...]
    local: tuple[Found, ...] = ()
    """The matches found in the chunk alone (offsets in the chunk)."""
    kept: tuple[tuple[int, bool], ...] = ()
    """(entry, ambiguous) of the outermost of those, in order."""
    paused: tuple[tuple[Pause, int, int], ...] = ()
    """The walks that reach the chunk's end and may go on, with the offsets of their
    first word and of the gap before it."""
    kids: Keys = _NONE
    """Every key that may follow one of those."""
    numbered: tuple[int, ...] = ()
    """The words whose matches need a number after the chunk: walked in every text."""
    reach: int = 0
    """Where the last of `local` ends (0: none)."""
    walks: bool = False
    """Whether it has paused or numbered walks (else `kept` is all it adds to a text)."""
    head: Keys | None = None
    """The keys of its first word, when that word begins the chunk and has no citation
    key (a walk paused before it goes on only if one of them may follow); else None."""


@dataclass(slots=True)
class Root:
    """A walk's first step from a word with these keys: the trie nodes they reach, the
    patterns ending there, and every key that may follow (none: the walk ends)."""

    nodes: list[Trie]
    ends: list[Payload]
    kids: frozenset[str]


def _root(trie: Trie, keys: Keys) -> Root:
    nodes = [trie[k] for k in keys if k in trie]
    return Root(nodes, [p for n in nodes for p in n.get(END, ())],
                frozenset(k for n in nodes for k in n if k != END))


def _empty_chunks() -> dict[str, Chunk]:
    return {"": Chunk(())}


@dataclass(slots=True)
class Scanner:
    """What scanning texts of one source language needs, with its memos: each word's
    keys that occur in the trie (None: none do), the words that can start a term, each
    chunk met, the chunks that hold no match and start no walk (`cold`), each start's
    first step and each trie node's following keys."""

    trie: Trie
    vocabulary: frozenset[str]
    get_keys: Callable[[str], Keys]
    dotted: frozenset[str] = frozenset()
    """Words that have a citation key when a full stop follows (`f.`, `Л.`)."""
    keys_of: dict[str, Keys | None] = field(default_factory=dict)
    starters: set[str] = field(default_factory=set)
    chunks: dict[str, Chunk] = field(default_factory=_empty_chunks)
    cold: set[str] = field(default_factory=lambda: {""})
    roots: dict[Any, Root] = field(default_factory=dict)
    dot_keys: dict[str, Keys] = field(default_factory=dict)
    gap_ok: dict[str, bool] = field(default_factory=dict)
    node_kids: dict[int, Keys] = field(default_factory=dict)
    islands: dict[str, Any] = field(default_factory=dict)
    """Islands by their chunks: nested dicts keyed by the next chunk (None: the text's
    end), down to the Island."""
    island_count: int = 0

    def forget(self, words: bool = True) -> None:
        """Empty the memos of chunks, and with `words` those of words (a chunk's words
        must all have keys in `keys_of`)."""
        self.chunks = _empty_chunks()
        self.cold = {""}
        if not words:
            return
        self.keys_of.clear()
        self.starters.clear()
        self.roots.clear()
        self.dot_keys.clear()
        self.gap_ok.clear()
        self.islands.clear()
        self.island_count = 0


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
        info.head = keys_of[toks[0][0]] or _NONE
    if starters.isdisjoint([w for w, _s, _e in toks]):
        sc.cold.add(chunk)  # the usual chunk: no word in it starts a term
        return info
    local: list[Found] = []
    paused: list[tuple[Pause, int, int]] = []
    numbered: list[int] = []
    for t, (w, _s, _e) in enumerate(toks):
        if w in starters:
            got: list[Found] = []
            stop = _walk(chunk, [chunk], [len(chunk)], 0, t, sc, got, alone=True)
            if stop is _NUMBER:
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


def _keys(w: str, end: int, text: str, sc: Scanner) -> Keys | None:
    """A word's keys, with its citation key when a full stop follows it."""
    if w in sc.dotted and text.startswith(".", end):
        ks = sc.dot_keys.get(w)
        if ks is None:
            ks = sc.dot_keys[w] = (sc.keys_of[w] or _NONE) | {f"={w}."}
        return ks
    return sc.keys_of[w]


def _ends(payloads: Sequence[Payload], text: str, word: str, start: int, end: int,
          before: int, found: list[Found]) -> bool:
    """The patterns ending at `end` (starting with `word` at `start`, the gap before it
    starting at `before`) whose conditions the text meets; False when a number must
    follow and none does (in a chunk alone: one may follow in the next chunk)."""
    numbered = True
    for entry, needs_number, needs_quote, needs_capital, amb in payloads:
        if needs_capital and not word[:1].isupper():
            continue
        if needs_quote and not _QUOTE_BEFORE.search(text, max(before, start - 4), start):
            continue
        if needs_number and not _NUMBER_AFTER.match(text, end):
            numbered = False
            continue
        found.append((start, end, entry, amb))
    return numbered


def _walk(text: str, parts: list[str], acc: list[int], k: int, t: int, sc: Scanner,
          found: list[Found], alone: bool = False) -> Stop | None:
    """Every pattern starting at word `t` of chunk `k`: the trie walked word by word while
    the words have keys and the gaps between them may lie inside a term."""
    toks = sc.chunks[parts[k]].toks
    base = acc[k] - len(parts[k]) + k
    word, s, e = toks[t]
    start, end = base + s, base + e
    # the gap before the word: from the word before it in the chunk, else from the
    # chunk's start (a space precedes it, and no quote pattern crosses a space)
    before = base + toks[t - 1][2] if t else base
    dot = word in sc.dotted and text.startswith(".", end)
    root = sc.roots.get((word, ".") if dot else word)
    if root is None:
        root = _root(sc.trie, _keys(word, end, text, sc) or _NONE)
        sc.roots[(word, ".") if dot else word] = root
    if root.ends and not _ends(root.ends, text, word, start, end, before, found) and alone:
        return _NUMBER
    if not root.kids:
        return None
    return _go_on(text, parts, acc, sc, found, k, t, word, start, end, before, root.nodes,
                  root.kids, alone)


def _go_on(text: str, parts: list[str], acc: list[int], sc: Scanner, found: list[Found],
           k: int, t: int, word: str, start: int, end: int, before: int, nodes: list[Trie],
           kids: Keys, alone: bool = False) -> Stop | None:
    """A walk from word `t` of chunk `k`, first word `word` at `start`, matched up to
    `end` (offsets in `text`), word after word. With `alone` (`text` is one chunk), the
    walk paused where it reaches the chunk's end and could go on, or _NUMBER when a
    number may follow there; None when what it finds is all it can find."""
    chunks = sc.chunks
    toks = chunks[parts[k]].toks
    base = acc[k] - len(parts[k]) + k
    while True:
        t += 1
        while t >= len(toks):
            if k + 1 >= len(parts):
                return (t - 1, word, start, end, before, nodes, kids) if alone else None
            k += 1
            toks = chunks[parts[k]].toks
            t = 0
            base = acc[k] - len(parts[k]) + k
        w, s, e = toks[t]
        s, e = base + s, base + e
        nxt = _keys(w, e, text, sc)
        if not nxt or kids.isdisjoint(nxt):
            return None
        if s - end > 6 or not _gap_ok(text[end:s], sc):
            return None
        seen: dict[int, Trie] = {}
        for node in nodes:
            for key in nxt:
                child = node.get(key)
                if child is not None:
                    seen[id(child)] = child
        nodes, end = list(seen.values()), e
        for node in nodes:
            if END in node and not _ends(node[END], text, word, start, end, before,
                                         found) and alone:
                return _NUMBER
        kids = _kids(nodes, sc)
        if not kids:
            return None


def _gap_ok(gap: str, sc: Scanner) -> bool:
    """Whether `gap` may stand between two words of one term (GAP, remembered)."""
    if len(gap) > 6:
        return False
    ok = sc.gap_ok.get(gap)
    if ok is None:
        ok = sc.gap_ok[gap] = GAP.fullmatch(gap) is not None
    return ok


def _kids(nodes: list[Trie], sc: Scanner) -> Keys:
    """Every key that may follow `nodes`."""
    if len(nodes) == 1:
        got = sc.node_kids.get(id(nodes[0]))
        if got is None:
            got = sc.node_kids[id(nodes[0])] = frozenset(nodes[0].keys() - {END})
        return got
    return frozenset().union(*(n.keys() for n in nodes)) - {END}


def _step(p: Pause, chunk: str, sc: Scanner) -> Step:
    """Read `chunk` on from where `p` paused (the chunk is known)."""
    toks = sc.chunks[chunk].toks
    nodes, kids, gap, last = p.nodes, p.kids, p.suffix + " ", 0
    ends: list[tuple[int, tuple[tuple[int, bool], ...], tuple[Payload, ...]]] = []
    for w, s, e in toks:
        gap += chunk[last:s]
        nxt = _keys(w, e, chunk, sc)  # a full stop after the chunk's end: none
        if not nxt or kids.isdisjoint(nxt):
            return Step(tuple(ends), None)
        if not _gap_ok(gap, sc):
            return Step(tuple(ends), None)
        seen: dict[int, Trie] = {}
        for node in nodes:
            for key in nxt:
                child = node.get(key)
                if child is not None:
                    seen[id(child)] = child
        nodes = list(seen.values())
        for node in nodes:
            if END in node:
                ends.append((e, tuple((p[0], p[4]) for p in node[END] if not any(p[1:4])),
                             tuple(p for p in node[END] if any(p[1:4]))))
        kids = _kids(nodes, sc)
        if not kids:
            return Step(tuple(ends), None)
        gap, last = "", e
    gap += chunk[last:]
    if len(gap) > 6:  # no gap that long lies inside a term (GAP)
        return Step(tuple(ends), None)
    return Step(tuple(ends), Pause(p.word, nodes, kids, gap))


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
            step = p.after[chunk] = _step(p, chunk, sc)
        if step.ends:
            base = acc[k] - len(chunk) + k
            for e, plain, payloads in step.ends:
                end, had = base + e, len(found)
                if plain:
                    found += [(start, end, n, a) for n, a in plain]
                if payloads:
                    _ends(payloads, text, p.word, start, end, before, found)
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
            _walk(text, parts, acc, k, t, sc, found)
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
