"""`tm xliff export|import`: thin commands over tm.xliff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tm.cli.common import Docs, OneLang, console, err, reported
from tm.languages import language_option

xliff_app = typer.Typer(
    name="xliff",
    help="XLIFF 2.0 for OmegaT, memoQ and Trados users: export a language, import it back."
    "\n\nExample: tm xliff export --lang ru -o ru.xlf",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@xliff_app.command("export")
@reported
def export(
    lang: OneLang,
    docs: Docs = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="The file to write (default: build/xliff/<lang>.xlf).",
        show_default=False)] = None,
) -> None:
    """Write the catalogs of one language as one XLIFF 2.0 file.

    Translated entries are state="translated"; fuzzy ones state="initial" with their
    target and subState="tm:fuzzy"; translator comments, term hints, memory origin and
    source references are <note>s.

    Example: tm xliff export --lang ru -o weiss-ru.xlf
    """
    from tm.atomic import atomic_write
    from tm.config import load_config
    from tm.xliff import export_xliff

    config = load_config()
    data, n = export_xliff(config, lang, docs)
    path = output if output is not None else config.output_dir / "xliff" / f"{lang}.xlf"
    atomic_write(path, data.decode("utf-8"))
    console.print(f"wrote {config.relative(path)}: {n} units", markup=False)

@xliff_app.command("import")
@reported
def import_(
    file: Annotated[Path, typer.Argument(help="The XLIFF 2.0 file, as the CAT tool saved it.")],
    lang: Annotated[str | None, typer.Option(
        "--lang", "-l", help="Refuse the file unless its trgLang is this.",
        callback=language_option,
        show_default=False)] = None,
    skip_stale: Annotated[bool, typer.Option(
        "--skip-stale", help="Import the units still in the catalogs; list those whose "
        "sentence changed since the export instead of refusing the file.")] = False,
) -> None:
    """Put the translations, their state and translator notes back into the catalogs.

    Every unit must be an entry of the current catalogs (export again after
    `tm segment`); nothing is written unless the whole file is good. With
    --skip-stale, units whose sentence changed or went away are listed and left out.

    Example: tm xliff import weiss-ru.xlf
    """
    from tm.config import load_config
    from tm.lock import config_lock
    from tm.wrap import wrap_width
    from tm.xliff import import_xliff

    config = load_config()
    token = wrap_width.set(config.wrap)  # catalogs wrapped as the project's tm.toml says
    try:
        with config_lock(config, "tm xliff import"):
            reports = import_xliff(config, file, lang, skip_stale)
    finally:
        wrap_width.reset(token)
    for r in reports:
        for line, uid in r.skipped:
            err.print(f"tm: warning: {file}:{line}: unit {uid} is not in {r.path}: its "
                      "sentence changed or was removed (not imported)", markup=False)
        note = "written" if r.written else "unchanged"
        left = f", {len(r.skipped)} skipped" if r.skipped else ""
        console.print(f"{r.path}: {r.changed} of {r.units} units changed{left} ({note})",
                      markup=False)
