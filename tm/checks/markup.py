"""Inline Markdown that a translation must keep: footnote marks, URLs, links, emphasis, code.

Each check takes the source and translation text of one entry and yields one-line
messages naming the offending token.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from tm.checks.context import Context
from tm.segment.prose import code_spans

FOOTNOTE = re.compile(r"<sup>\s*\[?\s*([^\]<\s]+)\s*\]?\s*</sup>|\[\^([^\]\s]+)\]")
URL = re.compile(r"""(?:https?|ftp)://[^\s<>()"'\]]*[^\s<>()"'\].,;:!?]""")
LINK = re.compile(r"!?\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
EMPH = re.compile(r"\*(?<![\w*\\]\*)(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])"
                  r"|_(?<![\w\\]_)(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")
TAG_OTHER = re.compile(r"</?(?!sup\b)[A-Za-z][A-Za-z0-9]*(?=[\s/>])[^>]*>", re.I)
"""HTML tags other than the <sup> of footnote marks (their own check)."""
COMMENT = re.compile(r"<!--.*?-->", re.S)
"""HTML comments: `<!-- ignore -->` after a link tells mdBook's tests to skip it."""
REFERENCE = re.compile(r"!?\[((?:[^\[\]\\]|\\.)*)\]\[((?:[^\[\]\\]|\\.)*)\]")
"""A full or collapsed reference link, `[text][label]` or `[label][]`: the label names a
definition elsewhere in the document, which is not translated, so it must stay as is."""


def footnote_token(m: re.Match[str]) -> str:
    return f"<sup>[{m.group(1)}]</sup>" if m.group(1) is not None else f"[^{m.group(2)}]"


def differences(
    noun: str, src: Counter[str], tgt: Counter[str],
    missing: str = "missing from the translation", changed: str | None = "",
) -> Iterator[str]:
    """One message per token lost or added (`(2 times)` where the same one is lost or
    added twice); a single swap is reported as a change unless `changed` is None."""
    lost, added = src - tgt, tgt - src
    if (changed is not None and len(lost) == 1 and len(added) == 1
            and lost.total() == added.total() == 1):
        yield f"{noun} {next(iter(lost))} changed to {next(iter(added))}{changed}"
        return
    for counted, what in ((lost, missing), (added, "not in the source")):
        for tok, k in counted.items():
            yield f"{noun} {tok} {what}" + (f" ({k} times)" if k > 1 else "")


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


_BREAK = re.compile(r"[ \t]*(?:\r\n|\n|\r)[ \t]*")


def soft_breaks_as_spaces(text: str) -> str:
    """`text` with each line ending (and the blanks around it) as one space: a soft line
    break is a space in CommonMark, inside code spans too, so a translator who re-wraps
    lines keeps every code span, emphasis and tag.

    >>> soft_breaks_as_spaces("run `cargo\\n  build` *now\\nplease*")
    'run `cargo build` *now please*'
    """
    return _BREAK.sub(" ", text) if "\n" in text or "\r" in text else text


def _code_token(text: str, start: int, end: int, fence: int) -> str:
    """A code span as CommonMark reads it: one space stripped from both ends when both
    are spaces (and the content is not all spaces)."""
    content = text[start + fence : end - fence]
    if len(content) > 2 and content[0] == content[-1] == " " and content.strip(" "):
        content = content[1:-1]
    return f"{text[start:start + fence]}{content}{text[start:start + fence]}"


def _without_code(text: str, spans: list[tuple[int, int, int]]) -> str:
    out, pos = [], 0
    for a, b, _ in spans:
        out += [text[pos:a], " "]
        pos = b
    out.append(text[pos:])
    return "".join(out)


_STRONG_CLOSE = re.compile(r"(?<=\S)(?:\*\*|__)")
_EMPH_CLOSE = re.compile(r"(?<=[^\s*\\])\*(?![\w*])|(?<=[^\s_\\])_(?!\w)")


def _last_end(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of `pattern` (a closing delimiter) ends, 0 if none. A search
    for a span stops there: an opener after the last closer would otherwise rescan the
    rest of the text in vain, which made a text of many unclosed `*a` quadratic."""
    end = 0
    for m in pattern.finditer(text):
        end = m.end()
    return end


def _cut(pattern: re.Pattern[str], text: str, end: int,
         keep: Callable[[re.Match[str]], str]) -> tuple[list[str], str]:
    """The matches of `pattern` in text[:end] (`end`: where the last closer ends, see
    `_last_end`), and `text` with each replaced by `keep(match)`."""
    found: list[str] = []
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text, 0, end):
        found.append(m.group(0))
        out += [text[pos:m.start()], keep(m)]
        pos = m.end()
    out.append(text[pos:])
    return found, "".join(out) if found else text


class _Spans(NamedTuple):
    """The markup of one text that the check compares, and the text without it."""

    links: list[str]
    references: list[str]
    code: list[str]
    strong: list[str]
    emph: list[str]
    rest: str
    """What is left once code, URLs and emphasis are taken out."""


def _spans(text: str) -> _Spans:
    """Links, reference links, code spans, strong and emphasis spans of `text`."""
    text = soft_breaks_as_spaces(text)
    links = [m.group(0) for m in LINK.finditer(text, 0, text.rfind(")") + 1)] \
        if "](" in text else []
    found = code_spans(text)
    code = [_code_token(text, *span) for span in found]
    rest = _without_code(text, found) if code else text
    references = _references(rest) if "][" in rest else []
    rest = URL.sub(" ", rest) if "://" in rest else rest
    strong: list[str] = []
    if "**" in rest or "__" in rest:
        strong, rest = _cut(STRONG, rest, _last_end(_STRONG_CLOSE, rest),
                            lambda m: " " + m.group(2) + " ")
    emph: list[str] = []
    if "*" in rest or "_" in rest:
        emph, rest = _cut(EMPH, rest, _last_end(_EMPH_CLOSE, rest), lambda m: " ")
    return _Spans(links, references, code, strong, emph, rest)


_TAG_PARTS = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(.*?)\s*/?\s*>$", re.S)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
TRANSLATED_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder", "label",
                                   "summary", "abbr"})
"""Attributes whose value is text for the reader: a translation translates it (the alt
text of an image in a table cell can only be translated in the tag)."""


def tag_key(tag: str) -> str:
    """A tag as the check compares it: names in lower case, `<br/>` as `<br>`, each
    attribute's value as written (in double quotes) but that of a text attribute
    (`TRANSLATED_ATTRIBUTES`) as `…`, line breaks as spaces.

    >>> tag_key('<IMG src="a.svg" ALT="Ferris\\nwaves"/>')
    '<img src="a.svg" alt="…">'
    """
    tag = soft_breaks_as_spaces(tag)
    m = _TAG_PARTS.match(tag)
    if m is None:
        return tag.lower()
    close, name, rest = m.groups()
    parts = [f"<{close}{name.lower()}"]
    for a in _ATTRIBUTE.finditer(rest):
        attr = a.group(1).lower()
        value = next((v for v in a.groups()[1:] if v is not None), None)
        if value is None:
            parts.append(attr)
        else:
            parts.append(f'{attr}="{"…" if attr in TRANSLATED_ATTRIBUTES else value}"')
    return " ".join(parts) + ">"


def _references(text: str) -> list[str]:
    """The reference links of `text`, its code spans taken out (`a[0][1]` in code is
    none), each as `[…][label]` with its label as CommonMark matches it (case and spaces
    folded): the link text is translated, the label stays."""
    out = []
    for m in REFERENCE.finditer(text):
        label = " ".join((m.group(2) or m.group(1)).split()).casefold()
        if label:
            out.append(f"[…][{label}]" if m.group(2) else f"[{label}][]")
    return out


def _tags(text: str) -> list[str]:
    """HTML tags other than <sup>, as `tag_key` gives them, then HTML comments. Searched
    only up to the last `>`: an unclosed `<a ` after it would rescan the rest of the text."""
    if "<" not in text:
        return []
    found = [tag_key(t) for t in TAG_OTHER.findall(text, 0, text.rfind(">") + 1)]
    if "<!--" in text:  # up to the last `-->`, for the same reason
        found += [" ".join(c.split()) for c in COMMENT.findall(text, 0, text.rfind("-->") + 3)]
    return found


_GUILLEMETS = re.compile(r"«[^«»\n]+»")
"""A title in guillemets: Russian quotes the name of a newspaper or a book («Правда»)
where English italicizes it (*Pravda*)."""


_STAR = re.compile(r"(?<!\\)\*(?!\s)|(?<=[^\s\\])\*")
"""An asterisk that can open or close emphasis (not escaped, not spaced on both sides:
`2 * 3` is plain text). One left outside code, URLs and emphasis shows as a literal `*`
in the merged document (`*«Правде»`, its closer lost)."""


def check_markup(src: str, tgt: str, ctx: Context) -> Iterator[str]:
    """Links, code spans, emphasis and HTML tags: as many in the translation as in the
    source (an emphasis span may stand for a title the other side writes in «»)."""
    if not any(c in src or c in tgt for c in "*_`[<"):
        return
    s_links, s_refs, s_code, s_strong, s_emph, s_rest = _spans(src)
    t_links, t_refs, t_code, t_strong, t_emph, t_rest = _spans(tgt)
    if len(t_links) < len(s_links):
        t_targets = {LINK.match(x).group(2) for x in t_links}  # type: ignore[union-attr]
        lost = [x for x in s_links if LINK.match(x).group(2) not in t_targets]  # type: ignore[union-attr]
        yield f"link {(lost or s_links)[0]} lost"
    elif len(t_links) > len(s_links):
        yield f"link {t_links[-1]} not in the source"
    if s_refs != t_refs:
        yield from differences("reference link", Counter(s_refs), Counter(t_refs), "lost",
                               changed=None)
    if s_code != t_code:
        yield from differences("code span", Counter(s_code), Counter(t_code),
                               "lost or changed", changed=None)
    quoted = len(_GUILLEMETS.findall(src)) - len(_GUILLEMETS.findall(tgt))
    said = False
    for name, s, t in (("strong emphasis", s_strong, t_strong), ("emphasis", s_emph, t_emph)):
        if name == "emphasis" and 0 < quoted >= len(t) - len(s) > 0:
            continue  # «Правда» is *Pravda* in English: a title in guillemets, italic
        if name == "emphasis" and 0 < -quoted >= len(s) - len(t) > 0:
            continue  # ...and the other way round
        if len(s) > len(t):
            said = True
            yield f"{name} {s[len(t)]} lost ({len(s)} in the source, {len(t)} in the translation)"
        elif len(t) > len(s):
            said = True
            yield (f"{name} {t[len(s)]} not in the source "
                   f"({len(s)} in the source, {len(t)} in the translation)")
    if (not said and "*" in t_rest
            and len(_STAR.findall(t_rest)) > len(_STAR.findall(s_rest))):
        yield ("an unpaired * (it shows as a literal asterisk in the merged document: "
               "close the emphasis or remove it)")
    if "<" in src or "<" in tgt:
        s_list, t_list = _tags(src), _tags(tgt)
        if s_list == t_list:
            return
        yield from differences("HTML tag", Counter(s_list), Counter(t_list), "lost",
                               changed=None)
