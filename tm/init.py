"""`tm init`: a commented tm.toml and the folders of a project."""

from __future__ import annotations

from pathlib import Path

from tm.config import Config
from tm.errors import ConfigError, TmError

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
follow_symlinks = false # read sources that are links to files outside the project
# memory_url = "postgresql://tm@db/tm"   # a shared team memory instead of the local index

# Source language per glob under `sources`; the first match wins.
# `**` matches any number of folders, none included.
[[documents]]
glob = "**/*.md"
language = "en"
# segmentation = "paragraph"   # one entry per paragraph, heading, list item... instead
#                              # of one per sentence (default "sentence")

# [source]              # offered besides running text (defaults; per-tag attributes as po4a)
# front_matter = ["title", "description", "summary", "subtitle"]
# tag_attributes = { Listing = ["caption"] }   # and attributes = ["alt", "title", ...]

[check]                 # what `tm check` demands (the CI gate)
min_translated = { ru = 100, de = 0 }   # percent of segments, per language
fuzzy_counts_as_translated = false
qa = "error"            # QA findings: "error" | "warning" | "off"
'''


GITIGNORE = ("/.tm/", "/build/")
"""What a project's .gitignore must hold: tm's index and cache, and `tm merge`'s output."""


def init_project(path: Path, force: bool = False) -> list[Path]:
    """Create tm.toml, .gitignore and the folders under `path`; returns what was created
    or changed."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise TmError("cannot make the project's folder: a file is in the way", path, 1,
                      "give the path of a folder, or of one to create") from None
    cfg = path / "tm.toml"
    if cfg.exists() and not force:
        raise TmError("tm.toml exists already", cfg, 1, "use --force to overwrite it")
    created = []
    cfg.write_text(TEMPLATE, encoding="utf-8")
    created.append(cfg)
    if update_gitignore(path / ".gitignore"):
        created.append(path / ".gitignore")
    for folder in ("sources", "locales/templates", "memory"):
        d = path / folder
        if not d.exists():
            d.mkdir(parents=True)
            created.append(d)
    return created


def update_gitignore(path: Path) -> bool:
    """Add the lines of GITIGNORE that `path` lacks (an existing file keeps everything it
    has; `.tm/`, `.tm` and `/.tm` count as present); returns whether it changed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as e:
        raise TmError(f"cannot read: {e}", path, 1, "fix or remove .gitignore") from None
    have = {line.strip().strip("/") for line in text.splitlines()}
    missing = [line for line in GITIGNORE if line.strip("/") not in have]
    if not missing:
        return False
    head = "" if not text or text.endswith("\n") else "\n"
    note = "# tm: its index and cache, and the merged documents (tm merge)\n"
    path.write_text(text + head + note + "\n".join(missing) + "\n", encoding="utf-8")
    return True


def explain_no_documents(config: Config) -> str:
    """Why a project has nothing to segment. No Markdown under sources/ is a note (a new
    project); Markdown that no [[documents]] rule claims, or no `sources` folder, is a
    configuration error."""
    config.require_sources()
    found = sorted(config.sources_dir.rglob("*.md"))
    if found:
        where = config.display_path
        line = 1
        if config.path is not None and config.path.is_file():
            text = config.path.read_text("utf-8", "replace")
            idx = text.find("[[documents]]")
            line = text.count("\n", 0, idx) + 1 if idx >= 0 else 1
        raise ConfigError(f"no [[documents]] glob matches the {len(found)} .md file(s) under "
                          f"{config.sources}/", where, line,
                          'add one, e.g. glob = "**/*.md" and its language')
    return f"no source documents under {config.sources}/ (add a .md file there)"


def require_documents(config: Config) -> list[str]:
    """The project's documents; Markdown under sources/ that no [[documents]] glob claims
    is a configuration error (as for `tm segment`), not a gate with nothing to check."""
    docs = config.documents_list()
    if not docs:
        explain_no_documents(config)
    return docs
