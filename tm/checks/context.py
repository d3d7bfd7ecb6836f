"""What a check knows besides the two strings: languages and the termbase."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Context:
    """Per-catalog facts handed to every check."""

    source_lang: str
    """Language of the msgids, e.g. `en`."""
    target_lang: str
    """Language of the msgstrs, e.g. `ru`."""
    termbase: Any = None
    """A `tm.terms.Termbase`, or None when terms are unavailable or off."""
