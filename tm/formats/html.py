"""HTML documents (articles saved from a website): text of elements and translatable
attributes, as in an HTML block of a Markdown document (tm.formats.html_units)."""

from __future__ import annotations

from tm.formats.html_units import html_units
from tm.formats.options import SourceOptions
from tm.model import Unit


def units(text: str, options: SourceOptions | None = None) -> list[Unit]:
    """Every translatable unit of an HTML document, in document order."""
    o = options or SourceOptions()
    return html_units(text, 0, 1, o.attributes, o.tag_attributes)
