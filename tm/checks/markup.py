"""Inline Markdown that a translation must keep: footnote marks, URLs, links, emphasis, code.

Each check takes the source and translation text of one entry and yields one-line
messages naming the offending token.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from tm.checks.context import Context

FOOTNOTE = re.compile(r"<sup>\s*\[?\s*([^\]<\s]+)\s*\]?\s*</sup>|\[\^([^\]\s]+)\]")
URL = re.compile(r"""(?:https?|ftp)://[^\s<>()"'\]]*[^\s<>()"'\].,;:!?]""")
LINK = re.compile(r"!?\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE = re.compile(r"(`+)(.+?)\1")
STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EMPH = re.compile(r"\*(?<![\w*\\]\*)(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])"
                  r"|_(?<![\w\\]_)(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")
TAG_OTHER = re.compile(r"</?(?!sup\b)[A-Za-z][A-Za-z0-9]*(?=[\s/>])[^>]*>", re.I)
"""HTML tags other than the <sup> of footnote marks (their own check)."""


def footnote_token(m: re.Match[str]) -> str:
    return f"<sup>[{m.group(1)}]</sup>" if m.group(1) is not None else f"[^{m.group(2)}]"


def differences(
    noun: str, src: Counter[str], tgt: Counter[str],
    missing: str = "missing from the translation", changed: str | None = "",
) -> Iterator[str]:
    """One message per token lost or added; a single swap is reported as a change
    unless `changed` is None."""
    lost = list((src - tgt).elements())
    added = list((tgt - src).elements())
    if changed is not None and len(lost) == 1 and len(added) == 1:
        yield f"{noun} {lost[0]} changed to {added[0]}{changed}"
        return
    for tok in lost:
        yield f"{noun} {tok} {missing}"
    for tok in added:
        yield f"{noun} {tok} not in the source"


def check_footnotes(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Footnote marks `<sup>[n]</sup>` (and `[^n]`) must survive, unchanged and once each."""
    if "<sup" not in src and "[^" not in src and "<sup" not in tgt and "[^" not in tgt:
        return
    s, t = FOOTNOTE.findall(src), FOOTNOTE.findall(tgt)
    if s == t or sorted(s) == sorted(t):
        return
    yield from differences("footnote mark",
                           Counter(map(footnote_token, FOOTNOTE.finditer(src))),
                           Counter(map(footnote_token, FOOTNOTE.finditer(tgt))), "lost")


@lru_cache(maxsize=4096)
def urls(text: str) -> tuple[str, ...]:
    if "://" not in text:
        return ()
    return tuple(u.replace("\\_", "_") for u in URL.findall(text))


def check_urls(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """URLs (bare, autolinks, link targets) must be copied unchanged."""
    s, t = urls(src), urls(tgt)
    if not s and not t:
        return
    yield from differences("URL", Counter(s), Counter(t))


def _spans(text: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """Links, code spans, strong and emphasis spans of `text`, in that order."""
    links = [m.group(0) for m in LINK.finditer(text)] if "](" in text else []
    code = [m.group(0) for m in CODE.finditer(text)] if "`" in text else []
    rest = CODE.sub(" ", text) if code else text
    rest = URL.sub(" ", rest) if "://" in rest else rest
    strong = [m.group(0) for m in STRONG.finditer(rest)] if ("**" in rest or "__" in rest) else []
    if strong:
        rest = STRONG.sub(lambda m: " " + m.group(2) + " ", rest)
    emph = [m.group(0) for m in EMPH.finditer(rest)] if ("*" in rest or "_" in rest) else []
    return links, code, strong, emph


def check_markup(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Links, code spans, emphasis and HTML tags: as many in the translation as in the source."""
    if not any(c in src or c in tgt for c in "*_`[<"):
        return
    s_links, s_code, s_strong, s_emph = _spans(src)
    t_links, t_code, t_strong, t_emph = _spans(tgt)
    if len(t_links) < len(s_links):
        t_targets = {LINK.match(x).group(2) for x in t_links}  # type: ignore[union-attr]
        lost = [x for x in s_links if LINK.match(x).group(2) not in t_targets]  # type: ignore[union-attr]
        yield f"link {(lost or s_links)[0]} lost"
    elif len(t_links) > len(s_links):
        yield f"link {t_links[-1]} not in the source"
    if s_code != t_code:
        yield from differences("code span", Counter(s_code), Counter(t_code),
                               "lost or changed", changed=None)
    for name, s, t in (("strong emphasis", s_strong, t_strong), ("emphasis", s_emph, t_emph)):
        if len(s) > len(t):
            yield f"{name} {s[len(t)]} lost ({len(s)} in the source, {len(t)} in the translation)"
        elif len(t) > len(s):
            yield (f"{name} {t[len(s)]} not in the source "
                   f"({len(s)} in the source, {len(t)} in the translation)")
    if "<" in src or "<" in tgt:
        s_list = [t.lower() for t in TAG_OTHER.findall(src)] if "<" in src else []
        t_list = [t.lower() for t in TAG_OTHER.findall(tgt)] if "<" in tgt else []
        if s_list == t_list:
            return
        yield from differences("HTML tag", Counter(s_list), Counter(t_list), "lost",
                               changed=None)
