"""The command line: help with examples, one-line errors with exit 2, nothing half-written."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from tm.cli import app

from .conftest import LECTURE_DOC

runner = CliRunner()


def all_commands() -> list[list[str]]:
    root = get_command(app)
    out = []

    def walk(cmd: object, path: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        else:
            out.append(path)

    walk(root, [])
    return out


def test_core_commands_exist() -> None:
    names = {" ".join(c) for c in all_commands()}
    assert {"init", "segment", "merge"} <= names


def test_command_modules_import_only_the_common_one() -> None:
    """tm/cli/ has no cycle: a command module imports tm.cli.common and the library,
    never another command module (only tm/cli/__init__.py assembles them)."""
    import ast

    package = Path(__file__).parent.parent / "tm" / "cli"
    modules = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
    assert {p.stem for p in modules} >= {"common", "project", "check", "memory"}
    for p in modules:
        imported = set()
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "tm.cli":
                imported |= {f"tm.cli.{a.name}" for a in node.names}  # its submodules
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
        cli = {m for m in imported if m == "tm.cli" or m.startswith("tm.cli.")}
        assert cli <= ({"tm.cli.common"} if p.stem != "common" else set()), (p.name, cli)


def test_start_up_loads_no_library_module() -> None:
    """`tm --help` stays fast: the commands import the library when they run."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import sys, tm.cli; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True).stdout.split()
    loaded = {m for m in out if m.startswith("tm.") and not m.startswith("tm.cli")}
    assert loaded <= {"tm.errors", "tm.languages"}, loaded


def test_python_m_tm_is_the_command() -> None:
    """`python -m tm` runs the command line (a checkout on PYTHONPATH needs no install),
    with the console script's one-line usage errors."""
    import subprocess
    import sys

    from tm import __version__

    ok = subprocess.run([sys.executable, "-m", "tm", "--version"], capture_output=True,
                        text=True)
    assert ok.returncode == 0 and __version__ in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "tm", "no-such-command"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("tm: error:")


def test_the_command_ends_cleanly_without_the_interpreters_teardown(project: Path) -> None:
    """The installed command leaves by os._exit (tm.cli.common.leave): what it printed is
    all there, a closed stdout is no error, and the index's SQLite log is folded in."""
    import shutil
    import subprocess
    import sys

    (project / "memory").mkdir()
    shutil.copy(Path(__file__).parent / "data" / "memory_lecture.tmx", project / "memory")
    (project / "tm.toml").write_text(
        'languages = ["en", "ru"]\nmemory = ["memory/*.tmx"]\n'
        '[[documents]]\nglob = "**/*.md"\nlanguage = "en"\n', encoding="utf-8")
    tm = [sys.executable, "-m", "tm"]
    done = subprocess.run([*tm, "segment"], capture_output=True, text=True, cwd=project)
    assert done.returncode == 0 and "pre-filled ru" in done.stdout, done.stderr
    assert sorted(p.name for p in (project / ".tm").glob("index.sqlite*")) == ["index.sqlite"]
    tmx = project / "memory" / "memory_lecture.tmx"
    tmx.write_text(tmx.read_text("utf-8").replace("</body>", "<tu><tuv xml:lang=\"en\"><seg>"
                   "One more.</seg></tuv><tuv xml:lang=\"ru\"><seg>Ещё одно.</seg></tuv>"
                   "</tu></body>"), "utf-8")
    check = subprocess.run([*tm, "segment", "--check"], capture_output=True, text=True,
                           cwd=project)  # the index is synced in this process
    assert check.returncode in (0, 1), check.stderr
    assert sorted(p.name for p in (project / ".tm").glob("index.sqlite*")) == ["index.sqlite"]
    closed = subprocess.run(" ".join([*tm, "status"]) + " >&-", shell=True, cwd=project,
                            capture_output=True, text=True)
    assert closed.returncode == 0 and "Traceback" not in closed.stderr, closed.stderr
    status = subprocess.run([*tm, "status"], capture_output=True, text=True, cwd=project)
    assert status.returncode == 0 and LECTURE_DOC in status.stdout


@pytest.mark.parametrize("command", all_commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: tm " in result.output


def snapshot(root: Path) -> dict[str, str]:
    """Every file's hash but the SQLite index's (a cache in WAL mode: its bytes move from
    index.sqlite-wal into index.sqlite whenever SQLite checkpoints, e.g. when an earlier
    in-process run's connection is collected)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith("index.sqlite")}


def one_line_error(result, *parts: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("tm: error: ")
    for p in parts:
        assert p in lines[0]
    assert "Traceback" not in result.output


def test_segment_and_merge(project: Path) -> None:
    r = runner.invoke(app, ["segment"])
    assert r.exit_code == 0, r.output
    assert (project / "locales/ru" / f"{LECTURE_DOC}.po").is_file()
    assert (project / "locales/templates" / f"{LECTURE_DOC}.pot").is_file()
    r = runner.invoke(app, ["merge", "--lang", "ru"])
    assert r.exit_code == 0, r.output
    assert (project / "build/ru" / f"{LECTURE_DOC}.md").is_file()
    assert not (project / "build/de").exists()


def test_broken_catalog_is_one_line_error_and_nothing_changes(project: Path) -> None:
    runner.invoke(app, ["segment"])
    po = project / "locales/ru" / f"{LECTURE_DOC}.po"
    text = po.read_text("utf-8").splitlines()
    line = next(i for i, ln in enumerate(text) if ln.startswith("msgid") and i > 20)
    text[line] = text[line].rstrip('"')  # unterminated string
    po.write_text("\n".join(text) + "\n", "utf-8")
    src = project / "sources/lectures/weiss-2025-stalinist-war-on-trotskyists.md"
    src.write_text(src.read_text("utf-8") + "\nA new closing sentence.\n", "utf-8")
    before = snapshot(project)
    r = runner.invoke(app, ["segment"])
    one_line_error(r, f"{po.relative_to(project)}:{line + 1}:", "unterminated string")
    assert snapshot(project) == before
    r = runner.invoke(app, ["merge"])
    one_line_error(r, f":{line + 1}:")
    assert snapshot(project) == before


def test_source_in_wrong_encoding(project: Path) -> None:
    bad = project / "sources/lectures/cp1251.md"
    bad.write_bytes("# Заголовок\n\nТекст.\n".encode("cp1251"))
    before = snapshot(project)
    r = runner.invoke(app, ["segment"])
    one_line_error(r, "cp1251.md:1:", "not UTF-8")
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("config", "expect"),
    [
        ('languages = "ru"\n', "tm.toml:1: `languages` must be a list"),
        ('languages = ["en"]\ncolour = 1\n', "tm.toml:2: unknown key `colour`"),
        ('languages = ["en"\n', "tm.toml:"),
        ('[check]\nqa = "loud"\n', "tm.toml:2: `check.qa` must be one of"),
        ('[[documents]]\nglob = "*.md"\n', "needs `glob` and `language`"),
        ('languages = ["en", "ru", "de"]\n\n[check]\nqa = "error"\n'
         'min_translated = { ru = "100", de = 30 }\n',
         "tm.toml:5: `check.min_translated.ru` must be an integer or a number"),
        ('languages = ["en", "ru", "de"]\n[check.min_translated]\nru = 100\n'
         'de = 300\n', "tm.toml:4: `check.min_translated.de` must be a percentage"),
        ('languages = ["en", "ru"]\n[check]\nmin_translated = { ru = 100, fr = 10 }\n',
         "tm.toml:3: `check.min_translated.fr`: 'fr' is not in `languages`"),
        # merged documents written among the sources became sources: sources/ru/ru/...
        ('languages = ["en", "ru"]\noutput = "sources"\n',
         'tm.toml:2: `output` and `sources` overlap (output = "sources", sources = '
         '"sources") (keep output apart from the source documents, e.g. output = "build")'),
        ('languages = ["en", "ru"]\nlocales = "sources/po"\n',
         "tm.toml:2: `locales` and `sources` overlap"),
        ('languages = ["en", "ru"]\noutput = "."\n', "tm.toml:2: `output` and `sources` overlap"),
        ('languages = ["en", "ru"]\noutput = "locales"\n',
         "tm.toml:2: `locales` and `output` name one folder"),
    ],
)
def test_bad_config(project: Path, config: str, expect: str) -> None:
    (project / "tm.toml").write_text(config, "utf-8")
    r = runner.invoke(app, ["segment"])
    one_line_error(r, expect)


def test_config_in_pyproject(project: Path) -> None:
    (project / "tm.toml").unlink()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.tm]\nlanguages = ["en", "ru"]\n', "utf-8")
    r = runner.invoke(app, ["segment"])
    assert r.exit_code == 0, r.output
    assert (project / "locales/ru").is_dir() and not (project / "locales/de").exists()


def test_no_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    one_line_error(runner.invoke(app, ["segment"]), "no tm project here", "tm init")


def test_init_then_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["init"])
    assert r.exit_code == 0, r.output
    (tmp_path / "sources" / "note.md").write_text("# Note\n\nRGASPI, f. 17, op. 3.\n", "utf-8")
    r = runner.invoke(app, ["segment", "--no-memory"])
    assert r.exit_code == 0, r.output
    assert "RGASPI, f. 17, op. 3." in (tmp_path / "locales/ru/note.po").read_text("utf-8")
    one_line_error(runner.invoke(app, ["init"]), "tm.toml exists already")


def test_unknown_document_and_language(project: Path) -> None:
    one_line_error(runner.invoke(app, ["segment", "nope.md"]), "nope.md:1:", "no such source")
    runner.invoke(app, ["segment"])
    one_line_error(runner.invoke(app, ["merge", "--lang", "fr"]), "language 'fr'")


def test_a_full_disk_is_one_line_naming_the_file_and_nothing_is_lost(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while tm writes a catalog: one line naming the file and what to
    do, exit 2, no traceback, every file as it was and no temporary file left."""
    import errno
    import os

    assert runner.invoke(app, ["segment", "-q", "--no-memory"]).exit_code == 0
    doc = project / "sources" / f"{LECTURE_DOC}.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Trotsky", "Trotskii", 1),
                   encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*") if p.is_file()}

    def full(fd: int, mode: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fchmod", full)
    result = runner.invoke(app, ["segment", "-q", "--no-memory"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert "Traceback" not in result.output
    assert lines[0].startswith("tm: error: ") and "locales" in lines[0]
    assert ":1: no space left on device (free some disk space" in lines[0]
    after = {p: p.read_bytes() for p in (project / "locales").rglob("*") if p.is_file()}
    assert after == before


def test_a_catalog_that_cannot_be_written_leaves_its_template_as_it_was(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalogs are written before the templates: a catalog that fails (here the disk
    fills up on it) stops the run with template and catalogs those of the last run."""
    import errno

    import tm.project

    assert runner.invoke(app, ["segment", "-q", "--no-memory"]).exit_code == 0
    doc = project / "sources" / f"{LECTURE_DOC}.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Trotsky", "Trotskii", 1),
                   encoding="utf-8")
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*") if p.is_file()}
    write = tm.project.atomic_write_bytes

    def full_on_catalogs(path: Path, data: bytes, expect: object = None) -> bool:
        if path.suffix == ".po":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write(path, data, expect)  # type: ignore[arg-type]

    monkeypatch.setattr(tm.project, "atomic_write_bytes", full_on_catalogs)
    result = runner.invoke(app, ["segment", "-q", "--no-memory"])
    assert result.exit_code == 2 and "no space left" in result.output
    after = {p: p.read_bytes() for p in (project / "locales").rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("command", [["merge"], ["status"], ["check"]])
def test_a_folder_where_a_catalog_belongs_is_an_error(project: Path, command: list[str]) -> None:
    """merge wrote such a document untranslated and status counted it so, both exit 0."""
    assert runner.invoke(app, ["segment", "-q", "--no-memory"]).exit_code == 0
    po = project / "locales" / "de" / f"{LECTURE_DOC}.po"
    po.unlink()
    po.mkdir()
    one_line_error(runner.invoke(app, command), f"locales/de/{LECTURE_DOC}.po:1:",
                   "is a folder, not a catalog")


def test_names_the_terminal_cannot_encode_are_escaped_not_a_traceback(
        project: Path) -> None:
    """A document named in Chinese, run where the output is Latin-1 or ASCII (LC_ALL=C,
    PYTHONIOENCODING): its summary line escapes the name (found by a hostile review)."""
    import os
    import subprocess
    import sys

    src = project / "sources" / "lectures" / "weiss-2025-stalinist-war-on-trotskyists.md"
    src.rename(src.with_name("文档.md"))
    env = {**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([sys.executable, "-m", "tm", "segment", "--no-memory"],
                          capture_output=True, cwd=project, env=env)
    out = done.stdout.decode("latin-1") + done.stderr.decode("latin-1")
    assert done.returncode == 0 and "Traceback" not in out, out
    assert "\\u6587\\u6863" in out
