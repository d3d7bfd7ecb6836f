"""Term finding: which termbase entries occur in a segment, in any direction.

Each word of a text gets match keys (tm.termkeys): English words their own lemma,
romanized Russian names and titles a romanization key, Russian words their pymorphy3
lemmas, abbreviations their letters. The termbase's forms become key sequences in a
trie per source language, built once and cached on disk beside the memory index
(keyed by the termbase files' content); finding walks the trie from each word that
starts a term, so a text costs one pass over its words.

An entry found only through an *ambiguous* term (a single word with everyday senses:
file, camp, ссылка) comes back as `Term(ambiguous=True)`: a hint with its note, never
a `term` finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tm.data import BUILTIN_ORIGIN, BUILTIN_TBX
from tm.languages import base_lang
from tm.model import Term
from tm.romanize import alalc
from tm.tbx import TermEntry
from tm.termaccept import term_present
from tm.termcache import Trie, load_cached, store_cached
from tm.termkeys import (
    CAPS_RU,
    CYR,
    CYRILLIC_LANGS,
    FUNCTION_WORDS,
    TOKEN,
    english_lemma,
    fold,
    is_literal,
    prefix,
    roman_key,
    ru_term_keys,
    skeleton,
    unquoted,
    word_keys,
)
from tm.termscan import entries, outermost, scan
from tm.termwalk import END as _END
from tm.termwalk import Found, Payload, Scanner

if TYPE_CHECKING:
    from tm.config import Config

__all__ = ["Termbase", "hint_lines", "load_termbase", "term_present"]

ROMANIZED_SUBJECTS = frozenset({"person", "place", "title", "institution", "archive", "event"})
"""Entries whose Russian forms are also looked for, romanized, in Latin-script text."""

Keys = frozenset[str]


# --- keys of text and of terms --------------------------------------------------------------


def _form_keys(word: str, base: str, roman: bool, named: str, first: bool) -> Keys:
    """Keys a word of a term's form must meet: a romanization (`roman`), a word with its
    capital (`named`: "all" words of names and titles, the "first" of institutions,
    places and events: `German revolution`), an English lemma, a Russian lemma or an
    abbreviation."""
    bare = word.rstrip("'’ʹ")
    caps = CAPS_RU.fullmatch(word) if base in CYRILLIC_LANGS else None
    if caps or is_literal(bare):
        return frozenset({"=" + (caps.group(1) if caps else bare)})
    if base in CYRILLIC_LANGS:
        if not CYR.search(word):
            return frozenset({"w:" + word.lower()})
        if base == "ru":
            return ru_term_keys(word)
        return frozenset({fold(word)})
    upper = word[:1].isupper() and not (first and word.lower() in FUNCTION_WORDS)
    if roman:  # romanized titles capitalize the first word only (LC style), or all words
        rom = roman_key(word)
        if rom:
            return frozenset({("R:" if upper and first else "r:") + rom})
    lemma = english_lemma(word) if base == "en" else word.lower()
    capital = upper and (named == "all" or (named == "first" and first))
    return frozenset({("W:" if capital else "w:") + lemma})


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def form_pattern(form: str, base: str, citation: bool = False, roman: bool = False,
                 named: str = "") -> tuple[tuple[Keys, ...], bool]:
    """Key sequence of a term's form and whether a number must follow it; a citation
    abbreviation (`f.`, `Л.`) matches only as written, before a number when short."""
    text = unquoted(form)
    toks = _tokens(text)
    latin = base not in CYRILLIC_LANGS
    while len(toks) > 1 and latin and toks[0][2].lower() in FUNCTION_WORDS:
        toks = toks[1:]  # `The New Course` is found in `the New Course`, and `the` starts none
    if not toks:
        return (), False
    keys = [_form_keys(w, base, roman, named, i == 0) for i, (_s, _e, w) in enumerate(toks)]
    dotted = citation and text.endswith(".")
    if dotted:
        for i, (s, e, _w) in enumerate(toks):
            if text.startswith(".", e):
                keys[i] = frozenset({f"={text[s:e]}."})
    needs_number = dotted and len(text) <= 4 or text == "№"
    return tuple(keys), needs_number


# --- the trie and the scan ------------------------------------------------------------------


def _add(trie: Trie, keys: tuple[Keys, ...], payload: Payload) -> None:
    nodes = [trie]
    for ks in keys:
        nodes = [n.setdefault(k, {}) for n in nodes for k in ks]
    for n in nodes:
        ends = n.setdefault(_END, [])
        if payload not in ends:
            ends.append(payload)


def _vocabulary(trie: Trie) -> frozenset[str]:
    out: set[str] = set()
    stack = [trie]
    while stack:
        node = stack.pop()
        for k, child in node.items():
            if k != _END:
                out.add(k)
                stack.append(child)
    return frozenset(out)


# --- the termbase ---------------------------------------------------------------------------


class Termbase:
    """Term entries and, per source language, a trie of their forms' key sequences."""

    def __init__(self, entries: Iterable[TermEntry], origins: Iterable[str] | None = None,
                 tries: dict[str, Trie] | None = None) -> None:
        self.entries: list[TermEntry] = list(entries)
        self.origins: list[str] = list(origins) if origins is not None else [
            BUILTIN_ORIGIN] * len(self.entries)
        self.tries: dict[str, Trie] = dict(tries or {})
        self.cache_path: Path | None = None
        self.cache_key = ""
        self._scanners: dict[str, Scanner] = {}
        self._terms: dict[tuple[int, str, str, bool], Term | None] = {}
        self._found: dict[tuple[str, str, tuple[tuple[int, bool], ...]], list[Term]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def _surface_forms(self, entry: TermEntry, lang: str) -> list[tuple[str, bool, bool]]:
        """(form, romanized, ambiguous) of an entry to look for in `lang` text."""
        forms = [(f, False, f in entry.ambiguous) for f in entry.forms(lang)]
        if base_lang(lang) not in CYRILLIC_LANGS and entry.forms("ru"):
            forms += [(r, True, False) for r in entry.romanization]
            if entry.subject in ROMANIZED_SUBJECTS:
                forms += [(alalc(f), True, f in entry.ambiguous)
                          for f in entry.forms("ru") if len(f) > 3]
        return forms

    def trie(self, lang: str) -> Trie:
        """The trie of source language `lang`, built at its first use (then cached)."""
        base = base_lang(lang)
        if base not in self.tries:
            trie: Trie = {}
            cyrillic = base in CYRILLIC_LANGS
            for n, entry in enumerate(self.entries):
                named = ("" if entry.subject not in ROMANIZED_SUBJECTS else
                         "all" if entry.subject in ("person", "title") else "first")
                for form, roman, amb in self._surface_forms(entry, base):
                    keys, needs_number = form_pattern(form, base, entry.subject == "citation",
                                                      roman, named)
                    needs_quote = cyrillic and form.lstrip().startswith("«")
                    # Russian names, titles and citation forms are capitalized; their
                    # lemmas are everyday words (Красный, там же)
                    needs_capital = cyrillic and form[:1].isupper() and (
                        bool(named) or entry.subject == "citation")
                    if keys:
                        _add(trie, keys, (n, needs_number, needs_quote, needs_capital, amb))
            self.tries[base] = trie
            if self.cache_path is not None:
                store_cached(self.cache_path, self.cache_key, self)
        return self.tries[base]

    def scanner(self, source_lang: str) -> Scanner:
        """The scanner of `source_lang` texts (its trie built or loaded at first use)."""
        sc = self._scanners.get(source_lang)
        if sc is None:
            base = base_lang(source_lang)
            trie = self.trie(base)
            vocab = _vocabulary(trie)
            prefixes = frozenset(prefix(k) for k in vocab if not k.startswith("="))
            dotted = frozenset(k[1:-1] for k in vocab if k.startswith("=") and k.endswith("."))
            skeletons = frozenset(skeleton(k[2:]) for k in vocab if k.startswith(("r:", "R:")))
            sc = self._scanners[source_lang] = Scanner(
                trie, vocab, lambda w: word_keys(w, base, prefixes, skeletons), dotted)
        return sc

    def term(self, n: int, source_lang: str, target_lang: str, ambiguous: bool = False
             ) -> Term | None:
        """Entry `n` as a Term from `source_lang` to `target_lang`, if it has both."""
        key = (n, source_lang, target_lang, ambiguous)
        if key in self._terms:
            return self._terms[key]
        entry = self.entries[n]
        source, target = entry.preferred(source_lang), entry.display(target_lang)
        term = None if source is None or target is None else Term(
            source=source, target=target, source_lang=source_lang, target_lang=target_lang,
            note=entry.note, pos=entry.pos, uncertain=entry.uncertain, origin=self.origins[n],
            ambiguous=ambiguous)
        self._terms[key] = term
        return term

    def matches(self, text: str, source_lang: str) -> list[Found]:
        """(start, end, entry, ambiguous) of the outermost matches in `text`."""
        return outermost(scan(text, self.scanner(source_lang)))

    def find(self, text: str, source_lang: str, target_lang: str) -> list[Term]:
        """Every entry found in `text`, in order of appearance, each once; ambiguous when
        every match of it is an ambiguous term."""
        got = entries(text, self.scanner(source_lang))
        if not got:
            return []
        key = (source_lang, target_lang, tuple(got))  # texts share their matches' entries
        terms = self._found.get(key)
        if terms is None:
            sure: dict[int, bool] = {}  # entries in order of first appearance
            for n, amb in got:
                sure[n] = sure.get(n, False) or not amb
            if len(self._found) > 20_000:
                self._found.clear()
            terms = self._found[key] = [
                term for n, s in sure.items()
                if (term := self.term(n, source_lang, target_lang, ambiguous=not s)) is not None]
        return list(terms)

    def terms(self, source_lang: str, target_lang: str) -> list[Term]:
        """All entries that have both languages, as Terms (for listing or export)."""
        return [t for n in range(len(self.entries))
                if (t := self.term(n, source_lang, target_lang)) is not None]


def _termbase_files(config: Config | None) -> list[tuple[Path, str]]:
    files: list[tuple[Path, str]] = []
    if config is None or config.builtin_terms:
        files.append((BUILTIN_TBX, BUILTIN_ORIGIN))
    if config is not None:
        files += [(p, config.relative(p)) for p in config.memory_files()
                  if p.suffix.lower() == ".tbx"]
    return files


def load_termbase(config: Config | None = None) -> Termbase:
    """The shipped termbase (unless `builtin_terms = false`) plus every *.tbx memory file.

    In a project the parsed entries and built tries are cached in `.tm/terms.pickle`,
    keyed by the files' content, so a warm run reads neither XML nor morphology.
    """
    files = _termbase_files(config)
    cache = config.root / ".tm" / "terms.pickle" if config is not None else None
    return load_cached(files, cache, Termbase)


def hint_lines(terms: Iterable[Term]) -> list[str]:
    """PO extracted-comment lines: `terms: <source> = <target>`, unvetted ones marked,
    ambiguous ones with their note so the translator sees which sense is meant."""
    lines = []
    for t in terms:
        mark = " (uncertain)" if t.uncertain else ""
        if t.ambiguous:
            mark += f" (ambiguous: {t.note})" if t.note else " (ambiguous)"
        line = f"terms: {t.source} = {t.target}{mark}"
        if line not in lines:
            lines.append(line)
    return lines
