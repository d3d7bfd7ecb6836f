"""Catalog statistics with the exact semantics of GNU `msgfmt --statistics`.

msgfmt decides on the first msgstr alone: an entry whose msgstr (msgstr[0] for a
plural entry) is empty is untranslated, even when flagged fuzzy; otherwise a fuzzy
flag makes it fuzzy, else it is translated. Plural entries count once, obsolete
(`#~`) entries not at all, and the header entry only when its msgstr is empty
(msgfmt then counts it as untranslated, and so do we, to agree file by file).
"""

from __future__ import annotations

from dataclasses import dataclass

from tm.po import Catalog, Message

TRANSLATED, FUZZY, UNTRANSLATED = "translated", "fuzzy", "untranslated"


@dataclass(slots=True)
class Counts:
    """How many entries of a catalog are translated, fuzzy, untranslated, obsolete."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        """Active entries (what msgfmt counts); obsolete ones are not part of the work."""
        return self.translated + self.fuzzy + self.untranslated

    def percent(self, fuzzy_counts_as_translated: bool = False) -> float:
        """Share of active entries done, 0-100; an empty catalog is 100% done."""
        done = self.translated + (self.fuzzy if fuzzy_counts_as_translated else 0)
        return 100.0 * done / self.total if self.total else 100.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.translated + other.translated, self.fuzzy + other.fuzzy,
                      self.untranslated + other.untranslated, self.obsolete + other.obsolete)


def first_msgstr(m: Message) -> str:
    """The string msgfmt looks at: msgstr, or msgstr[0] of a plural entry."""
    if m.msgid_plural is not None:
        return m.msgstr_plural.get(0, "")
    return m.msgstr


def state(m: Message) -> str:
    """translated | fuzzy | untranslated, as msgfmt --statistics classifies an active entry."""
    if not first_msgstr(m):
        return UNTRANSLATED
    return FUZZY if "fuzzy" in m.flags else TRANSLATED


def count_catalog(cat: Catalog) -> Counts:
    """Counts for one catalog; agrees with `msgfmt --statistics` on every file it accepts."""
    c = Counts()
    if cat.header_msgstr == "":
        c.untranslated += 1
    for m in cat.messages:
        if m.obsolete:
            c.obsolete += 1
            continue
        s = state(m)
        if s is TRANSLATED:
            c.translated += 1
        elif s is FUZZY:
            c.fuzzy += 1
        else:
            c.untranslated += 1
    return c
