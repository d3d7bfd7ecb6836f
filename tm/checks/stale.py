"""Stale catalogs: does a catalog still match its source document as it is now?

A catalog is made by `tm segment` from the source; when the source changes and nobody
runs it again, the catalog silently describes an older text. `tm check` and `tm status`
compare every catalog with the sentences `tm segment` would write for the source now:
a sentence without an active entry is *missing* (it counts as untranslated), an active
entry whose sentence is gone is *gone* (it no longer counts at all). Both are `stale`
findings.

Segmenting costs about as much as checking a catalog, so `tm segment` records in each
template a digest of what it was made from (`X-Tm-Source-Digest`: the source text, its
language and the segmenter's own code and rules). When the source still has that
digest, the template's msgids are the sentences and nothing is segmented; any other
case (no template, an edited source, a new tm) segments the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tm.checks.counts import (
    FUZZY,
    TRANSLATED,
    UNTRANSLATED,
    Counts,
    Entry,
    entry_key,
    scan_active,
    state,
)
from tm.config import Config
from tm.digest import DIGEST_HEADER, sentences_digest, source_digest
from tm.errors import SourceError, TmError, read_utf8
from tm.model import Finding, Segment
from tm.po import Message, _unescape, decode_po

CODE = "stale"
# the two digests may be on two lines: catalogs are wrapped at 79 columns, as msgcat does
_DIGEST_RE = re.compile(r'^"' + DIGEST_HEADER +
                        r':[ \t]*([0-9a-f]+)(?:[ \t]+(?:"\n")?([0-9a-f]+))?[ \t]*\\n"', re.M)
_TEMPLATE_MSGID = re.compile(r'^msgid "(.*)"\n((?:".*"\n)*)msgstr ""\n', re.M)
_CONTINUED = re.compile(r'^"(.*)"$', re.M)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A project document whose catalogs are compared with it (picklable for workers)."""

    config: Config
    doc: str

    @property
    def display(self) -> str:
        """`sources/<doc>.md`, as findings name it."""
        return self.config.relative(self.config.source_path(self.doc))


@dataclass(slots=True)
class Sentences:
    """The sentences `tm segment` would write for a document now, and where they start."""

    spec: SourceSpec
    texts: frozenset[str]
    lines: dict[str, int] = field(default_factory=dict)
    """sentence -> first source line; empty until needed when read from the template."""

    def line(self, sentence: str) -> int:
        if not self.lines:
            self.lines = segment_source(self.spec)[1]
        return self.lines.get(sentence, 1)


def segment_source(spec: SourceSpec) -> tuple[frozenset[str], dict[str, int]]:
    """Segment the source as `tm segment` does: the template's msgids and first lines."""
    from tm.catalog import build_template
    from tm.cutting import document_segments

    _, segs = document_segments(spec.config, spec.doc)
    template = build_template(segs, spec.display, project=spec.doc, created="")
    lines = {}
    for m in template.messages:
        ref = m.references[0] if m.references else ""
        num = ref.rpartition(":")[2]
        lines[m.msgid] = int(num) if num.isdigit() else 1
    return frozenset(lines), lines


class Source:
    """A document's source as the stale check needs it, each part worked out once and
    only when asked for: its digest, then (only if a catalog does not record that
    digest) its sentences."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self._digest: str | None = None
        self._sentences: Sentences | None = None
        self._segments: list[Segment] | None = None

    def segments(self) -> list[Segment]:
        """The source's segments, cut once for all the document's catalogs (`joined`)."""
        if self._segments is None:
            from tm.cutting import document_segments

            self._segments = document_segments(self.spec.config, self.spec.doc)[1]
        return self._segments

    @property
    def digest(self) -> str:
        if self._digest is None:
            config, doc = self.spec.config, self.spec.doc
            # read as tm.source.read_source does, without loading the Markdown parser
            text = read_utf8(config.source_path(doc), SourceError,
                             "convert the file to UTF-8, e.g. `iconv -f cp1251 -t utf-8`")
            self._digest = source_digest(text, config.segmenter_key(doc))
        return self._digest

    def sentences(self) -> Sentences:
        """From the template when it records this very source, else by segmenting it."""
        if self._sentences is None:
            spec = self.spec
            texts = _template_msgids(spec.config.template_path(spec.doc), self.digest)
            if texts is not None:
                self._sentences = Sentences(spec, texts)
            else:
                texts, lines = segment_source(spec)
                self._sentences = Sentences(spec, texts, lines)
        return self._sentences

    def matches(self, catalog_text: str, escaped_msgids: Iterable[str]) -> bool:
        """Whether a catalog (its PO text and active msgids as written) records this
        source's digest and still has exactly the sentences it recorded: then it is
        not stale, and neither the template nor the source needs reading further."""
        m = _DIGEST_RE.search(catalog_text, 0, 8192)
        return (m is not None and m.group(2) is not None and m.group(1) == self.digest
                and m.group(2) == sentences_digest(escaped_msgids))


def source_sentences(spec: SourceSpec) -> Sentences:
    """The document's sentences: from its template when the template records this very
    source (digest), else by segmenting the source."""
    return Source(spec).sentences()


def _template_msgids(path: Path, digest: str) -> frozenset[str] | None:
    """The msgids of the template at `path` if it records `digest` and still has the
    sentences it recorded with it (a search-and-replace over locales/ that edited the
    template too must not make the edited msgids the source's sentences), else None."""
    try:
        text = decode_po(path.read_bytes(), str(path))
    except (OSError, TmError):
        return None
    m = _DIGEST_RE.search(text, 0, 8192)
    if m is None or m.group(1) != digest or m.group(2) is None:
        return None
    recorded = m.group(2)
    # tm writes templates in one shape, so a pattern finds their msgids several times
    # faster than the lean scanner; anything else (an edited template) goes to the scanner
    escaped = []
    for m in _TEMPLATE_MSGID.finditer(text):
        msgid = m.group(1) + "".join(_CONTINUED.findall(m.group(2))) if m.group(2) else \
            m.group(1)
        if msgid:
            escaped.append((msgid, 0))
    if len(escaped) + 1 != text.count("\nmsgid ") + text.startswith("msgid "):
        found = scan_active(text, False)
        if found is None:
            return None
        escaped = [(msgid, line) for msgid, line, _ in found[2]]
    if sentences_digest(msgid for msgid, _ in escaped) != recorded:
        return None
    return frozenset(unescape(msgid, line) for msgid, line in escaped)


def unescape(msgid: str, line: int) -> str:
    """A msgid as the lean scanner gives it (still escaped) -> its text."""
    return _unescape(msgid, "", line) if "\\" in msgid else msgid


@dataclass(slots=True)
class Staleness:
    """How a catalog differs from its source."""

    missing: list[tuple[str, int]] = field(default_factory=list)
    """(sentence, source line) of each sentence without an active entry, in source order."""
    gone: list[Entry] = field(default_factory=list)
    """Active entries whose sentence is no longer in the source, in catalog order."""

    def __len__(self) -> int:
        return len(self.missing) + len(self.gone)

    def adjust(self, counts: Counts) -> Counts:
        """The counts of the catalog as the source now asks: missing sentences are
        untranslated, gone entries do not count."""
        gone = {TRANSLATED: 0, FUZZY: 0, UNTRANSLATED: 0}
        for _, _, kind in self.gone:
            gone[kind] += 1
        return Counts(counts.translated - gone[TRANSLATED], counts.fuzzy - gone[FUZZY],
                      counts.untranslated - gone[UNTRANSLATED] + len(self.missing),
                      counts.obsolete)

    def findings(self, spec: SourceSpec, catalog: str, severity: str) -> list[Finding]:
        """One `stale` finding per missing sentence (at its source line) and per gone
        entry (at its catalog line)."""
        source = spec.display
        out = [Finding(source, line, CODE, f"sentence not in {catalog} (run tm segment)",
                       severity) for _, line in self.missing]
        out += [Finding(catalog, line, CODE,
                        f"{_excerpt(msgid)} no longer in {source} (run tm segment)", severity)
                for msgid, line, _ in self.gone]
        return out


def compare(sentences: Sentences, entries: Iterable[Entry]) -> Staleness:
    """Compare a catalog's active entries (msgids unescaped) with the source's sentences."""
    texts = sentences.texts
    present: set[str] = set()
    gone = []
    for entry in entries:
        if entry[0] in texts:
            present.add(entry[0])
        else:
            gone.append(entry)
    if len(present) == len(texts):
        return Staleness([], gone)
    sentences.line("")  # the source lines, in document order
    missing = [(s, line) for s, line in sentences.lines.items() if s not in present]
    return Staleness(missing, gone)


def catalog_entries(messages: Iterable[Message]) -> list[Entry]:
    """Active entries of a fully read catalog."""
    return [(entry_key(m.msgid, m.msgctxt, m.msgid_plural), m.line, state(m))
            for m in messages if not m.obsolete]


def _excerpt(text: str, width: int = 40) -> str:
    """The start of an entry's msgid, quoted; an entry_key with a context (`ctx EOT
    msgid`) as `msgctxt 'ctx' 'msgid'`."""
    ctx, eot, text = text.rpartition("\x04")
    text = " ".join(text.split())
    shown = repr(text if len(text) <= width else text[: width - 1] + "…")
    return f"msgctxt {ctx!r} {shown}" if eot and ctx else shown
