"""The index keeps 16 units a row (tm.memory.blocks): every unit, language, text and
aligned flag comes back as it went in, whatever the texts hold and wherever a block
boundary falls."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tm.memory import MemorySource, SqliteIndex
from tm.memory.blocks import BLOCK_BITS, decode
from tm.memory.formats import MemoryUnit
from tm.memory.ingest import Rows, build_from_rows

LANGS = ["en", "ru", "de", "fr-CA"]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["", "\0", "a\0b", "Суд\0"])  # NUL: what the block puts between texts
UNITS = st.lists(st.builds(
    lambda texts, aligned, uncertain: MemoryUnit(texts, aligned=aligned, uncertain=uncertain),
    st.dictionaries(st.sampled_from(LANGS), TEXT, max_size=4), st.booleans(),
    st.booleans()), max_size=60)
PAIRS = st.lists(st.tuples(TEXT.filter(str.strip), TEXT.filter(str.strip), st.booleans()),
                 max_size=60)


Decoded = dict[int, tuple[bool, dict[str, str]]]


def _decoded(rows: Rows, items: list[tuple[int, bytes, str]]) -> Decoded:
    codes = {n: code for code, n in rows.numbers.items()}
    got: Decoded = {}
    for key, heads, texts in items:
        as_bytes = list(decode(heads, texts.encode()))  # as lookups read them
        assert as_bytes == list(decode(heads, texts))
        for wanted in ({0}, {1, 2, 15}, set(range(0, 16, 3)), {9, 14}):
            for form in (texts, texts.encode()):
                assert list(decode(heads, form, wanted)) == [
                    unit for unit in as_bytes if unit[0] in wanted]
        for offset, aligned, variants in as_bytes:
            got[(key << BLOCK_BITS | offset) - rows.base] = (
                aligned, {codes[n]: text for n, text in variants})
    return got


@settings(max_examples=200, deadline=None)
@given(units=UNITS)
def test_units_come_back_from_their_blocks(units: list[MemoryUnit]) -> None:
    rows = Rows(5 << 32, ["en"])
    items = list(rows.rows(units))
    assert [key for key, _, _ in items] == sorted({key for key, _, _ in items})
    assert _decoded(rows, items) == {pos: (u.aligned, u.texts) for pos, u in enumerate(units)
                                     if not u.uncertain and u.texts}
    assert rows.used == {lang for u in units if not u.uncertain for lang in u.texts}
    assert rows.units == sum(not u.uncertain for u in units)


@settings(max_examples=100, deadline=None)
@given(pairs=PAIRS)
def test_pairs_and_units_make_the_same_blocks(pairs: list[tuple[str, str, bool]]) -> None:
    """A TMX unit of two plain <tuv> reaches the index as a tuple: the same blocks."""
    tuples = [("en", a, "ru", b, 10 * i, flag) for i, (a, b, flag) in enumerate(pairs)]
    units = [MemoryUnit({"en": a, "ru": b}, aligned=flag) for a, b, flag in pairs]
    one, two = Rows(0, ["en"]), Rows(0, ["en"])
    items = list(one.rows(tuples))
    assert items == list(two.rows(units))
    assert _decoded(one, items) == {i: (flag, {"en": a, "ru": b})
                                    for i, (a, b, flag) in enumerate(pairs)}
    assert one.used == two.used and one.words["en"].lists == two.words["en"].lists


def test_a_block_decodes_only_the_units_asked_for() -> None:
    rows = Rows(0, [])
    units = [MemoryUnit({"en": f"e{i}", "ru": f"р{i}"}) for i in range(20)]
    (key, heads, texts), (key2, heads2, texts2) = rows.rows(units)
    assert (key, key2) == (0, 1)
    assert [(o, v) for o, _, v in decode(heads, texts, {3, 15})] == [
        (3, [(0, "e3"), (1, "р3")]), (15, [(0, "e15"), (1, "р15")])]
    assert [o for o, _, _ in decode(heads2, texts2)] == [0, 1, 2, 3]


def test_the_index_gives_back_units_lookups_and_postings_across_blocks(tmp_path: Path) -> None:
    units = [MemoryUnit({"en": f"The tribunal met on day {i}.", "ru": f"Суд заседал {i}.",
                         **({"de": f"Tag {i}."} if i % 3 == 0 else {})}, aligned=i % 2 == 0)
             for i in range(40)]
    idx = SqliteIndex(tmp_path / "i.sqlite", {"en"})
    idx.add_units(MemorySource(tmp_path / "a.tmx", "a.tmx"), units)
    assert [(u.texts, u.aligned) for u in idx.units()] == [(u.texts, u.aligned) for u in units]
    assert idx.languages() == {"en", "ru", "de"}
    for i in (0, 15, 16, 17, 39):
        text = f"The tribunal met on day {i}."
        got = idx.exact([text], "en", "ru")[text]
        assert [(c.target, c.aligned) for c in got] == [(f"Суд заседал {i}.", i % 2 == 0)]
    assert not idx.exact(["The tribunal met on day 1."], "en", "de").get(
        "The tribunal met on day 1.")
    file_id = idx.db.execute("SELECT id FROM files").fetchone()[0]
    built = build_from_rows(idx.db, file_id, "de")
    assert list(built.positions) == list(range(0, 40, 3))
    idx.close()


def test_words_keep_each_texts_length_where_its_unit_is() -> None:
    """Lengths by position (0 where the unit has no text in the language, at most
    0xFFFF), in runs of consecutive units and with gaps."""
    from tm.memory.ingest import Words

    words = Words()
    words.feed([0, 1, 2], ["ab", "c" * 70_000, ""])
    words.feed([5, 7], ["Суд", "x"])
    assert list(words.sizes) == [2, 0xFFFF, 0, 0, 0, 3, 0, 1]
    assert list(words.positions) == [0, 1, 2, 5, 7]
