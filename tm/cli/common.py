"""What every command module shares: the consoles, the shared options, error reporting
(TmError -> one `tm: error:` line and exit 2) and progress display.

The only module of tm.cli that the others import: a command module imports this and the
library, never another command module.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from tm.errors import TmError
from tm.languages import language_option

if TYPE_CHECKING:
    from rich.console import Console


class _Later:
    """A rich Console made at its first use: importing rich takes about 40 ms of every
    command's start, and most runs print nothing through it, or plain lines (`say`)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._made: Console | None = None

    @property
    def real(self) -> Console:
        if self._made is None:
            from rich.console import Console

            self._made = Console(**self._options)
        return self._made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


# no markup and no emoji codes: `b.po:100:` must not print as `b.po💯`, nor `[x]` vanish
console = _Later(soft_wrap=True, highlight=False, markup=False, emoji=False)
err = _Later(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def say(line: str) -> None:
    """A line on stdout as `console` prints it: printable text (no tab, no control
    character) is written as it is, which is what the console writes for it, without
    importing rich; anything else through the console."""
    if line.isprintable():
        typer.echo(line)
    else:
        console.print(line, markup=False, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary output.")]
Docs = Annotated[
    list[str] | None,
    typer.Argument(help="Source documents (paths or names under sources/); default: all.",
                   show_default=False),
]
Lang = Annotated[
    list[str] | None,
    typer.Option("--lang", "-l", help="Only this target language (repeatable).",
                 show_default=False, callback=language_option),
]
OneLang = Annotated[
    str,
    typer.Option("--lang", "-l", help="The target language.", show_default=False,
                 callback=language_option),
]


def fail(e: TmError) -> typer.Exit:
    e.path = shown_path(e.path)
    err.print(f"tm: error: {e}", markup=False)
    return typer.Exit(2)


def shown_path(path: str | None) -> str | None:
    """A path as messages name it: relative to the working folder when it is inside it
    (as the user typed it or tm.toml names it), else as it is."""
    if path is None or not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel in (".", "..") or rel.startswith(".." + os.sep) else rel


_SYSTEM_ERRORS = {
    errno.ENOSPC: "free some disk space and run this again: files tm writes are replaced "
                  "whole, so none was left half written",
    errno.EDQUOT: "free some of your disk quota and run this again: files tm writes are "
                  "replaced whole, so none was left half written",
    errno.EROFS: "the file system is read-only: work in a writable copy",
    errno.EACCES: "check the permissions of that file and its folder",
    errno.EPERM: "check the permissions of that file and its folder",
    errno.EIO: "the disk reported an error: check it, then run this again",
    errno.ENOENT: "check the path: the file, or the folder to write it in, is not there "
                  "and cannot be made",
    errno.ENOTDIR: "check the path: a part of it is a file, not a folder",
    errno.EISDIR: "give the path of a file, not of a folder",
    errno.ENAMETOOLONG: "use a shorter name",
    errno.ELOOP: "the path goes round a loop of symbolic links",
}
"""Failures of the system rather than of tm, each with what to do about it."""


def system_error(e: OSError) -> TmError | None:
    """A full disk, a read-only or unreadable place, a failing disk: one line naming the
    file (other OSErrors are left alone: they are bugs to see)."""
    from tm.atomic import NotAFile

    how = "give the path of a file" if isinstance(e, NotAFile) else _SYSTEM_ERRORS.get(
        e.errno or 0)
    if how is None:
        return None
    what = (e.strerror or str(e)).rstrip(".")
    what = what[:1].lower() + what[1:]
    where = os.fsdecode(e.filename) if isinstance(e.filename, (str, bytes)) else None
    return TmError(what, where, 1 if where is not None else None, how)


def reported(fn: F) -> F:
    """Turn TmError, and a failure of the system (`system_error`), into one line on
    stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TmError as e:
            raise fail(e) from None
        except OSError as e:
            known = system_error(e)
            if known is None:
                raise
            raise fail(known) from None

    return wrapper  # type: ignore[return-value]


def leave(code: int) -> NoReturn:
    """End the console script without the interpreter's teardown.

    After a big run the teardown frees the caches object by object and collects once
    more: 0.2-0.5 s that save nothing, as the system takes the memory back at once.
    The streams are flushed and the atexit functions run first, and every file tm
    writes is closed by then (tm.atomic), so nothing is lost. A stream that cannot be
    flushed (a closed pipe) takes the usual way out, with its usual message.
    """
    import atexit

    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the descriptor was closed before tm started
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)
    atexit._run_exitfuncs()
    os._exit(code)


def usage_error_line(e: Any) -> str:
    """`tm: error: no such command 'x' (see `tm --help`)` for a click UsageError."""
    what = " ".join(e.format_message().split()).rstrip(".")
    what = what[:1].lower() + what[1:]
    where = e.ctx.command_path if e.ctx is not None else "tm"
    return f"tm: error: {what} (see `{where} --help`)"


def interactive(quiet: bool) -> bool:
    return not quiet and not os.environ.get("CI") and sys.stderr.isatty()


class Bar:
    """A rich progress bar on a terminal, started once the total is known (`start`),
    advanced by one call per item; nothing at all when not `shown` or for one item."""

    def __init__(self, label: str, shown: bool) -> None:
        self.label, self.shown = label, shown
        self._progress: Any = None
        self._task: Any = None

    def start(self, total: int) -> None:
        if not self.shown or total < 2 or self._progress is not None:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.description}"), console=err.real,
                                  transient=True)
        self._progress.start()
        self._task = self._progress.add_task("", total=total)

    def __call__(self, name: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=name)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()


@contextmanager
def progress_bar(label: str, total: int | None, quiet: bool) -> Iterator[Bar]:
    """A progress bar on a terminal; silence in CI, in pipes and with --quiet. Call the
    bar's `start(total)` first when `total` is not known yet."""
    bar = Bar(label, interactive(quiet))
    if total is not None:
        bar.start(total)
    try:
        yield bar
    finally:
        bar.stop()


@contextmanager
def spinner(label: str, quiet: bool) -> Iterator[None]:
    """A spinner on a terminal while something big is read; silence in CI and pipes."""
    if not interactive(quiet):
        yield
        return
    with err.status(label):
        yield
