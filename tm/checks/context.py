"""What a check knows besides the two strings: languages and the termbase."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tm.terms import Termbase


@dataclass(slots=True)
class Context:
    """Per-catalog facts handed to every check."""

    source_lang: str
    """Language of the msgids, e.g. `en`."""
    target_lang: str
    """Language of the msgstrs, e.g. `ru`."""
    termbase: Termbase | None = None
    """None when QA or the termbase is off."""
    inline_only: bool = False
    """The entry being checked stands where no block can start (a heading, a table
    cell): set per entry by tm.checks.run."""
