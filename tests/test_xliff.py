"""`tm xliff export|import`: XLIFF 2.0 round trip on tests/data/review_project (a catalog
with translated, fuzzy, untranslated and commented entries), read back by
translate-toolkit's XLIFF 2.0 reader, and the errors a bad file gets."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.xliff2 import Xliff2File
from typer.testing import CliRunner

from tm.cli import app
from tm.config import load_config
from tm.po import format_po, read_po, write_po
from tm.xliff import NS, export_xliff, import_xliff, parse_xliff, unit_id

CATALOG = "locales/ru/lectures/r.po"
X = f"{{{NS}}}"


def _export(rproj: Path) -> Path:
    r = CliRunner().invoke(app, ["xliff", "export", "--lang", "ru", "-o", "ru.xlf"])
    assert r.exit_code == 0, r.output
    assert r.stdout == "wrote ru.xlf: 7 units\n"
    return rproj / "ru.xlf"


def _import(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["xliff", "import", *args])
    return r.exit_code, r.stdout, r.stderr


def test_round_trip_restores_the_catalog(rproj: Path) -> None:
    before = (rproj / CATALOG).read_text("utf-8")
    xlf = _export(rproj)
    # a fresh catalog: translations, fuzzy flags and translator comments gone
    cat = read_po(rproj / CATALOG)
    for m in cat.messages:
        m.msgstr, m.comments = "", []
        m.fuzzy = False
    write_po(rproj / CATALOG, cat)
    assert (rproj / CATALOG).read_text("utf-8") != before
    code, out, _ = _import(str(xlf))
    assert code == 0 and out == f"{CATALOG}: 6 of 7 units changed (written)\n"
    assert (rproj / CATALOG).read_text("utf-8") == before
    # importing the same file again changes nothing
    code, out, _ = _import(str(xlf), "--lang", "ru")
    assert code == 0 and out == f"{CATALOG}: 0 of 7 units changed (unchanged)\n"


def test_translate_toolkit_reads_the_export(rproj: Path) -> None:
    store = Xliff2File.parsefile(str(_export(rproj)))
    assert (store.sourcelanguage, store.targetlanguage) == ("en", "ru")
    units = {u.source: u for u in store.units}
    cat = read_po(rproj / CATALOG)
    assert [u.getid() for u in store.units] == [unit_id(m) for m in cat.messages]
    fuzzy = units["Such is the statute of the Comintern."]
    assert fuzzy.isfuzzy() and not fuzzy.istranslated()
    assert fuzzy.target == "Таков был устав Коминтерна."
    done = units["The Opposition was summoned before the Central Control Commission."]
    assert done.istranslated() and not done.isfuzzy()
    assert units["Trotsky was expelled in 1927."].target is None
    hostile = [u for u in store.units if u.source.startswith("A <script>")][0]
    assert hostile.source == ('A <script>alert("x")</script> and "quotes" & '
                              "<img src=x onerror=alert(1)> here.")


def test_structure_and_notes(rproj: Path) -> None:
    """What XLIFF 2.0 core asks (namespace, version, languages, unique NMTOKEN ids, notes
    before segments, state values), and the notes of the fuzzy entry."""
    root = etree.parse(str(_export(rproj))).getroot()
    assert root.tag == X + "xliff" and root.get("version") == "2.0"
    assert (root.get("srcLang"), root.get("trgLang")) == ("en", "ru")
    [f] = root
    assert f.tag == X + "file" and f.get("original") == "lectures/r"
    ids = [u.get("id") for u in f]
    assert len(set(ids)) == len(ids) == 7
    assert all(re.fullmatch(r"[A-Za-z_][\w.\-]*", i) for i in ids)
    for u in f:
        assert [c.tag for c in u] in ([X + "notes", X + "segment"], [X + "segment"])
        seg = u.find(X + "segment")
        assert seg.get("state") in ("initial", "translated", "reviewed", "final")
        assert [c.tag for c in seg][0] == X + "source"
    fuzzy = next(u for u in f if u.findtext(f"{X}segment/{X}source", "").startswith("Such"))
    assert fuzzy.find(X + "segment").attrib == {"state": "initial", "subState": "tm:fuzzy"}
    notes = {n.get("category"): n.text for n in fuzzy.iter(X + "note")}
    assert notes == {"translator": "Checked against the 1927 stenogram.",
                     "extracted": "paragraph", "memory": "87% memory/old-lectures.tmx",
                     "location": "sources/lectures/r.md:3",
                     "previous": "Such was the statute of the Comintern."}
    terms = [n.text for n in f.iter(X + "note") if n.get("category") == "terms"]
    assert terms == ["Central Control Commission = Центральная контрольная комиссия (ЦКК)"]


def test_import_applies_a_cat_tools_work(rproj: Path) -> None:
    """What a translator does in the CAT tool: translate, confirm a fuzzy match, add a
    note, clear a translation; states the tool writes differently are read by the spec."""
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    # translate the untranslated one (a tool that writes `final`)
    text = text.replace('<segment state="initial">\n        <source>Trotsky was expelled in '
                        "1927.</source>",
                        '<segment state="final">\n        <source>Trotsky was expelled in '
                        "1927.</source><target>Троцкого исключили в 1927 году.</target>")
    # confirm the fuzzy one, with a note of the tool's own (no category)
    text = text.replace('state="initial" subState="tm:fuzzy"', 'state="reviewed"')
    text = text.replace('<note category="translator">Checked against the 1927 stenogram.</note>',
                        "<note>Checked again.\nSecond line.</note>")
    # clear one translation
    text = text.replace("<target>Образец для проверки</target>", "<target/>")
    xlf.write_text(text, "utf-8")
    code, out, err = _import(str(xlf))
    assert code == 0, err
    cat = {m.msgid: m for m in read_po(rproj / CATALOG).messages}
    t = cat["Trotsky was expelled in 1927."]
    assert (t.msgstr, t.fuzzy) == ("Троцкого исключили в 1927 году.", False)
    s = cat["Such is the statute of the Comintern."]
    assert (s.msgstr, s.fuzzy, s.previous_msgid) == ("Таков был устав Коминтерна.", False, None)
    assert s.comments == ["Checked again.", "Second line."]
    assert s.extracted == ["paragraph", "tm: 87% memory/old-lectures.tmx"]  # hints kept
    assert cat["Review fixture"].msgstr == ""
    assert out == f"{CATALOG}: 3 of 7 units changed (written)\n"


def test_state_without_attribute_is_initial(rproj: Path) -> None:
    """XLIFF 2.0's default state is `initial`: a target without a state comes back fuzzy."""
    xlf = _export(rproj)
    xlf.write_text(xlf.read_text("utf-8").replace(' state="translated"', "", 1), "utf-8")
    assert _import(str(xlf))[0] == 0
    assert read_po(rproj / CATALOG).messages[0].fuzzy


def _refused(rproj: Path, xlf: Path, message: str) -> None:
    before = (rproj / CATALOG).read_bytes()
    code, out, err = _import(xlf.name)
    assert code == 2 and out == ""
    assert err.strip() == message
    assert "\n" not in err.strip() and "Traceback" not in err
    assert (rproj / CATALOG).read_bytes() == before


def test_malformed_xml(rproj: Path) -> None:
    xlf = _export(rproj)
    lines = xlf.read_text("utf-8").split("\n")
    lines[9] = lines[9].replace("</source>", "</sourc>")
    xlf.write_text("\n".join(lines), "utf-8")
    code, _, err = _import("ru.xlf")
    assert code == 2
    assert re.fullmatch(r"tm: error: ru\.xlf:10: not well-formed XML: .*mismatch.*"
                        r"\(fix the XML or export it again from the CAT tool\)\n", err)


def test_unknown_unit(rproj: Path) -> None:
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    line = text[: text.rindex("<unit", 0, text.index("Trotsky was expelled"))].count("\n") + 1
    xlf.write_text(text.replace("Trotsky was expelled in 1927.", "Trotsky was expelled."),
                   "utf-8")
    uid = unit_id(next(m for m in read_po(rproj / CATALOG).messages
                       if m.msgid == "Trotsky was expelled in 1927."))
    _refused(rproj, xlf, f"tm: error: ru.xlf:{line}: unit {uid} is not in {CATALOG} "
             "(its sentence changed or was removed: run `tm segment`, export again and "
             "carry the translation over, or import the rest with --skip-stale)")


def test_skip_stale_imports_the_rest_and_lists_what_it_left(rproj: Path) -> None:
    """A sentence edited in the source after the export made the whole file refused,
    every other unit's work with it; --skip-stale imports the others."""
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    line = text[: text.rindex("<unit", 0, text.index("Trotsky was expelled"))].count("\n") + 1
    text = text.replace("Trotsky was expelled in 1927.", "Trotsky was expelled.")
    at = text.index("<source>Review fixture</source>") + len("<source>Review fixture</source>")
    xlf.write_text(text[:at] + "<target>Обзор</target>" + text[at:], "utf-8")
    uid = unit_id(next(m for m in read_po(rproj / CATALOG).messages
                       if m.msgid == "Trotsky was expelled in 1927."))
    code, out, err = _import(xlf.name, "--skip-stale")
    assert code == 0, err
    assert out == f"{CATALOG}: 1 of 7 units changed, 1 skipped (written)\n"
    assert err == (f"tm: warning: ru.xlf:{line}: unit {uid} is not in {CATALOG}: its sentence "
                   "changed or was removed (not imported)\n")
    entries = {m.msgid: m for m in read_po(rproj / CATALOG).messages}
    assert entries["Review fixture"].msgstr == "Обзор"
    assert entries["Trotsky was expelled in 1927."].msgstr == ""


def test_wrong_language_and_document(rproj: Path) -> None:
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    xlf.write_text(text.replace('trgLang="ru"', 'trgLang="de"'), "utf-8")
    _refused(rproj, xlf, "tm: error: ru.xlf:1: wrong target language trgLang='de' "
             "(expected ru)")
    xlf.write_text(text, "utf-8")
    code, _, err = _import(str(xlf), "--lang", "en")
    assert code == 2 and "wrong target language trgLang='ru' (expected en)" in err
    xlf.write_text(text.replace('original="lectures/r"', 'original="lectures/x"'), "utf-8")
    _refused(rproj, xlf, "tm: error: ru.xlf:3: no source document 'lectures/x' in this "
             "project (documents: lectures/r)")


def test_not_xliff_2_and_inline_codes(rproj: Path) -> None:
    xlf = rproj / "old.xlf"
    xlf.write_text('<?xml version="1.0"?>\n<xliff version="1.2" '
                   'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file/></xliff>', "utf-8")
    code, _, err = _import("old.xlf")
    assert code == 2 and err.startswith("tm: error: old.xlf:2: not an XLIFF 2.0 document (1.2)")
    xlf = _export(rproj)
    xlf.write_text(xlf.read_text("utf-8").replace(
        "<target>Оппозицию", '<target><ph id="1"/>Оппозицию'), "utf-8")
    code, _, err = _import(str(xlf))
    assert code == 2 and "<ph> inside a target: tm exports plain text" in err


def test_entities_are_not_resolved(rproj: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", "utf-8")
    xlf = _export(rproj)
    text = xlf.read_text("utf-8").replace(
        "<?xml version='1.0' encoding='UTF-8'?>",
        f"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE xliff [<!ENTITY s SYSTEM "
        f"\"{secret.as_uri()}\">]>").replace("<target>Оппозицию", "<target>&s;Оппозицию")
    xlf.write_text(text, "utf-8")
    code, _, err = _import(str(xlf))
    assert code == 2 and "entity" in err
    assert "TOP SECRET" not in (rproj / CATALOG).read_text("utf-8")


def test_library_export_counts_and_errors(rproj: Path) -> None:
    config = load_config()
    data, n = export_xliff(config, "ru", ["lectures/r"])
    assert n == 7 and data.startswith(b"<?xml")
    doc = parse_xliff(data, "x.xlf")
    assert [(u.state, u.target is not None) for u in doc.files[0].units] == [
        ("translated", True), ("translated", True), ("fuzzy", True), ("untranslated", False),
        ("translated", True), ("translated", True), ("translated", True)]
    with pytest.raises(Exception, match="language 'fr' is not in"):
        export_xliff(config, "fr")
    with pytest.raises(Exception, match="no document is translated into en"):
        export_xliff(config, "en")
    (rproj / CATALOG).unlink()
    code, _, err = _import("nope.xlf")
    assert code == 2 and err.startswith("tm: error: nope.xlf:1: cannot read")
    r = CliRunner().invoke(app, ["xliff", "export", "--lang", "ru"])
    assert r.exit_code == 2
    assert r.stderr == (f"tm: error: {CATALOG}:1: no ru catalog for lectures/r "
                        "(run `tm segment` to create it)\n")


def test_import_report_for_library_users(rproj: Path) -> None:
    config = load_config()
    data, _ = export_xliff(config, "ru")
    (rproj / "x.xlf").write_bytes(data)
    [r] = import_xliff(config, rproj / "x.xlf")
    assert (r.path, r.units, r.changed, r.written) == (CATALOG, 7, 0, False)
    assert format_po(read_po(rproj / CATALOG)) == (rproj / CATALOG).read_text("utf-8")


def test_catalog_saved_during_import_is_not_overwritten(rproj: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A translator saves the catalog in Poedit while the import runs: refused, kept."""
    import tm.xliff

    config = load_config()
    data, _ = export_xliff(config, "ru")
    xlf = rproj / "x.xlf"
    xlf.write_bytes(data.replace("Образец для проверки".encode(), "Образец".encode()))
    apply = tm.xliff.apply_units
    saved = (rproj / CATALOG).read_text("utf-8") + "\n# saved by Poedit\n"

    def apply_then_save(*args: object) -> int:
        n = apply(*args)  # type: ignore[arg-type]
        (rproj / CATALOG).write_text(saved, "utf-8")
        return n

    monkeypatch.setattr(tm.xliff, "apply_units", apply_then_save)
    with pytest.raises(tm.xliff.XliffError, match="the catalog changed while"):
        import_xliff(config, xlf)
    assert (rproj / CATALOG).read_text("utf-8") == saved


def test_import_reads_segments_ignorables_and_annotations(rproj: Path) -> None:
    """A tool that split a unit into segments (with an <ignorable> space between) and
    marked a term with <mrk>: the text is joined back, the least done state wins."""
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    assert 'canResegment="no"' in text
    old = ('<segment state="translated">\n        <source>The Opposition was summoned before '
           "the Central Control Commission.</source>\n        <target>Оппозицию вызвали в "
           "Центральную контрольную комиссию.</target>\n      </segment>")
    assert old in text
    new = ('<segment state="final"><source>The Opposition was summoned</source>'
           "<target>Оппозицию вызвали</target></segment>"
           "<ignorable><source> </source><target> </target></ignorable>"
           '<segment state="translated"><source>before the Central Control Commission.</source>'
           '<target>в <mrk id="m1" type="term">Центральную контрольную комиссию</mrk>.</target>'
           "</segment>")
    xlf.write_text(text.replace(old, new), "utf-8")
    code, _, err = _import("ru.xlf")
    assert code == 0, err
    m = next(m for m in read_po(rproj / CATALOG).messages if m.msgid.startswith("The Opp"))
    assert (m.msgstr, m.fuzzy) == ("Оппозицию вызвали в Центральную контрольную комиссию.",
                                   False)
    xlf.write_text(text.replace(old, new.replace('state="final"', 'state="initial"')), "utf-8")
    assert _import("ru.xlf")[0] == 0
    m = next(m for m in read_po(rproj / CATALOG).messages if m.msgid.startswith("The Opp"))
    assert m.fuzzy


def test_round_trip_on_the_bundled_lecture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """The repository's own catalogs (term hints, citation pre-fills, fuzzy entries) come
    back byte for byte from an export imported into blanked copies of them."""
    root = Path(__file__).resolve().parent.parent
    for part in ("tm.toml", "sources", "locales"):
        src = root / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / part)
    monkeypatch.chdir(tmp_path)
    config = load_config()
    for lang in ("ru", "de"):
        po = next((tmp_path / "locales" / lang).rglob("*.po"))
        before = po.read_text("utf-8")
        data, n = export_xliff(config, lang)
        assert n == sum(1 for m in read_po(po).messages if not m.obsolete)
        cat = read_po(po)
        for m in cat.messages:
            if not m.obsolete:
                m.msgstr, m.comments = "", []
                m.fuzzy = False
        write_po(po, cat)
        assert po.read_text("utf-8") != before
        (tmp_path / f"{lang}.xlf").write_bytes(data)
        import_xliff(config, tmp_path / f"{lang}.xlf", lang)
        assert po.read_text("utf-8") == before


def test_import_wraps_catalogs_as_the_project_says(rproj: Path) -> None:
    """`wrap = "no"` in tm.toml: the catalog an import writes has one line per string."""
    xlf = _export(rproj)
    cat = read_po(rproj / CATALOG)
    for m in cat.messages:
        m.msgstr = ""
    write_po(rproj / CATALOG, cat)
    cfg = rproj / "tm.toml"
    cfg.write_text('wrap = "no"\n' + cfg.read_text("utf-8"), "utf-8")
    code, _, err = _import(str(xlf))
    assert code == 0, err
    text = (rproj / CATALOG).read_text("utf-8")
    assert max(len(line) for line in text.splitlines()) > 79
    assert '\nmsgid ""\n"' not in text.split("\n\n", 1)[1]  # no entry's msgid is wrapped


def test_a_target_in_another_language_or_a_document_twice_is_refused(rproj: Path) -> None:
    """XLIFF 2.0 wants a target's xml:lang to be the file's trgLang; a document given in
    two <file>s would be applied twice, the second silently winning."""
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    at = text.index("<target")
    line = text[:at].count("\n") + 1
    xlf.write_text(text[:at] + '<target xml:lang="de"' + text[at + len("<target"):], "utf-8")
    _refused(rproj, xlf, f"tm: error: ru.xlf:{line}: <target xml:lang='de'> in a file of "
             "trgLang='ru' (a unit's target is in the file's target language)")
    start, end = text.index("<file"), text.index("</file>") + len("</file>")
    again = text[:end] + "\n" + text[start:end] + text[end:]
    xlf.write_text(again, "utf-8")
    second = again[:again.index("<file", end)].count("\n") + 1
    _refused(rproj, xlf, f"tm: error: ru.xlf:{second}: document 'lectures/r' appears twice "
             "(first at line 3) (keep one of them)")


def test_a_region_subtag_names_the_projects_language(rproj: Path) -> None:
    """CAT tools often write trgLang="ru-RU" for a project's `ru`: imported as ru."""
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    translated = text.replace("Trotsky was expelled in 1927.</source>",
                              "Trotsky was expelled in 1927.</source><target>Троцкий был "
                              "исключён в 1927 г.</target>", 1)
    assert translated != text
    xlf.write_text(translated.replace('trgLang="ru"', 'trgLang="ru-RU"'), "utf-8")
    code, out, err = _import(xlf.name)
    assert code == 0, err
    got = {m.msgid: m.msgstr for m in read_po(rproj / CATALOG).messages}
    assert got["Trotsky was expelled in 1927."] == "Троцкий был исключён в 1927 г."


def test_an_unknown_state_is_refused(rproj: Path) -> None:
    xlf = _export(rproj)
    text = xlf.read_text("utf-8")
    at = text.index("<segment")
    line = text[:at].count("\n") + 1
    head = text[at:text.index(">", at)]
    bogus = re.sub(r' state="[^"]*"', "", head) + ' state="bogus"'
    xlf.write_text(text[:at] + bogus + text[at + len(head):], "utf-8")
    _refused(rproj, xlf, f"tm: error: ru.xlf:{line}: unknown state='bogus' (XLIFF 2.0 "
             "states: initial, translated, reviewed, final)")


def test_a_joined_entry_is_locked_and_a_translation_of_it_refused(rproj: Path) -> None:
    """A `tm-joined` entry (the translation of the sentence before holds it) went out as
    an ordinary untranslated unit; a target typed into it was imported and then left out
    of the merged document by `tm merge` without a word."""
    po = rproj / CATALOG
    cat = read_po(po)
    joined = next(m for m in cat.messages if m.msgid == "Trotsky was expelled in 1927.")
    joined.flags.append("tm-joined")
    write_po(po, cat)
    xlf = _export(rproj)
    unit = next(u for u in etree.parse(str(xlf)).getroot().iter(f"{X}unit")
                if u.get("id") == unit_id(joined))
    assert unit.get("translate") == "no"
    assert any(n.text.startswith("tm-joined:") for n in unit.iter(f"{X}note"))
    code, out, _ = _import(xlf.name)  # unchanged, it imports as it was
    assert code == 0 and "0 of 7 units changed" in out
    text = xlf.read_text("utf-8")
    at = text.index("<source>Trotsky was expelled in 1927.</source>")
    end = at + len("<source>Trotsky was expelled in 1927.</source>")
    xlf.write_text(text[:end] + "<target>Троцкий исключён.</target>" + text[end:], "utf-8")
    line = text[: text.rindex("<unit", 0, at)].count("\n") + 1
    _refused(rproj, xlf, f"tm: error: ru.xlf:{line}: unit {unit_id(joined)} is joined to the "
             f"unit before (tm-joined in {CATALOG}): its sentence is translated there (leave "
             "its target empty, or remove the tm-joined flag in the catalog to translate it "
             "on its own)")
