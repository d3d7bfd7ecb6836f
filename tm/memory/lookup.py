"""Lookups in the SQLite index: exact matches by hash, candidates by rare shared words.

Both answer a batch of texts at once. What they read from the file (origins, text
lengths, exact-match hashes, and the postings a cold sync built in this process) is
kept in ONE `LookupCache`, valid for one generation of the file (tm.memory.indexdb):
any write makes it start empty, so no lookup ever sees what a write replaced.
"""

from __future__ import annotations

import math
import sqlite3
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from tm.memory.blocks import BLOCK_BITS, OFFSET, decode
from tm.memory.indexdb import IndexDb, chunks, lang_numbers
from tm.memory.match import Candidate, exact_key, is_token, key_hash, key_hashes, word_set
from tm.memory.postings import LENGTHS, Posting, from_blob, may_fit, size_range, top_units

PROBES = 8
"""Rarest words of a segment whose posting lists are read."""
SMALL_EXACT = 50_000
"""Exact-match hashes (all files of a language) up to which exact lookups use a dict
rather than numpy's binary search (numpy's import alone costs about 0.1 s)."""
CANDIDATES = 48
"""Units scored per segment at most (those sharing the most probe words)."""
READ_IDS = 4_000_000
"""Unit ids of postings read from SQLite that a lookup keeps for the next batches."""

Kept: TypeAlias = "dict[str, list[tuple[int, array[int]]]]"
"""Word -> (file_id, positions) per file, for postings kept in memory."""


@dataclass(slots=True)
class LookupCache:
    """What lookups read once per generation of the index file."""

    generation: int = -1
    origins: dict[int, str] | None = None
    numbers: dict[str, int] | None = None
    """Language code -> its number in `blocks`."""
    lengths: dict[str, dict[int, array[int]]] = field(default_factory=dict)
    exacts: dict[str, list[tuple[int, array[int], array[int]]]] = field(
        default_factory=dict)
    exact_tables: dict[str, list[dict[int, list[int]]]] = field(default_factory=dict)
    """Per language, per file: hash -> unit ids, for a small memory (`SMALL_EXACT`)."""
    words: dict[str, Kept] = field(default_factory=dict)
    """Postings a sync built in this process, per language (else read from SQLite)."""
    sizes: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    """Per language the shortest and longest unit (None: not known for every file)."""
    df: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per language the units holding each word asked about so far (0: none)."""
    read: dict[str, Kept] = field(default_factory=dict)
    """Per language postings read from SQLite so far (up to READ_IDS unit ids in all):
    the batches of one run share many probe words."""
    read_ids: int = 0
    posted: set[str] = field(default_factory=set)
    """Languages every file was found posted in (tm.memory.index checks once)."""

    def valid(self, generation: int) -> LookupCache:
        """This cache, emptied first if the file was written since it was filled: the
        one place where kept data is invalidated."""
        if generation != self.generation:
            self.generation = generation
            self.origins = None
            self.numbers = None
            self.lengths = {}
            self.exacts = {}
            self.exact_tables = {}
            self.words = {}
            self.sizes = {}
            self.df = {}
            self.read = {}
            self.read_ids = 0
            self.posted = set()
        return self


class Lookup:
    """Exact and candidate lookups over an open index file."""

    def __init__(self, store: IndexDb) -> None:
        self.store = store
        self._cache = LookupCache()

    @property
    def cache(self) -> LookupCache:
        return self._cache.valid(self.store.generation)

    @property
    def db(self) -> sqlite3.Connection:
        return self.store.db

    def origins(self) -> dict[int, str]:
        cache = self.cache
        if cache.origins is None:
            cache.origins = dict(self.db.execute("SELECT id, origin FROM files"))
        return cache.origins

    def keep(self, lang: str, words: Kept, lengths: dict[int, array[int]]) -> None:
        """Serve lookups in `lang` from postings built in this process (every file's)."""
        cache = self.cache
        cache.words[lang] = words
        cache.lengths[lang] = lengths
        cache.sizes.pop(lang, None)

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]:
        hashes = key_hashes(texts)
        if not hashes:
            return {}
        files = self._exacts(source_lang)
        if sum(len(h) for _f, h, _i in files) <= SMALL_EXACT:
            hit, uids = self._exact_small(hashes, source_lang)
        else:
            hit, uids = self._exact_numpy(hashes, files)
        by_hash: dict[int, list[str]] = {}  # only the texts some unit may equal
        for i in hit:
            by_hash.setdefault(hashes[i], []).append(texts[i])
        rows = self.rows(sorted(uids), source_lang, target_lang)
        out: dict[str, list[Candidate]] = {}
        for uid in sorted(rows):
            cand = rows[uid]
            key = exact_key(cand.source)
            for t in by_hash.get(key_hash(cand.source), ()):
                if exact_key(t) == key:
                    out.setdefault(t, []).append(cand)
        return out

    def _exact_small(self, hashes: list[int], lang: str) -> tuple[list[int], set[int]]:
        """(indexes of `hashes` some unit has, those units' ids) from a dict per file: a
        small memory (the termbase) is looked up without loading numpy."""
        cache = self.cache
        tables = cache.exact_tables.get(lang)
        if tables is None:
            tables = cache.exact_tables[lang] = []
            for file_id, file_hashes, ids in self._exacts(lang):
                table: dict[int, list[int]] = {}
                for h, pos in zip(file_hashes, ids, strict=True):
                    table.setdefault(h, []).append((file_id << 32) + pos)
                tables.append(table)
        hit: set[int] = set()
        uids: set[int] = set()
        for table in tables:
            for i, h in enumerate(hashes):
                got = table.get(h)
                if got is not None:
                    hit.add(i)
                    uids.update(got)
        return sorted(hit), uids

    @staticmethod
    def _exact_numpy(hashes: list[int], files: list[tuple[int, array[int], array[int]]]
                     ) -> tuple[list[int], set[int]]:
        """`_exact_small` by binary search in the sorted hashes of each file (numpy)."""
        import numpy as np

        wanted = np.array(hashes, dtype=np.uint32)
        hit = np.zeros(len(hashes), dtype=bool)
        uids: set[int] = set()
        for file_id, raw_hashes, raw_ids in files:
            file_hashes = np.frombuffer(raw_hashes, dtype=np.uint32)
            ids = np.frombuffer(raw_ids, dtype=np.uint32)
            lo = np.searchsorted(file_hashes, wanted, "left")
            hi = np.searchsorted(file_hashes, wanted, "right")
            found = lo < hi
            hit |= found
            for a, b in zip(lo[found].tolist(), hi[found].tolist(), strict=True):
                uids.update((file_id << 32) + int(i) for i in ids[a:b])
        return np.flatnonzero(hit).tolist(), uids

    def _exacts(self, lang: str) -> list[tuple[int, array[int], array[int]]]:
        """Per file: its exact-match hashes in `lang`, sorted, and the unit positions."""
        cache = self.cache
        if lang not in cache.exacts:
            cache.exacts[lang] = [
                (file_id, from_blob(h), from_blob(i))
                for file_id, h, i in self.db.execute(
                    "SELECT file_id, hashes, ids FROM exacts WHERE lang = ? ORDER BY file_id",
                    (lang,))]
        return cache.exacts[lang]

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int) -> list[list[Candidate]]:
        sizes = self._sizes(source_lang)  # a text no unit can fit is not even tokenized
        todo = [(i, word_set(t)) for i, t in enumerate(texts) if may_fit(len(t), sizes)]
        df = self._df(source_lang, sorted(set().union(*(ws for _, ws in todo))))
        rarest = sorted(df, key=lambda w: (df[w], w))  # the postings have only tokens()
        rank = {w: r for r, w in enumerate(rarest)}
        probes: list[tuple[int, list[str]]] = []
        for i, ws in todo:
            ranks = sorted(map(rank.__getitem__, rank.keys() & ws))
            if ranks:
                probes.append((i, [rarest[r] for r in ranks[:PROBES]]))
        lists = self._postings(source_lang, sorted({w for _, ps in probes for w in ps}))
        lengths = self.lengths(source_lang)
        chosen: dict[int, list[int]] = {}
        for i, ps in probes:
            need = max(1, math.ceil(len(ps) / 2))
            chosen[i] = top_units([lists[p] for p in ps], need, limit, len(texts[i]), lengths)
        rows = self.rows(sorted(set().union(*chosen.values())), source_lang, target_lang)
        out: list[list[Candidate]] = [[] for _ in texts]
        for i, ids in chosen.items():
            out[i] = [rows[u] for u in ids if u in rows]
        return out

    def _sizes(self, lang: str) -> tuple[int, int] | None:
        """The unit lengths in `lang`, when every file posted in it has them (a unit of a
        file without them passes top_units' length filter)."""
        cache = self.cache
        if lang not in cache.sizes:
            lengths = self.lengths(lang)
            if lang in cache.words:
                posted = set(lengths)  # kept: built with the postings, for every file
            else:
                posted = {f for f, in self.db.execute(
                    "SELECT file_id FROM posted WHERE lang = ?", (lang,))}
            cache.sizes[lang] = size_range(lengths) if posted <= set(lengths) else None
        return cache.sizes[lang]

    def _df(self, lang: str, vocab: Sequence[str]) -> dict[str, int]:
        """How many units hold each word of `vocab` that the memory has."""
        kept = self.cache.words.get(lang)
        if kept is not None:  # built by this process's sync
            return {w: sum(len(ids) for _, ids in kept[w]) for w in vocab if w in kept}
        known = self.cache.df.setdefault(lang, {})
        missing = [w for w in vocab if w not in known and is_token(w)]
        for chunk in chunks(missing):
            known.update(self.db.execute(
                "SELECT token, sum(df) FROM postings WHERE lang = ? AND token IN "
                f"({','.join('?' * len(chunk))}) GROUP BY token", (lang, *chunk)))
        for w in missing:
            known.setdefault(w, 0)
        return {w: n for w in vocab if (n := known.get(w, 0))}

    def lengths(self, lang: str) -> dict[int, array[int]]:
        """Per file, the text length of each unit in `lang` (for the length filter)."""
        cache = self.cache
        if lang not in cache.lengths:
            cache.lengths[lang] = {
                file_id: from_blob(blob, "H") for file_id, blob in self.db.execute(
                    "SELECT file_id, ids FROM postings WHERE lang = ? AND token = ?",
                    (lang, LENGTHS))}
        return cache.lengths[lang]

    def _postings(self, lang: str, words: Sequence[str]) -> dict[str, Posting]:
        out: dict[str, Posting] = {}
        kept = self.cache.words.get(lang)
        if kept is not None:
            for w in words:
                for file_id, ids in kept.get(w, ()):
                    out.setdefault(w, Posting()).add(file_id, ids)
            return out
        cache = self.cache
        read = cache.read.setdefault(lang, {})
        fetched: Kept = {}
        for chunk in chunks([w for w in words if w not in read]):
            for tok, file_id, blob in self.db.execute(
                    "SELECT token, file_id, ids FROM postings WHERE lang = ? AND token IN "
                    f"({','.join('?' * len(chunk))})", (lang, *chunk)):
                fetched.setdefault(tok, []).append((file_id, from_blob(blob)))
        if cache.read_ids < READ_IDS:
            read.update(fetched)
            cache.read_ids += sum(len(ids) for parts in fetched.values() for _, ids in parts)
        for w in words:
            for file_id, ids in read.get(w) or fetched.get(w) or ():
                out.setdefault(w, Posting()).add(file_id, ids)
        return out

    def rows(self, ids: Sequence[int], source_lang: str,
             target_lang: str) -> dict[int, Candidate]:
        """The units `ids` that have both languages, as candidates."""
        out: dict[int, Candidate] = {}
        origins = self.origins()
        cache = self.cache
        if cache.numbers is None:
            cache.numbers = lang_numbers(self.db)
        numbers = cache.numbers
        source, target = numbers.get(source_lang), numbers.get(target_lang)
        if source is None or target is None:
            return out
        wanted: dict[int, set[int]] = {}
        for uid in ids:
            wanted.setdefault(uid >> BLOCK_BITS, set()).add(uid & OFFSET)
        for chunk in chunks(list(wanted)):
            sql = ("SELECT key, heads, CAST(texts AS BLOB) FROM blocks WHERE key IN "
                   f"({','.join('?' * len(chunk))})")
            for key, heads, joined in self.db.execute(sql, chunk):
                for offset, aligned, variants in decode(heads, joined, wanted[key]):
                    text = target_text = None
                    for n, value in variants:
                        if n == source:
                            text = value
                        elif n == target:
                            target_text = value
                    if text is not None and target_text is not None:
                        uid = key << BLOCK_BITS | offset
                        out[uid] = Candidate(uid, text, target_text,
                                             origins.get(uid >> 32, "?"), aligned)
        return out
