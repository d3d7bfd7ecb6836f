"""The nouns of tm: what flows from source to catalog to merged document."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Piece:
    """One line's share of a unit: source[start:end] is the text after the line's prefix."""

    start: int
    """Offset in the source where this line's text begins."""
    end: int
    """Offset where it ends (before any line ending)."""
    prefix: str
    """What precedes the text on its line (indentation, `>` markers, list markers)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """Translatable inline text of one block: a paragraph, heading or table cell."""

    kind: str
    """Block kind for `#.` comments: paragraph, heading, list item, blockquote, table cell."""
    line: int
    """1-based source line where the unit starts."""
    pieces: tuple[Piece, ...]
    """The unit's text line by line; soft line breaks fall between pieces."""
    continuation: str
    """Prefix to put before a new line of translated text (indentation, `>` markers)."""
    multiline: bool = True
    """False where a translation must stay on one line (ATX headings, table cells)."""

    @property
    def start(self) -> int:
        return self.pieces[0].start

    @property
    def end(self) -> int:
        return self.pieces[-1].end


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or a whole unit) to translate: a span of the source and its msgid."""

    text: str
    """The msgid: source text of the span, line prefixes removed, line breaks kept."""
    start: int
    """Start offset of the span in the source text."""
    end: int
    """End offset (exclusive)."""
    line: int
    """1-based source line of the segment's first character (for `#:` references)."""
    kind: str
    """Block kind of the unit the segment belongs to."""
    continuation: str = ""
    """Prefix for new lines in a translation (see Unit.continuation)."""
    multiline: bool = True
    prefixes: tuple[str, ...] = ()
    """The source prefixes of the segment's second, third... lines, reused in order."""
    block: int = 0
    """Index of the segment's unit in its document: sentences with the same block share a
    paragraph (or heading, list item...), which is where a `tm-joined` entry may join."""


@dataclass(frozen=True, slots=True)
class Sentences:
    """What a template is made of: the text, line and block kind of a document's
    segments, in order (tm.catalog.build_template; a Segment each costs more)."""

    texts: list[str]
    lines: list[int]
    kinds: list[str]

    @classmethod
    def of(cls, segments: list[Segment]) -> Sentences:
        return cls([s.text for s in segments], [s.line for s in segments],
                   [s.kind for s in segments])


@dataclass(frozen=True, slots=True)
class Term:
    """A termbase entry in one direction."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    note: str = ""
    pos: str = ""
    uncertain: bool = False
    origin: str = ""
    ambiguous: bool = False
    """Found only through a term with everyday senses (file, camp, ссылка): a hint with
    its note, never a `term` finding."""


@dataclass(frozen=True, slots=True)
class Match:
    """A translation-memory hit for a segment."""

    source: str
    """The memory unit's source text."""
    target: str
    """The translation offered (adapted to the segment's numbers where it could be)."""
    score: float
    """0-100; 100 only for an exact match."""
    origin: str
    """Where the unit came from (memory file relative to the project, or `builtin`)."""
    kind: str = "fuzzy"
    """exact | adapted | fuzzy | citation"""
    aligned: bool = False
    """The unit came from sentence alignment (tm align), which nobody has reviewed yet:
    even an exact match of it is only a suggestion (fuzzy)."""
    carried: bool = False
    """A fuzzy match whose translation had the segment's numbers put in for the unit's:
    the words around them may still be the unit's (a month beside a day and a year)."""


@dataclass(slots=True)
class Suggestion:
    """What the memory and termbase offer for one msgid: a pre-fill and comment lines."""

    translation: str | None = None
    fuzzy: bool = True
    comments: list[str] = field(default_factory=list)
    """Extracted-comment lines, e.g. `tm: 87% memory/x.tmx`, `terms: a = b`."""
    source: str | None = None
    """The memory unit's source text that `translation` translates, where it differs
    from the msgid (a fuzzy match): the entry's `#|` previous msgid, as msgmerge writes
    a compendium's, so that Poedit and Lokalize show what differs."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A QA or policy problem found by `tm check` or `tm lint`."""

    path: str
    line: int
    code: str
    message: str
    severity: str = "error"
