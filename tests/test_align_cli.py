"""`tm align` end to end: TMX read back by tm's memory reader and used by the next
`tm segment`, the review page, folders paired by path, and bad input (one line, exit 2,
nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from tm.align.documents import align_texts
from tm.align.jobs import memory_name, pair_folders, plan
from tm.align.review import review_html
from tm.align.tmx import alignment_tmx
from tm.cli import app
from tm.errors import SourceError
from tm.memory.formats import read_memory

runner = CliRunner()

EN = """# Trotsky before the Control Commission

In June 1927, Trotsky was summoned before the Central Control Commission. The session
lasted three days. He told his accusers that they would fail.<sup>[4]</sup>

This remark of the author was left out of the translation entirely.

RGASPI, f. 17, op. 171, d. 87, l. 83.
"""

RU = """# Троцкий перед Контрольной комиссией

В июне 1927 года Троцкого вызвали в Центральную контрольную комиссию. Заседание
продолжалось три дня, и он заявил обвинителям, что у них ничего не выйдет.<sup>[4]</sup>

РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83.
"""


def _tmx_props(path: Path) -> tuple[list[str], list[str]]:
    root = etree.parse(str(path)).getroot()
    header = [p.text for p in root.find("header").findall("prop")
              if p.get("type") == "x-tm-origin"]
    conf = [p.text for p in root.iter("prop") if p.get("type") == "x-tm-align-confidence"]
    return header, conf


@pytest.fixture
def pair(project: Path) -> tuple[Path, Path]:
    """An English document in the project's sources and its Russian outside them."""
    en = project / "sources" / "lectures" / "control.md"
    en.write_text(EN, encoding="utf-8")
    ru = project / "translations" / "control.md"
    ru.parent.mkdir()
    ru.write_text(RU, encoding="utf-8")
    return en, ru


def test_default_output_is_project_memory_read_back_as_aligned(pair: tuple[Path, Path],
                                                               project: Path) -> None:
    r = runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru"])
    assert r.exit_code == 0, r.output
    tmx = project / "memory" / "aligned-lectures-control.tmx"
    assert tmx.is_file()
    units = list(read_memory(tmx))
    texts = {u.texts["en"]: u.texts["ru"] for u in units}
    assert texts["RGASPI, f. 17, op. 171, d. 87, l. 83."] == "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83."
    assert all(getattr(u, "aligned", True) for u in units)
    assert not any("left out" in src for src in texts)  # a 1-0 link is no unit
    header, conf = _tmx_props(tmx)
    assert header == ["aligned"]
    assert len(conf) == len(units) and all(0 <= float(c) <= 1 for c in conf)


def test_next_segment_fills_from_the_aligned_memory(pair: tuple[Path, Path],
                                                    project: Path) -> None:
    assert runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru"]).exit_code == 0
    r = runner.invoke(app, ["segment", "lectures/control"])
    assert r.exit_code == 0, r.output
    po = (project / "locales" / "ru" / "lectures" / "control.po").read_text("utf-8")
    assert 'msgstr "РГАСПИ. Ф. 17. Оп. 171. Д. 87. Л. 83."' in po


def test_output_file_and_review_page(pair: tuple[Path, Path], tmp_path: Path) -> None:
    out, page = tmp_path / "out" / "x.tmx", tmp_path / "review.html"
    r = runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru", "--from", "en",
                            "-o", str(out), "--review", str(page), "--quiet"])
    assert r.exit_code == 0, r.output
    assert out.is_file() and len(list(read_memory(out))) >= 4
    html = page.read_text("utf-8")
    assert 'class="gap"' in html and "left out of the translation" in html
    assert "РГАСПИ. Ф. 17." in html


def test_review_marks_low_confidence_links() -> None:
    al = align_texts(EN, RU, "en", "ru")
    html = review_html([al], low=1.01)  # every link below: all marked
    linked = sum(1 for x in al.links if x.source and x.target)
    assert html.count('class="low"') == linked


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_folders_align_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "en", {"a.md": EN, "sub/b.md": EN, "only-en.md": EN})
    _write(tmp_path / "ru", {"a.md": RU, "sub/b.md": RU, "only-ru.md": RU})
    p = pair_folders(tmp_path / "en", tmp_path / "ru")
    assert [x.doc for x in p.pairs] == ["a", "sub/b"]
    assert sorted(x.name for x in p.unpaired) == ["only-en.md", "only-ru.md"]
    r = runner.invoke(app, ["align", "en", "ru", "--to", "ru"])
    assert r.exit_code == 0, r.output
    assert sorted(x.name for x in (tmp_path / "memory").iterdir()) == [
        "aligned-a.tmx", "aligned-sub-b.tmx"]
    assert "only-en.md" in r.output and "only-ru.md" in r.output


def test_language_infixes_pair_too(tmp_path: Path) -> None:
    _write(tmp_path / "x", {"a.en.md": EN})
    _write(tmp_path / "y", {"a.ru.md": RU})
    p = pair_folders(tmp_path / "x", tmp_path / "y", ["en", "ru"])
    assert [x.doc for x in p.pairs] == ["a"]
    assert memory_name("lectures/part-4") == "aligned-lectures-part-4.tmx"


def _error_line(r: object) -> str:
    out = r.output  # type: ignore[attr-defined]
    lines = [x for x in out.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("tm: error: "), out
    return lines[0]


@pytest.mark.parametrize("case", ["missing", "empty", "binary", "file-and-folder", "no-pairs",
                                  "same-language", "copy-as-translation", "swapped",
                                  "csv-output"])
def test_bad_input_is_one_line_exit_2_nothing_written(case: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"en.md": EN, "ru.md": RU, "e/a.md": EN, "r/b.md": RU, "copy.md": EN})
    args = {"missing": ["en.md", "nope.md"], "file-and-folder": ["en.md", "r"],
            "no-pairs": ["e", "r"], "same-language": ["en.md", "ru.md", "--from", "ru"],
            "empty": ["en.md", "blank.md"], "binary": ["en.md", "bin.md"],
            # English given as the Russian: a memory that would pre-fill English as ru
            "copy-as-translation": ["en.md", "copy.md"],
            "swapped": ["ru.md", "en.md", "--from", "en"],
            # a memory file is read by its suffix: TMX in x.csv broke every later run
            "csv-output": ["en.md", "ru.md", "-o", "memory/x.csv"]}[case]
    (tmp_path / "blank.md").write_text("<!-- nothing -->\n", encoding="utf-8")
    (tmp_path / "bin.md").write_bytes(b"\xff\xfe\x00bad")
    r = runner.invoke(app, ["align", *args, "--to", "ru", "--review", "page.html"])
    assert r.exit_code == 2
    _error_line(r)
    assert not (tmp_path / "memory").exists() and not (tmp_path / "page.html").exists()


@pytest.mark.parametrize("where", ["folder", "unwritable"])
def test_an_output_that_cannot_be_written_is_one_line(where: str, pair: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    out = tmp_path if where == "folder" else Path("/proc/no-such/x.tmx")
    r = runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru", "-o", str(out)])
    assert r.exit_code == 2
    assert str(out) in _error_line(r)


@pytest.mark.parametrize("case", ["same-file", "same-folder", "same-via-symlink"])
def test_the_same_document_on_both_sides_is_an_error(case: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"en.md": EN, "e/a.md": EN})
    (tmp_path / "link.md").symlink_to(tmp_path / "en.md")
    args = {"same-file": ["en.md", "en.md"], "same-folder": ["e", "e"],
            "same-via-symlink": ["en.md", "link.md"]}[case]
    r = runner.invoke(app, ["align", *args, "--to", "ru", "--from", "en"])
    assert r.exit_code == 2 and "the same" in _error_line(r)
    assert not (tmp_path / "memory").exists()


def test_from_equal_to_to_names_the_option_to_change(tmp_path: Path) -> None:
    _write(tmp_path, {"en.md": EN, "ru.md": RU})
    r = runner.invoke(app, ["align", str(tmp_path / "en.md"), str(tmp_path / "ru.md"),
                            "--to", "ru", "--from", "ru"])
    assert r.exit_code == 2 and "with --to" in _error_line(r)


def test_a_read_only_output_is_refused_and_kept(pair: tuple[Path, Path],
                                                tmp_path: Path) -> None:
    out = tmp_path / "old.tmx"
    out.write_text("a teammate's memory\n", encoding="utf-8")
    out.chmod(0o444)
    r = runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru", "-o", str(out)])
    assert r.exit_code == 2 and "read-only" in _error_line(r)
    assert out.read_text(encoding="utf-8") == "a teammate's memory\n"


@pytest.mark.parametrize("option", ["-o", "--review"])
def test_an_output_onto_an_input_document_is_refused(option: str, pair: tuple[Path, Path]
                                                     ) -> None:
    before = pair[1].read_bytes()
    r = runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru",
                            option, str(pair[1])])
    line = _error_line(r)  # -o: a document is no *.tmx, which is said first
    assert r.exit_code == 2 and ("being aligned" in line or option == "-o" and "TMX" in line)
    assert pair[1].read_bytes() == before


@pytest.mark.parametrize("case", ["review-under-a-file", "review-is-the-memory"])
def test_a_bad_second_output_writes_nothing(case: str, pair: tuple[Path, Path],
                                            tmp_path: Path) -> None:
    out = tmp_path / "out.tmx"
    (tmp_path / "plain").write_text("x\n", encoding="utf-8")
    review = tmp_path / ("plain/r.html" if case == "review-under-a-file" else "out.tmx")
    r = runner.invoke(app, ["align", str(pair[0]), str(pair[1]), "--to", "ru",
                            "-o", str(out), "--review", str(review)])
    assert r.exit_code == 2
    _error_line(r)
    assert not out.exists()


def test_one_bad_document_in_a_folder_writes_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "en", {"a.md": EN, "b.md": EN})
    _write(tmp_path / "ru", {"a.md": RU})
    (tmp_path / "ru" / "b.md").write_bytes(b"\xd0 broken utf-8 \xff")
    r = runner.invoke(app, ["align", "en", "ru", "--to", "ru"])
    assert r.exit_code == 2 and "b.md" in _error_line(r)
    assert not (tmp_path / "memory").exists()


def test_library_errors_are_source_errors(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "f.md").write_text(EN, encoding="utf-8")
    with pytest.raises(SourceError):
        pair_folders(tmp_path / "x", tmp_path / "x")  # no documents at all
    with pytest.raises(SourceError):
        plan(tmp_path / "f.md", tmp_path / "x")


def test_tmx_units_skip_omissions_and_keep_each_pair_once() -> None:
    al = align_texts(EN, RU, "en", "ru")
    assert any(x.source and not x.target for x in al.links)  # the omitted remark
    twice = type(al)(al.source_lang, al.target_lang, al.source, al.target,
                     al.links + al.links)
    root = etree.fromstring(alignment_tmx([twice], "en"))
    segs = [tu.findall("tuv")[0].find("seg").text for tu in root.iter("tu")]
    assert len(segs) == len(set(segs)) == sum(1 for x in al.links if x.source and x.target)
    assert not any("left out" in s for s in segs)


def test_a_translated_page_of_links_is_read_by_its_prose(tmp_path: Path) -> None:
    """The Russian Rust book's list of translations has more Latin letters in its link
    targets than Cyrillic in its prose: it was refused as `not in Cyrillic letters`
    (and stopped a whole folder's alignment). The English side given as the Russian one
    is still refused."""
    links = "".join(f"- [Книга {n}](https://github.com/rust-lang-translations/book-{n}-"
                    f"translation-repository) и `cargo install book-{n}`\n" for n in range(12))
    en_links = "".join(f"- [Book {n}](https://github.com/rust-lang-translations/book-{n}-"
                       f"translation-repository) and `cargo install book-{n}`\n"
                       for n in range(12))
    _write(tmp_path, {"en.md": "# Translations\n\nFor other languages.\n\n" + en_links,
                      "ru.md": "# Переводы\n\nДля других языков.\n\n" + links})
    r = runner.invoke(app, ["align", str(tmp_path / "en.md"), str(tmp_path / "ru.md"),
                            "--to", "ru", "-o", str(tmp_path / "out.tmx")])
    assert r.exit_code == 0, r.output
    assert "Для других языков." in (tmp_path / "out.tmx").read_text("utf-8")
    r = runner.invoke(app, ["align", str(tmp_path / "ru.md"), str(tmp_path / "en.md"),
                            "--to", "ru", "--from", "en", "-o", str(tmp_path / "x.tmx")])
    assert r.exit_code == 2 and "not in Cyrillic" in _error_line(r)
