"""Segmentation rules as data (tm/data/segmentation.toml), compiled once per language."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from tm.languages import base_lang

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WINDOW = 64
"""How far back a `before` pattern may look."""


Check = tuple[bool, Callable[[str, int, int], "re.Match[str] | None"] | None,
              Callable[[str, int], "re.Match[str] | None"] | None, int]
"""A rule ready for split_sentences' inner loop: (break, before.search or None,
after.match or None, reach). The rule applies at a candidate `pos` when `after` matches
at `pos` (tried first: an anchored match is cheaper) and `before` finds a match ending
by `pos` within `reach` characters back."""


@dataclass(frozen=True)
class Rule:
    """Break or no-break where `before` matches up to a candidate and `after` from it."""

    brk: bool
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    reach: int = WINDOW
    """How far back `before` is searched: WINDOW, or less if no match can be that long."""
    needs: frozenset[str] = frozenset()
    """Characters every match of `before` and `after` contains: no use trying without."""

    @property
    def check(self) -> Check:
        return (self.brk, self.before.search if self.before is not None else None,
                self.after.match if self.after is not None else None, self.reach)


def _parser() -> Any:
    """The regular expression parser of `re` (private: re._parser, sre_parse before 3.11)."""
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # Python 3.10
        return importlib.import_module("sre_parse")


def _reach(pattern: re.Pattern[str]) -> int:
    """WINDOW, or the longest text `pattern` can match if that is shorter.

    Searching fewer start positions finds the same matches: none can be longer.
    """
    try:
        longest = _parser().parse(pattern.pattern, pattern.flags).getwidth()[1]
    except Exception:  # a private API: fall back to the full window
        return WINDOW
    return min(WINDOW, int(longest))


def _needs(pattern: re.Pattern[str] | None) -> frozenset[str]:
    """Literal characters outside any alternative, repetition or lookaround of `pattern`:
    each of them is part of every match (case-insensitive parts are left out)."""
    if pattern is None or pattern.flags & re.IGNORECASE:
        return frozenset()
    try:
        parser = _parser()
        literal, subpattern = parser.LITERAL, parser.SUBPATTERN
        out: set[str] = set()

        def walk(seq: Any) -> None:
            for op, av in seq:
                if op is literal:
                    out.add(chr(av))
                elif op is subpattern and not av[1] & re.IGNORECASE:
                    walk(av[3])

        walk(parser.parse(pattern.pattern, pattern.flags))
        return frozenset(out)
    except Exception:  # a private API: no shortcut then
        return frozenset()


@dataclass(frozen=True)
class RuleSet:
    """Everything needed to cut one language's text into sentences."""

    language: str
    candidates: re.Pattern[str]
    rules: tuple[Rule, ...]
    _by_chars: dict[frozenset[str], tuple[Check, ...]] = field(
        default_factory=dict, compare=False, repr=False)

    def checks(self, text: str) -> tuple[Check, ...]:
        """The rules that can apply somewhere in `text`, in order, for the inner loop."""
        present = frozenset(c for c in self._needed if c in text)
        found = self._by_chars.get(present)
        if found is None:
            found = self._by_chars[present] = tuple(
                r.check for r in self.rules if r.needs <= present)
        return found

    @cached_property
    def _needed(self) -> frozenset[str]:
        return frozenset().union(*(r.needs for r in self.rules))


def _compile(data: dict[str, Any], entries: list[dict[str, Any]]) -> tuple[Rule, ...]:
    out = []
    for e in entries:
        before = e.get("before", "")
        after = e.get("after", "")
        before_re = re.compile(f"(?:{before})$") if before else None
        after_re = re.compile(after) if after else None
        out.append(Rule(
            brk=bool(e.get("break", False)),
            before=before_re,
            after=after_re,
            reach=_reach(before_re) if before_re is not None else WINDOW,
            needs=_needs(before_re) | _needs(after_re),
        ))
    return tuple(out)


def load_rules_file(path: Path | None = None) -> dict[str, Any]:
    if path is None:
        text = resources.files("tm.data").joinpath("segmentation.toml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=32)
def ruleset(language: str) -> RuleSet:
    """The rules for `language` (its own first, then the common ones); unknown -> common."""
    data = load_rules_file()
    base = base_lang(language)
    entries = list(data.get(base, [])) + list(data.get("common", []))
    return RuleSet(base, re.compile(data["candidates"]["pattern"]), _compile(data, entries))
