"""Source-side checks (`tm lint`): faults to fix in the Markdown before anyone translates.

Mixed-script words (`Tetradи`), paragraphs that end mid-sentence (a blank line typed
into a sentence), and romanizations that nearly match a termbase entry but are no
recognized spelling of it (`Krasnai nov'` for `Krasnaia nov'`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tm.checks.text import mixed_script_words
from tm.config import CheckPolicy, Config
from tm.model import Finding, Unit
from tm.source import read_source, units

LINT_SEVERITY = {"mixed-script": "error", "near-miss": "error", "broken-paragraph": "warning"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z']|[A-Za-z]")
_QUOTES = str.maketrans({"’": "'", "ʼ": "'", "«": None, "»": None, "“": None, "”": None,
                         '"': None, "*": None})
_END_OK = re.compile(r"[.!?:;…)\]”\"'’»*_`>]\s*$")


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


def lint_mixed_script(source: str, us: Sequence[Unit]) -> Iterator[tuple[int, str, str]]:
    """(line, code, message) for words mixing Latin and Cyrillic letters."""
    for u in us:
        for line, text in _pieces(source, u):
            for word in mixed_script_words(text):
                yield line, "mixed-script", f"mixed-script word {word} (Latin and Cyrillic letters)"


def lint_broken_paragraphs(source: str, us: Sequence[Unit]) -> Iterator[tuple[int, str, str]]:
    """A paragraph of a sentence or more that stops without punctuation before another one."""
    for a, b in zip(us, us[1:], strict=False):
        if a.kind != "paragraph" or b.kind != "paragraph":
            continue
        text, nxt = unit_text(source, a).rstrip(), unit_text(source, b).lstrip()
        if not text or _END_OK.search(text):
            continue
        lower_next = nxt[:1].islower()
        if lower_next or (len(text.split()) >= 6 and text[-1].isalpha()):
            tail = " ".join(text.split()[-4:])
            why = "the next one starts in lowercase" if lower_next else "no end punctuation"
            yield (a.line + len(a.pieces) - 1, "broken-paragraph",
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


def spellings(termbase: Any) -> Spellings:
    """Canonical romanizations and accepted spellings of the termbase's entries.

    An English variant that nearly matches its entry's romanized preferred term (an
    entry may record a known misspelling so that term lookup finds it) is not accepted.
    """
    from rapidfuzz import fuzz

    from tm.romanize import alalc

    canonical: dict[str, Romanization] = {}
    accepted: set[str] = set()
    for entry in getattr(termbase, "entries", ()):
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


def lint_near_miss(source: str, us: Sequence[Unit],
                   known: Spellings | None) -> Iterator[tuple[int, str, str]]:
    """Word runs whose romanization key is close to, but not, a termbase entry's key."""
    if known is None or not known.canonical:
        return
    from rapidfuzz import fuzz, process

    by_words: dict[int, list[Romanization]] = {}
    for r in known.canonical:
        by_words.setdefault(r.words, []).append(r)
    sizes = sorted(by_words, reverse=True)
    choices = {n: [r.key for r in rs] for n, rs in by_words.items()}
    for u in us:
        for line, text in _pieces(source, u):
            words = list(_WORD.finditer(text.replace("’", "'")))
            runs = []
            for i in range(len(words)):
                for n in sizes:
                    run = words[i:i + n]
                    if len(run) == n and not any(text[x.end():y.start()].strip(" ")
                                                 for x, y in zip(run, run[1:], strict=False)):
                        phrase = text[run[0].start():run[-1].end()]
                        runs.append((i, n, phrase, _key(phrase)))
            covered: set[int] = set()
            for i, n, _phrase, key in runs:
                if _accepted(key, known.accepted):
                    covered.update(range(i, i + n))
            for i, n, phrase, key in runs:
                if (not words[i].group(0)[0].isupper() or covered & set(range(i, i + n))
                        or len(key) < 5 or _accepted(key, known.accepted)):
                    continue
                hit = process.extractOne(key, choices[n], scorer=fuzz.ratio, score_cutoff=86)
                if hit is not None:
                    best = by_words[n][hit[2]]
                    yield (line, "near-miss", f"romanization {phrase.translate(_QUOTES)} nearly "
                           f"matches termbase entry {best.text} but is no recognized spelling")


def lint_source(source: str, path: str, termbase: Any = None,
                policy: CheckPolicy | None = None) -> list[Finding]:
    """All source-side findings for one Markdown document, in line order."""
    us = units(source)
    known = spellings(termbase) if termbase is not None else None
    found: Iterable[tuple[int, str, str]] = (
        *lint_mixed_script(source, us), *lint_broken_paragraphs(source, us),
        *lint_near_miss(source, us, known))
    out = []
    for line, code, message in found:
        sev = (policy.severity.get(code) if policy else None) or LINT_SEVERITY[code]
        if sev != "off":
            out.append(Finding(path, line, code, message, sev))
    return sorted(out, key=lambda f: (f.line, f.code))


def lint_project(config: Config, docs: Sequence[str]) -> list[Finding]:
    """`tm lint`: every named document (default: all) of the project."""
    from tm.checks.run import _termbase, validate_policy

    validate_policy(config)
    termbase = _termbase(config)
    out = []
    for doc in docs:
        path = config.source_path(doc)
        out += lint_source(read_source(path), config.relative(path), termbase, config.check)
    return out


def format_findings(found: Sequence[Finding], fmt: str = "text") -> str:
    """Findings as `path:line: code: message` lines, JSON or GitHub annotations."""
    import json

    from tm.checks.output import _escape_data, _escape_property

    if fmt == "json":
        return json.dumps({"ok": not any(f.severity == "error" for f in found),
                           "findings": [{"path": f.path, "line": f.line, "code": f.code,
                                         "severity": f.severity, "message": f.message}
                                        for f in found]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        return "".join(f"::{f.severity} file={_escape_property(f.path)},line={f.line}::"
                       f"{_escape_data(f'{f.code}: {f.message}')}\n" for f in found)
    return "".join(f"{f.path}:{f.line}: {f.code}: {f.message}\n" for f in found)
