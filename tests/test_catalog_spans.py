"""A re-run merges only the catalog entries whose template entry changed
(tm.catalog_spans), and writes byte for byte what merging the whole catalog writes."""

from __future__ import annotations

import marshal
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import LECTURE
from tm import catalog as catalogs
from tm import catalog_spans
from tm.config import load_config
from tm.memory import project_advisor
from tm.po import read_po, write_po
from tm.project import segment_project

DATA = Path(__file__).parent / "data"


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "sources").mkdir(parents=True)
    shutil.copy(LECTURE, root / "sources" / "doc.md")
    (root / "memory").mkdir()
    shutil.copy(DATA / "memory_lecture.tmx", root / "memory" / "lecture.tmx")
    old = os.stat(root / "memory" / "lecture.tmx").st_mtime - 60  # see test_advice_cache
    os.utime(root / "memory" / "lecture.tmx", (old, old))
    (root / "tm.toml").write_text(
        'languages = ["en", "ru"]\n[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n',
        encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def merged(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many template entries each catalog merge was given."""
    sizes: list[int] = []
    real = catalogs.update_catalog

    def counting(template, old, lang, suggestions=None, **kw):  # type: ignore[no-untyped-def]
        sizes.append(len(template.messages))
        return real(template, old, lang, suggestions, **kw)

    monkeypatch.setattr(catalogs, "update_catalog", counting)
    yield sizes


def _run(root: Path, memory: bool) -> None:
    cwd = Path.cwd()
    os.chdir(root)
    try:
        config = load_config()
        segment_project(config, advisor=project_advisor(config) if memory else None)
    finally:
        os.chdir(cwd)


def _outputs(root: Path) -> dict[str, list[str]]:
    """Every template and catalog, without the lines that hold the time of the run."""
    return {p.relative_to(root).as_posix(): [
        line for line in p.read_text("utf-8").splitlines() if "-Date: " not in line]
        for p in sorted((root / "locales").rglob("*.po*"))}


def _edit(text: str, rng: random.Random) -> str:
    """One edit an author makes: a word changed, a paragraph deleted, moved or doubled,
    or a sentence added to a paragraph."""
    paras = text.split("\n\n")
    plain = [i for i, p in enumerate(paras) if p[:1].isalpha() and len(p) > 80]
    i = rng.choice(plain)
    what = rng.choice(["word", "word", "word", "delete", "move", "double", "sentence"])
    if what == "word":
        words = paras[i].split(" ")
        k = rng.randrange(len(words))
        words[k] = words[k] + "s" if rng.random() < 0.5 else "very " + words[k]
        paras[i] = " ".join(words)
    elif what == "delete":
        del paras[i]
    elif what == "move":
        paras.insert(rng.randrange(len(paras)), paras.pop(i))
    elif what == "double":
        paras.insert(rng.randrange(len(paras)), paras[i])
    else:
        paras[i] += " The archive holds a second copy of this file."
    return "\n\n".join(paras)


def _translate(root: Path, rng: random.Random, share: float) -> None:
    """A translator saves the catalog with `share` of the untranslated entries (at least
    one) translated, as an editor does."""
    path = root / "locales" / "ru" / "doc.po"
    cat = read_po(path)
    todo = [m for m in cat.messages if not m.obsolete and not m.msgstr]
    for m in rng.sample(todo, max(1, int(len(todo) * share))):
        m.msgstr = f"Перевод переводчика {rng.randrange(10**6)}."
    write_po(path, cat)


@pytest.mark.parametrize("memory", [True, False])
def test_a_rerun_merges_only_what_changed_and_writes_what_a_whole_merge_writes(
        proj: Path, tmp_path: Path, merged: list[int], memory: bool) -> None:
    rng = random.Random(8 if memory else 9)
    _run(proj, memory)
    _translate(proj, rng, 0.6)  # so that edits make translations fuzzy and obsolete
    _run(proj, memory)
    src = proj / "sources" / "doc.md"
    partial, seen = 0, set()
    for round_ in range(10):
        src.write_text(_edit(src.read_text("utf-8"), rng), "utf-8")
        translated = round_ % 4 == 3
        if translated:
            _translate(proj, rng, 0.0)
        whole = tmp_path / f"whole-{round_}"
        shutil.copytree(proj, whole)
        shutil.rmtree(whole / ".tm" / "spans")
        merged.clear()
        _run(proj, memory)
        entries = len(read_po(proj / "locales" / "templates" / "doc.pot").messages)
        if translated:  # the catalog is no longer what tm wrote: merged whole
            assert merged == [entries]
        elif merged[0] < entries:
            partial += 1
            ru = (proj / "locales" / "ru" / "doc.po").read_text("utf-8")
            seen |= {mark for mark in ("\n#~ msgid ", "\n#| msgid ") if mark in ru}
        merged.clear()
        _run(whole, memory)
        assert merged == [entries]  # the reference run did merge everything
        assert _outputs(proj) == _outputs(whole)
        assert (proj / "locales" / "ru" / "doc.po").read_bytes().count(b"\nmsgid ") > 100
    assert partial >= 5  # most rounds reused the entries that did not change
    assert seen == {"\n#~ msgid ", "\n#| msgid "}  # with obsolete and fuzzy entries


def test_damaged_or_foreign_spans_are_ignored(proj: Path, tmp_path: Path,
                                              merged: list[int]) -> None:
    _run(proj, True)
    kept = sorted((proj / ".tm" / "spans").iterdir())
    assert len(kept) == 2  # the template's and the catalog's
    src = proj / "sources" / "doc.md"
    src.write_text(src.read_text("utf-8") + "\nOne more sentence at the end.\n", "utf-8")
    whole = tmp_path / "whole"
    shutil.copytree(proj, whole)
    shutil.rmtree(whole / ".tm" / "spans")
    _run(whole, True)
    whole_spans = [p.read_bytes() for p in kept]
    schema, context, file, keys, count, sizes, check = marshal.loads(whole_spans[1])
    flipped = bytes([keys[40] ^ 4]) if keys else b""
    swapped = sizes[8:16] + sizes[:8] + sizes[16:]  # two entries' sizes: the same total
    assert swapped != sizes
    damages = [b"", b"\x00garbage", *(data[:-7] for data in whole_spans),
               marshal.dumps((schema, context, file, keys, count + 1, sizes, check)),  # one more
               marshal.dumps((schema, context, file, keys[:40] + flipped + keys[41:], count,
                              sizes, check)),
               marshal.dumps((schema, context, file, keys[:32] + keys[48:], count, sizes,
                              check)),
               marshal.dumps((schema, context, file, keys, count, swapped, check)),
               marshal.dumps((schema, context, file, keys, count, sizes[:-8], check)),
               marshal.dumps((schema, context, file, keys, count, check)),  # an older schema
               marshal.dumps(("tm-spans-3", context, file, keys, count, check))]
    for n, damage in enumerate(damages):
        for p in kept:
            p.write_bytes(damage)
        twin = tmp_path / f"damaged-{n}"
        shutil.copytree(proj, twin)
        merged.clear()
        _run(twin, True)
        assert merged == [len(read_po(twin / "locales" / "templates" / "doc.pot").messages)]
        assert _outputs(twin) == _outputs(whole)


def test_the_entries_are_found_again_in_the_text_written() -> None:
    blocks = ['msgid "a"\nmsgstr ""', '#. x\nmsgid "б"\nmsgstr "в"', '#~ msgid "c"\n#~ msgstr "d"']
    text, spans = catalog_spans.layout("ctx", 'msgid ""\nmsgstr ""\n', blocks,
                                       [b"k" * 16, b"l" * 16])
    assert text == 'msgid ""\nmsgstr ""\n\n' + "\n\n".join(blocks) + "\n"
    assert catalog_spans.entries(text, spans.count) == ('msgid ""\nmsgstr ""\n', blocks)
    assert catalog_spans.entries(text, spans.count + 1) is None
    assert catalog_spans.entries('msgid ""\nmsgstr ""\n', 0) == ('msgid ""\nmsgstr ""\n', [])


def test_a_document_whose_source_language_changes_is_merged_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merged: list[int]) -> None:
    """Advice depends on the source language: en->ru term hints must not stay on the
    entries of a document that is now French."""
    (tmp_path / "sources" / "a").mkdir(parents=True)
    (tmp_path / "sources" / "b").mkdir()
    (tmp_path / "sources" / "a" / "x.md").write_text(
        "The Central Control Commission expelled Trotsky from the party.\n\nA second one.\n",
        "utf-8")
    (tmp_path / "sources" / "b" / "y.md").write_text("Bonjour tout le monde.\n", "utf-8")
    toml = ('languages = ["en", "ru", "fr"]\n[[documents]]\nglob = "a/*.md"\nlanguage = "{a}"\n'
            '[[documents]]\nglob = "b/*.md"\nlanguage = "{b}"\n')
    (tmp_path / "tm.toml").write_text(toml.format(a="en", b="fr"), "utf-8")
    monkeypatch.chdir(tmp_path)
    _run(tmp_path, True)
    assert "#. terms: Central Control Commission" in (
        tmp_path / "locales" / "ru" / "a" / "x.po").read_text("utf-8")
    (tmp_path / "tm.toml").write_text(toml.format(a="fr", b="en"), "utf-8")
    whole = tmp_path.parent / "whole"
    shutil.copytree(tmp_path, whole)
    shutil.rmtree(whole / ".tm" / "spans")
    _run(tmp_path, True)
    _run(whole, True)
    assert _outputs(tmp_path) == _outputs(whole)
    assert "#. terms:" not in (tmp_path / "locales" / "ru" / "a" / "x.po").read_text("utf-8")


def test_a_template_keeps_its_bytes_and_date_until_an_entry_changes(proj: Path) -> None:
    """A re-run that changes no template entry leaves the template's file as it was,
    creation date included (so does `msgmerge`); one that changes an entry writes the
    run's date, with the entries of a whole format."""
    _run(proj, memory=False)
    pot = proj / "locales" / "templates" / "doc.pot"
    first = pot.read_bytes()
    stamp = "2001-01-01 00:00+0000"
    dated = first.decode().replace(read_po(pot).header["POT-Creation-Date"], stamp, 1)
    pot.write_text(dated, encoding="utf-8")  # as if written long ago
    (proj / ".tm" / "uptodate.bin").unlink()
    _run(proj, memory=False)
    assert pot.read_text("utf-8") == dated
    src = proj / "sources" / "doc.md"
    src.write_text(src.read_text("utf-8").replace("Trotsky", "Trotskii", 1), "utf-8")
    _run(proj, memory=False)
    assert read_po(pot).header["POT-Creation-Date"] != stamp
    fresh = proj.parent / "fresh"
    shutil.copytree(proj / "sources", fresh / "sources")
    shutil.copy(proj / "tm.toml", fresh / "tm.toml")
    _run(fresh, memory=False)
    assert _outputs(proj) == _outputs(fresh)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab\n\"б€\U0001f600 #"), min_size=1, max_size=6)
                .filter(lambda t: "\n\n" not in t and not t.startswith("\n")
                        and not t.endswith("\n")), max_size=12, unique=True),
       st.integers(0, 4), st.data())
def test_a_plan_copies_what_it_reuses_and_puts_the_rest_in_place(
        blocks: list[str], obsolete: int, data: st.DataObject) -> None:
    """The file a plan assembles (runs of old entries copied, fresh ones in the places
    of the changed) is the file of all its entries laid out anew, and its sizes hold."""
    from tm.atomic import FileState

    header = 'msgid ""\nmsgstr ""\n'
    obsolete = min(obsolete, len(blocks))
    active = len(blocks) - obsolete
    keys = [bytes([i]) * 16 for i in range(active)]
    old, spans = catalog_spans.layout("ctx", header.encode(), [b.encode() for b in blocks],
                                      keys)
    spans = catalog_spans.Spans("ctx", FileState.of(old).digest, keys, len(blocks),
                                spans.sizes)
    new_keys = data.draw(st.permutations(keys + [bytes([200 + i]) * 16 for i in range(3)]))
    new_keys = new_keys[:data.draw(st.integers(0, len(new_keys)))]
    got = catalog_spans.plan(spans, old, FileState.of(old), "ctx", new_keys)
    assert got is not None
    by_key = dict(zip(keys, blocks, strict=False))
    fresh = [f"fresh {k[0]}" for k in new_keys if k not in by_key] + ["#~ obsolete"]
    made, sizes = got.assemble(b"head\n", fresh)
    it = iter(fresh)
    expected = [by_key[k] if k in by_key else next(it) for k in new_keys] + list(it)
    assert made == catalog_spans.body(expected, "head\n").encode()
    assert sizes == [len(b.encode()) for b in expected]
    left = [b for k, b in zip(keys, blocks, strict=False) if k not in new_keys]
    left += blocks[active:]
    assert got.rest == (catalog_spans.body(left, header) if left else header)
