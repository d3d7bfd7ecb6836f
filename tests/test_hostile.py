"""Hostile input stays harmless, and data is never altered (issue 9): secrets never
printed, control characters escaped, names validated and confined, messages not
rewritten by the terminal library."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tm.cli import app
from tm.errors import TmError, escape_control

runner = CliRunner()


def error_line(result: object, *parts: str) -> str:
    """The one `tm: error:` line of a run that exited 2 (no traceback)."""
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    out: str = result.output  # type: ignore[attr-defined]
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1, out
    assert lines[0].startswith("tm: error: "), out
    for p in parts:
        assert p in lines[0], out
    return lines[0]


def po_with_error_at(path: Path, line: int) -> None:
    head = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    path.write_text(head + "\n" * (line - 1 - head.count("\n")) + "garbage here\n", "utf-8")


# -- messages are printed as they are --------------------------------------------------------


@pytest.mark.parametrize("line", [100, 1234])
def test_line_numbers_are_not_turned_into_emoji(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                line: int) -> None:
    monkeypatch.chdir(tmp_path)
    po_with_error_at(tmp_path / "b.po", line)
    error_line(runner.invoke(app, ["check", "b.po"]), f"b.po:{line}: syntax error")


def test_brackets_in_a_message_are_not_markup(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x[red]y.po").write_text("garbage\n", "utf-8")
    error_line(runner.invoke(app, ["check", "x[red]y.po"]), "x[red]y.po:1:")


# -- control characters ------------------------------------------------------------------------


def test_control_characters_are_escaped_in_every_error() -> None:
    e = TmError("bad\n::error file=x::owned", "READ\nME.md", 3, "fix\r\x1b[31m")
    assert str(e) == "READ\\nME.md:3: bad\\n::error file=x::owned (fix\\r\\x1b[31m)"
    assert escape_control("a\u2028b\x85c\td") == "a\\u2028b\\x85c\\td"
    assert escape_control("plain: text, [x]") == "plain: text, [x]"


# -- secrets -----------------------------------------------------------------------------------

SECRET = "Zq7s3cr3tWord"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("url", [
    "postgresql://tm:{pw}@127.0.0.1:{port}/tm",
    "postgresql://tm:{pw}@x@127.0.0.1:{port}/tm",  # a raw @ in the password
    "postgresql://tm:ab@{pw}@127.0.0.1:{port}/tm",
    "postgresql://tm:{pw}/x@127.0.0.1:{port}/tm",  # a raw / in the password
    "postgresql://tm@127.0.0.1:{port}/tm?password={pw}",
    "postgresql://tm@127.0.0.1:{port}/tm?sslmode=disable&password={pw}&x{pw}",
    "postgresql://tm@127.0.0.1:{port}/tm?%70assword={pw}",
    "postgresql://tm:{pw}@127.0.0.1:notaport/tm",
    "host=127.0.0.1 port={port} user=tm password={pw}",
    "host=127.0.0.1 port={port} password = {pw} dbname=tm",
    "host=127.0.0.1 port={port} password='{pw} with spaces' dbname=tm",
    "host=127.0.0.1 port={port} password=ab {pw} dbname=tm",  # libpq quotes the stray word
    "host=127.0.0.1 port={port} password='{pw}",  # unterminated quote
    "host=127.0.0.1 port=notaport password={pw}",
])
def test_memory_url_password_is_never_printed(url: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("psycopg")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.md").write_text("# Title\n\nOne sentence here.\n", "utf-8")
    value = url.format(pw=SECRET, port=_free_port()).replace("\\", "\\\\")
    (tmp_path / "tm.toml").write_text(
        f'languages = ["en", "ru"]\nbuiltin_terms = false\nmemory_url = "{value}"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    for command in (["segment", "--quiet"], ["memory", "search", "x", "--to", "ru"]):
        line = error_line(runner.invoke(app, command), "tm.toml:3:", "memory_url")
        for piece in (SECRET, SECRET[:6], SECRET[-6:]):
            assert piece not in line
    assert not (tmp_path / "locales" / "ru" / "doc.po").exists()


def test_redact_keeps_everything_but_the_password() -> None:
    from tm.redact import redact

    assert redact("postgresql://tm:p@ss@db:5432/tm?sslmode=require") == (
        "postgresql://tm:***@db:5432/tm?sslmode=require")
    assert redact("postgresql://tm@db/tm?password=a&b&sslmode=require") == (
        "postgresql://tm@db/tm?password=***&sslmode=require")
    assert redact("host=db password='a \\' b' user=tm") == "host=db password=*** user=tm"
    assert redact("postgresql://tm@db/tm") == "postgresql://tm@db/tm"
    assert redact("host=db user=tm") == "host=db user=tm"
    assert redact('missing "=" after "cret" in connection info string',
                  "host=db password=se cret") == (
        'missing "=" after "***" in connection info string')


# -- names from data ---------------------------------------------------------------------------


def make_project(root: Path, extra: str = "") -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "a.md").write_text("# Title\n\nHello world.\n", "utf-8")
    (root / "tm.toml").write_text(
        f'languages = ["en", "ru", "de"]\nbuiltin_terms = false\n{extra}', "utf-8")
    return root


def files_under(root: Path) -> set[str]:
    """Every file and folder under `root` but tm's own state (.tm/: lock, caches)."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if ".tm" not in p.relative_to(root).parts}


@pytest.mark.parametrize("name", ["README\n::error file=x::owned.md", "tab\there.md",
                                  "esc\x1b[31m.md", "cr\r.md"])
def test_a_control_character_in_a_file_name_is_refused(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    (root / "sources" / name).write_text("# Evil\n\nText here.\n", "utf-8")
    monkeypatch.chdir(root)
    before = files_under(root)
    for command in (["segment", "--no-memory"], ["merge"], ["check"], ["status"]):
        result = runner.invoke(app, command)
        line = error_line(result, "control character")
        assert "\n" not in line and "\x1b" not in line and "\r" not in line
        assert not any(ln.startswith("::") for ln in result.output.splitlines())
    assert files_under(root) == before  # no catalog written with a broken #: line


@pytest.mark.parametrize("name", ["../../outside/x", "../outside/x.md", "/etc/hostname",
                                  "sub/../../outside/x"])
def test_a_document_name_cannot_leave_sources(name: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.md").write_text("# Out\n\nPrivate text.\n", "utf-8")
    (root / "outside").mkdir()
    (root / "outside" / "x.md").write_text("# Out\n\nPrivate text.\n", "utf-8")
    (root / "sources" / "sub").mkdir()
    monkeypatch.chdir(root)
    before = files_under(tmp_path)
    for command in (["segment", "--no-memory", name], ["merge", name]):
        error_line(runner.invoke(app, command))
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("code", ["../../x", "ru/../../x", "", "r u", "ru\n", "/tmp/x"])
def test_a_language_code_is_validated(code: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    (root / "tm.toml").write_text(f"languages = [\"en\", {code!r}]\n".replace("'", '"')
                                  .replace("\n\"", '\\n"'), "utf-8")
    monkeypatch.chdir(root)
    error_line(runner.invoke(app, ["segment", "--no-memory"]), "tm.toml:1:", "language code")
    assert not (root / "locales").exists()


@pytest.mark.parametrize("code", ["ru", "pt_BR", "sr@latin", "zh-Hans", "es-419", "zh_Hant_TW",
                                  "ca@valencia"])
def test_real_language_codes_are_accepted(code: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    (root / "tm.toml").write_text(f'languages = ["en", "{code}"]\nbuiltin_terms = false\n',
                                  "utf-8")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    assert (root / "locales" / code / "a.po").is_file()


def test_dangling_link_and_folder_named_md_are_skipped(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    (root / "sources" / "folder.md").mkdir()
    (root / "sources" / "gone.md").symlink_to(root / "sources" / "nowhere.md")
    monkeypatch.chdir(root)
    result = runner.invoke(app, ["segment", "--no-memory"])
    assert result.exit_code == 0, result.output
    assert "tm: warning: sources/gone.md:1: a symbolic link to nothing" in result.output
    assert (root / "locales" / "ru" / "a.po").is_file()
    assert not (root / "locales" / "ru" / "folder.po").exists()
    assert runner.invoke(app, ["merge"]).exit_code == 0
    assert (root / "build" / "ru" / "a.md").is_file()


def _project_with_a_link_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (the current folder) whose sources/link.md points at a file outside it."""
    root = make_project(tmp_path / "p")
    (tmp_path / "private.md").write_text("# Private\n\nNot for the project.\n", "utf-8")
    (root / "sources" / "link.md").symlink_to(tmp_path / "private.md")
    monkeypatch.chdir(root)
    return root


def test_a_link_out_of_the_project_is_refused_unless_configured(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project_with_a_link_out(tmp_path, monkeypatch)
    error_line(runner.invoke(app, ["segment", "--no-memory"]), "sources/link.md:1:",
               "symbolic link out of the project", "follow_symlinks")
    assert not (root / "locales").exists()
    (root / "tm.toml").write_text((root / "tm.toml").read_text() + "follow_symlinks = true\n")
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    assert "Not for the project." in (root / "locales" / "ru" / "link.po").read_text("utf-8")


def test_a_memory_link_out_of_the_project_is_refused_and_never_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request adding `memory/team.csv` -> a file outside the project (the CI
    runner's environment, /etc/passwd): refused as for sources, its content never in
    the message; a link to nothing is skipped with a warning."""
    root = make_project(tmp_path / "p")
    secret = tmp_path / "environ"
    secret.write_bytes(b"CI_SECRET=ghp_XXXX\x00HOME=/root\x00")
    (root / "memory").mkdir()
    (root / "memory" / "team.csv").symlink_to(secret)
    monkeypatch.chdir(root)
    for args in (["segment"], ["segment", "--check"], ["memory", "export", "x.tmx"]):
        line = error_line(runner.invoke(app, args), "memory/team.csv:1:",
                          "symbolic link out of the project", "follow_symlinks")
        assert "ghp_" not in line
    assert not (root / "locales").exists()
    (root / "memory" / "team.csv").unlink()
    (root / "memory" / "gone.csv").symlink_to(root / "memory" / "nowhere.csv")
    (root / "memory" / "loop1.tmx").symlink_to("loop2.tmx")  # a loop: a traceback once
    (root / "memory" / "loop2.tmx").symlink_to("loop1.tmx")
    from tm import names

    for args in (["segment"], ["check"]):
        names._warned.clear()  # a warning is given once per process
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "tm: warning: memory/gone.csv:1: a symbolic link to nothing" in result.output
        assert "tm: warning: memory/loop1.tmx:1: a symbolic link to nothing (or round a " \
               "loop)" in result.output


def test_an_unclosed_quote_in_a_memory_csv_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows after an unclosed quote went into one cell (an exact match of the row
    before filled a catalog with them); now one line naming where the row begins."""
    root = make_project(tmp_path / "p")
    (root / "memory").mkdir()
    (root / "memory" / "a.csv").write_text(
        'en,ru\n"Hello world.","Привет\nThe next row.,Следующая\n', "utf-8")
    monkeypatch.chdir(root)
    error_line(runner.invoke(app, ["segment"]), "memory/a.csv:2:",
               "a quoted field is never closed")
    assert not (root / "locales").exists()


@pytest.mark.parametrize("pattern", ["", "  ", "/etc/*.tmx"])
def test_an_empty_or_absolute_memory_glob_is_a_config_error(
        pattern: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p", f'memory = ["{pattern}"]\n')
    monkeypatch.chdir(root)
    error_line(runner.invoke(app, ["segment"]), "tm.toml:3:", "memory")


# -- data kept as written ----------------------------------------------------------------------


def test_custom_header_fields_survive_an_update(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    po = root / "locales" / "ru" / "a.po"
    text = po.read_text("utf-8").replace(
        '"Language: ru\\n"\n',
        '"Language: ru\\n"\n"X-Poedit-Basepath: ../..\\n"\n"X-Reviewed-By: Anna\\n"\n'
        '"Some-Unknown-Field: kept as written\\n"\n', 1)
    assert "X-Reviewed-By" in text
    po.write_text(text, "utf-8")
    (root / "sources" / "a.md").write_text("# Title\n\nHello world. A new sentence.\n", "utf-8")
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    from tm.po import read_po

    header = read_po(po).header
    assert header["X-Poedit-Basepath"] == "../.."
    assert header["X-Reviewed-By"] == "Anna"
    assert header["Some-Unknown-Field"] == "kept as written"
    assert "A new sentence." in po.read_text("utf-8")


NUL_PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
          'msgid "a"\nmsgstr "x\\0y\\0007"\n\nmsgid "b\\0c"\nmsgstr "z\\a\\f\\v\\b"\n')


def test_a_nul_escape_stays_an_escape(tmp_path: Path) -> None:
    from tm.po import format_po, parse_po

    cat = parse_po(NUL_PO, "nul.po")
    assert cat.messages[0].msgstr == "x\0y\0" + "7"
    out = format_po(cat)
    assert "\0" not in out and "\a" not in out and "\f" not in out
    assert 'msgstr "x\\0y\\0007"' in out
    again = parse_po(out, "again.po")
    assert [(m.msgid, m.msgstr) for m in again.messages] == [
        (m.msgid, m.msgstr) for m in cat.messages]


def test_a_line_break_in_a_comment_or_reference_does_not_break_the_catalog() -> None:
    from tm.po import Catalog, Message, format_po, parse_po

    m = Message(msgid="Hello.", msgstr="Привет.", extracted=["tm: 87% memory/a\nmsgid \"x\""],
                references=["sources/a\nb.md:3"], comments=["note\r\nmsgstr \"y\""])
    cat = Catalog(header={"Content-Type": "text/plain; charset=UTF-8"}, messages=[m])
    again = parse_po(format_po(cat), "x.po")
    assert [(x.msgid, x.msgstr) for x in again.messages] == [("Hello.", "Привет.")]


PLURAL_PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
             '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
             'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[{i}] "y"\n')


@pytest.mark.parametrize("index", [5, 2, 0])
@pytest.mark.parametrize("counts_only", [False, True])
def test_plural_forms_out_of_order_are_an_error(index: int, counts_only: bool, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pl.po").write_text(PLURAL_PO.format(i=index), "utf-8")
    args = ["check", "pl.po", *(["--counts-only"] if counts_only else [])]
    error_line(runner.invoke(app, args), "pl.po:9:", "plural form has wrong index")


def test_plural_forms_in_order_are_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pl.po").write_text(PLURAL_PO.format(i=1), "utf-8")
    assert runner.invoke(app, ["check", "pl.po"]).exit_code == 0


# -- TMX: well-formed files read, the two readers agree -------------------------------------

TMX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def tmx(units: str, doctype: str = "", root_attrs: str = "") -> str:
    return (f'{TMX_HEAD}{doctype}<tmx version="1.4"{root_attrs}><header srclang="en"/>'
            f"<body>\n{units}\n</body></tmx>\n")


def tu(en: str, ru: str = "Привет.") -> str:
    return (f'<tu><tuv xml:lang="en"><seg>{en}</seg></tuv>'
            f'<tuv xml:lang="ru"><seg>{ru}</seg></tuv></tu>')


def both_readers(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What the fast reader and the lxml reader make of `path`: units or the error line."""
    from tm.errors import MemoryFormatError
    from tm.memory import tmxfast
    from tm.memory.formats import read_tmx

    out: list[object] = []
    for limit in (tmxfast.FAST_MAX, -1):  # -1: every file goes to the lxml reader
        monkeypatch.setattr(tmxfast, "FAST_MAX", limit)
        try:
            out.append([u.texts for u in read_tmx(path)])
        except MemoryFormatError as e:
            out.append(str(e))
    return out


WELL_FORMED = {
    "namespace prefix in a seg": (
        tmx(tu('Hello <x:b>bold</x:b> world.'), root_attrs=' xmlns:x="urn:x"'),
        [{"en": 'Hello <x:b xmlns:x="urn:x">bold</x:b> world.', "ru": "Привет."}]),
    "hi nested 300 deep": (
        tmx(tu("A " + "<hi>" * 300 + "deep" + "</hi>" * 300 + " b.")),
        [{"en": "A deep b.", "ru": "Привет."}]),
    "plain-text entity declared in the DOCTYPE, and an inline code": (
        tmx(tu('A&nbsp;b <bpt i="1">&lt;b&gt;</bpt>c<ept i="1">&lt;/b&gt;</ept>.', "Б&nbsp;в."),
            '<!DOCTYPE tmx [ <!ENTITY nbsp "&#160;"> ]>\n'),
        [{"en": "A\xa0b <b>c</b>.", "ru": "Б\xa0в."}]),
    "hi nested 1500 deep": (
        tmx(tu("A " + "<hi>" * 1500 + "deep" + "</hi>" * 1500 + " b.")),
        [{"en": "A deep b.", "ru": "Привет."}]),
}


@pytest.mark.parametrize("name", list(WELL_FORMED))
def test_well_formed_tmx_is_read_alike_by_both_readers(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, expected = WELL_FORMED[name]
    path = tmp_path / "m.tmx"
    path.write_text(text, "utf-8")
    assert both_readers(path, monkeypatch) == [expected, expected]


ENTITIES = {
    "undefined, no DTD": tmx(tu("A&nbsp;b.")),
    "undefined, with an inline code": tmx(tu('A&nbsp;b <bpt i="1">&lt;b&gt;</bpt>c.')),
    "external DTD": tmx(tu("A&nbsp;b."), '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'),
    "external DTD and an inline code": tmx(tu('A&nbsp;b <bpt i="1">x</bpt>.'),
                                           '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'),
    "declared as markup": tmx(tu("A &b; c."), '<!DOCTYPE tmx [ <!ENTITY b "<b>x</b>"> ]>\n'),
    "an external entity (XXE)": tmx(
        tu("A &xxe; b."), '<!DOCTYPE tmx [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n'),
    "an entity bomb": tmx(tu("A &lol3; b."), '<!DOCTYPE tmx [ <!ENTITY lol "lol">'
                          '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                          '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
                          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"> ]>\n'),
}


@pytest.mark.parametrize("name", list(ENTITIES))
def test_entity_references_are_one_error_in_both_readers(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tm expands no entity but plain-text ones the file declares (nothing read from
    outside, no bomb): any other `&name;` stops the file with its line, in both readers."""
    path = tmp_path / "m.tmx"
    path.write_text(ENTITIES[name], "utf-8")
    fast, lxml = both_readers(path, monkeypatch)
    assert fast == lxml
    assert isinstance(fast, str) and "entity reference &" in fast
    line = ENTITIES[name].count("\n", 0, ENTITIES[name].index("<tu>")) + 1
    assert f"m.tmx:{line}:" in fast


def test_hostile_tmx_is_one_line_error_on_import(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    (root / "bad.tmx").write_text(ENTITIES["external DTD and an inline code"], "utf-8")
    error_line(runner.invoke(app, ["memory", "import", "bad.tmx"]), "bad.tmx:", "&nbsp;")
    assert not (root / "memory" / "bad.tmx").exists()
    (root / "ok.tmx").write_text(WELL_FORMED["namespace prefix in a seg"][0], "utf-8")
    assert runner.invoke(app, ["memory", "import", "ok.tmx"]).exit_code == 0


# -- a byte order mark ---------------------------------------------------------------------


def test_a_byte_order_mark_stays_out_of_msgids_and_in_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tm.po import read_po, write_po

    root = make_project(tmp_path / "p")
    source = "\ufeff# Title\n\nHello world. Second.\n"
    (root / "sources" / "a.md").write_bytes(source.encode("utf-8"))
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    po = root / "locales" / "ru" / "a.po"
    cat = read_po(po)
    assert [m.msgid for m in cat.messages] == ["Title", "Hello world.", "Second."]
    assert cat.messages[0].extracted[0].startswith("heading")
    assert runner.invoke(app, ["merge"]).exit_code == 0
    assert (root / "build" / "ru" / "a.md").read_bytes() == source.encode("utf-8")
    for m in cat.messages:
        m.msgstr = {"Title": "Заголовок"}.get(m.msgid, m.msgid)
    write_po(po, cat)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    assert not any(m.fuzzy for m in read_po(po).messages)  # the translation still fits
    assert runner.invoke(app, ["merge"]).exit_code == 0
    assert (root / "build" / "ru" / "a.md").read_text("utf-8") == (
        "\ufeff# Заголовок\n\nHello world. Second.\n")


# -- a folder where tm writes a file ------------------------------------------------------------


@pytest.mark.parametrize("command, folder", [
    (["segment", "--no-memory"], "locales/templates/a.pot"),
    (["segment", "--no-memory"], "locales/ru/a.po"),
    (["merge"], "build/ru/a.md"),
    (["merge"], "build/de/a.md"),
])
def test_a_folder_in_the_way_is_one_line_error_and_nothing_is_written(
        command: list[str], folder: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    if command[0] == "merge":
        assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    (root / folder).mkdir(parents=True)
    before = files_under(root)
    error_line(runner.invoke(app, command), f"{folder}:1:", "folder")
    assert files_under(root) == before


def test_a_file_where_tm_needs_a_folder_is_one_line_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    (root / "build").write_text("not a folder", "utf-8")
    error_line(runner.invoke(app, ["merge"]), "build:1:", "not a folder")


def test_a_control_character_in_a_memory_file_name_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    good = tmx(tu("Hello world."))
    (root / "a\nb.tmx").write_text(good, "utf-8")
    error_line(runner.invoke(app, ["memory", "import", "a\nb.tmx"]), "control character")
    assert not (root / "memory").exists()
    (root / "memory").mkdir()
    (root / "memory" / "x\ry.tmx").write_text(good, "utf-8")
    error_line(runner.invoke(app, ["segment"]), "control character")
    assert not (root / "locales").exists()


def test_an_earlier_broken_file_does_not_change_the_next_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libxml2 keeps earlier errors in its log: the message must be this file's."""
    broken = tmp_path / "broken.tmx"
    broken.write_text(TMX_HEAD + "<tmx><body><tu></body></tmx>\n", "utf-8")
    path = tmp_path / "m.tmx"
    path.write_text(ENTITIES["undefined, no DTD"], "utf-8")
    first = both_readers(broken, monkeypatch)
    assert all(isinstance(x, str) and "broken.tmx:2:" in x for x in first)
    fast, lxml = both_readers(path, monkeypatch)
    assert fast == lxml and "m.tmx:3: entity reference &nbsp;" in str(lxml)


def test_a_link_named_on_the_command_line_follows_the_same_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project_with_a_link_out(tmp_path, monkeypatch)
    error_line(runner.invoke(app, ["segment", "--no-memory", "sources/link.md"]),
               "symbolic link out of the project")
    (root / "tm.toml").write_text((root / "tm.toml").read_text() + "follow_symlinks = true\n")
    result = runner.invoke(app, ["segment", "--no-memory", "sources/link.md"])
    assert result.exit_code == 0, result.output
    assert (root / "locales" / "ru" / "link.po").is_file()


@pytest.mark.parametrize("command", [
    ["review", "--lang", "ru", "--html", "{out}"],
    ["status", "--html", "{out}"],
    ["xliff", "export", "--lang", "ru", "-o", "{out}"],
    ["memory", "export", "{out}"],
])
@pytest.mark.parametrize("out, says", [
    ("afolder.tmx", "it is a folder"),  # .tmx: what `memory export` writes
    ("afile/x.tmx", "a part of it is a file"),
    ("afifo.tmx", "not a regular file"),
])
def test_an_output_path_that_cannot_be_written_is_one_line_error(
        command: list[str], out: str, says: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A path the user gives for a command's output: a folder, a path through a file, a
    FIFO (never replaced by a file, never opened: it would block) is one line, exit 2."""
    import os

    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    (root / "afolder.tmx").mkdir()
    (root / "afile").write_text("a file", "utf-8")
    os.mkfifo(root / "afifo.tmx")
    if "--html" in command:  # a page is written to *.html only
        out = out.replace(".tmx", ".html")
        (root / "afolder.html").mkdir()
        os.mkfifo(root / "afifo.html")
    before = files_under(root)
    error_line(runner.invoke(app, [a.replace("{out}", out) for a in command]),
               f"{out}:1:", says)
    assert files_under(root) == before
    assert (root / "afifo.tmx").is_fifo() and (root / "afile").read_text("utf-8") == "a file"


@pytest.mark.parametrize("command", [["review", "--lang", "ru", "--html"], ["status", "--html"]])
@pytest.mark.parametrize("out, says", [
    ("locales/ru/a.po", "the page is HTML"),
    ("tm.toml", "the page is HTML"),
    ("sources/a.html", "would replace a file of the project's sources/"),
    ("locales/ru/page.html", "would replace a file of the project's locales/"),
])
def test_a_page_never_replaces_a_project_file(command: list[str], out: str, says: str,
                                              tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`--html locales/ru/doc.po` replaced a translator's catalog with the page (and
    `--html tm.toml` the configuration): one line, exit 2, nothing written."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    (root / "sources" / "a.html").write_text("<p>A source page.</p>\n", "utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    error_line(runner.invoke(app, [*command, out]), f"{out}:1:", says)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_init_where_a_file_is_is_one_line_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("a file", "utf-8")
    error_line(runner.invoke(app, ["init", "afile"]), "afile:1:", "a file is in the way")
    assert (tmp_path / "afile").read_text("utf-8") == "a file"


def test_a_catalog_shared_by_a_symbolic_link_is_written_through_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An update of a catalog that is a link (to a catalog shared with another project)
    replaces the link's target: the link stays, and the shared file has the update."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    po = root / "locales" / "ru" / "a.po"
    shared = tmp_path / "shared-ru.po"
    po.rename(shared)
    po.symlink_to(shared)
    (root / "sources" / "a.md").write_text("# Title\n\nHello world.\n\nA new one.\n",
                                           "utf-8")
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    assert po.is_symlink() and po.resolve() == shared.resolve()
    assert 'msgid "A new one."' in shared.read_text("utf-8")


@pytest.mark.parametrize("sources, what", [("sourcse", "no such folder"),
                                           ("tm.toml", "not a folder")])
@pytest.mark.parametrize("command", [["segment", "--no-memory"], ["segment", "--check"],
                                     ["check"]])
def test_a_misspelt_sources_folder_fails_the_gate(
        sources: str, what: str, command: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`sources` naming no folder: no project of nothing to check that passes CI."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    toml = root / "tm.toml"
    toml.write_text(toml.read_text("utf-8") + f'sources = "{sources}"\n', "utf-8")
    before = files_under(root)
    error_line(runner.invoke(app, command), "tm.toml:3:", what)
    assert files_under(root) == before


@pytest.mark.parametrize("deep, line", [("- " * 10 + "Deep sentence.\n", 1),
                                        ("Intro.\n\n" + ">" * 25 + " Deep sentence.\n", 3)])
@pytest.mark.parametrize("big", [False, True])
def test_nesting_too_deep_for_the_parser_is_an_error_not_lost_text(
        deep: str, line: int, big: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """markdown-it skips what is nested past its limit: the text would silently stay
    untranslated, so it is one line naming the file and the line (also in a document
    big enough to be cut in pieces on two cores)."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    before_text = "".join(f"Paragraph {i} of the text.\n\n" for i in range(6000)) if big else ""
    shift = before_text.count("\n")
    (root / "sources" / "deep.md").write_text(before_text + deep + "\nAfter it.\n", "utf-8")
    before = files_under(root)
    error_line(runner.invoke(app, ["segment"]), f"sources/deep.md:{line + shift}:",
               "nested too deep")
    assert files_under(root) == before


def test_nine_nested_lists_are_read() -> None:
    from tm.source import units

    text = "- " * 9 + "Deep sentence.\n\nAfter it.\n"
    got = units(text)
    assert [text[u.start:u.pieces[-1].end] for u in got] == ["Deep sentence.", "After it."]


def test_tm_toml_with_a_byte_order_mark_is_read(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    toml = root / "tm.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    assert (root / "locales" / "ru" / "a.po").is_file()


def test_toml_left_open_at_its_end_names_the_last_line(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    toml = root / "tm.toml"
    toml.write_text(toml.read_text("utf-8") + "\n\nfuzzy_threshold = [70,\n80,\n", "utf-8")
    n = toml.read_text("utf-8").count("\n")
    error_line(runner.invoke(app, ["check"]), f"tm.toml:{n}:", "invalid TOML")


def test_a_renamed_document_leaves_its_catalogs_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After `mv a.md b.md; tm segment`, the old catalogs (with their translations) have
    no document: tm check names each as `stale` at line 1, whatever else it finds."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    (root / "sources" / "a.md").rename(root / "sources" / "b.md")
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    out = runner.invoke(app, ["check", "--lang", "ru"])
    assert out.exit_code == 1
    orphan = [ln for ln in out.output.splitlines() if ln.startswith("locales/ru/a.po:1: ")]
    assert len(orphan) == 1 and "stale: no source document" in orphan[0]
    assert "sources/a.md renamed or removed?" in orphan[0]
    assert "locales/de/a.po" not in out.output  # --lang ru
    (root / "locales" / "ru" / "a.po").unlink()
    (root / "locales" / "de" / "a.po").unlink()
    assert "no source document" not in runner.invoke(app, ["check"]).output


@pytest.mark.parametrize("edit", ['msgctxt "x"\nmsgid "Hello world."',
                                  'msgid "Hello world."\nmsgid_plural "Hello worlds."'])
def test_an_entry_given_a_context_or_plural_is_no_sentence_of_the_document(
        edit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tm merge` does not use such an entry, so `tm check` must not count it as the
    sentence's translation: the sentence is stale (missing) and the entry gone."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    po = root / "locales" / "ru" / "a.po"
    text = po.read_text("utf-8").replace('msgid "Title"\nmsgstr ""', 'msgid "Title"\nmsgstr "Т"')
    if "plural" in edit:
        text = text.replace('msgid "Hello world."\nmsgstr ""',
                            edit + '\nmsgstr[0] "П"\nmsgstr[1] "П"\nmsgstr[2] "П"')
    else:
        text = text.replace('msgid "Hello world."\nmsgstr ""', edit + '\nmsgstr "П"')
    po.write_text(text, "utf-8")
    out = runner.invoke(app, ["check", "--lang", "ru"]).output
    assert "sources/a.md:3: stale: sentence not in locales/ru/a.po" in out, out


def test_block_starts_count_only_where_a_block_can_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`1. ` or a fence in a heading's or a table cell's translation stays inline (no
    finding); the same at the start of a paragraph makes a list (a `block` finding)."""
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    (root / "sources" / "a.md").write_text(
        "# Title\n\nHello world.\n\n| Cell |\n|---|\n| Other |\n", "utf-8")
    assert runner.invoke(app, ["segment", "--no-memory"]).exit_code == 0
    po = root / "locales" / "ru" / "a.po"
    text = po.read_text("utf-8")
    for msgid, msgstr in (("Title", "1. Глава"), ("Cell", "``` ячейка"),
                          ("Other", "# Другая"), ("Hello world.", "1. Привет, мир.")):
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    po.write_text(text, "utf-8")
    out = runner.invoke(app, ["check", "--lang", "ru"]).output
    blocks = [ln for ln in out.splitlines() if ": block: " in ln]
    assert len(blocks) == 1 and "starts a list item" in blocks[0], out


def test_an_error_in_the_second_documents_table_names_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p")
    monkeypatch.chdir(root)
    toml = root / "tm.toml"
    toml.write_text(toml.read_text("utf-8") + '\n[[documents]]\nglob = "**/*.md"\n'
                    'language = "en"\n\n[[documents]]\nglob = 5\nlanguage = "en"\n'
                    '\n[[documents]]\nglob = "x/*.md"\n', "utf-8")
    lines = toml.read_text("utf-8").split("\n")
    error_line(runner.invoke(app, ["check"]), f"tm.toml:{lines.index('glob = 5') + 1}:",
               "documents.glob")
    toml.write_text(toml.read_text("utf-8").replace("glob = 5", 'glob = "b/*.md"'), "utf-8")
    error_line(runner.invoke(app, ["check"]), f"tm.toml:{len(lines) - 2}:",
               "needs `glob` and `language`")
