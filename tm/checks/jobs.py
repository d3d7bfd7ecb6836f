"""What `tm check` checks: one job per catalog, with the policy, languages and source
document it is checked against, for the project's catalogs or for named paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tm.checks.policy import qa_enabled, severity, validate_policy
from tm.checks.stale import SourceSpec
from tm.config import CheckPolicy, Config
from tm.errors import CatalogError
from tm.po import existing_catalog


@dataclass(frozen=True, slots=True)
class Job:
    """One catalog to check and what to check it against (picklable for workers)."""

    path: str
    display: str
    target_lang: str | None = None
    source_lang: str | None = None
    doc: str | None = None
    policy: CheckPolicy | None = None
    qa: bool = True
    terms_config: Config | None = None
    source: SourceSpec | None = None
    """Compare the catalog with this source document (the `stale` check)."""


def project_jobs(config: Config, langs: Sequence[str] | None = None,
                 docs: Sequence[str] | None = None, qa: bool = True) -> list[Job]:
    """One job per document and target language of the project."""
    validate_policy(config)
    qa = qa and qa_enabled(config.check)
    if docs is None:
        config.require_sources()
    jobs = []
    for doc in docs if docs is not None else config.documents_list():
        for lang in config.target_languages(doc):
            if langs and lang not in langs:
                continue
            path = config.catalog_path(doc, lang)
            if not existing_catalog(path):
                raise CatalogError(f"no {lang} catalog for {doc}", config.relative(path), 1,
                                   "run `tm segment` to create it")
            jobs.append(Job(str(path), config.relative(path), lang, config.source_language(doc),
                            doc, config.check, qa, config, _source(config, doc)))
    return jobs


def _source(config: Config, doc: str) -> SourceSpec | None:
    """What the stale check compares a catalog of `doc` with (None when it is off)."""
    if severity("stale", config.check) == "off" or not config.source_path(doc).is_file():
        return None
    return SourceSpec(config, doc)


def po_files(paths: Sequence[str | Path]) -> list[Path]:
    """PO files named, or found under the folders named, sorted; missing paths are errors."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(x for x in p.rglob("*.po") if x.is_file())
            if not found:  # a mistyped folder would make a gate that checks nothing
                raise CatalogError("no PO file in this folder", p, 1,
                                   "name a folder of catalogs, such as locales/")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise CatalogError("no such file or folder", p, 1, "name PO files or folders of them")
    return out


def path_jobs(paths: Sequence[str | Path], config: Config | None = None, *,
              langs: Sequence[str] | None = None, qa: bool = True) -> list[Job]:
    """Jobs for explicit paths: the project's policy applies only to its own catalogs."""
    jobs = []
    terms_config = config if config is not None else replace(Config(root=Path.cwd()), memory=())
    if config is not None:
        validate_policy(config)
    for p in po_files(paths):
        job = Job(str(p), str(p), qa=qa, terms_config=terms_config)
        if config is not None:
            job = _project_job(p, config, qa) or job
        jobs.append(job)
    if langs:
        jobs = [j for j in jobs if j.target_lang is None or j.target_lang in langs]
    return jobs


def _project_job(p: Path, config: Config, qa: bool) -> Job | None:
    try:
        rel = p.resolve().relative_to(config.locales_dir.resolve())
    except ValueError:
        return None
    if len(rel.parts) < 2 or rel.parts[0] == "templates":
        return None
    lang, doc = rel.parts[0], Path(*rel.parts[1:]).with_suffix("").as_posix()
    return Job(str(p), config.relative(p), lang, config.source_language(doc), doc,
               config.check, qa and qa_enabled(config.check), config, _source(config, doc))
