"""`tm align`: a thin command over tm.align (sentence alignment of existing
translations into translation memory)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tm.cli.common import Quiet, console, err, progress_bar, reported
from tm.languages import language_option


@reported
def align(
    source: Annotated[Path, typer.Argument(
        help="The source document, or a folder of them.", show_default=False)],
    translation: Annotated[Path, typer.Argument(
        help="Its translation, or a folder of translations with the same relative paths.",
        show_default=False)],
    to: Annotated[str, typer.Option(
        "--to", help="Language of the translation.", show_default=False,
        callback=language_option)],
    from_: Annotated[str | None, typer.Option(
        "--from", help="Language of the source (default: guessed from its letters).",
        show_default=False, callback=language_option)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="The TMX file to write (default: "
        "memory/aligned-<doc>.tmx in the project, one per document).",
        show_default=False)] = None,
    review: Annotated[Path | None, typer.Option(
        "--review", help="Also write a side-by-side HTML page of the alignment, "
        "low-confidence links marked, to check before the memory is used.",
        show_default=False)] = None,
    quiet: Quiet = False,
) -> None:
    """Align the sentences of documents and their existing translations into
    translation memory (TMX 1.4b, units marked as aligned, each with its confidence).

    Both sides are segmented as `tm segment` segments them; headings and paragraphs
    are aligned first, then sentences (1-1, 1-2, 2-1, omissions, additions, two
    sentences in the other order), using lengths and anchors: numbers, dates,
    footnote marks, archival citations, termbase terms and romanized names.

    Example: tm align sources/lectures/part-4.md ../ru/part-4.md --to ru --review check.html
    """
    from tm.align.documents import align_files
    from tm.align.jobs import plan, write_outputs
    from tm.config import find_project, load_config
    from tm.errors import TmError
    from tm.terms import load_termbase

    if output is not None and output.suffix.lower() != ".tmx":  # a memory file read
        raise TmError("align writes TMX", output, 1, "name the file *.tmx")  # by its suffix
    root = find_project()
    config = load_config(root) if root is not None else None
    langs = [x for x in (from_, to, "en") if x]
    sources_dir = config.sources_dir if config is not None else None
    todo = plan(source, translation, langs, sources_dir)
    for path in todo.unpaired:
        err.print(f"tm: warning: {path}: no document with the same relative path on the "
                  "other side (not aligned)", markup=False)
    terms = load_termbase(config)
    alignments = []
    for pair in todo.pairs:
        with progress_bar(f"align {pair.doc}", None, quiet) as bar:
            alignments.append(align_files(pair.source, pair.target, to, from_, terms,
                                          _advance(bar)))
    memory_dir = (root or Path.cwd()) / "memory"
    written = write_outputs(todo, alignments, memory_dir, output, review)
    if not quiet:
        for line in _summary(alignments, written, root):
            console.print(line, markup=False)


def _advance(bar: Any) -> Any:
    """A tm.align progress callback (blocks done, blocks in all) driving a Bar."""
    seen = [0]

    def step(done: int, total: int) -> None:
        bar.start(total)
        for _ in range(done - seen[0]):
            bar("")
        seen[0] = done
    return step


def _summary(alignments: list[Any], written: list[Path], root: Path | None) -> list[str]:
    from tm.align.review import LOW

    def shown(p: Path) -> str:
        try:
            return p.resolve().relative_to((root or Path.cwd()).resolve()).as_posix()
        except ValueError:
            return str(p)

    lines = []
    for al in alignments:
        linked = [x for x in al.links if x.source and x.target]
        weak = sum(1 for x in linked if x.confidence < LOW)
        omitted = sum(len(x.source) for x in al.links if not x.target)
        added = sum(len(x.target) for x in al.links if not x.source)
        lines.append(f"{al.source_name}: {len(linked)} links ({weak} below {LOW:.2f}), "
                     f"{omitted} source and {added} translated sentences unmatched")
    lines += [f"wrote {shown(p)}" for p in written]
    return lines
