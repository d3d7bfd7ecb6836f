"""The `tm` command line: thin typer commands over the library, assembled here.

Where things are:
- tm/cli/common.py: the consoles, the shared options (--lang, --quiet, documents),
  `reported` (TmError -> one `tm: error:` line, exit 2) and progress display;
- one module per command group (project: init, segment, merge; check: check, status,
  lint; memory: the `memory` group and learn; review; xliff), which imports
  tm.cli.common and the library, never another command module;
- this file: the app, every top-level command and group registered once, and `main`.

A new command: a function decorated with `@reported` in the module of its group (or a
new module importing only tm.cli.common), with its library imports inside the function
so that `tm --help` stays fast; then one line below. A new subcommand of a group
(`tm memory ...`) is decorated with that group's typer (`@memory_app.command(...)`) in
its module, and needs nothing here.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, cast

import typer

from tm.cli import align, check, memory, project, review, xliff
from tm.cli.common import err, leave, usage_error_line
from tm.errors import escape_control

app = typer.Typer(
    name="tm",
    help="Translation memory for lectures and Russian archival sources: "
    "Markdown -> PO -> Markdown.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion: about 0.2 ms per run
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# top-level commands, in the order of `tm --help`
for _command in (project.init, project.segment, project.merge, memory.learn,
                 check.check, check.status, check.lint, review.review, align.align):
    app.command()(_command)
# command groups: each module declares its subcommands on its own typer
app.add_typer(memory.memory_app)
app.add_typer(xliff.xliff_app)


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


def main() -> None:
    """The console script. A usage error (unknown command or option, missing argument)
    is one `tm: error:` line and exit 2, like every other bad input. Raises SystemExit
    with the exit code (tests call it in the test process)."""
    sys.exit(_run())


def script() -> None:
    """The installed `tm` command: `main`, ended without the interpreter's teardown."""
    leave(_run())


def _encodable_output() -> None:
    """A terminal or pipe that cannot encode a document's name (PYTHONIOENCODING=ascii,
    LC_ALL=C) shows it escaped (`\\u0436`) instead of ending tm with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _one_blas_thread() -> None:
    """numpy's OpenBLAS starts a thread per core at import, which spins on the core a
    forked worker is using (about 0.1 s of CPU) and would make forking unsafe; tm does
    no linear algebra. A value the user set is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


INTERRUPTED = 130
"""The exit code of a command ended by Ctrl-C (SIGINT), as shells report it."""
INTERRUPTED_HOW = ("each file tm writes is replaced whole, so none was left half "
                   "written; run the command again to finish")


def _run() -> int:
    """The command's exit code."""
    _encodable_output()
    _one_blas_thread()
    # click's exception classes, as typer has them (its own copy of click since 0.2x)
    usage_error = cast("type[Exception]", typer.BadParameter.__mro__[1])
    click_exception = cast("type[Exception]", typer.BadParameter.__mro__[2])
    try:
        rv = app(standalone_mode=False, prog_name="tm")
    except usage_error as e:
        exc: Any = e
        if type(e).__name__ == "NoArgsIsHelpError":  # plain `tm`: the help, as before
            exc.show()
            return int(exc.exit_code)
        err.print(escape_control(usage_error_line(exc)), markup=False)
        return 2
    except click_exception as e:
        exc = e
        err.print(escape_control(f"tm: error: {' '.join(exc.format_message().split())}"),
                  markup=False)
        return int(exc.exit_code)
    except typer.Abort:
        err.print("tm: aborted", markup=False)
        return 130
    if rv == INTERRUPTED:  # typer turns Ctrl-C into a silent Exit(130)
        err.print(f"tm: interrupted: {INTERRUPTED_HOW}", markup=False)
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    main()
