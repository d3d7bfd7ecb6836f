"""What a source offers besides its running text: tm.toml `[source]`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FRONT_MATTER_KEYS: tuple[str, ...] = ("title", "description", "summary", "subtitle")
ATTRIBUTES: tuple[str, ...] = ("alt", "title", "aria-label", "placeholder")
TAG_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {"listing": ("caption",)}


@dataclass(frozen=True)
class SourceOptions:
    """Front-matter keys and HTML attributes whose values are prose (po4a's `attributes`
    option, per tag as in `Listing caption`)."""

    front_matter: tuple[str, ...] = FRONT_MATTER_KEYS
    """Top-level front-matter keys whose values are offered."""
    attributes: tuple[str, ...] = ATTRIBUTES
    """HTML attributes offered on every element."""
    tag_attributes: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(TAG_ATTRIBUTES))
    """HTML attributes offered on one element (tag name in lower case)."""


def parse_source_options(data: Mapping[str, Any]) -> SourceOptions:
    """The `[source]` table; ValueError(key, message) names what is wrong."""
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("front_matter", "attributes"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(key, f"`source.{key}` must be a list of strings")
            kwargs[key] = tuple(v.lower() if key == "attributes" else v for v in value)
        elif key == "tag_attributes":
            if not isinstance(value, dict) or not all(
                    isinstance(v, list) and all(isinstance(a, str) for a in v)
                    for v in value.values()):
                raise ValueError(key, "`source.tag_attributes` must be a table of lists of "
                                      'strings, e.g. { Listing = ["caption"] }')
            kwargs[key] = {t.lower(): tuple(a.lower() for a in v) for t, v in value.items()}
        else:
            raise ValueError(key, f"unknown key `source.{key}` (known keys: front_matter, "
                                  "attributes, tag_attributes)")
    return SourceOptions(**kwargs)
