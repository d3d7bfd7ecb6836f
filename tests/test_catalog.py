"""Catalog updates follow msgmerge: nothing translated is lost, changes go fuzzy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tm.catalog import build_template, update_catalog
from tm.config import load_config
from tm.po import format_po, parse_po, read_po, write_po
from tm.project import segment_project
from tm.segment import segment_document
from tm.source import units

from .conftest import LECTURE_DOC

needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")


def template_of(text: str):
    segs = segment_document(text, units(text), "en")
    return build_template(segs, "sources/doc.md", "doc", created="2026-01-01 00:00+0000")


OLD = "# Title\n\nFirst sentence stays. Second sentence will change a little.\n\nGone for good.\n"
NEW = "# Title\n\nFirst sentence stays. Second sentence will change a bit.\n\nBrand new text.\n"


def translated(cat):
    for m in cat.messages:
        m.msgstr = "RU " + m.msgid
    return cat


def test_update_keeps_changes_fuzzy_and_obsoletes() -> None:
    old = translated(update_catalog(template_of(OLD), None, "ru"))
    new = update_catalog(template_of(NEW), old, "ru")
    by_id = {m.msgid: m for m in new.messages if not m.obsolete}
    assert by_id["First sentence stays."].msgstr == "RU First sentence stays."
    assert not by_id["First sentence stays."].fuzzy
    changed = by_id["Second sentence will change a bit."]
    assert changed.fuzzy and changed.msgstr == "RU Second sentence will change a little."
    assert changed.previous_msgid == "Second sentence will change a little."
    assert by_id["Brand new text."].msgstr == ""
    obsolete = [m for m in new.messages if m.obsolete]
    assert [m.msgid for m in obsolete] == ["Gone for good."]
    assert obsolete[0].msgstr == "RU Gone for good."
    # and it comes back from the obsolete entries when the sentence returns
    again = update_catalog(template_of(OLD), new, "ru")
    back = {m.msgid: m for m in again.messages if not m.obsolete}
    assert back["Gone for good."].msgstr == "RU Gone for good." and not back["Gone for good."].fuzzy


def test_untranslated_removed_entries_are_dropped_not_obsoleted() -> None:
    old = update_catalog(template_of(OLD), None, "ru")
    new = update_catalog(template_of(NEW), old, "ru")
    assert not [m for m in new.messages if m.obsolete]


def test_header_has_language_plural_forms_and_charset() -> None:
    cat = update_catalog(template_of(OLD), None, "ru")
    assert cat.header["Language"] == "ru"
    assert cat.header["Plural-Forms"].startswith("nplurals=3;")
    assert "charset=UTF-8" in cat.header["Content-Type"]
    de = update_catalog(template_of(OLD), None, "de")
    assert de.header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_references_and_block_kinds() -> None:
    cat = template_of("# Title\n\nSame line.\n\n- Same line.\n")
    by_id = {m.msgid: m for m in cat.messages}
    assert by_id["Title"].references == ["sources/doc.md:1"]
    assert by_id["Same line."].references == ["sources/doc.md:3", "sources/doc.md:5"]
    assert by_id["Title"].extracted == ["heading"]


def test_format_and_parse_round_trip() -> None:
    old = translated(update_catalog(template_of(OLD), None, "ru"))
    new = update_catalog(template_of(NEW), old, "ru")
    text = format_po(new)
    assert format_po(parse_po(text)) == text


@needs_gettext
def test_same_outcome_as_msgmerge(tmp_path: Path) -> None:
    """tm's update and `msgmerge --previous` agree on every entry's fate."""
    old = translated(update_catalog(template_of(OLD), None, "ru"))
    pot = template_of(NEW)
    write_po(tmp_path / "old.po", old)
    write_po(tmp_path / "new.pot", pot)
    subprocess.run(["msgmerge", "-q", "--previous", "-o", str(tmp_path / "gnu.po"),
                    str(tmp_path / "old.po"), str(tmp_path / "new.pot")], check=True)
    gnu = read_po(tmp_path / "gnu.po")
    ours = update_catalog(pot, old, "ru")

    def fate(cat):
        return sorted((m.msgid, m.msgstr, m.fuzzy, m.obsolete, m.previous_msgid)
                      for m in cat.messages)

    assert fate(ours) == fate(gnu)


@needs_gettext
def test_project_catalogs_pass_msgfmt_check(project: Path) -> None:
    config = load_config()
    segment_project(config)
    paths = [config.template_path(LECTURE_DOC)] + [
        config.catalog_path(LECTURE_DOC, lang) for lang in ("ru", "de")]
    for p in paths:
        r = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(p)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_resegment_after_source_edit_keeps_translations(project: Path) -> None:
    config = load_config()
    segment_project(config)
    po = config.catalog_path(LECTURE_DOC, "ru")
    cat = read_po(po)
    for m in cat.messages:
        m.msgstr = "ПЕРЕВОД " + m.msgid
    write_po(po, cat)
    src = config.source_path(LECTURE_DOC)
    text = src.read_text("utf-8")
    src.write_text(text.replace("Clara Weiss\n", "Clara Weiss, historian\n", 1)
                   .replace("He continued:", "He went on:"), "utf-8")
    segment_project(config)
    after = read_po(po)
    fuzzy = [m for m in after.messages if m.fuzzy]
    assert {m.previous_msgid for m in fuzzy} >= {"Clara Weiss"}
    untranslated = [m.msgid for m in after.messages if not m.msgstr]
    assert untranslated == ["He went on:"]  # too different from "He continued:" to inherit
    assert [m.msgid for m in after.messages if m.obsolete] == ["He continued:"]
    assert all(m.msgstr.startswith("ПЕРЕВОД ") for m in after.messages if m.msgstr)
    assert sum(1 for m in after.messages if m.translated) == len(cat.messages) - 2


def test_common_plurals_are_translate_toolkits() -> None:
    from translate.lang import data

    from tm.catalog import COMMON_PLURALS

    for lang, header in COMMON_PLURALS.items():
        n, expr = data.languages[lang][1], data.languages[lang][2]
        assert header == f"nplurals={n}; plural={expr if expr.startswith('(') else f'({expr})'};"


def test_a_confirmed_plural_entry_forgets_its_previous_strings() -> None:
    """msgmerge writes `#| msgid_plural` beside `#| msgid`; once the translator unfuzzies
    the entry, re-segmenting must drop both, not leave a previous plural behind."""
    old = parse_po(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#| msgid "One file"\n#| msgid_plural "%d files"\n'
        'msgid "One document"\nmsgid_plural "%d documents"\n'
        'msgstr[0] "Один документ"\nmsgstr[1] "%d документа"\nmsgstr[2] "%d документов"\n')
    template = parse_po(
        'msgid ""\nmsgstr ""\n"POT-Creation-Date: 2026-11-27 12:00+0000\\n"\n\n'
        'msgid "One document"\nmsgid_plural "%d documents"\nmsgstr[0] ""\n')
    new = update_catalog(template, old, "ru")
    (m,) = new.active
    assert m.msgstr_plural[2] == "%d документов"
    assert (m.previous_msgid, m.previous_msgid_plural) == (None, None)
    assert "#|" not in format_po(new)


def test_a_sentence_both_active_and_obsolete_is_refused_as_msgfmt_refuses_it() -> None:
    """A hand-edited catalog (a git merge, an editor's restore) can hold a sentence both
    active and obsolete: msgfmt refuses it as a duplicate, and so does tm, naming the
    obsolete copy's line (it used to be dropped without a word, its translation lost)."""
    from tm.errors import CatalogError

    text = ('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
            'msgid "Gone."\nmsgstr "Новый перевод."\n\n'
            '#~ msgid "Gone."\n#~ msgstr "Старый перевод."\n')
    with pytest.raises(CatalogError) as e:
        parse_po(text, "ru.po")
    assert e.value.line == 8 and "duplicate message definition (first at line 5)" in str(e.value)
    assert "delete the obsolete (#~) copy" in str(e.value)


def test_a_better_memory_match_replaces_a_guess_from_a_vanished_sentence() -> None:
    """A changed sentence inherits the most similar vanished translation (msgmerge's
    guess); a memory match scoring higher is filled in instead (the vanished
    translation goes obsolete, not lost), and a memory match the entry does not take
    says so, so that no `#. tm:` line describes a msgstr that is not there."""
    from tm.catalog import NOT_FILLED
    from tm.model import Suggestion

    old_text = ("In 1934 the party purged 3,688 members.<sup>[1]</sup>\n\n"
                "Second sentence will change a little.\n")
    new_text = ("The plenum of 1937 expelled 12 members.<sup>[4]</sup>\n\n"
                "Second sentence will change a bit.\n")
    old = translated(update_catalog(template_of(old_text), None, "ru"))
    better = Suggestion("Пленум 1937 г. исключил 12 членов.<sup>[4]</sup>", True,
                        ["tm: 99% memory/mem.tmx (adapted)"])
    worse = Suggestion("Второе предложение.", True, ["tm: 76% memory/mem.tmx"])
    plenum_id = "The plenum of 1937 expelled 12 members.<sup>[4]</sup>"
    new = update_catalog(template_of(new_text), old, "ru", {
        plenum_id: better, "Second sentence will change a bit.": worse})
    by_id = {m.msgid: m for m in new.messages if not m.obsolete}
    plenum = by_id[plenum_id]
    assert (plenum.msgstr, plenum.fuzzy, plenum.previous_msgid) == (
        "Пленум 1937 г. исключил 12 членов.<sup>[4]</sup>", True, None)
    assert "tm: 99% memory/mem.tmx (adapted)" in plenum.extracted
    second = by_id["Second sentence will change a bit."]
    assert second.msgstr == "RU Second sentence will change a little." and second.fuzzy
    assert f"tm: 76% memory/mem.tmx; {NOT_FILLED}" in second.extracted
    assert [(m.msgid, m.msgstr) for m in new.messages if m.obsolete] == [
        ("In 1934 the party purged 3,688 members.<sup>[1]</sup>",
         "RU In 1934 the party purged 3,688 members.<sup>[1]</sup>")]


WRAPPED = ("# Title\n\nRust is proving to be a productive tool for collaborating among large\n"
           "teams of developers. It has a word that changes here.\n\nLast line  \nbreaks hard.\n")
REWRAPPED = ("# Title\n\nRust is proving to be a productive tool for collaborating\n"
             "among large teams of developers. It has a word that changed\nhere.\n\n"
             "Last line\nbreaks hard.\n")


def test_a_rewrapped_sentence_keeps_its_translation() -> None:
    """A word changed in a paragraph wrapped at 80 columns moves the line breaks of the
    sentences around it: those render the same text and keep their translation as it
    was (msgmerge would make them fuzzy). The changed sentence goes fuzzy; a hard line
    break (two spaces) that became a soft one is a change."""
    old = translated(update_catalog(template_of(WRAPPED), None, "ru"))
    new = update_catalog(template_of(REWRAPPED), old, "ru")
    by_id = {m.msgid: m for m in new.messages if not m.obsolete}
    moved = ("Rust is proving to be a productive tool for collaborating\n"
             "among large teams of developers.")
    first = by_id[moved]
    assert first.msgstr == ("RU Rust is proving to be a productive tool for collaborating "
                            "among large\nteams of developers.")
    assert not first.fuzzy and first.previous_msgid is None
    changed = by_id["It has a word that changed\nhere."]
    assert changed.fuzzy and changed.previous_msgid == "It has a word that changes here."
    hard = by_id["Last line\nbreaks hard."]
    assert hard.fuzzy and hard.previous_msgid == "Last line  \nbreaks hard."
    assert [m.msgid for m in new.messages if m.obsolete] == []
    # re-wrapped back: the moved sentence again as it was, the fuzzy one still fuzzy
    again = update_catalog(template_of(WRAPPED), new, "ru")
    back = {m.msgid: m for m in again.messages if not m.obsolete}
    assert back["It has a word that changes here."].fuzzy
    assert not back["Rust is proving to be a productive tool for collaborating among large\n"
                    "teams of developers."].fuzzy


def test_a_memory_fuzzy_fill_shows_the_units_source_as_previous() -> None:
    """A fuzzy memory match is written with `#|` the unit's source (as msgmerge writes a
    compendium's), so Poedit and Lokalize show what differs: for a new sentence, and for
    a changed one whose memory match beat the old translation (its `#|` was dropped)."""
    from tm.model import Suggestion

    unit = "Second sentence will change a little bit."
    old = translated(update_catalog(template_of(OLD), None, "ru"))
    fills = {"Second sentence will change a bit.": Suggestion(
                 "Второе предложение.", True, ["tm: 96% memory/mem.tmx"], unit),
             "Brand new text.": Suggestion("Новый текст.", True, ["tm: 80% memory/mem.tmx"],
                                           "Brand new texts."),
             "Title": Suggestion("Заголовок", False, ["tm: 100% memory/mem.tmx"])}
    new = update_catalog(template_of(NEW), old, "ru", fills)
    by_id = {m.msgid: m for m in new.messages if not m.obsolete}
    changed = by_id["Second sentence will change a bit."]
    assert (changed.msgstr, changed.fuzzy, changed.previous_msgid) == (
        "Второе предложение.", True, unit)
    fresh = by_id["Brand new text."]
    assert (fresh.msgstr, fresh.fuzzy, fresh.previous_msgid) == (
        "Новый текст.", True, "Brand new texts.")
    assert by_id["Title"].previous_msgid is None  # kept its own translation
    first = update_catalog(template_of(NEW), None, "ru", fills)
    assert {m.msgid: m.previous_msgid for m in first.messages}["Brand new text."] == (
        "Brand new texts.")
    assert '#| msgid "Brand new texts."\nmsgid "Brand new text."' in format_po(first)


@needs_gettext
def test_an_old_context_shows_in_the_previous_strings_as_msgmerge_writes_it(
        tmp_path: Path) -> None:
    """An entry given a context by another tool, then merged into the sentence without
    one: `#| msgctxt` and `#| msgid`, as `msgmerge --previous` writes them (the context
    was dropped, leaving a `#|` identical to the msgid)."""
    old = translated(update_catalog(template_of(OLD), None, "ru"))
    for m in old.messages:
        if m.msgid == "First sentence stays.":
            m.msgctxt = "x"
    pot = template_of(OLD)
    write_po(tmp_path / "old.po", old)
    write_po(tmp_path / "new.pot", pot)
    subprocess.run(["msgmerge", "-q", "--previous", "-o", str(tmp_path / "gnu.po"),
                    str(tmp_path / "old.po"), str(tmp_path / "new.pot")], check=True)
    gnu = {m.msgid: m for m in read_po(tmp_path / "gnu.po").messages if not m.obsolete}
    ours = {m.msgid: m for m in update_catalog(pot, old, "ru").messages if not m.obsolete}
    first = ours["First sentence stays."]
    assert (first.fuzzy, first.previous_msgctxt, first.previous_msgid) == (
        True, "x", "First sentence stays.")
    assert (gnu["First sentence stays."].previous_msgctxt,
            gnu["First sentence stays."].previous_msgid) == ("x", "First sentence stays.")


def test_a_rewrapped_yaml_literal_block_is_a_change() -> None:
    """In a YAML literal block (`description: |`) a line break is part of the value: a
    front-matter entry whose line breaks moved is fuzzy, as any change."""
    old_text = ("---\ndescription: |\n  The first line of the poem\n  and the second line.\n"
                "---\n\nText here.\n")
    old = translated(update_catalog(template_of(old_text), None, "ru"))
    new = update_catalog(template_of(old_text.replace("poem\n  and", "poem and\n ")), old, "ru")
    poem = next(m for m in new.messages if not m.obsolete and "poem" in m.msgid)
    assert poem.fuzzy and poem.previous_msgid == "The first line of the poem\nand the second line."


def test_a_rewrapped_paragraph_is_not_counted_as_prefilled(project: Path) -> None:
    """`pre-filled ru 4` after a re-wrap made a user think the memory overwrote their
    translations: kept translations are not pre-fills."""
    config = load_config()
    segment_project(config)
    po = config.catalog_path(LECTURE_DOC, "ru")
    cat = read_po(po)
    for m in cat.messages:
        m.msgstr, m.flags = "ПЕРЕВОД " + m.msgid, []
    write_po(po, cat)
    src = config.source_path(LECTURE_DOC)
    text = src.read_text("utf-8")
    para = max(text.split("\n\n"), key=len)
    words = para.split(" ")
    half = len(words) // 2
    src.write_text(text.replace(para, " ".join(words[:half]) + "\n" + " ".join(words[half:])),
                   "utf-8")
    from typer.testing import CliRunner

    from tm.cli import app

    r = CliRunner().invoke(app, ["segment"])  # with the memory and the termbase
    assert r.exit_code == 0, r.output
    assert "pre-filled ru" not in r.output, r.output
    after = read_po(po)
    assert sum(m.translated for m in after.messages) == len(cat.messages) - sum(
        m.fuzzy for m in after.messages)
    assert any("\n" in m.msgid and m.translated for m in after.messages)  # kept as they were


def test_a_fuzzy_header_stays_fuzzy() -> None:
    """msgmerge keeps a header entry's `#, fuzzy` (a translator's "not reviewed yet");
    tm's update dropped it."""
    old = parse_po('#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
                   'msgid "Kept."\nmsgstr "Оставлено."\n')
    template = build_template([], "doc.md", "doc")
    assert update_catalog(template, old, "ru").header_flags == ["fuzzy"]
    assert update_catalog(template, None, "ru").header_flags == []
