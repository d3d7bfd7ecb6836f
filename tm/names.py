"""Names that come from data (file names, document names) are checked before they
become paths or catalog lines: no control characters (a newline in a `#:` reference
makes a catalog neither msgfmt nor tm can read), nothing outside the project's folders
(`../../x` as a document), no symbolic link out of the project unless the configuration
allows it. Language codes are checked by tm.languages.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from tm.errors import CONTROL, TmError, escape_control

_warned: set[tuple[str, str]] = set()


def warn(what: str, path: str | Path, hint: str) -> None:
    """One `tm: warning:` line on stderr (once per run), for input tm skips and goes on."""
    if (str(path), what) not in _warned:
        _warned.add((str(path), what))
        print(escape_control(f"tm: warning: {path}:1: {what} ({hint})"), file=sys.stderr)


def check_name(name: str, shown: str | Path | None = None) -> None:
    """Refuse a file or document name holding a control character."""
    if CONTROL.search(name):
        raise TmError("a control character (newline, tab, escape...) in a file name",
                      shown if shown is not None else name, 1,
                      "rename the file: tm writes names into catalogs and messages")


def check_document_name(name: str, sources: str) -> None:
    """A document name is a relative path under sources/ without `..`."""
    check_name(name)
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or re.match(r"[A-Za-z]:", name) or any(
            part in ("..", ".") for part in p.parts) or not p.parts:
        raise TmError("not a document under sources/", name, 1,
                      f"name a document by its path under {sources}/, without `..`")


def _shown(path: Path, root: Path) -> str:
    """`path` as messages show it: relative to the project where it is inside."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def usable_source(path: Path, root: Path, follow_symlinks: bool) -> bool:
    """Whether `path` (found under sources/) is a source to read: False for a folder
    named `*.md`, and, with a warning, for a dangling link or a special file; a name with
    a control character, or a link out of the project, is an error."""
    shown = _shown(path, root)
    check_name(shown)
    try:
        info = path.stat()
    except OSError:
        if path.is_symlink():
            warn("a symbolic link to nothing (or round a loop), skipped", shown,
                 "remove it or restore its target")
            return False
        raise TmError("cannot read the source document", shown, 1, "check the file") from None
    if stat.S_ISDIR(info.st_mode):
        return False
    if not stat.S_ISREG(info.st_mode):
        warn("not a regular file, skipped", shown, "sources are plain files")
        return False
    if not follow_symlinks:
        _refuse_link_out(path, shown, root)
    return True


def usable_memory(path: Path, root: Path, follow_symlinks: bool) -> bool:
    """Whether `path` (a file a `memory` glob names) is one to read: False, with a
    warning, for a symbolic link to nothing; a link out of the project is an error (as
    for sources, unless a glob such as `../shared/*.tmx` names the file outside): a link
    to /etc/passwd or /proc/self/environ in a pull request would have tm read it, and
    quote its first line in the error."""
    shown = _shown(path, root)
    if not path.exists():  # (exists() is False for a loop of links too)
        warn("a symbolic link to nothing (or round a loop), skipped", shown,
             "remove it or restore its target")
        return False
    # (a glob such as ../shared/*.tmx names files outside: those are read as configured)
    if not follow_symlinks and _inside(Path(os.path.normpath(path.absolute())), root):
        _refuse_link_out(path, shown, root)
    return True


def _refuse_link_out(path: Path, shown: str, root: Path) -> None:
    """A file of the project that resolves outside it is an error (TmError)."""
    real = path.resolve()
    if not _inside(real, root.resolve()):
        raise TmError(f"a symbolic link out of the project (to {real})", shown, 1,
                      "copy the file into the project, or set follow_symlinks = true "
                      "in tm.toml")


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def check_writable(paths: Iterable[Path]) -> None:
    """Before writing anything: each target is a file or nothing yet, and its folders are
    folders, so a run never stops half-way through its writes on a folder in the way."""
    for path in paths:
        if path.is_dir():
            raise TmError("is a folder, not a file", path, 1,
                          "move it away: tm writes the file there")
        for parent in path.parents:
            if parent.exists():
                if not parent.is_dir():
                    raise TmError("is a file, not a folder", parent, 1,
                                  f"move it away: tm writes {path.name} in a folder there")
                break
