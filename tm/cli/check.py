"""`tm check`, `tm status` and `tm lint`: thin commands over tm.checks and tm.status."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from tm.cli.common import Docs, Lang, Quiet, console, progress_bar, reported


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


@reported
def check(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="PO files or folders (may be outside a project: counts and QA, no policy); "
             "default: every catalog of the project.", show_default=False)] = None,
    lang: Lang = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    counts_only: Annotated[bool, typer.Option(
        "--counts-only", help="Counts and policy only, no QA checks (fast).")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", help="Worker processes (default: one per CPU for many files).",
        show_default=False)] = None,
    quiet: Quiet = False,
) -> None:
    """Check catalogs: counts against the [check] policy of tm.toml, and QA findings.

    Exit 0 when the policy holds, 1 when it does not, 2 for bad input.
    QA codes: footnote, url, markup, number, citation, term, mixed-script,
    double-space, identical, end-punctuation, unbalanced, hard-break, attributes,
    block, joined; policy codes:
    below-minimum, untranslated, fuzzy, stale (a project catalog no longer matches
    its source: a sentence without entry, at its source line, or an entry whose
    sentence is gone; run `tm segment`), header (no header entry, a charset that is
    not the file's UTF-8, plural forms the header does not have: msgfmt refuses or
    garbles the catalog). Silence a code on one entry with a
    `#, tm-ignore:<code>` flag; set severities in tm.toml [check.severity].

    Example: tm check --lang ru --format github
    """
    from tm.checks.output import FORMATS, format_input_error
    from tm.checks.run import check_paths, check_project
    from tm.config import find_project, load_config
    from tm.errors import TmError

    with progress_bar("check", None, quiet or fmt is not Format.text) as bar:
        try:
            config = load_config() if not paths or find_project() else None
            if paths:
                report = check_paths(paths, config, langs=lang, qa=not counts_only,
                                     workers=jobs, progress=bar, on_start=bar.start)
            else:
                assert config is not None
                report = check_project(config, lang, qa=not counts_only, workers=jobs,
                                       progress=bar, on_start=bar.start)
        except TmError as e:  # still one line on stderr and exit 2 (reported)
            if fmt is not Format.text:
                typer.echo(format_input_error(e, fmt.value), nl=False)
            raise
    if not (quiet and fmt is Format.text and report.ok):
        typer.echo(FORMATS[fmt.value](report), nl=False)
    raise typer.Exit(0 if report.ok else 1)


@reported
def status(
    lang: Lang = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write a self-contained HTML report with a bar chart.",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Progress per document and language: translated, fuzzy, untranslated, a bar.

    Example: tm status --html report.html
    """
    from tm.config import load_config
    from tm.report import write_html
    from tm.status import project_status, status_json, status_table

    config = load_config()
    rows = project_status(config, lang)
    if html is not None:  # first: a path that cannot be written is the run's one line
        write_html(html, rows, config)
    if as_json:
        typer.echo(status_json(rows))
    else:
        from rich.console import Console

        # a pipe or CI log has no width of its own: do not squeeze the table into 80
        out = console.real if console.is_terminal else Console(
            width=160, highlight=False, markup=False, emoji=False)
        out.print(status_table(rows))
    if html is not None and not as_json:
        console.print(f"wrote {html}", markup=False)


@reported
def lint(
    docs: Docs = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
) -> None:
    """Source-side QA: mixed-script words, paragraphs broken mid-sentence (a warning),
    near-miss romanizations of termbase entries. Exit 1 when an error is found.
    Codes: mixed-script, broken-paragraph, near-miss; set severities in tm.toml
    [check.severity].

    Example: tm lint sources/lectures/weiss-2025-stalinist-war-on-trotskyists.md
    """
    from tm.checks.output import format_lint
    from tm.checks.run import lint_project
    from tm.config import load_config
    from tm.project import resolve_documents

    config = load_config()
    found = lint_project(config, resolve_documents(config, docs))
    typer.echo(format_lint(found, fmt.value), nl=False)
    raise typer.Exit(1 if any(f.severity == "error" for f in found) else 0)
