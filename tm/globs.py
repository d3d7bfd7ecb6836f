"""The one glob semantics of tm.toml (`documents` globs and `memory` patterns): `**`
spans any number of folders, none included, so `**/*.md` names `lecture.md` as well as
`lectures/2025/part4.md`; `*` and `?` stay within one folder."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(pattern: str, path: str) -> bool:
    """Glob match where `**` spans any number of folders, none included.

    >>> glob_match("**/*.md", "lecture.md"), glob_match("**/*.md", "a/b/c.md")
    (True, True)
    """
    return _glob_regex(pattern).match(path) is not None


def glob_files(root: Path, pattern: str, dangling: bool = False) -> list[Path]:
    """The files `pattern` names under `root`, by `glob_match` (the one glob semantics of
    tm.toml); the walk starts at the pattern's leading folders without wildcards. With
    `dangling`, symbolic links to nothing that it names too (for a warning)."""
    parts = pattern.split("/")
    fixed = 0
    while fixed < len(parts) - 1 and not any(c in parts[fixed] for c in "*?"):
        fixed += 1
    base = root.joinpath(*parts[:fixed])
    if not base.is_dir():
        return []
    deep = fixed < len(parts) - 1 or "**" in parts[-1]
    prefix = "".join(f"{part}/" for part in parts[:fixed])
    return [p for p in (base.rglob("*") if deep else base.iterdir())
            if glob_match(pattern, prefix + p.relative_to(base).as_posix()) and (
                p.is_file() or (dangling and p.is_symlink() and not p.exists()))]
