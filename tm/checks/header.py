"""A catalog's header as msgfmt needs it (`header`): tm reads what msgfmt refuses.

tm's reader takes a catalog without a header entry, reads a UTF-8 file whose header
declares another charset as UTF-8, and counts plural entries whatever the header says
of plurals; `msgfmt --check` refuses the first and the last, and builds from the second
a .mo that reads the text in the declared charset (garbled). The gate says so.
"""

from __future__ import annotations

import gettext
import re
from functools import lru_cache
from pathlib import Path

from tm.model import Finding
from tm.po import header_entry, header_fields, parse_po

CODE = "header"
_CHARSET = re.compile(r"charset=([-\w]+)", re.I)
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_UTF8 = ("utf-8", "utf8", "charset")  # CHARSET: a template's placeholder, read as UTF-8


def header_findings(text: str, path: Path, display: str, severity: str) -> list[Finding]:
    """`header` findings of a catalog (its text as tm read it, its file for the bytes)."""
    if severity == "off":
        return []
    entry = header_entry(text, display)
    if entry is None:
        return [Finding(display, 1, CODE, "no header entry (msgid \"\"): msgfmt --check "
                        "refuses the catalog; run tm segment, or copy the header of its "
                        "template", severity)]
    fields = header_fields(entry.msgstr)
    out = []
    m = _CHARSET.search(fields.get("Content-Type", ""))
    if m and m.group(1).lower() not in _UTF8 and not text.isascii() and _is_utf8(path):
        out.append(Finding(display, 1, CODE, f"the header declares charset={m.group(1)} but "
                           "the file is UTF-8: msgfmt would build a .mo that reads it as "
                           f"{m.group(1)} (garbled); make it charset=UTF-8", severity))
    problem = _plural_rule_problem(fields.get("Plural-Forms", ""))
    if problem is not None:
        out.append(Finding(display, 1, CODE, problem, severity))
    if "msgid_plural" in text:
        out += _plural_findings(text, fields, display, severity)
    return out


_PLURAL_RULE = re.compile(r"plural\s*=\s*([^;]+)")


@lru_cache(maxsize=256)
def _plural_rule_problem(forms: str) -> str | None:
    """What msgfmt --check says of a Plural-Forms whose rule does not fit its nplurals
    (`nplurals=2` with Russian's three-way rule) or does not parse; None if it holds."""
    count, rule = _NPLURALS.search(forms), _PLURAL_RULE.search(forms)
    if count is None or rule is None:
        return None
    try:
        choose = gettext.c2py(rule.group(1).strip())
        highest = max(choose(n) for n in range(1000))
    except (ValueError, ZeroDivisionError, RecursionError):
        return f"the header's plural rule {rule.group(1).strip()!r} does not parse"
    if highest >= int(count.group(1)):
        return (f"the header's plural rule gives form {highest} but nplurals is "
                f"{count.group(1)}: msgfmt --check refuses the catalog")
    return None


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _plural_findings(text: str, fields: dict[str, str], display: str,
                     severity: str) -> list[Finding]:
    """Plural entries need the header's Plural-Forms, and as many msgstr[i] as its
    nplurals (msgfmt: "nplurals = 3 ... but some messages have 4 plural forms")."""
    entries = [m for m in parse_po(text, display).messages
               if m.msgid_plural is not None and not m.obsolete]
    if not entries:
        return []
    forms = _NPLURALS.search(fields.get("Plural-Forms", ""))
    if forms is None:
        return [Finding(display, entries[0].line, CODE, "a plural entry, and no nplurals in "
                        "the header's Plural-Forms: msgfmt --check refuses the catalog", severity)]
    n = int(forms.group(1))
    return [Finding(display, m.line, CODE, f"{len(m.msgstr_plural)} plural forms where the "
                    f"header's Plural-Forms has nplurals={n}", severity)
            for m in entries if m.msgstr_plural and len(m.msgstr_plural) != n]
