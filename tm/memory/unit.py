"""MemoryUnit: one translation unit as every memory reader yields it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class MemoryUnit:
    """One translation unit: the same text in two or more languages."""

    texts: dict[str, str]
    """Language code (primary subtag, lower case) -> text."""
    line: int = 0
    """Line in the memory file where the unit starts (for messages)."""
    note: str = ""
    uncertain: bool = False
    """A termbase entry marked uncertain: offered as a hint only, never filled in."""
    aligned: bool = False
    """From a TMX written by sentence alignment (its header says so): ranked below
    reviewed units at equal scores."""
    extra: dict[str, Any] = field(default_factory=dict)
