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
from typing import Any, TypeAlias

from tm.memory.indexdb import IndexDb, chunks
from tm.memory.match import Candidate, exact_key, key_hash, key_hashes, normalize, tokens
from tm.memory.postings import LENGTHS, Posting, from_blob, top_units

PROBES = 8
"""Rarest words of a segment whose posting lists are read."""
CANDIDATES = 48
"""Units scored per segment at most (those sharing the most probe words)."""

Kept: TypeAlias = "dict[str, list[tuple[int, array[int]]]]"
"""Word -> (file_id, positions) per file, for postings kept in memory."""


@dataclass(slots=True)
class LookupCache:
    """What lookups read once per generation of the index file."""

    generation: int = -1
    origins: dict[int, str] | None = None
    lengths: dict[str, dict[int, array[int]]] = field(default_factory=dict)
    exacts: dict[str, list[tuple[int, Any, Any]]] = field(default_factory=dict)
    words: dict[str, Kept] = field(default_factory=dict)
    """Postings a sync built in this process, per language (else read from SQLite)."""

    def valid(self, generation: int) -> LookupCache:
        """This cache, emptied first if the file was written since it was filled: the
        one place where kept data is invalidated."""
        if generation != self.generation:
            self.generation = generation
            self.origins = None
            self.lengths = {}
            self.exacts = {}
            self.words = {}
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

    def exact(self, texts: Sequence[str], source_lang: str,
              target_lang: str) -> dict[str, list[Candidate]]:
        import numpy as np

        by_hash: dict[int, list[str]] = {}
        for t, h in zip(texts, key_hashes(texts), strict=True):
            by_hash.setdefault(h, []).append(t)
        if not by_hash:
            return {}
        wanted = np.array(sorted(by_hash), dtype=np.uint32)
        uids: list[int] = []
        for file_id, hashes, ids in self._exacts(source_lang):
            lo = np.searchsorted(hashes, wanted, "left")
            hi = np.searchsorted(hashes, wanted, "right")
            for a, b in zip(lo[lo < hi].tolist(), hi[lo < hi].tolist(), strict=True):
                uids.extend((file_id << 32) + int(i) for i in ids[a:b])
        rows = self.rows(sorted(uids), source_lang, target_lang)
        out: dict[str, list[Candidate]] = {}
        for uid in sorted(rows):
            cand = rows[uid]
            key = exact_key(cand.source)
            for t in by_hash.get(key_hash(cand.source), ()):
                if exact_key(t) == key:
                    out.setdefault(t, []).append(cand)
        return out

    def _exacts(self, lang: str) -> list[tuple[int, Any, Any]]:
        """Per file: its exact-match hashes in `lang`, sorted, and the unit positions."""
        cache = self.cache
        if lang not in cache.exacts:
            import numpy as np

            cache.exacts[lang] = [
                (file_id, np.frombuffer(from_blob(h), dtype=np.uint32),
                 np.frombuffer(from_blob(i), dtype=np.uint32))
                for file_id, h, i in self.db.execute(
                    "SELECT file_id, hashes, ids FROM exacts WHERE lang = ? ORDER BY file_id",
                    (lang,))]
        return cache.exacts[lang]

    def candidates(self, texts: Sequence[str], source_lang: str, target_lang: str,
                   limit: int) -> list[list[Candidate]]:
        words = [tokens(normalize(t)) for t in texts]
        vocab = sorted(set().union(*words)) if words else []
        df = self._df(source_lang, vocab)
        probes = [sorted((w for w in ws if w in df), key=lambda w: (df[w], w))[:PROBES]
                  for ws in words]
        lists = self._postings(source_lang, sorted(set().union(*probes)) if probes else [])
        lengths = self.lengths(source_lang)
        chosen: list[list[int]] = []
        for text, ps in zip(texts, probes, strict=True):
            need = max(1, math.ceil(len(ps) / 2))
            chosen.append(top_units([lists[p] for p in ps], need, limit, len(text), lengths)
                          if ps else [])
        rows = self.rows(sorted(set().union(*chosen)) if chosen else [], source_lang,
                         target_lang)
        return [[rows[u] for u in ids if u in rows] for ids in chosen]

    def _df(self, lang: str, vocab: Sequence[str]) -> dict[str, int]:
        """How many units hold each word of `vocab` that the memory has."""
        kept = self.cache.words.get(lang)
        if kept is not None:  # built by this process's sync
            return {w: sum(len(ids) for _, ids in kept[w]) for w in vocab if w in kept}
        df: dict[str, int] = {}
        for chunk in chunks(vocab):
            df.update(self.db.execute(
                "SELECT token, sum(df) FROM postings WHERE lang = ? AND token IN "
                f"({','.join('?' * len(chunk))}) GROUP BY token", (lang, *chunk)))
        return df

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
        for chunk in chunks(words):
            for tok, file_id, blob in self.db.execute(
                    "SELECT token, file_id, ids FROM postings WHERE lang = ? AND token IN "
                    f"({','.join('?' * len(chunk))})", (lang, *chunk)):
                out.setdefault(tok, Posting()).add(file_id, from_blob(blob))
        return out

    def rows(self, ids: Sequence[int], source_lang: str,
             target_lang: str) -> dict[int, Candidate]:
        """The units `ids` that have both languages, as candidates."""
        out = {}
        origins = self.origins()
        for chunk in chunks(ids):  # one seek per unit: its languages are adjacent rows
            sql = ("SELECT unit_id, lang, text, aligned FROM variants WHERE unit_id IN "
                   f"({','.join('?' * len(chunk))}) AND lang IN (?, ?)")
            texts: dict[int, dict[str, str]] = {}
            aligned: set[int] = set()
            for uid, lang, text, flag in self.db.execute(sql, (*chunk, source_lang,
                                                                target_lang)):
                texts.setdefault(uid, {})[lang] = text
                if flag:
                    aligned.add(uid)
            for uid, both in texts.items():
                if source_lang in both and target_lang in both:
                    out[uid] = Candidate(uid, both[source_lang], both[target_lang],
                                         origins.get(uid >> 32, "?"), uid in aligned)
        return out
