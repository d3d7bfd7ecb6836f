"""The `tm` command line: thin typer commands over the library."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console

from tm.config import load_config
from tm.errors import TmError, escape_control
from tm.names import language_option

app = typer.Typer(
    name="tm",
    help="Translation memory for lectures and Russian archival sources: "
    "Markdown -> PO -> Markdown.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion: about 0.2 ms per run
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
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


def _print_version(value: bool) -> None:
    if value:
        from tm import __version__

        typer.echo(f"tm {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print tm's version and exit.")] = False,
) -> None:
    """Options before the command."""


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


@app.command()
@reported
def init(
    path: Annotated[Path, typer.Argument(help="Project folder.")] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite an existing tm.toml.")] = False,
) -> None:
    """Write a commented tm.toml and the project folders.

    Example: tm init my-translations
    """
    from tm.init import init_project

    written = init_project(path, force=force)
    for p in written:
        console.print(f"created {p}", markup=False)


@app.command()
@reported
def segment(docs: Docs = None, quiet: Quiet = False,
            no_memory: Annotated[bool, typer.Option(
                "--no-memory", help="Do not pre-fill from the translation memory.")] = False,
            check: Annotated[bool, typer.Option(
                "--check", help="Write nothing; list the templates and catalogs that would "
                "change, and exit 1 if there are any (for CI and pre-commit).")] = False,
            wrap: Annotated[str | None, typer.Option(
                "--wrap", metavar="N|no", help="Wrap catalog lines at N columns as msgcat "
                "does (default: tm.toml's `wrap`, else 79), or `no`.")] = None,
            ) -> None:
    """Cut sources into sentences: write templates and update every language's catalog.

    Unchanged sentences keep their translations; changed ones keep the old translation
    flagged fuzzy (#| shows the previous text); removed ones become obsolete (#~).
    New sentences are pre-filled from the translation memory. With --check nothing is
    written: the files `tm segment` would change are listed, one per line, exit 1.

    Example: tm segment sources/lectures/weiss-2025-stalinist-war-on-trotskyists.md
    """
    from contextlib import nullcontext

    from tm.lock import config_lock
    from tm.project import resolve_documents, segment_project
    from tm.wrap import parse_wrap, wrap_width

    config = load_config()
    try:
        width = config.wrap if wrap is None else parse_wrap(wrap)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--wrap") from None
    advisor = None if no_memory else _advisor(config)
    names = resolve_documents(config, docs)
    if not names:
        from tm.init import explain_no_documents

        note = explain_no_documents(config)
        if not quiet:
            err.print(escape_control(f"tm: {note}"), markup=False)
        return
    lock = nullcontext() if check else config_lock(config, "tm segment")
    token = wrap_width.set(width)  # for this command only: tests invoke several in turn
    try:
        with lock, progress_bar("segment", len(names), quiet) as step:
            reports = segment_project(config, names, advisor=advisor, progress=step,
                                      write=not check)
    finally:
        wrap_width.reset(token)
    if check:
        changed = [p for r in reports for p in r.written]
        for p in changed:
            typer.echo(p)
        if not quiet:
            files = sum(1 + len(config.target_languages(r.doc)) for r in reports)
            err.print(f"{len(changed)} of {files} file(s) would change (run tm segment)"
                      if changed else f"{files} file(s) up to date", markup=False)
        raise typer.Exit(1 if changed else 0)
    if not quiet:
        for r in reports:
            fills = ", ".join(f"{k} {v}" for k, v in r.prefilled.items() if v)
            console.print(
                f"{r.doc}: {r.segments} segments, {r.entries} entries"
                + (f"; pre-filled {fills}" if fills else "")
                + (f"; wrote {len(r.written)} file(s)" if r.written else "; up to date"),
                markup=False, highlight=False,
            )


def _advisor(config: Any) -> Any:
    """The project's translation memory, if the memory package is available."""
    try:
        from tm.memory import project_advisor
    except ImportError:
        return None
    return project_advisor(config)


@app.command()
@reported
def merge(docs: Docs = None, lang: Lang = None, quiet: Quiet = False,
          strict: Annotated[bool, typer.Option(
              "--strict", help="Exit 1 when a source sentence is not in its catalog "
              "(a stale catalog: run tm segment); the output is written all the same.")
          ] = False) -> None:
    """Write build/<lang>/<doc>.md from the catalogs; untranslated and fuzzy stay in the source.

    A sentence that is not in the catalog at all (the source changed after the last
    `tm segment`) also stays in the source language and is counted; --strict then
    exits 1.

    Example: tm merge --lang ru --strict
    """
    from tm.lock import config_lock
    from tm.project import merge_project, resolve_documents

    config = load_config()
    names = resolve_documents(config, docs)
    with config_lock(config, "tm merge"), progress_bar("merge", len(names), quiet) as step:
        reports = merge_project(config, lang, names, progress=step)
    if not quiet:
        for r in reports:
            total = r.translated + r.fallback
            note = f", {r.missing} not in the catalog (run tm segment)" if r.missing else ""
            console.print(f"{r.path}: {r.translated}/{total} segments translated{note}",
                          markup=False, highlight=False)
    missing = sum(r.missing for r in reports)
    if strict and missing:
        stale = sum(1 for r in reports if r.missing)
        err.print(f"tm: {missing} sentence(s) in {stale} output(s) not in their catalogs "
                  "(run tm segment)", markup=False)
        raise typer.Exit(1)


def _register() -> None:
    from tm import cli_check, cli_memory, cli_review, cli_xliff

    cli_memory.register(app)
    cli_check.register(app)
    cli_review.register(app)
    cli_xliff.register(app)


_register()


def main() -> None:
    """The console script. A usage error (unknown command or option, missing argument)
    is one `tm: error:` line and exit 2, like every other bad input."""
    # click's exception classes, as typer has them (its own copy of click since 0.2x)
    usage_error = cast("type[Exception]", typer.BadParameter.__mro__[1])
    click_exception = cast("type[Exception]", typer.BadParameter.__mro__[2])
    try:
        rv = app(standalone_mode=False, prog_name="tm")
    except usage_error as e:
        exc: Any = e
        if type(e).__name__ == "NoArgsIsHelpError":  # plain `tm`: the help, as before
            exc.show()
            sys.exit(exc.exit_code)
        err.print(escape_control(usage_error_line(exc)), markup=False)
        sys.exit(2)
    except click_exception as e:
        exc = e
        err.print(escape_control(f"tm: error: {' '.join(exc.format_message().split())}"),
                  markup=False)
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("tm: aborted", markup=False)
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


def usage_error_line(e: Any) -> str:
    """`tm: error: no such command 'x' (see `tm --help`)` for a click UsageError."""
    what = " ".join(e.format_message().split()).rstrip(".")
    what = what[:1].lower() + what[1:]
    where = e.ctx.command_path if e.ctx is not None else "tm"
    return f"tm: error: {what} (see `{where} --help`)"


if __name__ == "__main__":
    main()
