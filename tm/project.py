"""The workflow over a whole project: segment every document, merge every language.

Each function reads everything first and writes only when all input was good, so a bad
file anywhere leaves every file as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tm import catalog as catalogs
from tm.config import Config
from tm.errors import CatalogError, TmError
from tm.merge import merge
from tm.model import Segment, Suggestion
from tm.po import Catalog, format_header, format_messages, format_po, parse_po, read_po
from tm.po import atomic_write as write_text
from tm.segment import segment_document
from tm.source import read_source, units

Progress = Callable[[str], None]


@dataclass
class SegmentReport:
    """What `tm segment` did to one document."""

    doc: str
    segments: int
    entries: int
    written: list[str] = field(default_factory=list)
    prefilled: dict[str, int] = field(default_factory=dict)


@dataclass
class MergeReport:
    """What `tm merge` wrote for one document and language."""

    doc: str
    language: str
    path: str
    translated: int
    fallback: int
    missing: int


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk job.

    Parsing and segmenting allocate millions of small objects and almost no cycles, so
    the collector's passes over them cost a third of the run and free nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def resolve_documents(config: Config, names: Sequence[str] | None) -> list[str]:
    """Document names (paths under sources/ without .md) for the CLI arguments."""
    if not names:
        return config.documents_list()
    docs = []
    for name in names:
        p = Path(name)
        candidates = [p, config.root / p]
        doc = None
        for c in candidates:
            if c.suffix == ".md" and c.is_file():
                try:
                    doc = c.resolve().relative_to(config.sources_dir.resolve()).as_posix()[:-3]
                except ValueError:
                    raise TmError(f"not under {config.sources}/", name, 1,
                                  f"put source documents under {config.sources}/") from None
                break
        if doc is None and config.source_path(name.removesuffix(".md")).is_file():
            doc = name.removesuffix(".md")
        if doc is None:
            raise TmError("no such source document", name, 1,
                          f"name a .md file under {config.sources}/ or run `tm status`")
        if config.source_language(doc) is None:
            raise TmError("no [[documents]] rule gives this document a language", name, 1,
                          "add a [[documents]] glob for it in tm.toml")
        docs.append(doc)
    return docs


def document_segments(config: Config, doc: str) -> tuple[str, list[Segment]]:
    """The source text of `doc` and its segments."""
    src = read_source(config.source_path(doc))
    lang = config.source_language(doc) or "en"
    return src, segment_document(src, units(src), lang)


def _read_existing(path: Path) -> Catalog | None:
    return read_po(path) if path.is_file() else None


def _template_text(template: Catalog, path: Path) -> str:
    """The template as PO text; it keeps the creation date of the file at `path` when
    nothing else changed (only the file's header is parsed, it is about to be replaced).
    """
    body = format_messages(template.messages)
    text = format_header(template) + body
    try:
        old = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return text
    if old == text:
        return text
    end = old.find("\n\n")
    try:
        head = parse_po(old[: end + 1] if end >= 0 else old, str(path))
    except CatalogError:
        return text
    stamp = head.header.get("POT-Creation-Date", "")
    now = template.header["POT-Creation-Date"]
    template.header["POT-Creation-Date"] = stamp
    same = format_header(template) + body
    if same == old:
        return same
    template.header["POT-Creation-Date"] = now
    return text


def segment_project(
    config: Config,
    docs: Sequence[str] | None = None,
    advisor: catalogs.Advisor | None = None,
    progress: Progress | None = None,
) -> list[SegmentReport]:
    """Sources -> templates -> updated catalogs (pre-filled by `advisor`)."""
    with _gc_paused():
        return _segment_project(config, docs, advisor, progress)


def _segment_project(
    config: Config,
    docs: Sequence[str] | None,
    advisor: catalogs.Advisor | None,
    progress: Progress | None,
) -> list[SegmentReport]:
    names = resolve_documents(config, docs)
    pending: list[tuple[Path, str, SegmentReport]] = []
    reports = []
    for doc in names:
        if progress:
            progress(doc)
        _, segs = document_segments(config, doc)
        ref = config.relative(config.source_path(doc))
        pot_path = config.template_path(doc)
        template = catalogs.build_template(segs, ref, project=doc)
        report = SegmentReport(doc, len(segs), len(template.messages))
        pending.append((pot_path, _template_text(template, pot_path), report))
        src_lang = config.source_language(doc) or "en"
        for lang in config.target_languages(doc):
            po_path = config.catalog_path(doc, lang)
            old = _read_existing(po_path)
            suggestions: Mapping[str, Suggestion] = {}
            if advisor is not None:
                suggestions = advisor.advise([m.msgid for m in template.messages], src_lang, lang)
            new = catalogs.update_catalog(template, old, lang, suggestions)
            had = {m.key for m in old.messages if m.has_translation} if old else set()
            report.prefilled[lang] = sum(
                1 for m in new.messages
                if not m.obsolete and m.msgid in suggestions and m.msgstr
                and m.key not in had
            )
            pending.append((po_path, format_po(new), report))
        reports.append(report)
    for path, text, report in pending:
        if write_text(path, text):
            report.written.append(config.relative(path))
    return reports


def merge_project(
    config: Config,
    languages: Iterable[str] | None = None,
    docs: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> list[MergeReport]:
    """Catalogs -> build/<lang>/<doc>.md for every document and target language."""
    with _gc_paused():
        return _merge_project(config, languages, docs, progress)


def _merge_project(
    config: Config,
    languages: Iterable[str] | None,
    docs: Sequence[str] | None,
    progress: Progress | None,
) -> list[MergeReport]:
    names = resolve_documents(config, docs)
    langs = list(languages) if languages else None
    for lang in langs or []:
        if lang not in config.languages:
            raise TmError(f"language {lang!r} is not in `languages`", config.path, 1,
                          f"configured: {', '.join(config.languages)}")
    pending: list[tuple[Path, str]] = []
    reports = []
    for doc in names:
        if progress:
            progress(doc)
        src, segs = document_segments(config, doc)
        for lang in config.target_languages(doc):
            if langs is not None and lang not in langs:
                continue
            po_path = config.catalog_path(doc, lang)
            cat = _read_existing(po_path)
            table = catalogs.translations(cat) if cat else {}
            known = {m.msgid for m in cat.messages if not m.obsolete} if cat else set()
            result = merge(src, segs, table)
            out = config.output_path(doc, lang)
            missing = len({s.text for s in segs} - known)
            reports.append(MergeReport(doc, lang, config.relative(out), result.translated,
                                       result.fallback, missing))
            pending.append((out, result.text))
    for path, text in pending:
        write_text(path, text)
    return reports
