"""The text of an XML element and its descendants, walked without recursion (a TMX or
TBX nested thousands deep cannot overflow the stack): one walk that the TMX and TBX
readers share, each saying what stands for a child (tm.memory.tmx, tm.tbx)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Expand = Callable[[Any, Any], Any]
"""(child, its parent) -> an element to open in turn, a string, or None (nothing)."""


def element_text(el: Any, expand: Expand) -> str:
    """`el`'s text, then for each child what `expand` gives for it, then its tail, in
    document order."""
    parts: list[str] = []
    stack: list[Any] = [el]  # elements to open, or strings to emit, in reverse order
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        parts.append(item.text or "")
        todo: list[Any] = []
        for child in item:
            got = expand(child, item)
            if got is not None:
                todo.append(got)
            todo.append(child.tail or "")
        stack.extend(reversed(todo))
    return "".join(parts)
