"""`tm init`, `tm segment` and `tm merge`: the project's round trip, thin commands over
tm.init and tm.project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tm.cli.common import Docs, Lang, Quiet, console, err, progress_bar, reported, say
from tm.errors import escape_control

if TYPE_CHECKING:
    from tm.advice_cache import CachedAdvisor
    from tm.config import Config


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

    from tm.config import load_config
    from tm.lock import config_lock
    from tm.memory.sources import publishing
    from tm.project import resolve_documents, segment_project
    from tm.wrap import parse_wrap, wrap_width

    config = load_config()
    try:
        width = config.wrap if wrap is None else parse_wrap(wrap)
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="--wrap") from None
    with publishing(not check):  # a check may pull a shared memory, never publish to it
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
            say(f"{r.doc}: {r.segments} segments, {r.entries} entries"
                + (f"; pre-filled {fills}" if fills else "")
                + (f"; wrote {len(r.written)} file(s)" if r.written else "; up to date"))


def _advisor(config: Config) -> CachedAdvisor:
    """The project's translation memory (empty when memory/ is)."""
    from tm.memory import project_advisor

    return project_advisor(config)


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
    from tm.config import load_config
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
