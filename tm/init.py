"""`tm init`: a commented tm.toml and the folders of a project."""

from __future__ import annotations

from pathlib import Path

from tm.errors import TmError

TEMPLATE = '''\
# tm project configuration. Every key is optional; these are the defaults.

# Every document is translated into each of these languages but its own.
languages = ["en", "ru", "de"]

sources = "sources"     # source documents (Markdown)
locales = "locales"     # locales/templates/<doc>.pot and locales/<lang>/<doc>.po
output = "build"        # tm merge writes build/<lang>/<doc>.md

# The project's own translation memory: TMX, TBX, CSV and PO files.
memory = ["memory/*.tmx", "memory/*.tbx", "memory/*.csv", "memory/*.po"]
builtin_terms = true    # the shipped archival termbase
fuzzy_threshold = 75    # lowest fuzzy-match score (0-100) that pre-fills a segment
# memory_url = "postgresql://tm@db/tm"   # a shared team memory instead of the local index

# Source language per glob under `sources`; the first match wins.
# `**` matches any number of folders, none included.
[[documents]]
glob = "**/*.md"
language = "en"

[check]                 # what `tm check` demands (the CI gate)
min_translated = { ru = 100, de = 0 }   # percent of segments, per language
fuzzy_counts_as_translated = false
qa = "error"            # QA findings: "error" | "warning" | "off"
'''


def init_project(path: Path, force: bool = False) -> list[Path]:
    """Create tm.toml and the folders under `path`; returns what was created."""
    path.mkdir(parents=True, exist_ok=True)
    cfg = path / "tm.toml"
    if cfg.exists() and not force:
        raise TmError("tm.toml exists already", cfg, 1, "use --force to overwrite it")
    created = []
    cfg.write_text(TEMPLATE, encoding="utf-8")
    created.append(cfg)
    for folder in ("sources", "locales/templates", "memory"):
        d = path / folder
        if not d.exists():
            d.mkdir(parents=True)
            created.append(d)
    return created
