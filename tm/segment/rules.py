"""Segmentation rules as data (tm/data/segmentation.toml), compiled once per language."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WINDOW = 64
"""How far back a `before` pattern may look."""


@dataclass(frozen=True)
class Rule:
    """Break or no-break where `before` matches up to a candidate and `after` from it."""

    brk: bool
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    reach: int = WINDOW
    """How far back `before` is searched: WINDOW, or less if no match can be that long."""

    def applies(self, text: str, pos: int) -> bool:
        # `after` first: an anchored match, much cheaper than the search for `before`
        if self.after is not None and self.after.match(text, pos) is None:
            return False
        return self.before is None or self.before.search(
            text, max(0, pos - self.reach), pos) is not None


def _reach(pattern: re.Pattern[str]) -> int:
    """WINDOW, or the longest text `pattern` can match if that is shorter.

    Searching fewer start positions finds the same matches: none can be longer.
    """
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        longest = parser.parse(pattern.pattern, pattern.flags).getwidth()[1]
    except Exception:  # a private API: fall back to the full window
        return WINDOW
    return min(WINDOW, int(longest))


@dataclass(frozen=True)
class RuleSet:
    """Everything needed to cut one language's text into sentences."""

    language: str
    candidates: re.Pattern[str]
    rules: tuple[Rule, ...]


def _compile(data: dict, entries: list[dict]) -> tuple[Rule, ...]:
    out = []
    for e in entries:
        before = e.get("before", "")
        after = e.get("after", "")
        before_re = re.compile(f"(?:{before})$") if before else None
        out.append(Rule(
            brk=bool(e.get("break", False)),
            before=before_re,
            after=re.compile(after) if after else None,
            reach=_reach(before_re) if before_re is not None else WINDOW,
        ))
    return tuple(out)


def load_rules_file(path: Path | None = None) -> dict:
    if path is None:
        text = resources.files("tm.data").joinpath("segmentation.toml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=32)
def ruleset(language: str) -> RuleSet:
    """The rules for `language` (its own first, then the common ones); unknown -> common."""
    data = load_rules_file()
    base = language.split("_")[0].split("-")[0].lower()
    entries = list(data.get(base, [])) + list(data.get("common", []))
    return RuleSet(base, re.compile(data["candidates"]["pattern"]), _compile(data, entries))
