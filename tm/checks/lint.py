"""Source-side checks (`tm lint`): faults to fix in a source before anyone translates.

Mixed-script words (`Tetradи`), paragraphs that end mid-sentence (a blank line typed
into a sentence), and romanizations that nearly match a termbase entry but are no
recognized spelling of it (`Krasnai nov'` for `Krasnaia nov'`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from tm.checks.scriptswitch import switch_starts
from tm.checks.text import mixed_script_words
from tm.model import Unit

if TYPE_CHECKING:
    from tm.terms import Termbase

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z']|[A-Za-z]")
_QUOTES = str.maketrans({"’": "'", "ʼ": "'", "«": None, "»": None, "“": None, "”": None,
                         '"': None, "*": None})
_END_OK_CHARS = frozenset(".!?:;…)]”\"'’»*_`>")
"""What a paragraph may end with (then blanks only)."""


@dataclass(frozen=True, slots=True)
class Romanization:
    """A termbase spelling and the key every recognized spelling of it shares."""

    text: str
    key: str
    words: int


def unit_text(source: str, unit: Unit) -> str:
    return "\n".join(source[p.start:p.end] for p in unit.pieces)


def _pieces(source: str, unit: Unit) -> Iterator[tuple[int, str]]:
    for i, p in enumerate(unit.pieces):
        yield unit.line + i, source[p.start:p.end]


def lint_mixed_script(source: str, us: Sequence[Unit],
                      _known: Spellings | None = None) -> Iterator[tuple[int, str]]:
    """(line, message) for words mixing Latin and Cyrillic letters."""
    switches = switch_starts(source)
    if not switches:
        return
    from bisect import bisect_left

    for u in us:
        if u.end < switches[0] or bisect_left(switches, u.start) == bisect_left(switches, u.end):
            continue  # no letter of one script next to one of the other in this unit
        for line, text in _pieces(source, u):
            for word in mixed_script_words(text):
                yield line, f"mixed-script word {word} (Latin and Cyrillic letters)"


def _ends_ok(source: str, u: Unit) -> bool:
    """Whether the unit's text ends (blanks aside) with punctuation, a closing mark or
    emphasis (_END_OK_CHARS), found from its last piece with text: most do."""
    for p in reversed(u.pieces):
        last = source[p.start:p.end].rstrip()[-1:]
        if last:
            return last in _END_OK_CHARS
    return False


def lint_broken_paragraphs(source: str, us: Sequence[Unit],
                           _known: Spellings | None = None) -> Iterator[tuple[int, str]]:
    """A paragraph of a sentence or more that stops without punctuation before another one."""
    for a, b in zip(us, us[1:], strict=False):
        if a.kind != "paragraph" or b.kind != "paragraph":
            continue
        if _ends_ok(source, a):
            continue
        text = unit_text(source, a).rstrip()
        if not text:
            continue
        nxt = unit_text(source, b).lstrip()
        lower_next = nxt[:1].islower()
        if lower_next or (len(text.split()) >= 6 and text[-1].isalpha()):
            tail = " ".join(text.split()[-4:])
            why = "the next one starts in lowercase" if lower_next else "no end punctuation"
            yield (a.line + len(a.pieces) - 1,
                   f"paragraph ends mid-sentence after '…{tail}' ({why})")


@dataclass(frozen=True, slots=True)
class Spellings:
    """What the termbase says about Latin spellings: the right ones and every accepted one."""

    canonical: tuple[Romanization, ...]
    """Romanizations of Russian terms (and English terms that are romanizations)."""
    accepted: frozenset[str]
    """Keys of every spelling that is fine in a source: romanizations, exonyms, translations."""


def _key(s: str) -> str:
    from tm.romanize import romanization_key

    return romanization_key(s.translate(_QUOTES).strip())


_SPELLINGS: dict[int, tuple[Termbase, int, Spellings]] = {}


def spellings(termbase: Termbase) -> Spellings:
    """Canonical romanizations and accepted spellings of the termbase's entries.

    An English variant that nearly matches its entry's romanized preferred term (an
    entry may record a known misspelling so that term lookup finds it) is not accepted.
    Worked out once per termbase (and entry count) in a process: `tm lint` asks for
    every document, and romanizing the termbase costs more than linting a chapter.
    """
    got = _SPELLINGS.get(id(termbase))
    if got is not None and got[0] is termbase and got[1] == len(termbase.entries):
        return got[2]
    known = _spellings(termbase)
    _SPELLINGS.clear()
    _SPELLINGS[id(termbase)] = (termbase, len(termbase.entries), known)
    return known


def _spellings(termbase: Termbase) -> Spellings:
    from rapidfuzz import fuzz

    from tm.romanize import alalc

    canonical: dict[str, Romanization] = {}
    accepted: set[str] = set()
    for entry in termbase.entries:
        ru = entry.forms("ru")
        en = [f.translate(_QUOTES).strip() for f in entry.forms("en")]
        roman = [alalc(f.translate(_QUOTES)).strip() for f in ru] + list(entry.romanization)
        rom_keys = {_key(r) for r in roman if r}
        preferred = en[0] if en else None
        is_roman = preferred is not None and _key(preferred) in rom_keys
        for r in (*roman, *([preferred] if is_roman and preferred else [])):
            if r and r.isascii() and len(r) >= 5:
                canonical.setdefault(_key(r), Romanization(r, _key(r), len(r.split())))
        accepted |= rom_keys
        for i, form in enumerate(en):
            k = _key(form)
            if i and is_roman and k not in rom_keys and fuzz.ratio(k, _key(preferred or "")) >= 86:
                continue  # a recorded misspelling of the romanized title or name
            accepted.add(k)
            if entry.subject == "person" and " " in form:
                accepted.add(_key(form.split()[-1]))
    return Spellings(tuple(canonical.values()), frozenset(accepted))


def _accepted(key: str, accepted: frozenset[str]) -> bool:
    if key in accepted:
        return True
    for suffix in ("'s", "s", "es"):
        if key.endswith(suffix) and key[: -len(suffix)] in accepted:
            return True
    return False


_CAP = r"[A-Z](?:[A-Za-z'\-]*[A-Za-z'])?"
_CAP_WORD = re.compile(rf"(?<![A-Za-z']){_CAP}")
"""A capitalized word as _WORD cuts it (text with ’ read as ')."""
_RUN = rf"(?:{_WORD.pattern})(?: +(?:{_WORD.pattern})){{{{0,{{}}}}}}"
"""Up to 1 + N words separated by spaces only: the runs `lint_near_miss` compares."""


FIRST_WORD_CUTOFF = 60
"""A run is compared with an entry of as many words only when their first words'
keys score this much (fuzz.ratio): a near miss misspells a word or two of an entry, it
does not replace its first word (and the other runs are most of the text)."""


_Entries = tuple[list[str], list[Romanization], float, float]


@dataclass(frozen=True, slots=True)
class _NearMissIndex:
    """The canonical romanizations by word count and by first word, built once per
    termbase; which entries a capitalized source word may start a near miss of is worked
    out once per distinct word."""

    sizes: tuple[int, ...]
    by_words: dict[int, list[Romanization]]
    firsts: dict[int, list[str]]
    """Per word count: the distinct first words of the entries' keys."""
    entries: dict[tuple[int, str], tuple[list[str], list[Romanization]]]
    """(word count, first word of the key) -> the keys and entries."""
    viable: dict[str, dict[int, _Entries]]
    """Source word -> word count -> the entries its runs of that length are compared with."""


_INDEXES: dict[int, tuple[Spellings, _NearMissIndex]] = {}


def _near_miss_index(known: Spellings) -> _NearMissIndex:
    got = _INDEXES.get(id(known))
    if got is not None and got[0] is known:
        return got[1]
    by_words: dict[int, list[Romanization]] = {}
    entries: dict[tuple[int, str], tuple[list[str], list[Romanization]]] = {}
    for r in known.canonical:
        by_words.setdefault(r.words, []).append(r)
        keys, rs = entries.setdefault((r.words, r.key.split(" ")[0]), ([], []))
        keys.append(r.key)
        rs.append(r)
    firsts: dict[int, list[str]] = {}
    for n, first in entries:
        firsts.setdefault(n, []).append(first)
    index = _NearMissIndex(tuple(sorted(by_words, reverse=True)), by_words, firsts,
                           entries, {})
    _INDEXES.clear()
    _INDEXES[id(known)] = (known, index)
    return index


def _viable(word: str, index: _NearMissIndex) -> dict[int, _Entries]:
    """For each word count, the entries whose first word is close to `word`'s key (and
    the shortest and longest run key that could score 86 against one of them)."""
    got = index.viable.get(word)
    if got is None:
        from rapidfuzz import fuzz, process

        key = _key(word)
        got = {}
        for n, firsts in index.firsts.items():
            keys: list[str] = []
            rs: list[Romanization] = []
            for first, _score, _i in process.extract(
                    key, firsts, scorer=fuzz.ratio, score_cutoff=FIRST_WORD_CUTOFF,
                    limit=None):
                more_keys, more_rs = index.entries[(n, first)]
                keys += more_keys
                rs += more_rs
            if keys:  # fuzz.ratio >= 86 needs lengths within 0.14 of their sum
                lengths = [len(k) for k in keys]
                got[n] = (keys, rs, min(lengths) * 0.86 / 1.14, max(lengths) * 1.14 / 0.86)
        index.viable[word] = got
    return got


_Found = list[tuple[int, Romanization]]


@dataclass(slots=True)
class _Scan:
    """One near-miss check's memos: word keys, scores, and each distinct run's result."""

    known: Spellings
    index: _NearMissIndex
    word_keys: dict[str, str] = field(default_factory=dict)
    hits: dict[tuple[int, str], Romanization | None] = field(default_factory=dict)
    runs: dict[tuple[str, ...], _Found] = field(default_factory=dict)

    def found(self, words: Sequence[str], viable: dict[int, _Entries]) -> _Found:
        """(word count, entry) for the leading words of a run that nearly match an entry."""
        return self.lead_found(tuple(words[:max(viable)]), viable)

    def lead_found(self, lead: tuple[str, ...], viable: dict[int, _Entries]) -> _Found:
        """`found` for a run cut to the longest entry `viable` holds: the entry all its
        words nearly match (if any), then those of its shorter leads, which many runs
        share (_near_misses, with each lead worked out once)."""
        got = self.runs.get(lead)
        if got is None:
            n = len(lead)
            shorter = self.lead_found(lead[:-1], viable) if n > 1 else []
            best = self._closest(lead, viable[n]) if n in viable else None
            got = self.runs[lead] = [(n, best), *shorter] if best is not None else shorter
        return got

    def _closest(self, lead: tuple[str, ...], entries: _Entries) -> Romanization | None:
        """The entry of `entries` (as many words as `lead`) that `lead` nearly matches."""
        choices, rs, lo, hi = entries
        keys = _word_keys(lead, self.word_keys)
        if not lo <= sum(map(len, keys)) + len(keys) - 1 <= hi:
            return None  # too short or too long to score 86 against any of them
        seen = (len(keys), " ".join(keys))  # the phrase's key (keys join word by word)
        if seen in self.hits:
            return self.hits[seen]
        best = self.hits[seen] = _closest(seen[1], choices, rs, self.known)
        return best


@lru_cache(maxsize=8)
def _run_patterns(more: int) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """For runs of 1 + `more` words at most: (1) each capitalized word that is not inside
    another (as _CAP_WORD finds them) and the words after it, as (word, rest); (2) the
    run at a position that starts a capitalized word, hyphenated or not; (3) `_RUN`."""
    rest = rf"(?: +(?:{_WORD.pattern})){{0,{more}}}"
    starts = re.compile(rf"([A-Z](?<![A-Za-z'][A-Z])(?:[A-Za-z'\-]*[A-Za-z'])?)(?=({rest}))")
    at = re.compile(rf"(?<![A-Za-z'])(?=({_CAP}{rest}))")
    return starts, at, re.compile(_RUN.format(more))


def lint_near_miss(source: str, us: Sequence[Unit],
                   known: Spellings | None) -> Iterator[tuple[int, str]]:
    """Word runs whose romanization key is close to, but not, a termbase entry's key.

    Only runs that start with a capitalized word close to an entry's first word reach
    the fuzzy comparison, and only with those entries (FIRST_WORD_CUTOFF). The runs
    are read in one regular-expression pass and each distinct one is compared once; only
    the runs with a near miss are looked for again, where they stand.
    """
    if known is None or not known.canonical:
        return
    scan = _Scan(known, _near_miss_index(known))
    plain = source.replace("’", "'")  # same length: offsets stay valid
    starts, at, run_re = _run_patterns(scan.index.sizes[0] - 1)
    bad = set()
    longest: dict[str, int] = {}  # word -> its runs' length compared (0: not viable)
    for word, rest in set(starts.findall(plain)):
        m = longest.get(word)
        if m is None:
            viable = _viable(word, scan.index)
            m = longest[word] = max(viable) if viable else 0
        if m == 0:
            continue
        lead = (word,) if m == 1 or not rest else tuple((word + rest).split()[:m])
        if scan.lead_found(lead, scan.index.viable[word]):
            bad.add(word + rest)
    if bad:
        yield from _report(source, plain, us, scan, _positions(plain, bad, at), run_re)


def _positions(plain: str, runs: set[str], at: re.Pattern[str]) -> list[tuple[int, str]]:
    """(position, first word) wherever one of `runs` is the run a capitalized word
    starts (inside a hyphenated word too: _token_start decides about those), in order."""
    out = set()
    for first in {r.split(" ", 1)[0] for r in runs}:
        i = plain.find(first)
        while i >= 0:
            m = at.match(plain, i)
            if m is not None and m.group(1) in runs:  # (`first` may begin a longer word)
                out.add((i, m.group(1).split(" ", 1)[0]))
            i = plain.find(first, i + 1)
    return sorted(out)


_NON_BLANKS = re.compile(r"\S+")


def _report(source: str, plain: str, us: Sequence[Unit], scan: _Scan,
            positions: Sequence[tuple[int, str]], run_re: re.Pattern[str],
            ) -> Iterator[tuple[int, str]]:
    """(line, message) for the near misses of the runs at `positions`, each read within
    its line piece, unless an accepted spelling covers one of its words."""
    from bisect import bisect_right

    pieces = sorted((p.start, p.end, u.line + i) for u in us for i, p in enumerate(u.pieces))
    offsets = [p[0] for p in pieces]
    for pos, word in positions:
        k = bisect_right(offsets, pos) - 1
        if k < 0 or pos >= pieces[k][1] or not _token_start(plain, pos, pieces[k][0]):
            continue
        a, b, line = pieces[k]
        run = run_re.match(plain, pos, b)
        text = run.group(0) if run is not None else ""
        viable = scan.index.viable[word]
        for n, best in scan.found(text.split(maxsplit=max(viable)), viable):
            if _covered(plain, a, b, pos, n, scan.index.sizes, scan.known, scan.word_keys):
                continue
            ends = [w.end() for w in _NON_BLANKS.finditer(text)]
            phrase = source[pos:pos + ends[n - 1]]
            yield (line, f"romanization {phrase.translate(_QUOTES)} nearly "
                   f"matches termbase entry {best.text} but is no recognized spelling")


def _near_misses(run: Sequence[str], viable: dict[int, _Entries], sizes: Sequence[int],
                 known: Spellings, word_keys: dict[str, str],
                 hits: dict[tuple[int, str], Romanization | None],
                 ) -> list[tuple[int, Romanization]]:
    """(word count, entry) for the leading words of a run that nearly match an entry."""
    keys = _word_keys(run, word_keys)
    out = []
    for n in sizes:
        if n > len(keys) or n not in viable:
            continue
        choices, rs, lo, hi = viable[n]
        head = keys[:n]
        if not lo <= sum(map(len, head)) + n - 1 <= hi:
            continue  # too short or too long to score 86 against any of them
        seen = (n, " ".join(head))  # the phrase's key (keys join word by word)
        if seen in hits:
            best = hits[seen]
        else:
            best = hits[seen] = _closest(seen[1], choices, rs, known)
        if best is not None:
            out.append((n, best))
    return out


def _closest(key: str, choices: list[str], rs: list[Romanization],
             known: Spellings) -> Romanization | None:
    """The entry whose key `key` (no accepted spelling) scores 86 or more against."""
    if len(key) < 5 or _accepted(key, known.accepted):
        return None
    from rapidfuzz import fuzz, process

    hit = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=86)
    return rs[hit[2]] if hit is not None else None


def _token_start(text: str, pos: int, start: int) -> bool:
    """Whether _WORD, cutting text[start:], begins a word at `pos` (hyphens before a
    letter belong to the word before them, if any)."""
    i = pos
    while i > start and text[i - 1] == "-":
        i -= 1
    return i == start or not (text[i - 1].isascii() and (text[i - 1].isalpha()
                                                          or text[i - 1] == "'"))


def _word_keys(words: Sequence[str], cache: dict[str, str]) -> list[str]:
    out = [cache.get(w, "") for w in words]
    if "" not in out:
        return out
    out = []
    for w in words:
        key = cache.get(w)
        if key is None:
            key = cache[w] = _key(w)
        out.append(key)
    return out


def _covered(plain: str, a: int, b: int, pos: int, n: int, sizes: Sequence[int],
             known: Spellings, cache: dict[str, str]) -> bool:
    """Whether a word of the `n`-word run at `pos` in plain[a:b] lies inside a run (of an
    entry's length) that is an accepted spelling: then the run is no near miss."""
    words = list(_WORD.finditer(plain, a, b))
    i = next((j for j, w in enumerate(words) if w.start() == pos), None)
    if i is None:  # not where a word begins: no run of the check starts here
        return True
    lo, hi = max(0, i - max(sizes) + 1), min(len(words), i + n + max(sizes))
    words = words[lo:hi]
    i -= lo
    keys = _word_keys([w.group(0) for w in words], cache)
    reach = [1] * len(words)
    for j in range(len(words) - 2, -1, -1):
        if not plain[words[j].end():words[j + 1].start()].strip(" "):
            reach[j] = reach[j + 1] + 1
    for j in range(min(len(words), i + n)):  # runs from j that reach past word i
        for m in sizes:
            if j + m > i and m <= reach[j] and _accepted(" ".join(keys[j:j + m]),
                                                         known.accepted):
                return True
    return False
