"""Sentence joins in a catalog: which `tm-joined` entries hold, and the sources their
group's first entry translates.

A translator renders sentences B (and C...) with A's translation by flagging B `#,
tm-joined`. The join holds when the sentence before B in the same block is translated
(or itself a join that holds); tm.merge leaves both in the source language otherwise,
and `tm check` says so with a `joined` finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from tm.checks.counts import TRANSLATED, state
from tm.merge import is_joined as is_joined  # one definition, shared with merge
from tm.merge import valid_joins
from tm.model import Finding, Segment
from tm.po import Message


def group_sources(messages: Sequence[Message],
                  broken: frozenset[str] = frozenset()) -> dict[str, str]:
    """msgid of each entry followed (in catalog order, which is document order) by
    joined entries -> the sources of the whole group, for the QA checks of the one
    translation that renders them all. A join in `broken` (msgids: `broken_joins`)
    does not hold: merge renders no group there, so none is made."""
    out: dict[str, str] = {}
    lead: str | None = None
    for m in messages:
        if m.obsolete:
            continue
        if broken and m.msgid in broken and is_joined(m):
            lead = None
        elif is_joined(m) and lead is not None:
            out[lead] = out.get(lead, lead) + " " + m.msgid
        elif not is_joined(m):
            lead = m.msgid if state(m) is TRANSLATED else None
    return out


def _excerpt(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def broken_joins(messages: Sequence[Message],
                 segments: Sequence[Segment] | None = None) -> list[Message]:
    """The joined entries whose join does not hold: by the source's `segments` (document
    order and blocks) when given, else by catalog order (then `messages` must be every
    active entry)."""
    joined = [m for m in messages if is_joined(m) and m.msgctxt is None]
    if not joined:
        return []
    if segments is not None:
        done = {m.msgid for m in messages if not m.obsolete and m.msgctxt is None
                and state(m) is TRANSLATED and not is_joined(m)}
        names = {m.msgid for m in joined}
        bad = {s.text for s, ok in zip(segments, valid_joins(segments, done, names),
                                       strict=True) if ok is False}
        return [m for m in joined if m.msgid in bad]
    out = []
    prev_ok = False
    for m in messages:
        if m.obsolete:
            continue
        if is_joined(m):
            if not prev_ok:
                out.append(m)
        else:
            prev_ok = state(m) is TRANSLATED
    return out


def broken_findings(broken: Sequence[Message], path: str, severity: str) -> list[Finding]:
    """A `joined` finding on each of the `broken` joins (`broken_joins`)."""
    return [Finding(path, m.line, "joined",
                    f"{_excerpt(m.msgid)} is joined with the sentence before, which is not "
                    "translated or not in the same paragraph: merge keeps both in the "
                    "source language", severity)
            for m in broken]
