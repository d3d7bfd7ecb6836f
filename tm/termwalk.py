"""The walk through a termbase's trie, word after word, and what it remembers.

Shared by tm.termscan, which cuts texts into chunks: a Scanner holds the trie and the
memos of one source language (each word's keys, each chunk met, each paused walk's
steps); the functions here walk from a word of a chunk, go on from where a walk
paused, and read one more chunk on from a pause.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tm.termkeys import GAP

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

_NUMBER_AFTER = re.compile(r"\.?\s*(?:[RРAА]-)?\d")
_QUOTE_BEFORE = re.compile(r"[«\"„“][*_]{0,3}$")
NO_KEYS: Keys = frozenset()
NUMBERED: Stop = (-1, "", 0, 0, 0, [], NO_KEYS)
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
    kids: Keys = NO_KEYS
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


def _keys(w: str, end: int, text: str, sc: Scanner) -> Keys | None:
    """A word's keys, with its citation key when a full stop follows it."""
    if w in sc.dotted and text.startswith(".", end):
        ks = sc.dot_keys.get(w)
        if ks is None:
            ks = sc.dot_keys[w] = (sc.keys_of[w] or NO_KEYS) | {f"={w}."}
        return ks
    return sc.keys_of[w]


def ends_met(payloads: Sequence[Payload], text: str, word: str, start: int, end: int,
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


def walk(text: str, parts: list[str], acc: list[int], k: int, t: int, sc: Scanner,
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
        root = _root(sc.trie, _keys(word, end, text, sc) or NO_KEYS)
        sc.roots[(word, ".") if dot else word] = root
    if root.ends and not ends_met(root.ends, text, word, start, end, before, found) and alone:
        return NUMBERED
    if not root.kids:
        return None
    return _go_on(text, parts, acc, sc, found, k, t, word, start, end, before, root.nodes,
                  root.kids, alone)


def _go_on(text: str, parts: list[str], acc: list[int], sc: Scanner, found: list[Found],
           k: int, t: int, word: str, start: int, end: int, before: int, nodes: list[Trie],
           kids: Keys, alone: bool = False) -> Stop | None:
    """A walk from word `t` of chunk `k`, first word `word` at `start`, matched up to
    `end` (offsets in `text`), word after word. With `alone` (`text` is one chunk), the
    walk paused where it reaches the chunk's end and could go on, or NUMBERED when a
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
        nodes, end = _children(nodes, nxt), e
        for node in nodes:
            if END in node and not ends_met(node[END], text, word, start, end, before,
                                         found) and alone:
                return NUMBERED
        kids = _kids(nodes, sc)
        if not kids:
            return None


def _children(nodes: list[Trie], keys: Keys) -> list[Trie]:
    """The distinct nodes reached from `nodes` by one of `keys`."""
    seen: dict[int, Trie] = {}
    for node in nodes:
        for key in keys:
            child = node.get(key)
            if child is not None:
                seen[id(child)] = child
    return list(seen.values())


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


def step_on(p: Pause, chunk: str, sc: Scanner) -> Step:
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
        nodes = _children(nodes, nxt)
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


