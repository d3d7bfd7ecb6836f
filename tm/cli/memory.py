"""`tm memory import|export|search` and `tm learn`: thin commands over tm.memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tm.cli.common import Quiet, console, reported, spinner
from tm.errors import escape_control
from tm.languages import language_option

memory_app = typer.Typer(
    name="memory",
    help="The project's translation memory: import, export, search.\n\n"
    "Example: tm memory search 'In June 1927, Trotsky' --to ru",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@memory_app.command("import")
@reported
def import_(
    files: Annotated[list[Path], typer.Argument(help="TMX, TBX, CSV or PO files.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a memory file of the same name.")] = False,
    quiet: Quiet = False,
) -> None:
    """Copy memory files into memory/ after checking every unit reads, then index them.

    The files are copied, not converted: memory/ keeps the originals, and their names
    are the origin shown in `#. tm:` comments. A CSV has one column per language
    code (en,ru,...); a PO file's source language is its X-Source-Language header or
    the script of its msgids.

    Example: tm memory import ~/Downloads/rgaspi-glossary.tbx old-lectures.tmx
    """
    from tm.config import load_config
    from tm.lock import config_lock
    from tm.memory.store import import_files

    config = load_config()
    with config_lock(config, "tm memory import"), \
            spinner("reading and indexing memory files", quiet):
        done = import_files(config, files, force=force)
    if not quiet:
        for r in done:
            console.print(f"{r.dest}: {r.units} units ({r.status})", markup=False)

@memory_app.command("export")
@reported
def export(
    file: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    source_lang: Annotated[str | None, typer.Option(
        "--source-lang", help="srclang of the TMX header (default: the documents' "
        "source language).")] = None,
    builtin: Annotated[bool, typer.Option(
        "--builtin/--no-builtin", help="Include the shipped termbase.")] = False,
    quiet: Quiet = False,
) -> None:
    """Write the whole memory (every file under memory/, deduplicated) as TMX 1.4b.

    Example: tm memory export build/project-memory.tmx
    """
    from tm.config import load_config
    from tm.lock import config_lock
    from tm.memory.store import export_tmx

    config = load_config()
    with config_lock(config, "tm memory export"), spinner("writing the memory", quiet):
        n = export_tmx(config, file, source_lang, include_builtin=builtin)
    if not quiet:
        console.print(f"{file}: {n} units", markup=False)

@memory_app.command("search")
@reported
def search(
    text: Annotated[str, typer.Argument(help="The sentence to look up.")],
    to: Annotated[str, typer.Option(
        "--to", help="Target language.", callback=language_option)],
    from_: Annotated[str | None, typer.Option(
        "--from", help="Source language (default: guessed from the script, else the "
        "language of the project's documents).", callback=language_option)] = None,
    limit: Annotated[int, typer.Option(help="How many matches at most.")] = 5,
    min_score: Annotated[float, typer.Option(help="Lowest score shown (0-100).")] = 50.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Show the best memory matches for a sentence, with score and origin.

    Example: tm memory search 'Trotsky was summoned before the CCC.' --to ru
    """
    from tm.config import load_config
    from tm.languages import guess_language
    from tm.memory.advisor import match_notes
    from tm.memory.store import search as search_memory

    config = load_config()
    if from_ is None:  # the script's language, unless that is --to: the documents'
        documents = [r.language for r in config.documents if r.language != to]
        guess = guess_language([text], documents[0] if documents else to)
        from_ = guess if guess != to or not documents else documents[0]
    matches = search_memory(config, text, to, from_, limit, min_score)
    if as_json:
        console.print(json.dumps([{
            "score": round(m.score, 1), "kind": m.kind, "origin": m.origin,
            "numbers_carried": m.carried, "aligned": m.aligned,
            "source": m.source, "target": m.target} for m in matches],
            ensure_ascii=False, indent=2), markup=False)
        return
    if not matches:
        console.print("no matches", markup=False)
    for m in matches:  # texts from memory files: no terminal escape, one line each
        notes = match_notes(m)
        console.print(f"{m.score:5.1f}  {m.kind:<8} {escape_control(m.origin)}"
                      + (f" ({', '.join(notes)})" if notes else ""), markup=False)
        console.print(f"       {escape_control(m.source)}", markup=False)
        console.print(f"    -> {escape_control(m.target)}", markup=False)


@memory_app.command("forget")
@reported
def forget(
    origin: Annotated[str, typer.Argument(help="The origin, as `#. tm:` comments name it.")],
    quiet: Quiet = False,
) -> None:
    """Remove an origin's units from the shared memory (memory_url) or the local index.

    Uploads never delete: a file removed from memory/ stays in a shared memory until
    it is forgotten. Without memory_url the local index follows memory/: delete the
    file, and this confirms it is gone.

    Example: tm memory forget memory/old-glossary.tmx
    """
    from tm.config import load_config
    from tm.lock import config_lock
    from tm.memory.replica import forget_origin

    config = load_config()
    with config_lock(config, "tm memory forget"):
        n = forget_origin(config, origin)
    if not quiet:
        console.print(f"{origin}: {n} units forgotten", markup=False)

@reported
def learn(quiet: Quiet = False) -> None:
    """Harvest reviewed translations (translated, not fuzzy) into memory/learned.tmx.

    Each source/translation pair is stored once; what the file holds already stays.

    Example: tm learn
    """
    from tm.config import load_config
    from tm.lock import config_lock
    from tm.memory.learn import learn as learn_memory

    config = load_config()
    with config_lock(config, "tm learn"):
        r = learn_memory(config)
    if not quiet:
        console.print(f"{r.path}: {r.added} new, {r.total} units "
                      f"from {r.catalogs} catalog(s)", markup=False)
