"""The gettext catalog as data: entries (`Message`) and files (`Catalog`), with
msgfmt's notions of fuzzy and translated. Read by tm.po, written by tm.po_write."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Message:
    """One catalog entry, as gettext defines it."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    """Translator comments (`# ...`)."""
    extracted: list[str] = field(default_factory=list)
    """Extracted comments (`#. ...`): block kind, memory origin, term hints."""
    references: list[str] = field(default_factory=list)
    """`#:` references, e.g. `sources/lectures/x.md:17`."""
    previous_msgid: str | None = None
    """`#| msgid`: the msgid a fuzzy entry's translation was made for (`#~|` if obsolete)."""
    previous_msgctxt: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0
    """1-based line of the `msgid` keyword in the file read (0 for new entries)."""

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags.remove("fuzzy")

    def forget_previous(self) -> None:
        """Drop the `#|` strings: they describe a fuzzy entry's old source, and an entry
        a translator has confirmed no longer has one."""
        self.previous_msgid = self.previous_msgctxt = self.previous_msgid_plural = None

    @property
    def translated(self) -> bool:
        """Has a translation and is not fuzzy (msgfmt's notion of translated)."""
        if self.fuzzy or self.obsolete:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return self.msgstr != ""

    @property
    def has_translation(self) -> bool:
        if self.msgid_plural is not None:
            return any(self.msgstr_plural.values())
        return self.msgstr != ""


@dataclass(slots=True)
class Catalog:
    """A PO or POT file: header fields, header comments and messages in order."""

    header: dict[str, str] = field(default_factory=dict)
    header_comments: list[str] = field(default_factory=list)
    header_flags: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    path: str | None = None
    header_msgstr: str | None = None
    """The header entry's raw msgstr; None when the file has no header entry."""

    @property
    def active(self) -> list[Message]:
        return [m for m in self.messages if not m.obsolete]

    @property
    def language(self) -> str:
        return self.header.get("Language", "")

    def index(self) -> dict[tuple[str | None, str], Message]:
        return {m.key: m for m in self.messages if not m.obsolete}
