"""PO catalog lines as tokens: the one place that knows what a line of a catalog is.

`tokens(text)` yields one token per non-blank line, with its 1-based line number, for
two readers: the strict builder (`tm.po`, every entry, every error with its line) and
the counting path (`tm.checks.counts`, counts without building entries, handing
anything unusual back to the strict builder). Strings stay escaped in the tokens: the
counting path needs no unescaping, and the strict builder decides when a bad string or
escape becomes an error (after a finished entry's duplicate, before a keyword's state),
so that it names the same first error of a file as the reader it replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tm.errors import CatalogError

# Token kinds. A keyword's kind is the keyword ("msgstr[]" for msgstr[n]); the kinds of
# previous-string lines (`#| msgid "..."`, also `#~| ...` and `#~ #| ...`) start with "#|".
MSGCTXT, MSGID, MSGID_PLURAL, MSGSTR, MSGSTR_N = (
    "msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[]")
STRING = '"'
"""A string continuing the keyword before it."""
PREV_MSGCTXT, PREV_MSGID, PREV_MSGID_PLURAL = "#|msgctxt", "#|msgid", "#|msgid_plural"
PREV_STRING = '#|"'
"""A string continuing the previous msgctxt, msgid or msgid_plural before it."""
PREV_MALFORMED = "#|?"
"""`#| msgid` or `#| msgctxt` not followed by a quoted string."""
COMMENT, EXTRACTED, REFERENCE, FLAGS, PREV_OTHER = "#", "#.", "#:", "#,", "#|"
"""Translator comment, `#.`, `#:`, `#,`, and a `#|` line that holds no previous string."""
UNEXPECTED = "?"
"""A line that is none of the above; its value is its first word."""

KEYWORDS = frozenset((MSGCTXT, MSGID, MSGID_PLURAL, MSGSTR, MSGSTR_N))
PREVIOUS = frozenset((PREV_MSGCTXT, PREV_MSGID, PREV_MSGID_PLURAL, PREV_STRING, PREV_MALFORMED))

Token = tuple[str, int, str | None, int, bool]
"""(kind, line, value, plural index, obsolete).

value: a string's content still escaped, or None when the string is malformed (see
`string_error`); a comment's text (flags and references unsplit); the first word of an
unexpected line. plural index: n of msgstr[n], else -1. obsolete: the line starts with
`#~` (only keyword and string lines carry it into an entry).
"""

CR_IN_COMMENT = re.compile(r"^[ \t]*#[^\n]*?\r(?!\n|$)", re.M)
"""A comment line with a carriage return alone inside: a file with old Mac line endings
(CR only) whose every line would be read as that one comment, its entries lost (the
readers refuse it)."""

_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"\s*$')
_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$')
_KEYWORD_STRING = re.compile(
    r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"([^"\\]*(?:\\.[^"\\]*)*)"\s*$')
"""_KEYWORD and _STRING in one match, for the usual well-formed line."""


def tokens(text: str) -> Iterator[Token]:
    """One token per non-blank line of `text` (lines end at \\n; surrounding white space,
    \\r included, is not part of a line)."""
    fast_keywords = _FAST_KEYWORDS
    for lineno, raw in enumerate(text.split("\n"), 1):
        s = raw.strip()
        if not s:
            continue
        c = s[0]
        if c == '"':  # the commonest line of a wrapped catalog
            inner = s[1:-1]
            if len(s) > 1 and s[-1] == '"' and '"' not in inner and "\\" not in inner:
                yield STRING, lineno, inner, -1, False  # no escape: no regular expression
            else:
                yield _keyword(s, lineno, False)
        elif c != "#":
            word, _, rest = s.partition(" ")
            fast = fast_keywords.get(word)
            inner = rest[1:-1]
            if (fast is not None and len(rest) > 1 and rest[0] == '"' and rest[-1] == '"'
                    and '"' not in inner and "\\" not in inner):
                yield fast[0], lineno, inner, fast[1], False
            else:
                yield _keyword(s, lineno, False)
        else:
            k = s[1:2]
            kind = _SIMPLE_COMMENTS.get(k)
            if kind is not None:  # `#.`, `#:`, `#,`: most comments of a catalog
                yield kind, lineno, s[2:].strip(), -1, False
            elif k != "~":
                yield _comment(s, lineno, False)
            else:
                token = _obsolete(s, lineno)
                if token is not None:
                    yield token


_FAST_KEYWORDS = {MSGID: (MSGID, -1), MSGSTR: (MSGSTR, -1), MSGCTXT: (MSGCTXT, -1),
                  MSGID_PLURAL: (MSGID_PLURAL, -1),
                  **{f"msgstr[{n}]": (MSGSTR_N, n) for n in range(10)}}
"""Keywords of the usual form (one space, then a string without escapes), and their
kind and plural index."""
_SIMPLE_COMMENTS = {".": EXTRACTED, ":": REFERENCE, ",": FLAGS}


def _keyword(s: str, lineno: int, obsolete: bool) -> Token:
    """A keyword or string line (not a comment), the slow way."""
    if s[0] == '"':
        m = _STRING.match(s)
        return STRING, lineno, m.group(1) if m else None, -1, obsolete
    m = _KEYWORD_STRING.match(s) or _KEYWORD.match(s)
    if m is None:
        words = s.split()
        return UNEXPECTED, lineno, words[0] if words else s, -1, obsolete
    kw, idx = m.group(1), m.group(2)
    val = m.group(3) if m.re is _KEYWORD_STRING else None
    if idx is None:
        return kw, lineno, val, -1, obsolete
    return MSGSTR_N, lineno, val, int(idx), obsolete


def _obsolete(s: str, lineno: int) -> Token | None:
    """A `#~` line: an obsolete entry's keyword, string, or (`#~|`, `#~ #|`) previous
    string; None for a bare `#~`."""
    s = s[2:].strip()
    if s.startswith("|"):
        s = "#" + s
    if not s:
        return None
    if s[0] == "#":
        return _comment(s, lineno, True)
    return _keyword(s, lineno, True)


def _comment(s: str, lineno: int, obsolete: bool) -> Token:
    kind = s[1:2]
    if kind == "|":
        return _previous(s[2:].strip(), lineno, obsolete)
    if kind in ".:,":
        return "#" + kind, lineno, s[2:].strip(), -1, obsolete
    body = s[1:]
    return COMMENT, lineno, body[1:] if body.startswith(" ") else body, -1, obsolete


def _previous(rest: str, lineno: int, obsolete: bool) -> Token:
    """The rest of a `#|` line: a previous msgctxt/msgid/msgid_plural, its continuation,
    or nothing tm reads (msgmerge writes no other `#|` line)."""
    if rest.startswith(("msgid", "msgctxt")):
        m = _KEYWORD.match(rest)
        if m is None:
            return PREV_MALFORMED, lineno, None, -1, obsolete
        sm = _STRING.match(m.group(3))
        return "#|" + m.group(1), lineno, sm.group(1) if sm else None, -1, obsolete
    if rest.startswith('"'):
        sm = _STRING.match(rest)
        return PREV_STRING, lineno, sm.group(1) if sm else None, -1, obsolete
    return PREV_OTHER, lineno, rest, -1, obsolete


# --- strings -------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "'": "'", "?": "?"}
_ESC = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)")


def unescape(s: str, path: str, lineno: int) -> str:
    """A string's content as written (C escapes) -> its text; a bad escape is an error."""
    if "\\" not in s:
        return s

    def repl(m: re.Match[str]) -> str:
        c = m.group(1)
        if c in _ESCAPES:
            return _ESCAPES[c]
        try:
            if c[0] == "x" and len(c) > 1:
                return chr(int(c[1:], 16))
            if c[0] in "01234567":
                return chr(int(c, 8))
        except (ValueError, OverflowError):  # \x110000 and beyond
            pass
        raise CatalogError(f"invalid escape sequence \\{c}", path, lineno,
                           'write a backslash as \\\\ and a quote as \\"')

    return _ESC.sub(repl, s)


def string_error(path: str, lineno: int) -> CatalogError:
    """The error for a token whose string is malformed (value None)."""
    return CatalogError("unterminated string, or more than one on the line", path, lineno,
                        'every string must be on a line of its own, in "quotes", a quote '
                        'inside it written \\"')


def value(token: Token, path: str) -> str:
    """The text of a keyword or string token; its error when the string is malformed."""
    v = token[2]
    if v is None:
        raise string_error(path, token[1])
    return unescape(v, path, token[1]) if "\\" in v else v
