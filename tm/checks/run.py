"""Run the checks: catalogs (`tm check`: counts, QA findings, the project's policy) and
sources (`tm lint`).

`check_project`, `check_paths` and `lint_project` are what the commands call;
`tm.checks.output` renders what they return as text, JSON or GitHub annotations.
Catalogs are independent, so big runs fan out over processes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tm.checks.context import Context
from tm.checks.counts import (
    INLINE_KINDS,
    TRANSLATED,
    Counts,
    count_catalog,
    scan_active,
    scan_counts,
    scan_translated,
    state,
)
from tm.checks.header import header_findings
from tm.checks.jobs import Job, path_jobs, project_jobs
from tm.checks.joins import broken_findings, broken_joins, group_sources, is_joined
from tm.checks.lint import spellings
from tm.checks.policy import ignored_codes, lint_severity, severity, validate_policy
from tm.checks.registry import LINT_CHECKS, QA_CHECKS
from tm.checks.stale import Source, Staleness, catalog_entries, compare, unescape
from tm.checks.termcheck import load_termbase
from tm.config import CheckPolicy, Config
from tm.errors import CatalogError, TmError
from tm.languages import guess_language
from tm.model import Finding
from tm.po import Catalog, Message, decode_po, parse_po, read_po

if TYPE_CHECKING:
    from tm.terms import Termbase

Progress = Callable[[str], None]


@dataclass(slots=True)
class FileReport:
    """Counts and findings for one catalog."""

    path: str
    language: str
    counts: Counts
    findings: list[Finding] = field(default_factory=list)
    doc: str | None = None
    """Document name under sources/ (project runs only)."""
    minimum: float | None = None
    """The policy's min_translated for this language, if any."""
    stale: int = 0
    """Sentences of the source missing from the catalog plus entries whose sentence is
    gone (counts are already adjusted for them)."""

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


@dataclass(slots=True)
class CheckReport:
    """The result of one `tm check` run."""

    files: list[FileReport] = field(default_factory=list)
    fuzzy_counts_as_translated: bool = False

    @property
    def ok(self) -> bool:
        """True when no finding has severity error: the policy holds."""
        return all(f.errors == 0 for f in self.files)


def _pairs(m: Message) -> Iterable[tuple[str, str]]:
    if m.msgid_plural is None:
        yield m.msgid, m.msgstr
        return
    for i, s in sorted(m.msgstr_plural.items()):
        if s:
            yield (m.msgid if i == 0 else m.msgid_plural), s


def qa_findings(cat: Catalog, ctx: Context, path: str,
                policy: CheckPolicy | None = None,
                broken: frozenset[str] = frozenset()) -> list[Finding]:
    """QA findings on the translated (not fuzzy, not empty) entries of a catalog
    (`broken`: msgids of joins that do not hold, whose sentences are checked alone)."""
    active = [(c, sev) for c in QA_CHECKS if (sev := severity(c.code, policy)) != "off"]
    if ctx.termbase is None:
        active = [(c, sev) for c, sev in active if c.code != "term"]
    out: list[Finding] = []
    groups = group_sources(cat.messages, broken) if any(map(is_joined, cat.messages)) else {}
    for m in cat.messages:
        if m.obsolete or state(m) is not TRANSLATED or (m.flags and is_joined(m)):
            continue
        skip = ignored_codes(m) if m.flags else set()
        ctx.inline_only = bool(m.extracted) and not INLINE_KINDS.isdisjoint(m.extracted)
        for src, tgt in _pairs(m):
            if groups and src in groups:  # the one translation of a joined group
                src = groups[src]
            for check, sev in active:
                if check.code in skip:
                    continue
                for message in check.run(src, tgt, ctx):
                    out.append(Finding(path, m.line, check.code, message, sev))
    return out


def policy_findings(cat: Catalog, counts: Counts, lang: str, path: str,
                    policy: CheckPolicy, skip: frozenset[str] = frozenset()) -> list[Finding]:
    """A below-minimum finding, with every untranslated (and fuzzy) entry listed."""
    minimum = policy.min_translated.get(lang)
    pct = counts.percent(policy.fuzzy_counts_as_translated)
    if minimum is None or pct >= minimum or (sev := severity("below-minimum", policy)) == "off":
        return []
    done = counts.translated + (counts.fuzzy if policy.fuzzy_counts_as_translated else 0)
    out = [Finding(path, 1, "below-minimum",
                   f"{lang}: {pct:.1f}% translated ({done} of {counts.total}), "
                   f"policy requires {minimum:g}%", sev)]
    listed = {"untranslated": severity("untranslated", policy),
              "fuzzy": "off" if policy.fuzzy_counts_as_translated else severity("fuzzy", policy)}
    for m in cat.messages:
        if m.obsolete or m.msgid in skip:
            continue
        s = state(m)
        if s is TRANSLATED or listed[s] == "off" or s in ignored_codes(m):
            continue
        what = "not translated" if s == "untranslated" else "fuzzy (needs review)"
        out.append(Finding(path, m.line, s, f"{_excerpt(m.msgid)} {what}", listed[s]))
    return out


def _excerpt(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def guess_source_language(cat: Catalog) -> str:
    """`ru` when the msgids are mostly Cyrillic, else `en` (catalogs outside a project)."""
    return guess_language(m.msgid for m in cat.messages if m.msgid)


def catalog_language(cat: Catalog, path: Path) -> str:
    """The Language header, else a locale-like folder name in the path (`de`, `pt_BR`)."""
    lang = cat.language.strip()
    if lang:
        return lang
    for part in reversed(path.parts[:-1]):
        if re.fullmatch(r"[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?(?:@\w+)?", part):
            return part
    stem = path.stem
    return stem if re.fullmatch(r"[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?", stem) else ""


_TERMBASES: dict[tuple[object, ...], Termbase] = {}


def _termbase(config: Config | None) -> Termbase | None:
    if config is None:
        return None
    key = (config.root, config.memory, config.builtin_terms)
    if key not in _TERMBASES:
        _TERMBASES[key] = load_termbase(config)
    return _TERMBASES[key]


_LANGUAGE = re.compile(r'^"Language:[ \t]*([^"\\]*?)[ \t]*\\n"', re.M)


Lean = tuple[Counts, list[Message], str, list[tuple[str, int, str]], str]


def _lean_read(job: Job, entries: bool = False) -> Lean | None:
    """Counts, translated entries, language, (with `entries`) every active entry with its
    msgid as written, and the file's text, by the lean scanner; None when the file is
    unusual (the strict reader then names the error)."""
    p = Path(job.path)
    try:
        text = decode_po(p.read_bytes(), job.path)
    except (OSError, TmError):
        return None
    keys: list[tuple[str, int, str]] = []
    if entries:
        active = scan_active(text, job.qa)
        if active is None:
            return None
        counts, messages, keys = active
    else:
        found = scan_translated(text) if job.qa else scan_counts(text)
        if found is None:
            return None
        counts, messages = found if isinstance(found, tuple) else (found, [])
    m = _LANGUAGE.search(text, 0, 4096)
    lang = job.target_lang or (m.group(1) if m and m.group(1) else catalog_language(Catalog(), p))
    return counts, messages, lang, keys, text


def _stale_severity(job: Job) -> str:
    return "off" if job.source is None else severity("stale", job.policy)


def _below(counts: Counts, lang: str, policy: CheckPolicy | None) -> bool:
    minimum = policy.min_translated.get(lang) if policy else None
    return policy is not None and minimum is not None and \
        counts.percent(policy.fuzzy_counts_as_translated) < minimum


def run_job(job: Job, source: Source | None = None) -> FileReport:
    """Counts, staleness, policy and QA for one catalog (`source`: its document's, shared
    with the other languages of the document so that it is read and segmented once)."""
    stale_sev = _stale_severity(job)
    lean = _lean_read(job, entries=stale_sev != "off")
    full = lean is None
    stale = Staleness()
    current = False
    if lean is not None:
        counts, messages, lang, keys, text = lean
        cat = Catalog(messages=messages, path=job.display)
    else:
        p = Path(job.path)
        cat = read_po(p)
        cat.path = job.display
        counts = count_catalog(cat)
        lang = job.target_lang or catalog_language(cat, p)
        keys = catalog_entries(cat.messages) if stale_sev != "off" else []
    if stale_sev != "off" and job.source is not None:
        source = source or Source(job.source)
        current = lean is not None and source.matches(text, (k for k, _, _ in keys))
        if not current:
            if lean is not None:
                keys = [(unescape(k, line), line, s) for k, line, s in keys]
            stale = compare(source.sentences(), keys)
            counts = stale.adjust(counts)
    if not full and _below(counts, lang, job.policy):  # list the untranslated entries
        full_cat = parse_po(text, job.path)  # the text the lean scanner read
        full_cat.path = job.display
        listing = full_cat
    else:
        listing = cat
    report = FileReport(job.display, lang, counts, doc=job.doc,
                        minimum=job.policy.min_translated.get(lang) if job.policy else None,
                        stale=len(stale))
    report.findings.extend(header_findings(
        text if lean is not None else decode_po(Path(job.path).read_bytes(), job.path),
        Path(job.path), job.display, severity("header", job.policy)))
    if stale:
        assert job.source is not None
        report.findings.extend(stale.findings(job.source, job.display, stale_sev))
    if job.policy is not None and (full or listing is not cat):
        gone = frozenset(msgid for msgid, _, _ in stale.gone)
        report.findings.extend(policy_findings(listing, counts, lang, job.display, job.policy,
                                               gone))
    if job.qa:
        ctx = Context(job.source_lang or guess_source_language(cat), lang,
                      _termbase(job.terms_config))
        broken = _broken(job, cat, full, source)
        report.findings.extend(qa_findings(cat, ctx, job.display, job.policy,
                                           frozenset(m.msgid for m in broken)))
        report.findings.extend(_joined(job, cat, broken))
    report.findings.sort(key=lambda f: (f.path != job.display, f.line))
    return report


def _broken(job: Job, cat: Catalog, full: bool, source: Source | None) -> list[Message]:
    """The joined entries whose join does not hold: by the source's sentences and blocks
    in a project (`cat` may hold only the translated entries), else by catalog order
    (every entry read)."""
    if not any(map(is_joined, cat.messages)):
        return []
    if job.source is not None:
        return broken_joins(cat.messages, (source or Source(job.source)).segments())
    return broken_joins((cat if full else read_po(Path(job.path))).messages)


def _joined(job: Job, cat: Catalog, broken: list[Message]) -> list[Finding]:
    """`joined` findings on the joins that do not hold."""
    sev = severity("joined", job.policy)
    if sev == "off" or not broken:
        return []
    found = broken_findings(broken, job.display, sev)
    silenced = {m.line for m in cat.messages if m.flags and "joined" in ignored_codes(m)}
    return [f for f in found if f.line not in silenced]


Failure = tuple[str, str | None, int | None, str | None]


def run_batch(jobs: Sequence[Job]) -> list[FileReport]:
    """Jobs of one document: its source is segmented once for all its languages."""
    source = Source(jobs[0].source) if jobs and jobs[0].source is not None else None
    return [run_job(job, source) for job in jobs]


def _run_safe(batch: Sequence[Job]) -> list[FileReport] | Failure:
    try:
        return run_batch(batch)
    except TmError as e:  # exceptions with extra fields do not survive pickling
        return (e.what, e.path, e.line, e.hint)


def batches(jobs: Sequence[Job]) -> list[list[Job]]:
    """Consecutive jobs on the same source document together (one segmentation each)."""
    out: list[list[Job]] = []
    for job in jobs:
        if out and job.source is not None and out[-1][-1].source == job.source:
            out[-1].append(job)
        else:
            out.append([job])
    return out


def run_jobs(jobs: Sequence[Job], *, workers: int | None = None,
             progress: Progress | None = None) -> list[FileReport]:
    """Run jobs in order; over processes when there are many files."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    groups = batches(jobs)
    results: Iterable[list[FileReport] | Failure]
    if n > 1 and len(jobs) >= 8:
        with ProcessPoolExecutor(max_workers=n) as pool:
            chunk = max(1, min(32, len(groups) // (n * 8)))
            results = list(_tick(pool.map(_run_safe, groups, chunksize=chunk), groups,
                                 progress))
    else:
        results = list(_tick(map(_run_safe, groups), groups, progress))
    out = []
    for r in results:
        if isinstance(r, tuple):
            raise CatalogError(r[0], r[1], r[2], r[3])
        out.extend(r)
    return out


def _tick(results: Iterable[list[FileReport] | Failure], groups: Sequence[Sequence[Job]],
          progress: Progress | None) -> Iterator[list[FileReport] | Failure]:
    for group, r in zip(groups, results, strict=True):
        if progress is not None:
            for job in group:
                progress(job.display)
        yield r


def check_project(config: Config, langs: Sequence[str] | None = None, *,
                  docs: Sequence[str] | None = None, qa: bool = True,
                  workers: int | None = None, progress: Progress | None = None,
                  on_start: Callable[[int], None] | None = None) -> CheckReport:
    """Every catalog of the project against its [check] policy (`on_start`: told how many
    catalogs there are before the first is checked)."""
    config.require_languages(langs)
    names = docs
    if names is None:  # every document: none claimed is a config error, not a pass
        from tm.init import require_documents

        names = require_documents(config)
    jobs = project_jobs(config, langs, names, qa)
    if on_start is not None:
        on_start(len(jobs))
    files = run_jobs(jobs, workers=workers, progress=progress)
    if docs is None:
        files += orphans(config, langs, {job.path for job in jobs})
    return CheckReport(files, config.check.fuzzy_counts_as_translated)


def orphans(config: Config, langs: Sequence[str] | None,
            checked: set[str]) -> list[FileReport]:
    """Catalogs under locales/<lang>/ that no source document has (its document renamed
    or removed): `stale` at their first line, so that the translations a rename left
    behind are not forgotten while the renamed document's new catalog starts empty."""
    sev = severity("stale", config.check)
    if sev == "off":
        return []
    out = []
    for lang in config.languages:
        if langs and lang not in langs:
            continue
        folder = config.locales_dir / lang
        for po in sorted(folder.rglob("*.po")) if folder.is_dir() else []:
            if str(po) in checked or not po.is_file():
                continue
            doc = po.relative_to(folder).as_posix()[:-3]
            try:  # as found (a catalog that is a link is named as the link)
                where = po.relative_to(config.root).as_posix()
            except ValueError:
                where = str(po)
            source = config.source_path(doc)
            if source.is_file():  # there, but no [[documents]] rule claims it any more
                message = (f"no [[documents]] glob of {config.display_path} claims its source "
                           f"{config.relative(source)}: add one (with its language), or "
                           "move the catalog where its document's catalogs go")
            else:
                message = (f"no source document for this catalog "
                           f"({config.relative(source)} renamed or removed?): give it its "
                           "document's new name before `tm segment` to keep its "
                           "translations, or delete it")
            out.append(FileReport(where, lang, Counts(), [Finding(where, 1, "stale",
                                                                  message, sev)]))
    return out


def check_paths(paths: Sequence[str | Path], config: Config | None = None, *,
                langs: Sequence[str] | None = None, qa: bool = True,
                workers: int | None = None, progress: Progress | None = None,
                on_start: Callable[[int], None] | None = None) -> CheckReport:
    """PO files or folders; outside a project only counts and QA, no policy."""
    if config is not None:
        config.require_languages(langs)
    jobs = path_jobs(paths, config, langs=langs, qa=qa)
    if on_start is not None:
        on_start(len(jobs))
    return CheckReport(run_jobs(jobs, workers=workers, progress=progress),
                       config.check.fuzzy_counts_as_translated if config else False)


def lint_source(source: str, path: str, termbase: Termbase | None = None,
                policy: CheckPolicy | None = None) -> list[Finding]:
    """All source-side findings (the registry's LINT_CHECKS) for one source document, in
    line order. `path` picks its format, as for `tm segment` (tm.formats), so an HTML or
    plain-text document is not read as Markdown (an indented line is no code block)."""
    from tm.formats import source_units  # a format's parser: only `tm lint` needs it

    us = source_units(path, source)
    known = spellings(termbase) if termbase is not None else None
    out = []
    for check in LINT_CHECKS:
        sev = lint_severity(check.code, policy)
        if sev != "off":
            out += [Finding(path, line, check.code, message, sev)
                    for line, message in check.run(source, us, known)]
    return sorted(out, key=lambda f: (f.line, f.code))


def lint_project(config: Config, docs: Sequence[str]) -> list[Finding]:
    """`tm lint`: every named document (default: all) of the project."""
    from tm.source import read_source

    validate_policy(config)
    termbase = _termbase(config)
    out = []
    for doc in docs:
        path = config.source_path(doc)
        out += lint_source(read_source(path), config.relative(path), termbase, config.check)
    return out


__all__ = ["CheckReport", "FileReport", "check_paths", "check_project", "lint_project",
           "lint_source", "policy_findings", "qa_findings", "run_batch", "run_job"]
