"""Reading catalogs written by others: GNU gettext and Poedit catalogs survive a read and
a write byte for byte (after msgcat's wrapping), obsolete entries keep their previous
strings, and the counting path (`tm check --counts-only`, `tm status`) agrees with the
strict reader on damaged and on generated catalogs, or hands the file back to it."""

from __future__ import annotations

import random
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tm.checks.counts import count_catalog, scan_active, scan_counts, scan_translated, state
from tm.errors import CatalogError
from tm.po import Catalog, Message, format_po, parse_header, parse_po, read_po

from .po_written import missing_tools, write_gnu_catalogs

ROOT = Path(__file__).resolve().parent.parent
WRITTEN = ROOT / "tests/data/po_written"
GNU = sorted((WRITTEN / "gnu").glob("*.po*"))
POEDIT = sorted(p for p in (WRITTEN / "poedit").glob("*.po") if ".msgcat." not in p.name)
LOCALES = sorted((ROOT / "locales").rglob("*.po*"))


def _width(path: Path) -> int:
    """The width a fixture was written with (its name says so when it is not 79)."""
    return 60 if "width60" in path.name else 0 if "nowrap" in path.name else 79


def _round_trip(path: Path) -> None:
    text = path.read_text("utf-8")
    assert format_po(read_po(path), _width(path)) == text


# --- catalogs written by GNU gettext -------------------------------------------------


@pytest.mark.parametrize("path", GNU, ids=lambda p: p.name)
def test_gnu_written_catalog_round_trip_is_byte_exact(path: Path) -> None:
    _round_trip(path)


def test_gnu_fixtures_hold_what_they_are_for() -> None:
    """Previous strings of active and obsolete entries (msgctxt, msgid, msgid_plural,
    wrapped), plurals, contexts, flags, escapes: the round trip above covers them all."""
    text = "".join(p.read_text("utf-8") for p in GNU)
    for needle in ('#| msgctxt "', '#| msgid "', '#| msgid_plural "', '#~| msgctxt "',
                   '#~| msgid ""\n#~| "', '#~| msgid_plural "', '#~ msgstr[1] "',
                   "#, fuzzy, python-format", 'msgctxt "menu"', '\\"quote\\"', "\\t", "#. "):
        assert needle in text, needle
    assert len(GNU) >= 5


def test_gnu_catalogs_written_now_round_trip(tmp_path: Path) -> None:
    """The same pipeline run with the gettext installed here (xgettext, msginit, msgen,
    msgconv, msgfilter, msgmerge --previous twice, msgattrib, msgcat)."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"GNU gettext tools not installed: {', '.join(missing)}")
    written = write_gnu_catalogs(tmp_path)
    assert len(written) >= 8
    for path in written:
        _round_trip(path)
    ru3 = read_po(tmp_path / "ru3.po")
    gone = {m.msgid: m for m in ru3.messages if m.obsolete}
    plural = gone["%d document was found in the party archive."]
    assert plural.fuzzy and plural.previous_msgid == "%d document was found in the archive."
    assert plural.previous_msgid_plural == "%d documents were found in the archive."
    assert gone["Files"].previous_msgctxt == "archive"


# --- catalogs written by Poedit --------------------------------------------------------


@pytest.mark.parametrize("path", POEDIT, ids=lambda p: p.name)
def test_poedit_written_catalog_reads_and_writes_as_msgcat_wraps(path: Path) -> None:
    """Poedit wraps as msgcat does, but keeps `#:` lines as the extractor wrote them; tm
    writes them filled, as msgcat does: tm's output is the file as msgcat rewrites it."""
    cat = read_po(path)
    assert cat.header["X-Generator"].startswith("Poedit ")
    expected = path.with_name(path.stem + ".msgcat.po").read_text("utf-8")
    assert format_po(cat) == expected
    assert format_po(parse_po(expected)) == expected


@pytest.mark.parametrize("path", POEDIT, ids=lambda p: p.name)
def test_poedit_fixture_expectations_are_msgcat_output(path: Path) -> None:
    if shutil.which("msgcat") is None:
        pytest.skip("GNU gettext (msgcat) not installed")
    r = subprocess.run(["msgcat", str(path)], capture_output=True, check=True)
    assert r.stdout.decode() == path.with_name(path.stem + ".msgcat.po").read_text("utf-8")


# --- previous strings of obsolete entries ---------------------------------------------

OBSOLETE = '''\
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

#, fuzzy
#~| msgctxt "old context"
#~| msgid ""
#~| "An old sentence, "
#~| "wrapped."
#~ msgctxt "new context"
#~ msgid "A new sentence."
#~ msgstr "Старое предложение."

#, fuzzy
#~ #| msgid "Written as some tools write it"
#~ msgid "Another one"
#~ msgstr "Ещё одно"

#, fuzzy
#~| msgid "%d old file"
#~| msgid_plural "%d old files"
#~ msgid "%d file"
#~ msgid_plural "%d files"
#~ msgstr[0] "%d файл"
#~ msgstr[1] "%d файла"
'''


def test_obsolete_previous_strings_survive_a_round_trip() -> None:
    cat = parse_po(OBSOLETE)
    first, second, third = cat.messages
    assert all(m.obsolete and m.fuzzy for m in cat.messages)
    assert (first.previous_msgctxt, first.previous_msgid) == ("old context",
                                                              "An old sentence, wrapped.")
    assert second.previous_msgid == "Written as some tools write it"
    assert (third.previous_msgid, third.previous_msgid_plural) == ("%d old file",
                                                                   "%d old files")
    written = format_po(cat)
    assert '#~| msgid "Written as some tools write it"' in written  # msgmerge's form
    assert '#~| msgid "An old sentence, wrapped."' in written
    again = parse_po(written)
    assert again.messages == [replace(m, line=n.line)
                              for m, n in zip(cat.messages, again.messages, strict=True)]
    assert format_po(again) == written


def test_previous_msgid_of_a_plural_entry_is_not_replaced_by_its_plural() -> None:
    text = ('msgid ""\nmsgstr ""\n\n#, fuzzy\n#| msgid "one"\n#| msgid_plural "many"\n'
            'msgid "one!"\nmsgid_plural "many!"\nmsgstr[0] "x"\nmsgstr[1] "y"\n')
    m = parse_po(text).messages[0]
    assert (m.previous_msgid, m.previous_msgid_plural) == ("one", "many")
    assert format_po(parse_po(text)) == text


def test_parse_header_reads_only_the_first_entry() -> None:
    text = 'msgid ""\nmsgstr "POT-Creation-Date: 2026-01-02\\n"\n\nmsgid "a"\nbroken'
    assert parse_header(text) == {"POT-Creation-Date": "2026-01-02"}
    assert parse_header('msgid "a"\nmsgstr "b"\n') == {}
    with pytest.raises(CatalogError):
        parse_header('msgid ""\nmsgstr "unterminated\n')


# --- the counting path against the strict reader ----------------------------------------

JUNK = ['#~', '#| msgid "x"', '#| msgid_plural "xs"', '#| msgctxt "c"', '#| "more"',
        '#~| msgid "old"', '#~| "old more"', '#~ #| msgid "old"', '#~ msgid "o"',
        '#~ msgstr "p"', '#~ "q"', 'msgstr[1] "x"', 'msgstr[0] ""', '"cont"', '"bad',
        'msgid "a"', 'msgid ""', 'msgstr ""', 'msgctxt "k"', 'msgid_plural "p"', '#, fuzzy',
        '#, tm-joined', '# comment', '#. ex', '#: ref:1', '', '"\\x"', '"\\q"', '"\\x41"',
        'msgstr "\\x110000"', '#|', '#| junk', 'foo', '#~ #, fuzzy', 'msgstr[2] "z"',
        '\t msgid "tab"  ', '#~msgid "t"', 'msgstr "a" "b"', '\r', '"\\""', 'msgstr[00] ""']
CHARS = ['"', "\\", "#", "~", "|", " ", "x", "\n", "[", "]", "0", ",", "\r"]
KEYWORDS = ["msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr[0]", "msgstr[1]",
            "#~ msgid", "#| msgid"]


def damage(text: str, rnd: random.Random) -> str:
    """`text` with one to three random edits: lines deleted, doubled, swapped, moved,
    junk lines, characters, keywords changed, `#~ ` added or taken away, cut short."""
    for _ in range(rnd.randint(1, 3)):
        lines = text.split("\n")
        i = rnd.randrange(len(lines))
        op = rnd.randrange(10)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = min(i + 1, len(lines) - 1)
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines.insert(i, rnd.choice(JUNK))
        elif op == 4:
            lines = text[: rnd.randrange(len(text) + 1)].split("\n")
        elif op in (5, 6):
            k = rnd.randrange(len(text) + 1)
            lines = (text[:k] + (rnd.choice(CHARS) if op == 6 else "") + text[k + 1 - (op == 6):]
                     ).split("\n")
        elif op == 7:
            kw = next((k for k in KEYWORDS if lines[i].startswith(k + " ")), None)
            if kw:
                lines[i] = rnd.choice(KEYWORDS) + lines[i][len(kw):]
        elif op == 8:
            lines[i] = lines[i][3:] if lines[i].startswith("#~ ") else "#~ " + lines[i]
        else:
            lines.insert(rnd.randrange(len(lines)), lines[i])
        text = "\n".join(lines)
    return text


def window(text: str, rnd: random.Random, size: int = 40) -> str:
    """The header entry and a random run of `size` lines (small catalogs are quick)."""
    lines = text.split("\n")
    head = lines.index("") if "" in lines else len(lines)
    if len(lines) <= head + size:
        return text
    k = rnd.randrange(head, len(lines) - size)
    return "\n".join(lines[:head] + lines[k:k + size])


def _key(m: Message) -> tuple[object, ...]:
    return (m.line, m.msgctxt, m.msgid, m.msgid_plural, m.msgstr, m.msgstr_plural, m.flags)


def agree(text: str) -> bool | None:
    """None: the strict reader refuses `text` (the counting path must refuse it too);
    else whether the counting path took it (and then agrees in every number and entry)."""
    try:
        cat = parse_po(text)
    except CatalogError:
        assert scan_active(text, True) is None, text
        assert scan_counts(text) is None, text
        return None
    found = scan_active(text, True)
    if found is None:
        assert scan_counts(text) is None and scan_translated(text) is None, text
        return False
    counts, translated, entries = found
    assert counts == count_catalog(cat), text
    assert scan_counts(text) == counts, text
    assert [_key(m) for m in translated] == [
        _key(m) for m in cat.messages if not m.obsolete and state(m) == "translated"], text
    assert [(line, s) for _, line, s in entries] == [
        (m.line, state(m)) for m in cat.messages if not m.obsolete], text
    return True


SEEDS = [p.read_text("utf-8") for p in LOCALES + GNU + POEDIT]


@pytest.mark.slow
def test_counting_path_agrees_with_the_strict_reader_on_damaged_catalogs() -> None:
    """The harness bench/README quotes, as a test: damaged copies of the shipped catalogs
    and of the fixtures above (a tenth undamaged)."""
    rnd = random.Random(20261127)
    taken = deferred = refused = 0
    for n in range(2500):
        text = window(rnd.choice(SEEDS), rnd)
        result = agree(damage(text, rnd) if n % 10 else text)
        refused += result is None
        taken += result is True
        deferred += result is False
    assert refused > 900 and taken > 500, (refused, taken, deferred)
    assert deferred < 0.25 * (taken + deferred), (taken, deferred)  # it must count most


@pytest.mark.parametrize("text", [
    'msgid "a"\nmsgstr "b"\n# c\n"y"\n',  # a string after a comment: it crashed (KeyError)
    'msgid "a"\nmsgstr "b"\n#| "x"\n"y"\n',
    'msgid "\\x41"\nmsgstr "b"\nmsgid "A"\nmsgstr "c"\n',  # duplicates once unescaped
    'msgid "a"\nmsgstr "\\x110000"\n',
    'msgctxt "c"\n#~ msgid "a"\nmsgstr "b"\n',
])
def test_counting_path_on_unusual_input(text: str) -> None:
    agree(text)


def test_shipped_and_written_catalogs_are_counted_without_deferring() -> None:
    for text in SEEDS:
        assert agree(text) is True


# --- generated catalogs -----------------------------------------------------------------

_TEXT = st.text(st.sampled_from(list("ab Ёё.,\"\\\n\t%") + ["\x00", "\u2028"]), max_size=12)
_FLAGS = st.lists(st.sampled_from(["fuzzy", "tm-joined", "c-format", "python-format"]),
                  unique=True, max_size=3)


@st.composite
def _message(draw: st.DrawFn) -> Message:
    m = Message(msgid=draw(_TEXT.filter(bool)), msgctxt=draw(st.none() | _TEXT),
                flags=draw(_FLAGS), obsolete=draw(st.booleans()),
                comments=draw(st.lists(_TEXT.map(lambda s: s.replace("\n", " ")), max_size=1)))
    if draw(st.booleans()):
        m.msgid_plural = draw(_TEXT)
        m.msgstr_plural = {i: draw(_TEXT) for i in range(draw(st.integers(1, 3)))}
    else:
        m.msgstr = draw(_TEXT)
    if draw(st.booleans()):
        m.previous_msgid = draw(_TEXT)
        m.previous_msgctxt = draw(st.none() | _TEXT)
    return m


@st.composite
def _catalog(draw: st.DrawFn) -> Catalog:
    seen: set[tuple[str | None, str]] = set()
    messages = []
    for m in draw(st.lists(_message(), max_size=8)):
        if m.key not in seen:  # one entry per key, obsolete or not: msgfmt refuses more
            seen.add(m.key)
            messages.append(m)
    return Catalog(header={"Language": "ru", "Content-Type": "text/plain; charset=UTF-8"},
                   messages=messages)


_SETTINGS = settings(max_examples=100, deadline=None, database=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_catalog(), st.sampled_from([79, 30, 0]))
def test_counting_path_counts_every_written_catalog(cat: Catalog, width: int) -> None:
    """A well-formed catalog is never left to the strict reader, and counted alike."""
    assert agree(format_po(cat, width)) is True


_LINES = st.sampled_from([
    'msgid "a"', 'msgid "b"', 'msgid ""', 'msgctxt "c"', 'msgid_plural "p"', 'msgstr "x"',
    'msgstr ""', 'msgstr[0] "x"', 'msgstr[0] ""', 'msgstr[1] "y"', 'msgstr[2] "z"', '"s"',
    '""', '"\\n"', '#, fuzzy', '#, tm-joined', '# note', '#. hint', '#: a.md:1',
    '#| msgid "old"', '#| msgctxt "c"', '#| msgid_plural "olds"', '#| "more"',
    '#~ msgid "a"', '#~ msgid "o"', '#~ msgstr "x"', '#~ msgstr ""', '#~ "s"',
    '#~| msgid "old"', '#~ msgctxt "c"', '#~ msgid_plural "p"', '#~ msgstr[0] "x"', ''])


@_SETTINGS
@given(st.lists(_LINES, max_size=30))
def test_counting_path_agrees_on_line_soup(lines: list[str]) -> None:
    """Any sequence of catalog lines: the same numbers as the strict reader, or none."""
    agree("\n".join(lines) + "\n")


@pytest.mark.parametrize("text", [
    'msgid ""\nmsgstr ""\n"X: x\\n"\n"POT-Creation-Date: 2001\\n"\n\nmsgid "a"\nmsgstr ""\n',
    'msgid ""\nmsgstr ""\n"X: x\\n"\n\n"POT-Creation-Date: 2001\\n"\n\nmsgid "a"\n',
    'msgid ""\n\nmsgstr "POT-Creation-Date: 2001\\n"\n',
    '# comment\n\nmsgid ""\nmsgstr "POT-Creation-Date: 2001\\n"\n\n#. x\nmsgid "a"\nmsgstr ""\n',
    'msgid ""\nmsgstr "POT-Creation-Date: 2001\\n"\n\n\n  \n',
    'msgid "a"\nmsgstr "b"\n\nmsgid ""\nmsgstr "POT-Creation-Date: 2001\\n"\n',
    'msgid ""\nmsgstr "POT-Creation-Date: 2001\\n"\nmsgid "a"\nmsgstr ""\n\nmsgid "b"\n',
])
def test_a_header_read_up_to_a_blank_line_is_the_whole_texts(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_header reads only the text before a blank line when another entry (or
    nothing) follows it: the same fields as when it reads the whole text."""
    import re

    import tm.po

    cut = parse_header(text)
    monkeypatch.setattr(tm.po, "_NEXT_ENTRY", re.compile(r"(?!)"))  # never cut
    assert cut == parse_header(text)
    if text.startswith(('msgid ""\nmsgstr "', "# comment")):
        assert cut["POT-Creation-Date"] == "2001"


def test_old_mac_line_endings_are_refused_not_read_as_one_comment() -> None:
    """A catalog saved with CR alone between lines and a comment first was read as that
    one comment: no entries, and `tm segment` wrote a new catalog over the translations."""
    text = '# A translation\n#, fuzzy\nmsgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "б"\n'
    with pytest.raises(CatalogError) as e:
        parse_po(text.replace("\n", "\r"), "x.po")
    assert (e.value.path, e.value.line) == ("x.po", 1)
    assert "carriage return" in e.value.what
    crlf = parse_po(text.replace("\n", "\r\n"))  # CRLF, and a CR inside a string, are read
    assert [m.msgstr for m in crlf.messages] == ["б"]
    assert parse_po('msgid "a"\nmsgstr "x\ry"\n').messages[0].msgstr == "x\ry"


def test_a_byte_order_mark_is_named() -> None:
    with pytest.raises(CatalogError) as e:
        parse_po('\ufeff# x\nmsgid "a"\nmsgstr "b"\n', "x.po")
    assert e.value.line == 1 and "byte order mark" in e.value.what
