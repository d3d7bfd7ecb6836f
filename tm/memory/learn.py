"""`tm learn`: reviewed translations from the catalogs go into memory/learned.tmx.

Only entries a reviewer has signed off count: translated and not fuzzy (pre-fills from
the memory arrive fuzzy, so the memory never learns its own guesses). Each pair of
texts is kept once; what learned.tmx already holds stays, in its order, and new pairs
are appended, so the file diffs well in git.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tm.atomic import atomic_write
from tm.config import Config
from tm.languages import guess_language
from tm.memory.formats import MemoryUnit, read_tmx, tmx_bytes
from tm.memory.store import MEMORY_DIR, dedupe, default_source_language
from tm.po import read_po

LEARNED = "learned.tmx"


@dataclass(frozen=True, slots=True)
class LearnReport:
    """What `tm learn` did."""

    path: str
    added: int
    total: int
    catalogs: int


def reviewed_units(config: Config) -> Iterator[MemoryUnit]:
    """Translated, non-fuzzy, singular entries of every catalog under locales/<lang>/.
    The first entry of a group that `tm-joined` entries join translates the whole group:
    its unit's source is the group's sentences, and the joined entries give no unit."""
    from tm.checks.joins import broken_joins, group_sources, is_joined

    base = config.locales_dir
    if not base.is_dir():
        return
    for lang_dir in sorted(p for p in base.iterdir() if p.is_dir() and p.name != "templates"):
        lang = lang_dir.name
        for po in sorted(lang_dir.rglob("*.po")):
            doc = po.relative_to(lang_dir).with_suffix("").as_posix()
            cat = read_po(po)
            entries = [m for m in cat.messages if m.translated and not is_joined(m)
                       and m.msgid_plural is None and m.msgctxt is None]
            groups = group_sources(cat.messages,
                                   frozenset(m.msgid for m in broken_joins(cat.messages)))
            source = config.source_language(doc) or guess_language(
                (m.msgid for m in entries), default_source_language(config))
            if source == lang:
                continue
            for m in entries:
                yield MemoryUnit({source: groups.get(m.msgid, m.msgid), lang: m.msgstr}, m.line,
                                 extra={"origin": config.relative(po)})


def learn(config: Config) -> LearnReport:
    """Append the catalogs' reviewed translations to memory/learned.tmx, each pair once."""
    dest = config.root / MEMORY_DIR / LEARNED
    old = list(read_tmx(dest)) if dest.is_file() else []
    units = list(reviewed_units(config))
    catalogs = {u.extra["origin"] for u in units}
    for u in units:
        u.extra.pop("origin", None)
    merged = dedupe([*old, *units])
    added = len(merged) - len(dedupe(old))
    if added or (old and len(merged) != len(old)):
        atomic_write(dest, tmx_bytes(merged, default_source_language(config)).decode("utf-8"))
    return LearnReport(config.relative(dest), added, len(merged), len(catalogs))
