"""What `tm align` does with paths: pair two files or two folders' documents, name the
memory files, align everything, then write (nothing is written when any input is bad)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tm.align.anchors import TermFinder
from tm.align.documents import align_files
from tm.align.model import Alignment
from tm.align.review import review_html
from tm.align.structure import Progress
from tm.align.tmx import alignment_tmx
from tm.atomic import atomic_write_bytes
from tm.errors import SourceError, TmError
from tm.formats import FORMATS


@dataclass(frozen=True, slots=True)
class Pair:
    """A document and its translation, and the name its memory file is written under."""

    source: Path
    target: Path
    doc: str
    """Document name (relative path without a Markdown suffix): `aligned-<doc>.tmx`."""


@dataclass(slots=True)
class Plan:
    """The pairs to align and the documents of either folder left without a partner."""

    pairs: list[Pair]
    unpaired: list[Path] = field(default_factory=list)


_SUFFIXES = frozenset(s for f in FORMATS for s in f.suffixes)


def doc_name(relative: str) -> str:
    """`lectures/part-4.md` -> `lectures/part-4`; other formats keep their suffix."""
    return re.sub(r"\.(md|markdown|mdown|mkd)$", "", relative)


def memory_name(doc: str) -> str:
    """The memory file of a document: `aligned-lectures-part-4.tmx` (memory/ globs are
    not recursive, so folders become dashes)."""
    return "aligned-" + re.sub(r"[\\/]+", "-", doc) + ".tmx"


def _key(relative: str, langs: Sequence[str]) -> str:
    """Pairing key: the relative path, a `.en`/`.ru` before the suffix left out."""
    for lang in langs:
        relative = re.sub(rf"\.{re.escape(lang)}(?=\.[^./]+$)", "", relative)
    return relative


def _documents(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix.lower() in _SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def pair_folders(source: Path, target: Path, langs: Sequence[str] = ()) -> Plan:
    """Documents of two folders paired by relative path (`a/b.md` with `a/b.md`, or
    `a/b.en.md` with `a/b.ru.md`)."""
    src = {_key(k, langs): (k, p) for k, p in _documents(source).items()}
    tgt = {_key(k, langs): p for k, p in _documents(target).items()}
    pairs = [Pair(p, tgt[key], doc_name(key)) for key, (_, p) in sorted(src.items())
             if key in tgt]
    unpaired = [p for key, (_, p) in sorted(src.items()) if key not in tgt]
    unpaired += [p for key, p in sorted(tgt.items()) if key not in src]
    if not pairs:
        raise SourceError("no documents with the same relative path in both folders", source,
                          1, f"name each translation in {target} like its source")
    return Plan(pairs, unpaired)


def plan(source: Path, target: Path, langs: Sequence[str] = (),
         sources_dir: Path | None = None) -> Plan:
    """The pairs for two files or two folders; a file with a folder is an error."""
    if source.exists() and source.resolve() == target.resolve():
        raise SourceError(f"source and translation are the same {_what(source)}", target, 1,
                          "give the translation as the second path")
    if source.is_dir() != target.is_dir() and source.exists() and target.exists():
        raise SourceError("give two files or two folders", target if source.is_dir()
                          else source, 1, "a folder aligns with a folder of translations")
    if source.is_dir():
        return pair_folders(source, target, langs)
    doc = source.name
    if sources_dir is not None and source.resolve().is_relative_to(sources_dir.resolve()):
        doc = source.resolve().relative_to(sources_dir.resolve()).as_posix()
    return Plan([Pair(source, target, doc_name(_key(doc, langs)))])


def align_plan(p: Plan, target_lang: str, source_lang: str | None = None,
               terms: TermFinder | None = None,
               progress: Progress | None = None) -> list[Alignment]:
    """Every pair aligned (all read before anything is written)."""
    return [align_files(pair.source, pair.target, target_lang, source_lang, terms, progress)
            for pair in p.pairs]


def write_outputs(p: Plan, alignments: Sequence[Alignment], memory_dir: Path,
                  output: Path | None = None, review: Path | None = None) -> list[Path]:
    """Write the memory file(s) and the review page; the paths written. With `output`
    all pairs go into that one file, else one `aligned-<doc>.tmx` each in `memory_dir`."""
    files: list[tuple[Path, bytes]] = []
    if output is not None:
        lang = alignments[0].source_lang if alignments else "en"
        files.append((output, alignment_tmx(alignments, lang)))
    else:
        files += [(memory_dir / memory_name(pair.doc), alignment_tmx([al], al.source_lang))
                  for pair, al in zip(p.pairs, alignments, strict=True)]
    if review is not None:
        files.append((review, review_html(alignments).encode("utf-8")))
    inputs = {x.resolve() for pair in p.pairs for x in (pair.source, pair.target)}
    _check_writable([path for path, _ in files], inputs)
    for path, data in files:
        try:
            atomic_write_bytes(path, data)
        except OSError as e:
            raise TmError(f"cannot write: {e.strerror or e}", path, 1,
                          "choose a folder you can write to") from None
    return [path for path, _ in files]


def _what(path: Path) -> str:
    return "folder" if path.is_dir() else "file"


def _check_writable(paths: Sequence[Path], inputs: set[Path]) -> None:
    """Refuse before anything is written: a document being aligned, a folder, a
    read-only file, a path under a file, or one path given twice (the second write
    would replace the first)."""
    seen: set[Path] = set()
    for path in paths:
        if path.resolve() in inputs:
            raise TmError("is a document being aligned (it would be overwritten)", path, 1,
                          "write the memory and the review page to other files")
        if path.resolve() in seen:
            raise TmError("given twice (the memory and the review page)", path, 1,
                          "give the review page a path of its own")
        seen.add(path.resolve())
        if path.is_dir():
            raise TmError("is a folder", path, 1, "give the path of a file to write")
        if path.exists() and not path.stat().st_mode & 0o222:
            raise TmError("is read-only", path, 1,
                          "make it writable (chmod u+w) or write another file")
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise TmError(f"cannot write: {parent} is not a folder", path, 1,
                          "choose a folder you can write to")
