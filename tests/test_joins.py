"""Sentence joins (`#, tm-joined`) and paragraph segmentation: merge, check, status, and
the `segmentation` key of a [[documents]] rule, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.checks.counts import count_catalog, scan_counts
from tm.checks.joins import broken_joins, group_sources
from tm.cli import app
from tm.config import load_config
from tm.formats import source_units
from tm.merge import merge
from tm.po import format_po, parse_po, read_po
from tm.segment import segment_document
from tm.status import project_status

SOURCE = ("# The Congress\n\n"
          "The party met in 1927. It expelled 75 members. Then it adjourned.\n\n"
          "> A quoted line. And its\n> second sentence.\n\n"
          "A last paragraph.\n")

TOML = '''languages = ["en", "ru"]

[[documents]]
glob = "**/*.md"
language = "en"
'''


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "doc.md").write_text(SOURCE, "utf-8")
    (root / "tm.toml").write_text(TOML, "utf-8")
    (root / "memory").mkdir()
    monkeypatch.chdir(root)
    r = CliRunner().invoke(app, ["segment"])
    assert r.exit_code == 0, r.output
    return root


def edit(root: Path, entries: dict[str, tuple[str, list[str]]]) -> None:
    """Set msgstr and flags of entries of the ru catalog, as an editor would."""
    path = root / "locales/ru/doc.po"
    cat = read_po(path)
    for m in cat.messages:
        if m.msgid in entries:
            m.msgstr, m.flags = entries[m.msgid][0], list(entries[m.msgid][1])
    path.write_text(format_po(cat), "utf-8")


def merged(root: Path) -> str:
    r = CliRunner().invoke(app, ["merge"])
    assert r.exit_code == 0, r.output
    return (root / "build/ru/doc.md").read_text("utf-8")


def check(root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    r = CliRunner().invoke(app, ["check", "--format", "json", *args])
    data = json.loads(r.stdout)
    findings = [f for file in data["files"] for f in file["findings"]]
    return r.exit_code, findings


BASE = {"The Congress": ("Съезд", []),
        "Then it adjourned.": ("Затем он закрылся.", []),
        "A last paragraph.": ("Последний абзац.", [])}


def test_join_merges_two_sentences_into_one(proj: Path) -> None:
    edit(proj, {**BASE,
                "The party met in 1927.": ("В 1927 году партия исключила 75 членов.", []),
                "It expelled 75 members.": ("", ["tm-joined"])})
    out = merged(proj)
    assert "В 1927 году партия исключила 75 членов. Затем он закрылся.\n" in out
    assert "It expelled" not in out
    code, findings = check(proj)
    # the numbers of the absorbed sentence are in the group's source: no `number` finding
    assert not [f for f in findings if f["code"] in ("joined", "number")], findings


def test_join_of_three_and_in_a_blockquote(proj: Path) -> None:
    edit(proj, {**BASE,
                "The party met in 1927.": ("Всё в одном.", []),
                "It expelled 75 members.": ("", ["tm-joined"]),
                "Then it adjourned.": ("ignored", ["tm-joined"]),
                "A quoted line.": ("Цитата целиком.", []),
                "And its\nsecond sentence.": ("", ["tm-joined"])})
    out = merged(proj)
    assert "\nВсё в одном.\n\n> Цитата целиком.\n\nПоследний абзац.\n" in out
    assert "ignored" not in out


@pytest.mark.parametrize("change", ["edited", "deleted"])
def test_a_joined_sentence_changed_in_the_source_unsettles_its_group(
        proj: Path, change: str) -> None:
    """The sentence before renders the joined one too: when the joined one is edited or
    deleted, that translation no longer fits. It becomes fuzzy, its `#|` the group it
    rendered; an edited joined sentence stays joined, fuzzy. Merge then writes neither in
    a mix of languages (it wrote the old group's translation beside the new sentence)."""
    edit(proj, {**BASE,
                "The party met in 1927.": ("В 1927 году партия исключила 75 членов.", []),
                "It expelled 75 members.": ("", ["tm-joined"])})
    src = proj / "sources" / "doc.md"
    new = "It expelled 76 members." if change == "edited" else ""
    src.write_text(SOURCE.replace(" It expelled 75 members.", f" {new}".rstrip()), "utf-8")
    r = CliRunner().invoke(app, ["segment"])
    assert r.exit_code == 0, r.output
    cat = {m.msgid: m for m in read_po(proj / "locales/ru/doc.po").messages if not m.obsolete}
    lead = cat["The party met in 1927."]
    assert lead.fuzzy and lead.msgstr == "В 1927 году партия исключила 75 членов."
    assert lead.previous_msgid == "The party met in 1927. It expelled 75 members."
    if change == "edited":
        joined = cat["It expelled 76 members."]
        assert joined.flags == ["fuzzy", "tm-joined"] and joined.msgstr == ""
        assert joined.previous_msgid == "It expelled 75 members."
    out = merged(proj)
    assert "The party met in 1927." in out and "В 1927 году" not in out
    assert "Затем он закрылся." in out  # the rest of the paragraph as before


def test_broken_join_falls_back_and_check_says_so(proj: Path) -> None:
    # the sentence before is untranslated: both stay in English
    edit(proj, {**BASE, "It expelled 75 members.": ("Исключила.", ["tm-joined"])})
    out = merged(proj)
    assert "The party met in 1927. It expelled 75 members. Затем он закрылся." in out
    code, findings = check(proj)
    joined = [f for f in findings if f["code"] == "joined"]
    assert code == 1 and len(joined) == 1 and joined[0]["severity"] == "error"
    assert "It expelled" in str(joined[0]["message"])


def test_join_across_blocks_is_broken(proj: Path) -> None:
    # the first sentence of a paragraph cannot join the heading before it
    edit(proj, {**BASE, "The party met in 1927.": ("", ["tm-joined"])})
    assert "\nThe party met in 1927. It expelled" in merged(proj)
    code, findings = check(proj)
    assert [f["code"] for f in findings if f["code"] == "joined"] == ["joined"]


def test_a_join_that_does_not_hold_groups_nothing_for_qa(proj: Path) -> None:
    """A paragraph's first sentence flagged joined (with the heading before it): merge
    renders no group, so the heading's translation is checked against the heading
    alone: no `number` finding for the paragraph's 1927 (a tester saw one)."""
    edit(proj, {**BASE, "The party met in 1927.": ("В 1927 году.", ["tm-joined"])})
    code, findings = check(proj)
    assert [f["code"] for f in findings] == ["joined"], findings


def test_fuzzy_before_breaks_the_join(proj: Path) -> None:
    edit(proj, {**BASE, "The party met in 1927.": ("Черновик.", ["fuzzy"]),
                "It expelled 75 members.": ("", ["tm-joined"])})
    assert "The party met in 1927. It expelled 75 members." in merged(proj)
    assert any(f["code"] == "joined" for f in check(proj)[1])


def test_ignore_flag_silences_joined(proj: Path) -> None:
    edit(proj, {**BASE, "It expelled 75 members.": ("", ["tm-joined", "tm-ignore:joined"])})
    assert not [f for f in check(proj)[1] if f["code"] == "joined"]


def test_joined_counts_as_translated(proj: Path) -> None:
    edit(proj, {**BASE,
                "The party met in 1927.": ("Всё.", []),
                "It expelled 75 members.": ("", ["tm-joined"])})
    cat = read_po(proj / "locales/ru/doc.po")
    counts = count_catalog(cat)
    lean = scan_counts((proj / "locales/ru/doc.po").read_text("utf-8"))
    assert (counts.translated, counts.untranslated) == (5, 2)
    assert lean is not None and (lean.translated, lean.untranslated) == (5, 2)
    [row] = project_status(load_config())
    assert (row.counts.translated, row.counts.untranslated) == (5, 2)
    # a fuzzy joined entry with an empty msgstr is untranslated, as msgfmt says
    edit(proj, {"It expelled 75 members.": ("", ["fuzzy", "tm-joined"])})
    assert count_catalog(read_po(proj / "locales/ru/doc.po")).translated == 4


def test_catalog_order_outside_a_project() -> None:
    cat = parse_po('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
                   'msgid "A 1."\nmsgstr "А 1 и 2."\n\n'
                   '#, tm-joined\nmsgid "B 2."\nmsgstr ""\n\n'
                   'msgid "C."\nmsgstr ""\n\n'
                   '#, tm-joined\nmsgid "D."\nmsgstr ""\n')
    assert [m.msgid for m in broken_joins(cat.messages)] == ["D."]
    assert group_sources(cat.messages) == {"A 1.": "A 1. B 2."}


def test_check_on_a_loose_file(tmp_path: Path) -> None:
    po = tmp_path / "ru.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n'
                  '#, tm-joined\nmsgid "First."\nmsgstr ""\n', "utf-8")
    r = CliRunner().invoke(app, ["check", str(po)])
    assert r.exit_code == 1 and "joined" in r.stdout


def test_merge_library_identity_with_joins() -> None:
    src = "One. Two. Three.\n\nFour.\n"
    segs = segment_document(src, source_units(Path("x.md"), src), "en")
    assert [s.block for s in segs] == [0, 0, 0, 1]
    table = {s.text: s.text for s in segs}
    assert merge(src, segs, table).text == src
    got = merge(src, segs, {**table, "One.": "Eins-zwei."}, {"Two."})
    assert got.text == "Eins-zwei. Three.\n\nFour.\n"
    assert (got.translated, got.fallback) == (4, 0)
    broken = merge(src, segs, {"Two.": "x"}, {"Two.", "Four."})
    assert broken.text == src and broken.fallback == 4


def test_paragraph_segmentation(proj: Path) -> None:
    (proj / "tm.toml").write_text(TOML + 'segmentation = "paragraph"\n', "utf-8")
    r = CliRunner().invoke(app, ["segment"])
    assert r.exit_code == 0, r.output
    ids = [m.msgid for m in read_po(proj / "locales/ru/doc.po").messages if not m.obsolete]
    assert ids == ["The Congress",
                   "The party met in 1927. It expelled 75 members. Then it adjourned.",
                   "A quoted line. And its\nsecond sentence.", "A last paragraph."]
    r = CliRunner().invoke(app, ["check", "--counts-only"])
    assert "stale" not in r.stdout
    assert merged(proj) == SOURCE


def test_paragraph_mode_round_trips_a_book_chapter() -> None:
    book = Path(__file__).parent / "data" / "rustbook" / "en" / "ch01-02-hello-world.md"
    src = book.read_text("utf-8")
    segs = segment_document(src, source_units(book, src), "en", "paragraph")
    assert merge(src, segs, {s.text: s.text for s in segs}).text == src
    assert len(segs) < len(segment_document(src, source_units(book, src), "en"))


def test_segmentation_key_errors(proj: Path) -> None:
    (proj / "tm.toml").write_text(TOML + 'segmentation = "chapter"\n', "utf-8")
    r = CliRunner().invoke(app, ["segment"])
    assert r.exit_code == 2
    assert r.stderr.startswith("tm: error: ") and r.stderr.count("\n") == 1
    assert "tm.toml:6: unknown segmentation 'chapter' (use \"sentence\"" in r.stderr
    (proj / "tm.toml").write_text(TOML + "segmentation = 1\n", "utf-8")
    r = CliRunner().invoke(app, ["segment"])
    assert r.exit_code == 2 and "tm.toml:6:" in r.stderr and "Traceback" not in r.output


def test_join_survives_segment_and_shows_in_status(proj: Path) -> None:
    edit(proj, {**BASE,
                "The party met in 1927.": ("Всё.", []),
                "It expelled 75 members.": ("", ["tm-joined"])})
    assert CliRunner().invoke(app, ["segment"]).exit_code == 0
    [m] = [m for m in read_po(proj / "locales/ru/doc.po").messages
           if m.msgid == "It expelled 75 members."]
    assert "tm-joined" in m.flags
    r = CliRunner().invoke(app, ["status", "--json"])
    assert r.exit_code == 0, r.output
    [row] = json.loads(r.stdout)
    assert (row["translated"], row["untranslated"], row["stale"]) == (5, 2, 0)
