"""The workflow over a whole project: segment every document, merge every language.

Each function reads everything first and writes only when all input was good, so a bad
file anywhere leaves every file as it was.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tm import advice_cache, catalog_spans, cutting
from tm import catalog as catalogs
from tm.atomic import (
    FileChanged,
    FileState,
    atomic_write,
    atomic_write_bytes,
    current_state,
    holds,
    new_run,
    read_state,
)
from tm.config import Config
from tm.cutting import Progress, document_segments
from tm.errors import CatalogError, TmError
from tm.formats import SOURCE_SUFFIXES
from tm.model import Sentences, Suggestion
from tm.names import check_document_name, check_writable, usable_source
from tm.po import (
    Catalog,
    Message,
    decode_po,
    existing_catalog,
    format_header,
    format_po,
    header_text,
    parse_header,
    parse_po,
    read_po,
)
from tm.po_write import format_blocks
from tm.wrap import wrap_width

REMERGES = 5
"""Times a catalog that a translator keeps saving is merged again before tm gives up."""


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
            # the job's survivors (caches, results) would all be scanned by the first
            # collection after enable, about 0.2 s after a 4 MB document: frozen first,
            # they go straight to the oldest generation and wait for its next full pass
            gc.freeze()
            gc.enable()
            gc.unfreeze()


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
            if c.suffix in SOURCE_SUFFIXES and c.is_file():
                try:
                    base = config.sources_dir.resolve()
                    plain = Path(os.path.normpath(c.absolute()))  # a link stays a link
                    doc = (plain.relative_to(base) if plain.is_relative_to(base)
                           else c.resolve().relative_to(base)).as_posix()
                    doc = doc[:-3] if c.suffix == ".md" else doc
                except ValueError:
                    raise TmError(f"not under {config.sources}/", name, 1,
                                  f"put source documents under {config.sources}/") from None
                break
        if doc is None and config.source_path(name.removesuffix(".md")).exists():
            check_document_name(name, config.sources)  # no `../..` out of sources/
            doc = name.removesuffix(".md")
        if doc is None or not usable_source(config.source_path(doc), config.root,
                                            config.follow_symlinks):
            raise TmError("no such source document", name, 1,
                          f"name a .md file under {config.sources}/ or run `tm status`")
        if config.source_language(doc) is None:
            raise TmError("no [[documents]] rule gives this document a language", name, 1,
                          "add a [[documents]] glob for it in tm.toml")
        docs.append(doc)
    return docs


def _read_existing(path: Path) -> Catalog | None:
    return read_po(path) if existing_catalog(path) else None


def _template_text(config: Config, template: Catalog, path: Path, keys: list[bytes]
                   ) -> tuple[bytes, catalog_spans.Spans]:
    """The template as the PO file's bytes and where its entries stand in it. Entries
    unchanged since the file was written are copied from it (tm.catalog_spans); it keeps
    the file's creation date when nothing else changed (only the file's header is
    parsed, it is about to be replaced)."""
    context = _spans_context("template", "", "", False)
    try:
        old, state = read_state(path)
    except OSError:
        old, state = None, FileState(False)
    got = None if old is None else catalog_spans.plan(
        catalog_spans.load(config.root, path), old, state, context, keys)
    header = format_header(template).encode("utf-8")
    if got is None:
        data, spans = catalog_spans.layout(
            context, header, [b.encode("utf-8") for b in format_blocks(template.messages)],
            keys)
    else:
        data, sizes = got.assemble(header, format_blocks(
            [m for m, i in zip(template.messages, got.at, strict=True) if i is None]))
        spans = catalog_spans.Spans(context, "", keys, len(sizes), sizes)
    if old is not None and not old.startswith(header):
        try:
            stamp = parse_header(header_text(old), str(path)).get("POT-Creation-Date", "")
        except (CatalogError, UnicodeDecodeError):
            stamp = None
        if stamp is not None:
            now = template.header["POT-Creation-Date"]
            template.header["POT-Creation-Date"] = stamp
            same = format_header(template).encode("utf-8")
            if (len(old) == len(same) + len(data) - len(header) and old.startswith(same)
                    and old[len(same):] == data[len(header):]):
                return old, spans
            template.header["POT-Creation-Date"] = now
    return data, spans


def segment_project(
    config: Config,
    docs: Sequence[str] | None = None,
    advisor: catalogs.Advisor | None = None,
    progress: Progress | None = None,
    *,
    write: bool = True,
) -> list[SegmentReport]:
    """Sources -> templates -> updated catalogs (pre-filled by `advisor`).

    With `write=False` nothing is written: each report's `written` lists the files
    that would change (`tm segment --check`).
    """
    with _gc_paused():
        return _segment_project(config, docs, advisor, progress, write)


def _segment_project(
    config: Config,
    docs: Sequence[str] | None,
    advisor: catalogs.Advisor | None,
    progress: Progress | None,
    write: bool = True,
) -> list[SegmentReport]:
    names = resolve_documents(config, docs)
    cached = advisor if isinstance(advisor, advice_cache.CachedAdvisor) else None
    try:
        reports = _segment_documents(config, names, advisor, progress, write)
    except BaseException:
        if cached is not None:  # the worker of CachedAdvisor.prepare, if any
            cached.release(kill=True)
        raise
    if cached is not None:
        cached.release()
    return reports


def _prepare(config: Config, advisor: catalogs.Advisor | None, names: Sequence[str],
             write: bool) -> None:
    """Let the advisor load (and build the index) on the other core while this process
    cuts the documents (tm.advice_cache.CachedAdvisor.prepare)."""
    if isinstance(advisor, advice_cache.CachedAdvisor) and write and not config.memory_url:
        advisor.prepare(sorted({(config.source_language(doc) or "en", lang)
                                for doc in names for lang in config.target_languages(doc)}),
                        cutting.worker_kinds(config))


_LAST_RUN: list[object] = []
"""What the last `tm segment` run made (segments, templates, catalog texts), freed when
the next run begins or the process ends rather than when the run returns: freeing a 4.4
MB document's objects one by one costs about 50 ms, which a command that exits right
after (tm.cli.common.leave) need not pay."""


def _segment_documents(
    config: Config,
    names: Sequence[str],
    advisor: catalogs.Advisor | None,
    progress: Progress | None,
    write: bool,
) -> list[SegmentReport]:
    _LAST_RUN.clear()
    pending: list[_Write] = []
    made_segments: list[Sentences] = []
    reports = []
    key = advice_cache.advisor_key(advisor)
    # what a document's outputs depend on besides its source and tm.toml (`--wrap` too)
    done_key = None if key is None else f"{key}\0wrap={wrap_width.get()}"
    states = advice_cache.load_states(config) if key else {}
    sources: dict[str, str] = {}
    todo: list[tuple[str, Catalog, SegmentReport]] = []
    packed: list[Callable[[], None]] = []  # the work cache's files, written at the end
    share = advisor.share if isinstance(advisor, advice_cache.CachedAdvisor) else None
    stale: list[str] = []
    cut: list[tuple[str, Sentences]] = []
    for doc in names:
        fresh = advice_cache.up_to_date(config, doc, _outputs(config, doc), done_key, states)
        if fresh is not None:  # nothing it depends on changed since a run wrote it
            if progress:
                progress(doc)
            reports.append(SegmentReport(doc, fresh.segments, fresh.entries))
            continue
        stale.append(doc)
    if stale:
        cut = _cut_stale(config, stale, advisor, names, write, key is not None, progress)
    for doc, (src, segs) in zip(stale, cut, strict=True):
        made_segments.append(segs)
        sources[doc] = src
        ref = config.relative(config.source_path(doc))
        template = catalogs.build_template(segs, ref, project=doc)
        report = SegmentReport(doc, len(segs.texts), len(template.messages))
        todo.append((doc, template, report))
    spans_of = _spans_reader(config)
    templates, made = _templates_while_advising(config, advisor, todo, key, sources,
                                                spans_of, _pack_work(config, write, key, packed))
    _LAST_RUN.extend((made_segments, todo, made, sources, pending))
    pending += templates
    for doc, template, report in todo:
        src_lang = config.source_language(doc) or "en"
        keys = made[doc]
        for lang in config.target_languages(doc):
            po_path = config.catalog_path(doc, lang)
            context = _spans_context(key, src_lang, lang, advisor is None)
            advise = _advise(advisor, src_lang, lang)
            merged, seen = _merge_catalog(
                po_path, template, keys, spans_of(po_path) if context else None, lang,
                advise, advisor is None, context, cutting.wrap_ahead(share))
            report.prefilled[lang] = merged.prefilled
            pending.append(_Write(po_path, "", report, seen, _remerge(
                template, lang, advise, advisor is None), merged.spans if context else None,
                merged.data))
        reports.append(report)
    if not write:
        for item in pending:
            if _differs(item.path, item.data()):
                item.report.written.append(config.relative(item.path))
        return reports
    check_writable(item.path for item in pending)
    new_run()
    # the catalogs first, the templates last: a catalog that cannot be written (a full
    # disk, an editor saving it again and again) stops the run before its template is
    # replaced, so that template and catalogs stay those of one run
    for item in sorted(pending, key=lambda item: item.path.suffix == ".pot"):
        if _write_unless_changed(item):
            item.report.written.append(config.relative(item.path))
        if item.redo is not None or item.spans is not None:
            catalog_spans.save(config.root, item.path, item.spans, item.data())
    _remember(config, reports, pending, sources, done_key)
    if key is not None and todo:
        _keep_work(config, packed)
    return reports


def _keep_work(config: Config, packed: Sequence[Callable[[], None]]) -> None:
    """Write the work cache's files packed during the run, then what came after."""
    from tm import workcache

    for kept in packed:
        kept()
    workcache.save(config)


def _cut_stale(config: Config, stale: Sequence[str], advisor: catalogs.Advisor | None,
               names: Sequence[str], write: bool, cached: bool, progress: Progress | None
               ) -> list[tuple[str, Sentences]]:
    """The documents to segment again, cut while the advisor loads on the other core;
    several are shared with its worker document by document (`cut_documents`)."""
    from tm import workcache

    share = advisor.share if isinstance(advisor, advice_cache.CachedAdvisor) else None
    texts: list[str] = []
    if share is not None and len(stale) > 1:  # read first: a source that cannot be read
        from tm.source import read_source  # stops the run before the worker starts

        texts = [read_source(config.source_path(doc)) for doc in stale]
        if cached:  # before the fork: the worker cuts with them too
            workcache.load(config)
    _prepare(config, advisor, names, write)
    if cached:  # units cut and lines wrapped by earlier runs (tm.workcache)
        workcache.load(config)
    if share is not None and texts:
        return cutting.cut_documents(config, stale, texts, share, progress)
    return [cutting.cut_one(config, doc, share, progress) for doc in stale]


def _pack_work(config: Config, write: bool, key: str | None,
               packed: list[Callable[[], None]]) -> Callable[[], None] | None:
    """Work out the files that keep what this run cut and wrapped (tm.workcache.pack)
    while the advisor's worker is still advising: one core is idle at the end of a run,
    none is then. They are written at the end, if the run succeeds (what is wrapped
    after is appended then)."""
    if not write or key is None:
        return None

    def pack() -> None:
        from tm import workcache

        packed.extend(workcache.pack(config))
    return pack


def _spans_reader(config: Config) -> Callable[[Path], catalog_spans.Spans | None]:
    """A catalog's spans, read once in a run (its advice and its merge both ask)."""
    loaded: dict[Path, catalog_spans.Spans | None] = {}

    def spans_of(path: Path) -> catalog_spans.Spans | None:
        if path not in loaded:
            loaded[path] = catalog_spans.load(config.root, path)
        return loaded[path]
    return spans_of


def _templates_while_advising(config: Config, advisor: catalogs.Advisor | None,
                              todo: Sequence[tuple[str, Catalog, SegmentReport]],
                              key: str | None, sources: Mapping[str, str],
                              spans_of: Callable[[Path], catalog_spans.Spans | None],
                              meanwhile: Callable[[], None] | None = None
                              ) -> tuple[list[_Write], dict[str, list[bytes]]]:
    """The templates' texts (their digests in their headers), and by document their
    entries' texts and identities, made while a child advises their msgids on the other
    core (when there are many: it begins as soon as they are known); every msgid the
    catalogs' merges will ask about is advised and cached on return. `meanwhile()` is
    called after the templates while the child is still advising (else not at all)."""
    from tm.digest import DIGEST_HEADER, template_digest

    identities: dict[str, list[bytes]] = {}

    def keys_of(doc: str, template: Catalog) -> list[bytes]:
        if doc not in identities:
            identities[doc] = catalog_spans.identities(template.messages)
        return identities[doc]

    advice = _begin_advice(config, advisor, todo, keys_of, key, spans_of)
    try:
        out, made = [], {}
        for doc, template, report in todo:
            template.header[DIGEST_HEADER] = template_digest(
                sources[doc], config.segmenter_key(doc), [m.msgid for m in template.messages])
            pot_path = config.template_path(doc)
            keys = keys_of(doc, template)
            data, spans = _template_text(config, template, pot_path, keys)
            made[doc] = keys
            out.append(_Write(pot_path, "", report, spans=spans, encoded=data))
        if advice is not None:
            if meanwhile is not None and advice.running():
                meanwhile()
            advice.finish()
        return out, made
    finally:
        if advice is not None:
            advice.cancel()


def _begin_advice(config: Config, advisor: catalogs.Advisor | None,
                  todo: Sequence[tuple[str, Catalog, SegmentReport]],
                  identities: Callable[[str, Catalog], list[bytes]], key: str | None,
                  spans_of: Callable[[Path], catalog_spans.Spans | None]
                  ) -> advice_cache.Pending | None:
    """Start advising, in one batch, the msgids that the documents' catalogs will ask
    about (a child takes them on the other core while this process formats the
    templates: tm.advice_cache)."""
    if not isinstance(advisor, advice_cache.CachedAdvisor) or not todo:
        return None
    batches = []
    for doc, template, _report in todo:
        src_lang = config.source_language(doc) or "en"
        for lang in config.target_languages(doc):
            context = _spans_context(key, src_lang, lang, False)
            spans = spans_of(config.catalog_path(doc, lang)) if context else None
            batches.append((_unsettled(template, partial(identities, doc, template),
                                       spans, context), src_lang, lang))
    return advisor.begin(batches)


def _unsettled(template: Catalog, keys: Callable[[], list[bytes]],
               spans: catalog_spans.Spans | None, context: str) -> list[str]:
    """The msgids a catalog's merge asks advice about: those of the template entries
    that its spans (as the last run left them) do not hold, all without spans. A
    catalog changed since is merged whole and asks about the others then (from the
    cache: a re-run after a one-paragraph edit reads a handful of its shards)."""
    if spans is None or spans.context != context:
        return [m.msgid for m in template.messages]
    held = set(spans.keys)
    return [m.msgid for m, k in zip(template.messages, keys(), strict=True) if k not in held]


def _outputs(config: Config, doc: str) -> list[Path]:
    return [config.template_path(doc),
            *(config.catalog_path(doc, lang) for lang in config.target_languages(doc))]


def _remember(config: Config, reports: Sequence[SegmentReport], pending: Sequence[_Write],
              sources: Mapping[str, str], key: str | None) -> None:
    """Record the documents this run segmented as up to date (tm.advice_cache)."""
    if key is None:
        return
    texts: dict[str, dict[Path, bytes]] = {}
    for item in pending:
        texts.setdefault(item.report.doc, {})[item.path] = item.data()
    advice_cache.remember(config, [
        (r.doc, sources[r.doc], texts.get(r.doc, {}), r.segments, r.entries)
        for r in reports if r.doc in sources], key)


def _differs(path: Path, data: bytes) -> bool:
    """Whether writing `data` would change the file at `path` (`tm segment --check`)."""
    return not holds(path, data)


@dataclass
class _Write:
    """A file `tm segment` is about to write; for a catalog, what the file held when it
    was read and how to merge again from what it holds now."""

    path: Path
    text: str
    """The file's text (where `encoded` is None: made by `redo`)."""
    report: SegmentReport
    seen: FileState | None = None
    redo: Callable[[Catalog | None], str] | None = None
    spans: catalog_spans.Spans | None = None
    """Where the catalog's entries stand in the file (kept for the next run)."""
    encoded: bytes | None = None
    """The file's bytes (merges and templates are made as bytes)."""

    def data(self) -> bytes:
        """The file's bytes (`text` encoded once: it is written, then compared)."""
        if self.encoded is None:
            self.encoded = self.text.encode("utf-8")
        return self.encoded


def _read_catalog_bytes(path: Path) -> tuple[bytes | None, FileState]:
    """The bytes of the catalog at `path` (None where there is none yet) and the state
    of its file."""
    try:
        return read_state(path)
    except IsADirectoryError:
        raise CatalogError("is a folder, not a catalog", path, 1,
                           "move it away: tm writes the catalog there") from None
    except OSError as e:
        raise CatalogError(f"cannot read: {e.strerror or e}", path, 1) from None


def _merge_catalog(path: Path, template: Catalog, keys: list[bytes],
                   spans: catalog_spans.Spans | None, lang: str, advise: catalog_spans.Advise,
                   keep_hints: bool, context: str,
                   ahead: Callable[[list[Message]], None] | None
                   ) -> tuple[catalog_spans.Merged, FileState]:
    """The catalog at `path` merged with `template` (tm.catalog_spans.merge), and the
    state of the file as read. A catalog that does not parse but changed while it was
    read (an editor rewriting it in place) is read again once: its error would name a
    line that is fine."""
    def merge(data: bytes | None, seen: FileState) -> catalog_spans.Merged:
        return catalog_spans.merge(template, keys, data, seen, spans, lang, advise,
                                   keep_hints, context, str(path), ahead)

    data, seen = _read_catalog_bytes(path)
    try:
        return merge(data, seen), seen
    except CatalogError:
        if current_state(path) == seen:
            raise
    data, seen = _read_catalog_bytes(path)  # changed meanwhile: read again, once
    return merge(data, seen), seen


def _read_catalog(path: Path) -> tuple[Catalog | None, FileState]:
    """The catalog at `path` (None where there is none yet) and the state of its file."""
    data, state = _read_catalog_bytes(path)
    return (None if data is None else parse_po(decode_po(data, str(path)), str(path))), state


def _spans_context(key: str | None, src_lang: str, lang: str, keep_hints: bool) -> str:
    """What a catalog's merge depends on besides its template and old entries (empty:
    cannot be known, so no entry is reused: tm.catalog_spans)."""
    if key is None:
        return ""
    return "\0".join((key, src_lang, lang, str(keep_hints), str(wrap_width.get()),
                      advice_cache.code_stamp()))


def _advise(advisor: catalogs.Advisor | None, src_lang: str, lang: str
            ) -> catalog_spans.Advise:
    def advise(msgids: list[str]) -> Mapping[str, Suggestion]:
        return {} if advisor is None else advisor.advise(msgids, src_lang, lang)
    return advise


def _remerge(template: Catalog, lang: str, advise: catalog_spans.Advise,
             keep_hints: bool) -> Callable[[Catalog | None], str]:
    def redo(old: Catalog | None) -> str:
        suggestions = advise([m.msgid for m in template.messages])
        return format_po(catalogs.update_catalog(template, old, lang, suggestions,
                                                 keep_hints=keep_hints))
    return redo


def _write_unless_changed(item: _Write) -> bool:
    """Write `item`; a catalog saved by someone since it was read is read again and
    merged again (never overwritten). Whether the file changed."""
    if item.seen is None or item.redo is None:
        return atomic_write_bytes(item.path, item.data())
    for _ in range(REMERGES):
        try:
            return atomic_write_bytes(item.path, item.data(), expect=item.seen)
        except FileChanged:
            old, item.seen = _read_catalog(item.path)
            item.text, item.spans, item.encoded = item.redo(old), None, None
    raise CatalogError("changed again and again while tm was updating it (not overwritten)",
                       item.path, 1, "run tm segment again once nobody is saving it")


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
    from tm.merge import joined_msgids, merge

    names = resolve_documents(config, docs)
    langs = list(languages) if languages else None
    config.require_languages(langs)
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
            result = merge(src, segs, table, joined_msgids(cat) if cat else frozenset())
            out = config.output_path(doc, lang)
            missing = len({s.text for s in segs} - known)
            reports.append(MergeReport(doc, lang, config.relative(out), result.translated,
                                       result.fallback, missing))
            pending.append((out, result.text))
    check_writable(path for path, _ in pending)
    new_run()
    for path, text in pending:
        atomic_write(path, text)
    return reports
