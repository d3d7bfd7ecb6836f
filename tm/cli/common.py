"""What every command module shares: the consoles, the shared options, error reporting
(TmError -> one `tm: error:` line and exit 2) and progress display.

The only module of tm.cli that the others import: a command module imports this and the
library, never another command module.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from tm.errors import TmError
from tm.languages import language_option

# no markup and no emoji codes: `b.po:100:` must not print as `b.po💯`, nor `[x]` vanish
console = Console(soft_wrap=True, highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

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
    err.print(f"tm: error: {e}", markup=False)
    return typer.Exit(2)


def reported(fn: F) -> F:
    """Turn TmError into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except TmError as e:
            raise fail(e) from None

    return wrapper  # type: ignore[return-value]


def usage_error_line(e: Any) -> str:
    """`tm: error: no such command 'x' (see `tm --help`)` for a click UsageError."""
    what = " ".join(e.format_message().split()).rstrip(".")
    what = what[:1].lower() + what[1:]
    where = e.ctx.command_path if e.ctx is not None else "tm"
    return f"tm: error: {what} (see `{where} --help`)"


def interactive(quiet: bool) -> bool:
    return not quiet and not os.environ.get("CI") and sys.stderr.isatty()


@contextmanager
def progress_bar(label: str, total: int, quiet: bool) -> Iterator[Callable[[str], None]]:
    """A rich progress bar on a terminal; silence in CI, in pipes and with --quiet."""
    if not interactive(quiet) or total < 2:
        yield lambda _name: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.description}"), console=err, transient=True) as p:
        task = p.add_task("", total=total)

        def step(name: str) -> None:
            p.update(task, advance=1, description=name)

        yield step


@contextmanager
def spinner(label: str, quiet: bool) -> Iterator[None]:
    """A spinner on a terminal while something big is read; silence in CI and pipes."""
    if not interactive(quiet):
        yield
        return
    with err.status(label):
        yield
